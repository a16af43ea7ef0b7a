"""Sales targets (销售目标): drafting, revising, submitting and approving.

A year's target is drafted by the sales department (the grid month ×
salesperson, per product group if wanted, or an XLSX import), submitted, and
approved by a manager; every step is a logged transition. A revision is a new
version drafted from the one in force; approving it supersedes that one in the
same transaction, so a year always has at most one target in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.enums import TargetStatus
from sales.models import ProductGroup, SalesTarget, SalesTargetLine
from salesadmin.decimal_input import round_money
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.transitions import check_transition, run_signed, run_transition

DOC = "sales_target"
MILLI = Decimal("0.001")


@dataclass(frozen=True)
class TargetLineInput:
    month: int
    salesperson_id: int
    amount: Decimal
    product_group: ProductGroup | None = None
    quantity: Decimal | None = None

    @property
    def product_group_id(self) -> int | None:
        return self.product_group.pk if self.product_group else None


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."), code="invalid_year")


@transaction.atomic
def sales_target_create(*, user, year: int) -> SalesTarget:
    """The first version of a year's target, empty, as a draft."""
    if not user.has_perm("sales.add_salestarget"):
        raise PermissionDenied
    _check_year(year)
    if SalesTarget.objects.filter(year=year).exists():
        raise ApplicationError(
            _("The %(year)s target exists: revise it instead.") % {"year": year},
            code="target_exists",
        )
    try:
        with transaction.atomic():
            return SalesTarget.objects.create(year=year, version=1, created_by=user)
    except IntegrityError as exc:  # someone else created it meanwhile
        raise ConflictError(
            _("The %(year)s target exists: revise it instead.") % {"year": year},
            code="target_exists",
        ) from exc


@transaction.atomic
def sales_target_revise(*, user, target: SalesTarget, reason: str) -> SalesTarget:
    """A new draft version of the approved target, with its lines to change."""
    if not user.has_perm("sales.add_salestarget"):
        raise PermissionDenied
    target = _locked_in(
        target, TargetStatus.APPROVED, _("Only the target in force can be revised.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the target is revised."), code="reason_required")
    if SalesTarget.objects.filter(year=target.year, status__in=_open_states()).exists():
        raise ConflictError(
            _("A revision of this target is already being drafted."), code="revision_open"
        )
    version = SalesTarget.objects.filter(year=target.year).aggregate(v=Max("version"))["v"] + 1
    revision = SalesTarget.objects.create(
        year=target.year, version=version, revises=target, reason=reason[:300], created_by=user
    )
    _add_lines(revision, target.lines.all())
    return revision


def _open_states() -> list[str]:
    return [TargetStatus.DRAFT, TargetStatus.SUBMITTED]


def _locked_in(target: SalesTarget, status: str, refusal: str) -> SalesTarget:
    """The target locked, or a conflict (``refusal``) unless it is in ``status``."""
    target = SalesTarget.objects.select_for_update().get(pk=target.pk)
    if target.status != status:
        raise ConflictError(refusal, code="invalid_state", extra={"state": target.status})
    return target


def _locked_draft(target: SalesTarget) -> SalesTarget:
    return _locked_in(target, TargetStatus.DRAFT, _("Only a draft target can be changed."))


