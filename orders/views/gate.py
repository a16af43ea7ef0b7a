"""Pages: the gate (门卫放行). A guard on a phone, often in the rain, scans the
exit pass and sees PASS or STOP, the vehicle and the goods: never the customer,
prices or amounts (DESIGN.md, "Gate exit"). The rules are in
orders/services/exit_pass.py; these views only ask and show."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import path, reverse

from orders.enums import NoteStatus
from orders.models import DeliveryNote, GateExit
from orders.services.exit_pass import (
    GateResult,
    exit_pass_check,
    exit_pass_use,
    goods_prefetch,
)
from salesadmin.clock import company_day_bounds, company_today
from salesadmin.decimal_input import parse_id
from salesadmin.page_access import role_required

GATE_PERM = "orders.exit_deliverynote"
RECENT_EXITS = 10
# The longest queue the phone shows; a longer one is counted, and the guard scans
# or types the pass anyway (a day of 500 loaded trucks made the page 150 KB).
WAITING_SHOWN = 30


def _waiting_notes():
    """Today's loaded trucks that have not left yet, those waiting for a
    top-up too (the guard should expect to stop them)."""
    return (
        DeliveryNote.objects.filter(
            issue_date=company_today(),
            status__in=[NoteStatus.DISPATCHED, NoteStatus.AWAITING_TOPUP],
        )
        .prefetch_related(goods_prefetch())
        .order_by("dispatched_at", "id")
    )


def _lists() -> dict:
    """The two lists the gate shows: the waiting queue (its first WAITING_SHOWN,
    counted when longer) and the latest exits."""
    queue = _waiting_notes()
    waiting = list(queue[: WAITING_SHOWN + 1])
    count = len(waiting) if len(waiting) <= WAITING_SHOWN else queue.count()
    return {"waiting": waiting[:WAITING_SHOWN], "waiting_count": count, "exits": _exits_today()}


def _today() -> dict:
    """Today's exits as a time range, which the exits' time index serves."""
    start, end = company_day_bounds(company_today())
    return {"exited_at__gte": start, "exited_at__lt": end}


def _exits():
    return GateExit.objects.select_related("note").prefetch_related(
        Prefetch("note__lines", queryset=goods_prefetch().queryset)
    )


def _exits_today():
    return _exits().filter(**_today()).order_by("-exited_at", "-id")[:RECENT_EXITS]


def _page(request, **context):
    context.update(_lists())
    return render(request, "orders/gate.html", context)


def _answer(request, *, lists_changed: bool = False, **context):
    """The result panel alone for htmx (with the lists out of band when a truck
    has just left), the whole page without JavaScript."""
    result = context.get("result")
    if result is not None and result.note is not None and result.reason == "used":
        # When and as what it left: a second truck is suspect.
        context["left_at"] = GateExit.objects.filter(note=result.note).first()
    if not request.htmx:
        return _page(request, **context)
    if lists_changed:
        context.update(oob_lists=True, **_lists())
    return render(request, "orders/_gate_result.html", context)


@role_required(GATE_PERM)
def gate(request):
    if request.htmx and request.GET.get("part") == "lists":  # the page polls its lists
        context = _lists()
        return render(request, "orders/_gate_lists.html", context)
    out = request.GET.get("out", "")
    # Back from letting a truck out without JavaScript: show the confirmation.
    gate_exit = None
    if parse_id(out) is not None:
        gate_exit = _exits().filter(pk=parse_id(out), **_today()).first()
    return _page(request, gate_exit=gate_exit)


@role_required(GATE_PERM)
def gate_check(request):
    if request.method != "POST":
        return _page(request)
    code = request.POST.get("code", "").strip()
    if not code:
        return _answer(request)
    return _answer(request, result=exit_pass_check(raw=code, user=request.user), code=code)


@role_required(GATE_PERM)
def gate_exit(request):
    if request.method != "POST":
        return _page(request)
    code = request.POST.get("code", "").strip()
    plate = request.POST.get("vehicle_plate", "")
    result = exit_pass_use(raw=code, user=request.user, vehicle_plate=plate)
    if result.reason == "plate_required":
        # The pass is still good: ask for the plate rather than send the guard
        # back to scan.
        passed = GateResult(passed=True, note=result.note)
        return _answer(request, result=passed, code=code, plate_error=True)
    if not result.passed:
        return _answer(request, result=result, code=code, lists_changed=True)
    if not request.htmx:
        # Post/redirect/get: reloading the confirmation must not post the pass again.
        exit_id = GateExit.objects.values_list("pk", flat=True).get(note=result.note)
        return redirect(f"{reverse('orders:gate')}?out={exit_id}")
    gate_exit = _exits().get(note=result.note)
    return _answer(request, gate_exit=gate_exit, lists_changed=True)


urlpatterns = [
    path("gate/", gate, name="gate"),
    path("gate/check/", gate_check, name="gate_check"),
    path("gate/exit/", gate_exit, name="gate_exit"),
]
