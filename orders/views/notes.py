"""Pages: delivery notes (发货单): the list, the detail with the chain's actions,
and the warehouse keeper's loading form. Every write goes through
orders/services/delivery_notes.py; these views only show and route."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orders.enums import Coverage, NoteStatus
from orders.forms.delivery_notes import DispatchForm, NoteReasonForm
from orders.models import DeliveryNote
from orders.selectors import delivery_notes as note_selectors
from orders.selectors.delivery_notes import ASK_OVERRIDE
from orders.services.delivery_notes import (
    delivery_note_cancel,
    delivery_note_expire_if_stale,
    delivery_note_restamp,
    delivery_note_stamp,
)
from orders.services.dispatch import delivery_note_dispatch
from orders.services.override_requests import delivery_note_ask_override
from orders.services.reissue import delivery_note_reissue
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.page_access import role_required
from salesadmin.pages import chosen, page_of, page_or_partial
from salesadmin.transitions import available_transitions

# The transitions a person starts from the note's page, in the order shown.
# "dispatch" has its own form; "exit" belongs to the gate; "expire" and
# "dispatch_over_coverage" are the system's.
ACTION_LABELS = {
    "stamp": gettext_lazy("Stamp (财务签章)"),
    "stamp_override": gettext_lazy("Stamp on a manager's override"),
    "restamp": gettext_lazy("Restamp: top-up received"),
    "restamp_override": gettext_lazy("Restamp on a manager's override"),
    "cancel": gettext_lazy("Cancel the note"),
}
# How the history reads (TransitionLog.transition → words).
LOG_LABELS = {
    "issue": gettext_lazy("Issued"),
    "stamp": gettext_lazy("Stamped by finance"),
    "stamp_override": gettext_lazy("Stamped on a manager's override"),
    "release": gettext_lazy("Released on its approval (no sale)"),
    "dispatch": gettext_lazy("Loaded"),
    "dispatch_over_coverage": gettext_lazy("Loaded above what finance covered"),
    "restamp": gettext_lazy("Top-up confirmed"),
    "restamp_override": gettext_lazy("Restamped on a manager's override"),
    "ask_override": gettext_lazy("Sent to the managers for an override"),
    "exit": gettext_lazy("Left the gate"),
    "cancel": gettext_lazy("Cancelled"),
    "expire": gettext_lazy("Expired"),
}
REASON_REQUIRED = {"stamp_override", "restamp_override", "cancel"}
# An override is offered when its plain transition is not, and needs only the reason.
OVERRIDE_OF = {"stamp_override": "stamp", "restamp_override": "restamp"}


@dataclass
class NoteAction:
    name: str
    label: str
    needs_reason: bool
    blocked: str = ""  # why the plain action is refused now; shown instead of a button

    @property
    def danger(self) -> bool:
        return self.name == "cancel"


def _note_actions(note: DeliveryNote, user, ready: set[str]) -> list[NoteAction]:
    """The page's buttons: transitions ``ready`` for this user (available_transitions),
    an override when only its written reason is missing, and a plain action the
    rules refuse now, shown disabled with the rule's words."""
    actions = []
    for name, label in ACTION_LABELS.items():
        transition = getattr(note, name)._django_fsm.get_transition(note.status)
        if transition is None or not transition.has_perm(note, user):
            continue
        if name in ready:
            actions.append(NoteAction(name, str(label), name in REASON_REQUIRED))
            continue
        failed = [
            str(getattr(c, "message", c.__name__))
            for c in transition.conditions
            if c.__name__ != "has_override_reason" and not c(note)
        ]
        if name in OVERRIDE_OF:
            # The reason comes with the form; offer it when the plain one is refused.
            if not failed and OVERRIDE_OF[name] not in ready:
                actions.append(NoteAction(name, str(label), True))
        elif failed:
            actions.append(NoteAction(name, str(label), False, blocked=" ".join(failed)))
    return actions


def _reverse_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another issue builds
        return None


def _touch(pk: int) -> None:
    """A stale note expires when anyone looks at it (当天内有效)."""
    delivery_note_expire_if_stale(note=get_object_or_404(DeliveryNote, pk=pk))


