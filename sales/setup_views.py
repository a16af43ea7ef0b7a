"""Pages for the sales app's master data: product groups and sales teams (the
manager's forms with each record's history) and the commission rules (a list
that is its own history: a change is a new rule from a later month)."""

from __future__ import annotations

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
from salesadmin.forms import FormPages, form_status, save_through_service
from salesadmin.page_access import role_required


def _list_page(request, template: str, name: str, records, add_perm: str):
    context = {name: records, "can_add": request.user.has_perm(add_perm)}
    return render(request, template, context)


# --- Product groups ---------------------------------------------------------------
GROUP_PAGES = FormPages(
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
    return GROUP_PAGES.new_page(request, title=_("New product group"))


@role_required("sales.view_productgroup")
def group_edit(request, pk: int):
    return GROUP_PAGES.edit_page(request, get_object_or_404(ProductGroup, pk=pk))


# --- Sales teams ------------------------------------------------------------------
TEAM_PAGES = FormPages(
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
    return TEAM_PAGES.new_page(request, title=_("New sales team"))


@role_required("sales.view_salesteam")
def team_edit(request, pk: int):
    return TEAM_PAGES.edit_page(request, get_object_or_404(SalesTeam, pk=pk))


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
    return render(request, "sales/rule_list.html", context, status=form_status(form))


urlpatterns = [
    path("product-groups/", group_list, name="group_list"),
    path("product-groups/new/", group_new, name="group_new"),
    path("product-groups/<int:pk>/", group_edit, name="group_edit"),
    path("teams/", team_list, name="team_list"),
    path("teams/new/", team_new, name="team_new"),
    path("teams/<int:pk>/", team_edit, name="team_edit"),
    path("commission-rules/", rule_list, name="rule_list"),
]
