"""The role catalogue (salesadmin/roles.py) against the database."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.apps.config import MODELS_MODULE_NAME
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.utils.module_loading import module_has_submodule

from salesadmin.roles import ROLE_PERMISSIONS, Role, role_group_name, sync_roles, user_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_CATALOGUE_PERMISSIONS = sorted({p for perms in ROLE_PERMISSIONS.values() for p in perms})


def _perm_exists(dotted: str) -> bool:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


@pytest.mark.parametrize("dotted", ALL_CATALOGUE_PERMISSIONS)
def test_every_catalogue_permission_exists(dotted):
    # sync_roles silently skips an unknown permission, so a typo in the
    # catalogue would quietly take a right away from a role.
    assert _perm_exists(dotted), f"{dotted} is in ROLE_PERMISSIONS but not in the database"


def test_catalogue_names_every_role():
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_group_exists_with_exactly_its_permissions(role):
    group = Group.objects.get(name=role_group_name(role))

    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    assert granted == set(ROLE_PERMISSIONS[role])


def test_group_names_are_the_documented_ones():
    assert {role_group_name(r) for r in Role} == {
        "sales_clerk",
        "finance",
        "warehouse_keeper",
        "gate_guard",
        "manager",
        "quality_inspector",
    }


def test_user_with_two_roles_gets_the_union_of_permissions():
    user = UserFactory(roles=[Role.SALES_CLERK, Role.WAREHOUSE_KEEPER])

    expected = set(ROLE_PERMISSIONS[Role.SALES_CLERK]) | set(
        ROLE_PERMISSIONS[Role.WAREHOUSE_KEEPER]
    )
    assert user.get_all_permissions() == expected
    # One right from each role, and one neither role has.
    assert user.has_perm("customers.add_customer")
    assert user.has_perm("inventory.record_production_receipt")
    assert not user.has_perm("customers.change_credit_terms")
    assert user_roles(user) == [Role.SALES_CLERK, Role.WAREHOUSE_KEEPER]


def test_a_single_role_does_not_leak_another_roles_permissions(clerk, keeper):
    assert not clerk.has_perm("inventory.record_production_receipt")
    assert not keeper.has_perm("customers.add_customer")


def test_gate_guard_sees_no_customers_or_prices(guard):
    # DESIGN.md: the guard sees the vehicle and goods, never customer or price.
    assert not guard.has_perm("customers.view_customer")
    assert not guard.has_perm("customers.view_customerprice")
    assert not guard.has_perm("orders.view_pricelist")


def test_only_the_manager_changes_credit_and_adjusts_stock(clerk, finance, keeper, guard, manager):
    for perm in (
        "customers.change_credit_terms",
        "customers.set_credit_hold",
        "inventory.adjust_stock",
    ):
        assert manager.has_perm(perm)
        for other in (clerk, finance, keeper, guard):
            assert not other.has_perm(perm), f"{other.username} should not have {perm}"


def test_personas_hold_exactly_their_role(clerk, finance, keeper, guard, manager):
    assert user_roles(clerk) == [Role.SALES_CLERK]
    assert user_roles(finance) == [Role.FINANCE]
    assert user_roles(keeper) == [Role.WAREHOUSE_KEEPER]
    assert user_roles(guard) == [Role.GATE_GUARD]
    assert user_roles(manager) == [Role.MANAGER]


def test_sync_roles_restores_a_tampered_group():
    # Given a manager group that lost a permission and gained a foreign one
    group = Group.objects.get(name=role_group_name(Role.MANAGER))
    group.permissions.remove(Permission.objects.get(codename="adjust_stock"))
    group.permissions.add(Permission.objects.get(codename="delete_customer"))

    # When the catalogue is synced again
    sync_roles()

    # Then the group holds exactly the catalogue again
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "adjust_stock" in codenames
    assert "delete_customer" not in codenames


def _models_module_as_django_setup_leaves_it(config):
    # AppConfig.import_models: an app without a models submodule keeps None.
    if module_has_submodule(config.module, MODELS_MODULE_NAME):
        return import_module(f"{config.name}.{MODELS_MODULE_NAME}")
    return None


def test_post_migrate_recreates_deleted_groups(monkeypatch):
    # Given the app registry as a fresh process has it (sync_roles(), called by
    # other tests, marks every live app as having models), and no groups left,
    # as after the test runner's flush or `manage.py flush`
    config = django_apps.get_app_config("salesadmin")
    monkeypatch.setattr(config, "models_module", _models_module_as_django_setup_leaves_it(config))
    Group.objects.all().delete()

    # When post_migrate is sent, as flush and migrate do
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    # Then the role groups are back with their permissions
    assert set(Group.objects.values_list("name", flat=True)) >= {str(r) for r in Role}
    manager_group = Group.objects.get(name=role_group_name(Role.MANAGER))
    assert manager_group.permissions.filter(codename="change_credit_terms").exists()


def test_client_for_logs_the_user_in(client_for, keeper):
    client = client_for(keeper)

    assert client.session["_auth_user_id"] == str(keeper.pk)
