"""The audit trail managers read: every document transition (TransitionLog)
and every master-data change (MasterDataChange) in one stream, newest first,
filtered by document, person, date and action.

Both logs are append-only; here they are only read. One UNION query serves a
page (and one counts it), the people on the page come in one more query, so
the page costs the same whatever the size of the logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Q, Value
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from contracts import enums as contract_enums
from finance import enums as finance_enums
from orders import enums as order_enums
from outbound import enums as outbound_enums
from returns import enums as return_enums
from sales import enums as sales_enums
from salesadmin.clock import company_day_bounds
from salesadmin.models import MasterDataChange, TransitionLog

CHANGE = "change"

# Document and record types as people call them; the page and the export
# never show the code names.
DOCUMENT_TYPES = {
    "sales_order": _("Sales order"),
    "delivery_note": _("Delivery note"),
    "invoice": _("Invoice"),
    "credit_note": _("Credit note"),
    "return_application": _("Return application"),
    "allowance": _("Allowance"),
    "quotation": _("Quotation"),
    "sales_target": _("Sales target"),
    "commission_month": _("Commission month"),
    "product": _("Product"),
    "warehouse": _("Warehouse"),
    "location": _("Storage location"),
    "price_list": _("Price list"),
    "price_list_item": _("Price list item"),
    "customer_price": _("Agreed price"),
    "sample_application": _("Sample application"),
    "non_sale_request": _("Non-sale outbound"),
    "production_task": _("Production task"),
    "preparation_slip": _("Stock preparation slip"),
    "requirement_review": _("Product requirement review"),
}
DETAIL_URLS = {
    "sales_order": "orders:order_detail",
    "delivery_note": "orders:note_detail",
    "invoice": "finance:invoice_detail",
    "credit_note": "finance:credit_note_detail",
    "return_application": "returns:return_detail",
    "allowance": "returns:allowance_detail",
    "quotation": "sales:quotation_detail",
    "sales_target": "sales:target_detail",
    "product": "inventory:product_edit",
    "warehouse": "inventory:warehouse_edit",
    "location": "inventory:location_edit",
    "price_list": "orders:price_list_detail",
    "customer_price": "orders:customer_price_detail",
    "sample_application": "outbound:sample_detail",
    "non_sale_request": "outbound:request_detail",
    "production_task": "contracts:task_detail",
    "requirement_review": "contracts:review_detail",
}
ACTIONS = {
    CHANGE: _("Master data changed"),
    "submit": _("Submitted"),
    "approve": _("Approved"),
    "approve_automatically": _("Approved at submit"),
    "reject": _("Rejected"),
    "revise": _("Taken back to draft"),
    "cancel": _("Cancelled"),
    "stamp": _("Stamped by finance"),
    "stamp_override": _("Stamped by a manager's override"),
    "restamp": _("Restamped"),
    "restamp_override": _("Restamped by a manager's override"),
    "dispatch": _("Dispatched"),
    "dispatch_over_coverage": _("Dispatched above the covered value"),
    "exit": _("Left through the gate"),
    "expire": _("Expired"),
    "deliver_partly": _("Partly delivered"),
    "complete": _("Completed"),
    "send": _("Sent"),
    "accept": _("Accepted"),
    "decline": _("Declined"),
    "lapse": _("Lapsed"),
    "supersede": _("Superseded"),
    "inspect": _("Inspected"),
    "receive": _("Received"),
    "forward": _("Forwarded to the next level"),
    "close": _("Closed"),
    "issue": _("Issued"),
    "edit": _("Edited"),
    "void": _("Voided"),
    "official_number": _("Official number recorded"),
    "ask_override": _("Override asked of the managers"),
    "review_approve": _("Contract review: approved"),
    "review_forward": _("Contract review: forwarded"),
    "review_reject": _("Contract review: rejected"),
    "create": _("Created"),
    "update": _("Changed"),
    "open": _("Opened"),
    "opinion": _("Department opinion recorded"),
    "confirm": _("Confirmed to the customer"),
    "accountant_check": _("Checked by the accountant"),
    "endorse": _("Manager's opinion given"),
    "issue_slip": _("Outbound slip issued"),
    "release": _("Released to the warehouse"),
    "record_outcome": _("Outcome recorded"),
}


# Comments the system writes in English on its own transitions, as people read them.
SYSTEM_COMMENTS = {
    "auto: validity ended": _("Automatically: the quotation's validity ended"),
    "auto: prices and credit within rules": _("Automatically: prices and credit within the rules"),
}


def _state_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    modules = (order_enums, return_enums, sales_enums, finance_enums)
    for module in (*modules, contract_enums, outbound_enums):
        for name in dir(module):
            choices = getattr(module, name)
            if name.endswith("Status") and hasattr(choices, "choices"):
                for value, label in choices.choices:
                    labels.setdefault(value, label)
    return labels


STATE_LABELS = _state_labels()


@dataclass(frozen=True)
class AuditFilter:
    document: str = ""  # part of a document number or record name
    doc_type: str = ""
    user: str = ""  # part of a login or a name
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""


def _bounds(flt: AuditFilter):
    """Company days, start of the first to end of the last."""
    start = company_day_bounds(flt.date_from)[0] if flt.date_from else None
    end = company_day_bounds(flt.date_to)[1] if flt.date_to else None
    return start, end


def _people(text: str) -> Q:
    return (
        Q(user__username__icontains=text)
        | Q(user__first_name__icontains=text)
        | Q(user__last_name__icontains=text)
    )


def audit_entries(flt: AuditFilter):
    """A values queryset (UNION of both logs) ordered newest first."""
    start, end = _bounds(flt)
    text = CharField()
    # No default ordering inside the UNION (PostgreSQL allows one ORDER BY).
    transitions = TransitionLog.objects.order_by()
    changes = MasterDataChange.objects.order_by()
    if flt.document:
        transitions = transitions.filter(document_number__icontains=flt.document)
        changes = changes.filter(record_label__icontains=flt.document)
    if flt.doc_type:
        transitions = transitions.filter(document_type=flt.doc_type)
        changes = changes.filter(record_type=flt.doc_type)
    if flt.user:
        transitions = transitions.filter(_people(flt.user))
        changes = changes.filter(_people(flt.user))
    if start:
        transitions = transitions.filter(at__gte=start)
        changes = changes.filter(at__gte=start)
    if end:
        transitions = transitions.filter(at__lt=end)
        changes = changes.filter(at__lt=end)
    if flt.action == CHANGE:
        transitions = transitions.none()
    elif flt.action:
        transitions = transitions.filter(transition=flt.action)
        changes = changes.none()
    columns = ("at", "doc_type", "doc_id", "label", "action", "field", "old", "new", "who", "note")
    transitions = transitions.annotate(
        doc_type=F("document_type"),
        doc_id=F("document_id"),
        label=F("document_number"),
        action=F("transition"),
        field=Value("", output_field=text),
        old=F("from_state"),
        new=F("to_state"),
        who=F("user_id"),
        note=F("comment"),
    ).values_list(*columns)
    changes = changes.annotate(
        doc_type=F("record_type"),
        doc_id=F("record_id"),
        label=F("record_label"),
        action=Value(CHANGE, output_field=text),
        old=F("old_value"),
        new=F("new_value"),
        who=F("user_id"),
        note=Value("", output_field=text),
    ).values_list(*columns)
    return transitions.union(changes, all=True).order_by("-at")


@dataclass
class AuditRow:
    at: dt.datetime
    doc_type: str
    document: str
    url: str | None
    action: str
    detail: str
    old: str
    new: str
    by: str
    note: str


def _field_label(doc_type: str, field: str) -> str:
    from django.apps import apps

    models = {
        "product": ("inventory", "Product"),
        "warehouse": ("inventory", "Warehouse"),
        "location": ("inventory", "Location"),
        "price_list": ("orders", "PriceList"),
        "price_list_item": ("orders", "PriceListItem"),
        "customer_price": ("customers", "CustomerPrice"),
    }
    if doc_type not in models:
        return field
    try:
        return str(apps.get_model(*models[doc_type])._meta.get_field(field).verbose_name)
    except Exception:
        return field


def _url(doc_type: str, doc_id: int) -> str | None:
    name = DETAIL_URLS.get(doc_type)
    if not name:
        return None
    try:
        return reverse(name, args=[doc_id])
    except NoReverseMatch:
        return None


def audit_rows(values: list[tuple]) -> list[AuditRow]:
    """The page's rows as people read them: names, labels, no code names."""
    from django.utils.translation import gettext

    User = get_user_model()
    people = {
        u.pk: (u.get_full_name() or u.username)
        for u in User.objects.filter(pk__in={v[8] for v in values if v[8]})
    }
    rows = []
    for at, doc_type, doc_id, label, action, field, old, new, who, note in values:
        if action == CHANGE:
            detail = _field_label(doc_type, field)
            old_shown = gettext(old) if old in ("yes", "no") else old
            new_shown = gettext(new) if new in ("yes", "no") else new
        else:
            detail = ""
            old_shown = str(STATE_LABELS.get(old, old))
            new_shown = str(STATE_LABELS.get(new, new))
        rows.append(
            AuditRow(
                at=at,
                doc_type=str(DOCUMENT_TYPES.get(doc_type, doc_type)),
                document=label or f"#{doc_id}",
                url=_url(doc_type, doc_id),
                action=str(ACTIONS.get(action, action.replace("_", " "))),
                detail=detail,
                old=old_shown,
                new=new_shown,
                by=people.get(who, ""),
                note=str(SYSTEM_COMMENTS.get(note, note)),
            )
        )
    return rows