def _day_filter(raw: str | None, today):
    """No date given: today's notes. An empty date from the form: every day."""
    if raw is None:
        return today
    if not raw:
        return None
    try:
        return parse_date(raw) or today
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        return today


@role_required("orders.view_deliverynote")
def note_list(request):
    today = company_today()
    status = chosen(request, "status", NoteStatus)
    day = _day_filter(request.GET.get("date"), today)
    search = request.GET.get("q", "")
    notes = note_selectors.note_list(
        status=status,
        day=day,
        search=search,
        by_customer=request.user.has_perm("customers.view_customer"),
    )
    page = page_of(request, notes)
    context = {
        "page": page,
        "status": status,
        "day": day,
        "today": today,
        "search": search,
        "status_choices": NoteStatus.choices,
    }
    return page_or_partial(request, "orders/note_list.html", "orders/_note_rows.html", context)


@role_required("orders.view_deliverynote")
def note_detail(request, pk: int):
    _touch(pk)
    note = note_selectors.note_detail(pk=pk)
    user = request.user
    # How the note is covered now (an issued note's value; once loaded and
    # charged, what the customer owes): finance's buttons depend on it, and
    # those who may read the ledger see the figures.
    sees_ledger = user.has_perm("finance.view_receivableentry")
    picture = None
    if sees_ledger or user.has_perm("orders.stamp_deliverynote"):
        coverage = note_selectors.note_coverage(note=note)
        picture = coverage if sees_ledger else None
    ready = set(available_transitions(note, "status", user))
    log = list(note_selectors.note_log(note=note))
    states = dict(NoteStatus.choices)
    coverages = dict(Coverage.choices)
    for entry in log:
        entry.label = LOG_LABELS.get(entry.transition, entry.transition)
        entry.to_label = states.get(entry.to_state, entry.to_state)
        if entry.transition == "stamp":  # the service logs the coverage's code
            entry.comment = coverages.get(entry.comment, entry.comment)
    actions = _note_actions(note, user, ready)
    context = {
        "note": note,
        "lines": list(note.lines.all()),
        "log": log,
        "actions": actions,
        "can_load": "dispatch" in ready and user.has_perm("orders.dispatch_deliverynote"),
        "picture": picture,
        "reason_form": NoteReasonForm(),
        "show_prices": user.has_perm("orders.view_salesorder"),
        "show_customer": note.customer_id is not None and user.has_perm("customers.view_customer"),
        "pdf_url": _reverse_or_none("orders:note_pdf", note.pk),
        "order_url": _reverse_or_none("orders:order_detail", note.order_id)
        if user.has_perm("orders.view_salesorder")
        else None,
        "today": company_today(),
        "can_ask_override": note.status == NoteStatus.ISSUED
        and not note.is_stale()
        and user.has_perm("orders.stamp_deliverynote")
        and getattr(note, "coverage_found", "") is None
        and not any(entry.transition == ASK_OVERRIDE for entry in log),
    }
    return render(request, "orders/note_detail.html", context)


def _run_action(request, note: DeliveryNote, action: str, reason: str) -> str:
    """Call the service for ``action``; return the message for a success."""
    user = request.user
    if action == "stamp":
        note = delivery_note_stamp(note=note, user=user)
        return _("Note %(number)s stamped: %(coverage)s.") % {
            "number": note.number,
            "coverage": note.get_coverage_display(),
        }
    if action == "stamp_override":
        note = delivery_note_stamp(note=note, user=user, override_reason=reason)
        return _("Note %(number)s stamped on your override.") % {"number": note.number}
    if action == "restamp":
        note = delivery_note_restamp(note=note, user=user)
        return _("Top-up confirmed: note %(number)s may leave at the gate.") % {
            "number": note.number
        }
    if action == "restamp_override":
        note = delivery_note_restamp(note=note, user=user, override_reason=reason)
        return _("Note %(number)s restamped on your override.") % {"number": note.number}
    note = delivery_note_cancel(note=note, user=user, reason=reason)
    return _("Note %(number)s cancelled; its stock reservation is released.") % {
        "number": note.number
    }