def _clean_lines(lines: list[TargetLineInput]) -> list[TargetLineInput]:
    from django.contrib.auth import get_user_model

    seen = set()
    people = set(
        get_user_model()
        .objects.filter(pk__in={line.salesperson_id for line in lines}, is_active=True)
        .values_list("pk", flat=True)
    )
    clean = []
    for line in lines:
        if not 1 <= int(line.month) <= 12:
            raise ApplicationError(_("Months run from 1 to 12."), code="invalid_month")
        if line.salesperson_id not in people:
            raise ApplicationError(_("Unknown salesperson."), code="invalid_salesperson")
        amount = round_money(line.amount)
        if amount < 0:
            raise ApplicationError(_("Targets cannot be negative."), code="invalid_amount")
        quantity = line.quantity
        if quantity is not None:
            if line.product_group is None or not line.product_group.unit:
                raise ApplicationError(
                    _("Quantities are set only for a product group with a unit."),
                    code="quantity_without_unit",
                )
            quantity = Decimal(quantity).quantize(MILLI)
            if quantity < 0:
                raise ApplicationError(_("Targets cannot be negative."), code="invalid_amount")
        key = (int(line.month), line.salesperson_id, getattr(line.product_group, "pk", None))
        if key in seen:
            raise ApplicationError(
                _("A month, salesperson and product group appear twice."), code="duplicate_line"
            )
        seen.add(key)
        clean.append(
            TargetLineInput(
                month=int(line.month),
                salesperson_id=line.salesperson_id,
                amount=amount,
                product_group=line.product_group,
                quantity=quantity,
            )
        )
    return clean


@transaction.atomic
def sales_target_lines_save(
    *,
    user,
    target: SalesTarget,
    lines: list[TargetLineInput],
    product_group: ProductGroup | None = None,
    all_groups: bool = False,
) -> SalesTarget:
    """Replace a draft's lines of one product group (None: the salespeople's
    totals, the browser grid) or, with ``all_groups``, all of them (import).
    A zero amount with no quantity is no line."""
    if not user.has_perm("sales.change_salestarget"):
        raise PermissionDenied
    target = _locked_draft(target)
    if not all_groups and any(line.product_group != product_group for line in lines):
        raise ApplicationError(_("Lines of another product group."), code="invalid_group")
    clean = [ln for ln in _clean_lines(lines) if ln.amount or ln.quantity]
    existing = target.lines.all()
    if not all_groups:
        existing = existing.filter(product_group=product_group)
    existing.delete()
    _add_lines(target, clean)
    return target


def _add_lines(target: SalesTarget, lines) -> None:
    """Store ``lines`` (a target's own lines or clean inputs) as ``target``'s."""
    SalesTargetLine.objects.bulk_create(
        SalesTargetLine(
            target=target,
            month=line.month,
            salesperson_id=line.salesperson_id,
            product_group_id=line.product_group_id,
            amount=line.amount,
            quantity=line.quantity,
        )
        for line in lines
    )


def _locked(target: SalesTarget) -> SalesTarget:
    return SalesTarget.objects.select_for_update().get(pk=target.pk)


@transaction.atomic
def sales_target_submit(*, user, target: SalesTarget) -> SalesTarget:
    target = _locked(target)
    return run_transition(target, "submit", user=user, document_type=DOC, at=timezone.now())


@transaction.atomic
def sales_target_reject(*, user, target: SalesTarget, comment: str) -> SalesTarget:
    """Back to the sales department as a draft, with the manager's reason."""
    target = _locked(target)
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError(_("Say why the target goes back."), code="comment_required")
    return run_transition(
        target, "reject", user=user, document_type=DOC, comment=comment, remark=comment[:300]
    )


@transaction.atomic
def sales_target_approve(*, user, target: SalesTarget, comment: str = "") -> SalesTarget:
    """Approve the target; the version it revises goes out of force with it."""
    # Lock order: the year's versions oldest first, so two approvals serialize.
    rows = list(
        SalesTarget.objects.select_for_update().filter(year=target.year).order_by("version")
    )
    target = next(t for t in rows if t.pk == target.pk)
    check_transition(target, "approve", user=user)
    for in_force in rows:
        if in_force.status == TargetStatus.APPROVED:
            run_transition(
                in_force,
                "supersede",
                user=user,
                document_type=DOC,
                comment=target.number,
                check_perm=False,
            )
    comment = (comment or "").strip()[:300]
    return run_signed(
        target, "approve", user=user, document_type=DOC, comment=comment, remark=comment
    )
