"""A clerk changes a draft return before submitting it: its lines (quantities,
reasons, batches), the customer's document number, the remarks. Only the role
that files returns (403), only in draft (409), the lines checked as when
filing (400 naming the rule); through the service, the page and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from returns.enums import ReturnReason, ReturnStatus
from returns.services.return_applications import (
    ReturnLineInput,
    return_application_update,
    returnable_quantities,
)
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog

pytestmark = pytest.mark.django_db


def _lines(note, quantities, reason=ReturnReason.DAMAGED):
    return [
        ReturnLineInput(note_line=line, quantity=Decimal(q), reason=reason)
        for line, q in zip(note.lines.order_by("id"), quantities, strict=False)
        if Decimal(q)
    ]


def test_a_clerk_changes_a_drafts_lines_reasons_and_document(world):
    draft = world.filed(quantities=["2"])
    note = draft.delivery_note

    changed = return_application_update(
        application=draft,
        user=world.clerk,
        customer_document="  TH-002 ",
        remarks="客户改单",
        lines=_lines(note, ["10", "0", "1"]),  # all 10 of line 1: its own 2 do not count
    )

    changed.refresh_from_db()
    assert changed.status == ReturnStatus.DRAFT
    assert (changed.customer_document, changed.remarks) == ("TH-002", "客户改单")
    rows = list(changed.lines.order_by("note_line_id"))
    assert [(r.quantity, r.reason, r.amount) for r in rows] == [
        (Decimal("10.000"), "damaged", Decimal("300.00")),
        (Decimal("1.000"), "damaged", Decimal("80.00")),
    ]
    assert changed.total == Decimal("380.00") and changed.uninspected_lines == 2
    log = TransitionLog.objects.filter(document_id=draft.pk, transition="edit").get()
    assert (log.from_state, log.to_state, log.user) == ("draft", "draft", world.clerk)
    returnable = returnable_quantities(note)
    assert returnable[rows[0].note_line_id] == Decimal("0")


def test_the_change_is_checked_against_the_other_returns(world):
    note = world.note()
    world.submitted(world.filed(note, quantities=["7"]))
    draft = world.filed(note, quantities=["1"])

    with pytest.raises(ApplicationError) as refused:
        return_application_update(
            application=draft,
            user=world.clerk,
            customer_document="TH-1",
            lines=_lines(note, ["4"]),
        )

    assert refused.value.code == "over_returnable"
    draft.refresh_from_db()
    assert draft.total == Decimal("30.00")  # unchanged


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"customer_document": " "}, "customer_document_required"),
        ({"lines": []}, "no_lines"),
        ({"reason": "bogus"}, "invalid_reason"),
    ],
)
def test_a_broken_rule_is_refused_by_its_code(world, kwargs, code):
    draft = world.filed()
    note = draft.delivery_note
    given = {
        "customer_document": kwargs.get("customer_document", "TH-1"),
        "lines": kwargs.get("lines", _lines(note, ["1"], reason=kwargs.get("reason", "other"))),
    }

    with pytest.raises(ApplicationError) as refused:
        return_application_update(application=draft, user=world.clerk, **given)

    assert refused.value.code == code


def test_only_the_filing_role_and_only_a_draft(world):
    draft = world.filed()
    lines = _lines(draft.delivery_note, ["1"])
    for user in (world.inspector, world.manager, world.keeper, world.finance):
        with pytest.raises(PermissionDenied):
            return_application_update(
                application=draft, user=user, customer_document="X", lines=lines
            )
    submitted = world.submitted(draft)
    with pytest.raises(ConflictError) as refused:
        return_application_update(
            application=submitted, user=world.clerk, customer_document="X", lines=lines
        )
    assert refused.value.code == "invalid_state"


def test_the_page_shows_the_draft_and_saves_the_change(world, client_for):
    draft = world.filed(quantities=["2"])
    line = draft.delivery_note.lines.order_by("id").first()
    clerk = client_for(world.clerk)
    url = f"/returns/{draft.pk}/edit/"

    assert 'id="return-edit-link"' in clerk.get(f"/returns/{draft.pk}/").content.decode()
    page = clerk.get(url).content.decode()
    assert f'name="quantity_{line.pk}"' in page and 'value="2"' in page and "TH-001" in page

    post = {f"quantity_{line.pk}": "11", f"reason_{line.pk}": "quality", "customer_document": "T"}
    too_much = clerk.post(url, post)
    assert too_much.status_code == 400
    assert "only 10.000 can be returned" in too_much.content.decode()

    saved = clerk.post(url, {**post, f"quantity_{line.pk}": "3", "customer_document": "TH-9"})
    assert saved.status_code == 302 and saved["Location"] == f"/returns/{draft.pk}/"
    draft.refresh_from_db()
    assert (draft.total, draft.customer_document) == (Decimal("90.00"), "TH-9")

    for other in (world.inspector, world.manager, world.keeper, world.finance):
        assert client_for(other).get(url).status_code == 403
        assert client_for(other).post(url, post).status_code == 403
    world.submitted(draft)
    assert 'id="return-edit-link"' not in clerk.get(f"/returns/{draft.pk}/").content.decode()
    late = clerk.get(url)
    assert late.status_code == 409 and 'id="action-error"' in late.content.decode()
    assert clerk.post(url, post).status_code == 409


def test_the_api_changes_a_draft_with_put(world, api_for):
    draft = world.filed(quantities=["2"])
    line = draft.delivery_note.lines.order_by("id").first()
    url = f"/api/v1/returns/{draft.pk}/"
    body = {
        "customer_document": "TH-7",
        "remarks": "",
        "lines": [{"note_line": line.pk, "quantity": "4", "reason": "wrong_goods"}],
    }

    changed = api_for(world.clerk).put(url, body, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["total"] == "120.00"
    assert changed.json()["customer_document"] == "TH-7"
    assert changed.json()["lines"][0]["reason"] == "wrong_goods"

    over = api_for(world.clerk).put(
        url, {**body, "lines": [{**body["lines"][0], "quantity": "10.001"}]}, format="json"
    )
    assert over.status_code == 400 and over.json()["code"] == "over_returnable"
    assert api_for(world.inspector).put(url, body, format="json").status_code == 403
    assert api_for(world.inspector).get(url).status_code == 200
    world.submitted(draft)
    late = api_for(world.clerk).put(url, body, format="json")
    assert late.status_code == 409 and late.json()["code"] == "invalid_state"
