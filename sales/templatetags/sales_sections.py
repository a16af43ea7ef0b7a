"""The sales app's sections on the pages of the apps below it: the month's
target progress on the manager's dashboard (reports may not import sales)."""

from django import template

from sales.selectors.progress import target_progress
from salesadmin.clock import company_today, month_end

register = template.Library()


@register.inclusion_tag("sales/_progress_card.html", takes_context=True)
def target_progress_card(context):
    """This month against target, everyone's (a fixed number of queries)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("sales.view_target_progress"):
        return {"p": None}
    today = company_today()
    # Totals only: the product groups are on the progress and meeting pages.
    return {"p": target_progress(today.replace(day=1), month_end(today), today=today, groups=False)}
