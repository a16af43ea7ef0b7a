"""The sales app's own master data, kept in the browser by the managers who
own it: product groups (what the monthly meeting reviews together) and sales
teams (who shares a commission rule). Every change is kept in the master-data
history (who, when, old → new), members included."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sales.models import ProductGroup, ProductGroupMember, SalesTargetLine, SalesTeam
from salesadmin.db import locked
from salesadmin.errors import ApplicationError, full_clean_or_refuse
from salesadmin.history import history_record, snapshot

GROUP_FIELDS = ("code", "name", "unit", "products")
TEAM_FIELDS = ("name", "members")


def _set_products(group: ProductGroup, products) -> None:
    """A product counts in one group only, so the groups' figures add up:
    one already in another group is refused, naming it."""
    wanted = {p.pk for p in products}
    taken = (
        ProductGroupMember.objects.filter(product_id__in=wanted)
        .exclude(group=group)
        .select_related("product", "group")
        .order_by("product__sku")
        .first()
    )
    if taken is not None:
        raise ApplicationError(
            _("%(product)s already counts in the product group %(group)s.")
            % {"product": taken.product, "group": taken.group},
            code="product_in_other_group",
            extra={"field": "products"},
        )
    group.members.exclude(product_id__in=wanted).delete()
    have = set(group.members.values_list("product_id", flat=True))
    ProductGroupMember.objects.bulk_create(
        ProductGroupMember(group=group, product_id=pk) for pk in sorted(wanted - have)
    )


def _save_group(*, user, group: ProductGroup, code, name, unit, products) -> ProductGroup:
    before = snapshot(group, GROUP_FIELDS)
    group.code, group.name, group.unit = code, name, unit or ""
    full_clean_or_refuse(group)
    group.save()
    _set_products(group, products)
    history_record(instance=group, record_type="product_group", before=before, user=user)
    return group


@transaction.atomic
def product_group_create(*, user, code: str, name: str, unit: str = "", products=()):
    if not user.has_perm("sales.add_productgroup"):
        raise PermissionDenied
    return _save_group(
        user=user, group=ProductGroup(), code=code, name=name, unit=unit, products=products
    )


@transaction.atomic
def product_group_update(
    *, user, group: ProductGroup, code: str, name: str, unit: str = "", products=()
) -> ProductGroup:
    """Change a group. Its unit stays while targets set quantities in it: those
    quantities were counted in that unit."""
    if not user.has_perm("sales.change_productgroup"):
        raise PermissionDenied
    group = locked(ProductGroup.objects).get(pk=group.pk)
    if (unit or "") != group.unit and _quantities_in(group):
        raise ApplicationError(
            _("The unit cannot change: targets set quantities in it."),
            code="unit_in_use",
            extra={"field": "unit"},
        )
    return _save_group(user=user, group=group, code=code, name=name, unit=unit, products=products)


def _quantities_in(group: ProductGroup) -> bool:
    return SalesTargetLine.objects.filter(product_group=group, quantity__isnull=False).exists()


def _save_team(*, user, team: SalesTeam, name: str, members) -> SalesTeam:
    before = snapshot(team, TEAM_FIELDS)
    team.name = name
    full_clean_or_refuse(team)
    team.save()
    team.members.set(members)
    history_record(instance=team, record_type="sales_team", before=before, user=user)
    return team


@transaction.atomic
def sales_team_create(*, user, name: str, members=()) -> SalesTeam:
    if not user.has_perm("sales.add_salesteam"):
        raise PermissionDenied
    return _save_team(user=user, team=SalesTeam(), name=name, members=members)


@transaction.atomic
def sales_team_update(*, user, team: SalesTeam, name: str, members=()) -> SalesTeam:
    """Rename a team or change who is in it. A member's closed months keep what
    they stored; open months follow the team's rule for whoever is in it."""
    if not user.has_perm("sales.change_salesteam"):
        raise PermissionDenied
    team = locked(SalesTeam.objects).get(pk=team.pk)
    return _save_team(user=user, team=team, name=name, members=members)