@role_required("orders.view_deliverynote")
@require_POST
def note_action(request, pk: int, action: str):
    if action not in ACTION_LABELS:  # only reachable through a hand-made URLconf
        raise Http404
    _touch(pk)
    note = get_object_or_404(DeliveryNote, pk=pk)
    reason = ""
    if action in REASON_REQUIRED:
        form = NoteReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write down the reason first."))
            return redirect("orders:note_detail", pk=pk)
        reason = form.cleaned_data["reason"]
    try:
        message = _run_action(request, note, action, reason)
    except (ApplicationError, TransitionNotAllowed, ConcurrentTransition) as exc:
        # PermissionDenied is not caught: the wrong role gets a 403.
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("orders:note_detail", pk=pk)


@role_required("orders.view_deliverynote", "orders.stamp_deliverynote")
@require_POST
def note_ask_override(request, pk: int):
    """Finance sends a note it cannot stamp to the managers' queue."""
    note = get_object_or_404(DeliveryNote, pk=pk)
    try:
        delivery_note_ask_override(
            note=note, user=request.user, reason=request.POST.get("reason", "")[:300]
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Note %(number)s sent to the managers for an override.") % {"number": note.number},
        )
    return redirect("orders:note_detail", pk=pk)


@role_required("orders.issue_deliverynote")
@require_POST
def note_reissue(request, pk: int):
    """One click: a new note with the expired or cancelled note's lines."""
    note = get_object_or_404(DeliveryNote, pk=pk)
    try:
        new = delivery_note_reissue(note=note, user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("orders:note_detail", pk=pk)
    messages.success(
        request,
        _("Note %(new)s issued with the lines of %(old)s.")
        % {"new": new.number, "old": note.number},
    )
    return redirect("orders:note_detail", pk=new.pk)


@role_required("orders.dispatch_deliverynote")
def note_dispatch(request, pk: int):
    _touch(pk)
    note = get_object_or_404(DeliveryNote.objects.select_related("warehouse"), pk=pk)
    if note.status != NoteStatus.STAMPED:
        messages.info(
            request,
            _("Note %(number)s is not waiting for loading: %(status)s.")
            % {"number": note.number, "status": note.get_status_display()},
        )
        return redirect("orders:note_detail", pk=pk)
    lines = note_selectors.lines_to_load(note=note)
    form = DispatchForm(request.POST or None, lines_to_load=lines)
    if request.method == "POST" and form.is_valid():
        try:
            note = delivery_note_dispatch(note=note, user=request.user, lines=form.dispatch_lines())
        except (ApplicationError, TransitionNotAllowed, ConcurrentTransition) as exc:
            form.add_error(None, str(exc))
        else:
            if note.status == NoteStatus.AWAITING_TOPUP:
                messages.warning(
                    request,
                    _(
                        "Loaded, but more than finance covered: note %(number)s waits for "
                        "finance to confirm the top-up. The truck may not leave yet."
                    )
                    % {"number": note.number},
                )
            else:
                messages.success(
                    request,
                    _("Loaded: note %(number)s is dispatched and the truck may go to the gate.")
                    % {"number": note.number},
                )
            return redirect("orders:note_detail", pk=pk)
    context = {
        "note": note,
        "form": form,
        "lines": lines,
        "tolerance_percent": lines[0].tolerance_percent if lines else None,
    }
    return render(request, "orders/note_dispatch.html", context)


urlpatterns = [
    path("notes/", note_list, name="note_list"),
    path("notes/<int:pk>/", note_detail, name="note_detail"),
    path("notes/<int:pk>/dispatch/", note_dispatch, name="note_dispatch"),
    path("notes/<int:pk>/reissue/", note_reissue, name="note_reissue"),
    path("notes/<int:pk>/ask-override/", note_ask_override, name="note_ask_override"),
    # One route per action (no catch-all that would shadow other notes/<pk>/… pages);
    # reverse with kwargs: {% url "orders:note_action" pk=note.pk action="stamp" %}.
    *(
        path(f"notes/<int:pk>/{action}/", note_action, {"action": action}, name="note_action")
        for action in ACTION_LABELS
    ),
]
