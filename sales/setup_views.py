"""Pages for the sales app's master data: product groups and sales teams (the
manager's forms with each record's history) and the commission rules (a list
that is its own history: a change is a new rule from a later month)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

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


def _form_page(
    request,
    form_class,
    *,
    save,
    saved: str,
    title: str,
    back: str,
    back_label: str,
    initial: dict | None = None,
    history=None,
    may_change: bool = True,
):
    """A record's form: shown, or saved through its service (a refusal is a
    form error, 400); read only without the permission to change it."""
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST":
        done = save_through_service(request, form, save, saved, back)
        if done:
            return done
    context = {
        "form": form,
        "title": title,
        "back": back,
        "back_label": back_label,
        "history": history,
        "read_only": not may_change,
    }
    return render(request, "master_form.html", context, status=400 if form.errors else 200)


# --- Product groups ---------------------------------------------------------------
@role_required("sales.view_productgroup")
def group_list(request):
    groups = ProductGroup.objects.annotate(product_count=Count("members")).order_by("code")
    context = {"groups": groups, "can_add": request.user.has_perm("sales.add_productgroup")}
    return render(request, "sales/group_list.html", context)


def _group_page(request, **kwargs):
    return _form_page(
        request,
        ProductGroupForm,
        saved=_("Product group %(record)s saved."),
        back="sales:group_list",
        back_label=_("Product groups"),
        **kwargs,
    )


@role_required("sales.view_productgroup", "sales.add_productgroup")
def group_new(request):
    return _group_page(
        request,
        save=lambda **data: product_group_create(user=request.user, **data),
        title=_("New product group"),
    )


@role_required("sales.view_productgroup")
def group_edit(request, pk: int):
    group = get_object_or_404(ProductGroup, pk=pk)
    return _group_page(
        request,
        save=lambda **data: product_group_update(user=request.user, group=group, **data),
        title=str(group),
        initial={
            "code": group.code,
            "name": group.name,
            "unit": group.unit,
            "products": list(group.members.values_list("product_id", flat=True)),
        },
        history=history_rows(model=ProductGroup, record_type="product_group", record_id=group.pk),
        may_change=request.user.has_perm("sales.change_productgroup"),
    )


# --- Sales teams ------------------------------------------------------------------
@role_required("sales.view_salesteam")
def team_list(request):
    teams = SalesTeam.objects.prefetch_related("members").order_by("name")
    context = {"teams": teams, "can_add": request.user.has_perm("sales.add_salesteam")}
    return render(request, "sales/team_list.html", context)


def _team_page(request, **kwargs):
    return _form_page(
        request,
        SalesTeamForm,
        saved=_("Sales team %(record)s saved."),
        back="sales:team_list",
        back_label=_("Teams"),
        **kwargs,
    )


@role_required("sales.view_salesteam", "sales.add_salesteam")
def team_new(request):
    return _team_page(
        request,
        save=lambda **data: sales_team_create(user=request.user, **data),
        title=_("New sales team"),
    )


@role_required("sales.view_salesteam")
def team_edit(request, pk: int):
    team = get_object_or_404(SalesTeam, pk=pk)
    return _team_page(
        request,
        save=lambda **data: sales_team_update(user=request.user, team=team, **data),
        title=str(team),
        initial={"name": team.name, "members": list(team.members.values_list("pk", flat=True))},
        history=history_rows(model=SalesTeam, record_type="sales_team", record_id=team.pk),
        may_change=request.user.has_perm("sales.change_salesteam"),
    )


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
