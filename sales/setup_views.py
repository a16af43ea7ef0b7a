"""Pages for the sales app's master data: product groups and sales teams (the
manager's forms with each record's history) and the commission rules (a list
that is its own history: a change is a new rule from a later month)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sales.forms import CommissionRuleForm, ProductGroupForm, SalesTeamForm
from sales.models import CommissionRule, ProductGroup, SalesTeam
from sales.services.commission import commission_rule_set
from sales.services.setup import (
    product_group_create,
    product_group_update,
    sales_team_create,
    sales_team_update,
)
from salesadmin.forms import save_through_service
from salesadmin.history import history_rows
from salesadmin.page_access import role_required


@dataclass(frozen=True)
class _FormPages:
    """What a record's list, new and edit pages share."""

    form: type
    record_type: str  # the master-data history's name for the record
    change_perm: str
    saved: object  # a lazy translation with %(record)s
    back: str  # the list the pages lead back to
    back_label: object
    create: Callable
    update: Callable
    record_arg: str  # the keyword ``update`` takes the record as
    initial: Callable  # the edit form's initial data from the record


def _form_page(
    request,
    pages: _FormPages,
    *,
    save,
    title: str,
    initial: dict | None = None,
    history=None,
    may_change: bool = True,
):
    """A record's form: shown, or saved through its service (a refusal is a
    form error, 400); read only without the permission to change it."""
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = pages.form(request.POST or None, initial=initial)
    if request.method == "POST":
        done = save_through_service(request, form, save, str(pages.saved), pages.back)
        if done:
            return done
    context = {
        "form": form,
        "title": title,
        "back": pages.back,
        "back_label": str(pages.back_label),
        "history": history,
        "read_only": not may_change,
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


def _new_page(request, pages: _FormPages, title: str):
    return _form_page(
        request, pages, save=lambda **data: pages.create(user=request.user, **data), title=title
    )


def _edit_page(request, pages: _FormPages, record):
    return _form_page(
        request,
        pages,
        save=lambda **data: pages.update(user=request.user, **{pages.record_arg: record}, **data),
        title=str(record),
        initial=pages.initial(record),
        history=history_rows(
            model=type(record), record_type=pages.record_type, record_id=record.pk
        ),
        may_change=request.user.has_perm(pages.change_perm),
    )


def _list_page(request, template: str, name: str, records, add_perm: str):
    context = {name: records, "can_add": request.user.has_perm(add_perm)}
    return render(request, template, context)


# --- Product groups ---------------------------------------------------------------
GROUP_PAGES = _FormPages(
    form=ProductGroupForm,
    record_type="product_group",
    change_perm="sales.change_productgroup",
    saved=gettext_lazy("Product group %(record)s saved."),
    back="sales:group_list",
    back_label=gettext_lazy("Product groups"),
    create=product_group_create,
    update=product_group_update,
    record_arg="group",
    initial=lambda group: {
        "code": group.code,
        "name": group.name,
        "unit": group.unit,
        "products": list(group.members.values_list("product_id", flat=True)),
    },
)


@role_required("sales.view_productgroup")
def group_list(request):
    groups = ProductGroup.objects.annotate(product_count=Count("members")).order_by("code")
    return _list_page(request, "sales/group_list.html", "groups", groups, "sales.add_productgroup")


@role_required("sales.view_productgroup", "sales.add_productgroup")
def group_new(request):
    return _new_page(request, GROUP_PAGES, _("New product group"))


@role_required("sales.view_productgroup")
def group_edit(request, pk: int):
    return _edit_page(request, GROUP_PAGES, get_object_or_404(ProductGroup, pk=pk))


# --- Sales teams ------------------------------------------------------------------
TEAM_PAGES = _FormPages(
    form=SalesTeamForm,
    record_type="sales_team",
    change_perm="sales.change_salesteam",
    saved=gettext_lazy("Sales team %(record)s saved."),
    back="sales:team_list",
    back_label=gettext_lazy("Teams"),
    create=sales_team_create,
    update=sales_team_update,
    record_arg="team",
    initial=lambda team: {
        "name": team.name,
        "members": list(team.members.values_list("pk", flat=True)),
    },
)


@role_required("sales.view_salesteam")
def team_list(request):
    teams = SalesTeam.objects.prefetch_related("members").order_by("name")
    return _list_page(request, "sales/team_list.html", "teams", teams, "sales.add_salesteam")


@role_required("sales.view_salesteam", "sales.add_salesteam")
def team_new(request):
    return _new_page(request, TEAM_PAGES, _("New sales team"))


@role_required("sales.view_salesteam")
def team_edit(request, pk: int):
    return _edit_page(request, TEAM_PAGES, get_object_or_404(SalesTeam, pk=pk))


# --- Commission rules -------------------------------------------------------------
@role_required("sales.view_commissionrule")
def rule_list(request):
    """Every rule, newest month first: the list is the rules' history, since a
    change is a new rule from a later month and the old one keeps its months."""
    can_add = request.user.has_perm("sales.add_commissionrule")
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = CommissionRuleForm(request.POST or None) if can_add else None
    if request.method == "POST":
        done = save_through_service(
            request,
            form,
            lambda **data: commission_rule_set(user=request.user, **data),
            _("Commission rule saved."),
            "sales:rule_list",
        )
        if done:
            return done
    rules = CommissionRule.objects.select_related("salesperson", "team", "created_by")
    context = {"rules": rules[:500], "form": form}
    return render(
        request, "sales/rule_list.html", context, status=400 if form and form.errors else 200
    )


urlpatterns = [
    path("product-groups/", group_list, name="group_list"),
    path("product-groups/new/", group_new, name="group_new"),
    path("product-groups/<int:pk>/", group_edit, name="group_edit"),
    path("teams/", team_list, name="team_list"),
    path("teams/new/", team_new, name="team_new"),
    path("teams/<int:pk>/", team_edit, name="team_edit"),
    path("commission-rules/", rule_list, name="rule_list"),
]
