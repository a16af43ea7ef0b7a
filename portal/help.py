"""Each role's daily steps, for the help page and the first-login hint."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.models import HintDismissal
from salesadmin.roles import Role, user_roles

STEPS = {
    Role.SALES_CLERK: (
        _("Enter the customer's order: Sales → Orders → New order; submit it."),
        _(
            "An order at list prices within credit is approved at once; "
            "otherwise a manager decides."
        ),
        _("From an approved order, issue a delivery note: it is valid only today."),
        _("Follow up: expired notes to reissue, payments still due, returns to file."),
    ),
    Role.FINANCE: (
        _("Record payments as they reach the bank: Finance → Payments."),
        _("Stamp the delivery notes that are covered; ask a manager about the others."),
        _("Restamp notes waiting for a top-up after dispatch."),
        _("Month start: invoices and statements; watch aging and reminders."),
    ),
    Role.WAREHOUSE_KEEPER: (
        _("Record production receipts as finished goods come in."),
        _("Load trucks against stamped notes: pick batches, weigh bulk goods, dispatch."),
        _("Receive approved returns into saleable or held stock."),
        _("Watch stock below safety stock on your home page."),
    ),
    Role.GATE_GUARD: (
        _("Scan the exit pass QR code, or type its short code."),
        _("PASS: check the vehicle and goods, record the plate, let it out."),
        _("STOP: keep the truck and tell the warehouse or finance the reason shown."),
    ),
    Role.MANAGER: (
        _("Approve or reject the orders, prices and returns waiting for you on your home page."),
        _("Override a stamp only with a written reason."),
        _("Keep master data: products, warehouses, price lists, agreed prices."),
        _("Review the dashboard, aging and the audit trail."),
    ),
    Role.QUALITY_INSPECTOR: (
        _("Open the returns waiting for inspection on your home page."),
        _("Inspect the goods and record the report: passed or failed, with findings."),
    ),
}
SCREENSHOTS = {
    Role.SALES_CLERK: "help/clerk.png",
    Role.FINANCE: "help/finance.png",
    Role.WAREHOUSE_KEEPER: "help/keeper.png",
    Role.GATE_GUARD: "help/guard.png",
    Role.MANAGER: "help/manager.png",
    Role.QUALITY_INSPECTOR: "help/inspector.png",
}


def help_sections(user, *, only_roles=None) -> list[dict]:
    roles = only_roles if only_roles is not None else user_roles(user)
    return [
        {
            "role": role,
            "title": Role(role).label,
            "steps": STEPS[role],
            "screenshot": SCREENSHOTS[role].replace(".png", f".{_language()}.png"),
        }
        for role in roles
    ]


def hints_for(user) -> list[dict]:
    """The first-login hints the user has not closed yet, one per role."""
    closed = set(HintDismissal.objects.filter(user=user).values_list("role", flat=True))
    return help_sections(user, only_roles=[r for r in user_roles(user) if r not in closed])


def hint_dismiss(*, user, role: str) -> None:
    if role not in user_roles(user):
        return
    HintDismissal.objects.get_or_create(user=user, role=role)


def _language() -> str:
    """The screenshots exist in both languages: zh for Chinese, en otherwise."""
    from django.utils.translation import get_language

    return "zh" if (get_language() or "").startswith("zh") else "en"
