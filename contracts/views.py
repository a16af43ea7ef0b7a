"""Contracts' pages: the register (合同登记) with its export, a contract's
production picture, production tasks (生产任务通知单) with their PDF, product
requirement reviews (产品要求评审表) and the follow-up queue (回访). Thin: the
services decide, a refusal becomes a message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import selectors
from contracts.enums import FollowUpStatus, ReviewStatus, TaskStatus
from contracts.models import Department, FollowUp, ProductionTask, RequirementReview
from contracts.services.follow_ups import follow_up_record
from contracts.services.production import production_task_receive, production_task_update
from contracts.services.requirement_reviews import (
    departments,
    may_speak_for,
    requirement_opinion_record,
    requirement_review_confirm,
    requirement_review_open,
)
from inventory.models import Warehouse
from orders.enums import ContractType, OrderStatus
from orders.models import SalesOrder
from salesadmin.clock import company_today
from salesadmin.decimal_input import parse_id
from salesadmin.errors import ApplicationError
from salesadmin.exports import FORMATS, export_response
from salesadmin.page_access import role_required
from salesadmin.pages import chosen, date_param, done_or_refused, found_or_404, page_of
from salesadmin.pdf import pdf_response, render_pdf

VIEW_CONTRACT = "orders.view_salesorder"
VIEW_TASK = "contracts.view_productiontask"
VIEW_REVIEW = "contracts.view_requirementreview"
VIEW_FOLLOW_UP = "contracts.view_followup"


# --- The register ------------------------------------------------------------------------


def _register_filters(request) -> dict:
    contract_type = request.GET.get("type", "")
    status = request.GET.get("status", "")
    return {
        "contract_type": contract_type if contract_type in ContractType.values else "",
        "status": status if status in OrderStatus.values else "",
        "search": request.GET.get("q", "")[:100],
        "waiting_production": request.GET.get("waiting") == "1",
    }


@role_required(VIEW_CONTRACT)
def register(request):
    filters = _register_filters(request)
    qs = selectors.contract_register(**filters)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _register_export(fmt, qs)
    page = page_of(request, qs)
    return render(
        request,
        "contracts/register.html",
        {
            "page": page,
            "filters": filters,
            "types": ContractType.choices,
            "statuses": OrderStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


def _register_export(fmt: str, qs):
    header = [
        _("Contract number"),
        _("Customer"),
        _("Order date"),
        _("Type"),
        _("Status"),
        _("Formal contract"),
        _("Total"),
        _("Open production tasks"),
        _("Late"),
        _("Delivered"),
        _("Invoiced"),
        _("Paid"),
        _("Balance"),
    ]
    rows = (
        [
            o.number,
            o.customer.name,
            o.order_date,
            o.contract_type,
            o.get_status_display(),
            _("yes") if o.formal else _("no"),
            o.total,
            o.open_tasks,
            _("yes") if o.late_tasks else "",
            o.delivered,
            o.invoiced,
            o.paid,
            o.balance,
        ]
        for o in qs.iterator(chunk_size=500)
    )
    return export_response(
        fmt, f"contracts-{company_today():%Y%m%d}", _("Contract register"), header, rows
    )


@role_required(VIEW_CONTRACT)
def contract_detail(request, pk: int):
    order = found_or_404(SalesOrder, selectors.contract_detail, pk)
    review = getattr(order, "requirement_review", None)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "order": order,
            "slip": selectors.preparation_slip_of(order),
            "tasks": list(order.production_tasks.all()),
            "notes": list(order.delivery_notes.all()),
            "review": review,
            "can_open_review": review is None
            and order.contract_type == ContractType.C
            and order.status == OrderStatus.DRAFT
            and request.user.has_perm("contracts.add_requirementreview"),
        },
    )


# --- Production tasks --------------------------------------------------------------------


@role_required(VIEW_TASK)
def task_list(request):
    status = request.GET.get("status", TaskStatus.OPEN)
    status = status if status in TaskStatus.values or status == "all" else TaskStatus.OPEN
    late = request.GET.get("late") == "1"
    qs = selectors.production_tasks(
        status="" if status == "all" else status, late_only=late, search=request.GET.get("q", "")
    )
    page = page_of(request, qs)
    return render(
        request,
        "contracts/task_list.html",
        {
            "page": page,
            "status": status,
            "late": late,
            "q": request.GET.get("q", ""),
            "statuses": TaskStatus.choices,
            "today": company_today(),
        },
    )


def _task(pk: int) -> ProductionTask:
    return found_or_404(ProductionTask, selectors.task_detail, pk)


@role_required(VIEW_TASK)
def task_detail(request, pk: int):
    task = _task(pk)
    user = request.user
    open_task = task.status == TaskStatus.OPEN
    return render(
        request,
        "contracts/task_detail.html",
        {
            "task": task,
            "receipts": list(task.receipts.all()),
            "can_track": open_task and user.has_perm("contracts.track_productiontask"),
            "can_receive": open_task and user.has_perm("inventory.record_production_receipt"),
            "trackers": get_user_model()
            .objects.filter(is_active=True, groups__isnull=False)
            .distinct()
            .order_by("username")
            if open_task and user.has_perm("contracts.track_productiontask")
            else [],
            "warehouses": Warehouse.objects.filter(active=True, holds_for__isnull=True).order_by(
                "code"
            ),
            "today": company_today(),
        },
    )


@role_required(VIEW_TASK, "contracts.track_productiontask")
@require_POST
def task_update(request, pk: int):
    task = get_object_or_404(ProductionTask, pk=pk)
    tracker_id = parse_id(request.POST.get("tracker", ""))
    tracker = get_user_model().objects.filter(pk=tracker_id).first() if tracker_id else None
    return done_or_refused(
        request,
        lambda: production_task_update(
            task=task,
            user=request.user,
            tracker=tracker,
            requested_date=date_param(request.POST.get("requested_date", "")),
        ),
        done=_("Production task %(number)s updated.") % {"number": task},
        back=reverse("contracts:task_detail", args=[task.pk]),
    )


@role_required(VIEW_TASK, "inventory.record_production_receipt")
@require_POST
def task_receive(request, pk: int):
    task = get_object_or_404(ProductionTask, pk=pk)
    warehouse = Warehouse.objects.filter(pk=parse_id(request.POST.get("warehouse", ""))).first()

    def receive():
        if warehouse is None:
            raise ApplicationError(_("Choose the warehouse."), code="warehouse_required")
        production_task_receive(
            task=task,
            user=request.user,
            warehouse=warehouse,
            batch_number=request.POST.get("batch_number", ""),
            produced_on=date_param(request.POST.get("produced_on", "")) or company_today(),
            quantity=request.POST.get("quantity", ""),
        )

    return done_or_refused(
        request,
        receive,
        done=_("Production receipt recorded against %(number)s.") % {"number": task},
        back=reverse("contracts:task_detail", args=[task.pk]),
    )


@role_required(VIEW_TASK)
def task_pdf(request, pk: int):
    task = _task(pk)
    pdf = render_pdf(
        "pdf/production_task.html",
        {
            "task": task,
            "order": task.order,
            "printed_on": company_today(),
            "company_name": settings.COMPANY_NAME,
        },
        request=request,
    )
    return pdf_response(pdf, f"{task.number}.pdf")


# --- Requirement reviews -----------------------------------------------------------------


@role_required(VIEW_REVIEW)
def review_list(request):
    status = chosen(request, "status", ReviewStatus)
    page = page_of(request, selectors.requirement_reviews(status=status))
    return render(
        request,
        "contracts/review_list.html",
        {"page": page, "status": status, "statuses": ReviewStatus.choices},
    )


@role_required(VIEW_REVIEW, "contracts.add_requirementreview")
def review_create(request):
    data = request.POST if request.method == "POST" else request.GET
    order = SalesOrder.objects.filter(pk=parse_id(data.get("order", ""))).first()
    if order is None:
        raise Http404
    if request.method == "POST":
        try:
            review = requirement_review_open(
                order=order, requirements=request.POST.get("requirements", ""), user=request.user
            )
            messages.success(
                request, _("Requirement review %(number)s opened.") % {"number": review.number}
            )
            return redirect("contracts:review_detail", pk=review.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "contracts/review_form.html",
        {"order": order, "requirements": request.POST.get("requirements", "")},
    )


@role_required(VIEW_REVIEW)
def review_detail(request, pk: int):
    review = found_or_404(RequirementReview, selectors.review_detail, pk)
    given = {o.department_id: o for o in review.opinions.all()}
    rows = [
        {
            "department": d,
            "opinion": given.get(d.pk),
            "may_speak": review.status == ReviewStatus.OPEN and may_speak_for(d, request.user),
        }
        for d in departments()
    ]
    all_yes = bool(rows) and all(r["opinion"] and r["opinion"].agreed for r in rows)
    return render(
        request,
        "contracts/review_detail.html",
        {
            "review": review,
            "rows": rows,
            "all_yes": all_yes,
            "can_confirm": review.status == ReviewStatus.OPEN
            and request.user.has_perm("contracts.confirm_requirementreview"),
            "today": company_today(),
        },
    )


@role_required(VIEW_REVIEW, "contracts.give_opinion")
@require_POST
def review_opinion(request, pk: int):
    review = get_object_or_404(RequirementReview, pk=pk)
    department = get_object_or_404(Department, pk=parse_id(request.POST.get("department", "")))
    return done_or_refused(
        request,
        lambda: requirement_opinion_record(
            review=review,
            department=department,
            agreed=request.POST.get("agreed") == "yes",
            opinion=request.POST.get("opinion", ""),
            user=request.user,
        ),
        done=_("Opinion of %(department)s recorded.") % {"department": department.name},
        back=reverse("contracts:review_detail", args=[review.pk]),
    )


@role_required(VIEW_REVIEW, "contracts.confirm_requirementreview")
@require_POST
def review_confirm(request, pk: int):
    review = get_object_or_404(RequirementReview, pk=pk)
    try:
        requirement_review_confirm(
            review=review,
            promised_date=date_param(request.POST.get("promised_date", "")),
            user=request.user,
        )
        messages.success(
            request,
            _("Price and delivery date confirmed: contract %(number)s can be submitted.")
            % {"number": review.order.number},
        )
        return redirect(reverse("orders:order_detail", args=[review.order_id]))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("contracts:review_detail", pk=review.pk)


# --- Follow-up calls ---------------------------------------------------------------------


@role_required(VIEW_FOLLOW_UP)
def follow_up_list(request):
    status = chosen(request, "status", FollowUpStatus, FollowUpStatus.DUE)
    page = page_of(request, selectors.follow_up_queue(status=status))
    return render(
        request,
        "contracts/follow_up_list.html",
        {
            "page": page,
            "status": status,
            "statuses": FollowUpStatus.choices,
            "today": company_today(),
        },
    )


@role_required(VIEW_FOLLOW_UP, "contracts.record_followup")
@require_POST
def follow_up_record_page(request, pk: int):
    call = get_object_or_404(FollowUp, pk=pk)
    result = request.POST.get("received_ok", "")
    return done_or_refused(
        request,
        lambda: follow_up_record(
            follow_up=call,
            received_ok={"yes": True, "no": False}.get(result),
            remarks=request.POST.get("remarks", ""),
            user=request.user,
        ),
        done=_("Follow-up call recorded."),
        back=reverse("contracts:follow_up_list"),
    )
