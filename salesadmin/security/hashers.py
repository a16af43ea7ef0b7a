"""The password hash, chosen for a shift change on a small server.

Django's default, PBKDF2-SHA256 at 1,000,000 iterations, spends ~0.6 s of a
core per login on the 2-core machine this runs on, so fifty people logging in
at 7 a.m. queue every other request behind them for half a minute. Argon2id at
OWASP's first recommended setting (19 MiB of memory, 2 passes, 1 lane) costs
~55 ms there and is memory-hard, which makes a stolen hash dearer to guess
on GPUs than PBKDF2 is at any iteration count we could afford.

The settings come from the environment (PASSWORD_ARGON2_MEMORY_KIB,
PASSWORD_ARGON2_TIME_COST) so a bigger server can raise them. Stored hashes
follow by themselves: Django re-hashes a password at its next successful login
when the hash's algorithm or parameters differ from the first hasher's
(PBKDF2 hashes of older installs verify through the hashers listed after it).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class CompanyArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the cost in settings; the algorithm name stays 'argon2', so
    the stored hashes are standard Django Argon2 hashes."""

    @property
    def memory_cost(self) -> int:  # KiB
        return settings.PASSWORD_ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:
        return settings.PASSWORD_ARGON2_TIME_COST

    parallelism = 1
