"""Passwords are hashed with Argon2id at the configured cost, and an older
PBKDF2 hash is verified and upgraded at the next successful login, so a
company moving from an earlier install keeps its passwords."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.test import Client, override_settings

from salesadmin.security.hashers import CompanyArgon2PasswordHasher

PRODUCTION_HASHERS = [
    "salesadmin.security.hashers.CompanyArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@override_settings(
    PASSWORD_HASHERS=PRODUCTION_HASHERS,
    PASSWORD_ARGON2_MEMORY_KIB=8192,
    PASSWORD_ARGON2_TIME_COST=3,
)
def test_new_passwords_are_argon2id_at_the_configured_cost():
    encoded = make_password("a long enough secret")

    assert encoded.startswith("argon2$argon2id$v=19$m=8192,t=3,p=1$")
    assert check_password("a long enough secret", encoded)
    assert not check_password("a wrong secret", encoded)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_a_cheaper_or_older_argon2_hash_is_due_for_an_upgrade():
    hasher = CompanyArgon2PasswordHasher()
    with override_settings(PASSWORD_ARGON2_MEMORY_KIB=8192):
        weaker = hasher.encode("secret words", hasher.salt())

    assert hasher.must_update(weaker)
    assert not hasher.must_update(hasher.encode("secret words", hasher.salt()))


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS, AXES_ENABLED=False)
def test_an_older_pbkdf2_hash_is_upgraded_at_the_next_login(clerk):
    # Given a password stored by an earlier install (PBKDF2)
    clerk.password = PBKDF2PasswordHasher().encode("old install pw", "somesalt", iterations=1000)
    clerk.save(update_fields=["password"])

    # When the clerk logs in with it
    response = Client().post(
        "/accounts/login/", {"username": clerk.username, "password": "old install pw"}
    )

    # Then the login works and the stored hash is now Argon2id
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.password.startswith("argon2$argon2id$")
    assert clerk.check_password("old install pw")
