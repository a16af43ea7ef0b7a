"""Every action on a return or an allowance in every state it may not be
taken from, by the role that may take it: a conflict (409, code
``invalid_state``) through the service, the page and the API alike, and the
document unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from returns.enums import AllowanceStatus, InspectionResult, ReturnCause, ReturnStatus
from returns.models import Allowance, ReturnApplication
from returns.services import allowances as allowance_services
from returns.services import return_applications as services
from salesadmin.errors import ConflictError

pytestmark = pytest.mark.django_db

# action -> the states it is taken from (the models' transitions; "edit" is the draft change)
RETURN_SOURCES = {
    "submit": {ReturnStatus.DRAFT},
    "inspect": {ReturnStatus.SUBMITTED},
    "approve": {ReturnStatus.INSPECTED},
    "reject": {ReturnStatus.INSPECTED},
    "receive": {ReturnStatus.APPROVED},
    "close": {ReturnStatus.RECEIVED},
    "cancel": {ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.INSPECTED},
    "edit": {ReturnStatus.DRAFT},
}
ALLOWANCE_SOURCES = {
    "submit": {AllowanceStatus.DRAFT},
    "approve": {AllowanceStatus.SUBMITTED},
    "reject": {AllowanceStatus.SUBMITTED},
    "cancel": {AllowanceStatus.DRAFT, AllowanceStatus.SUBMITTED},
}


def _return_in(world, state: str) -> ReturnApplication:
    if state == ReturnStatus.DRAFT:
        return world.filed()
    if state == ReturnStatus.SUBMITTED:
        return world.submitted()
    if state == ReturnStatus.INSPECTED:
        return world.inspected()
    if state == ReturnStatus.APPROVED:
        return world.approved()
    if state == ReturnStatus.REJECTED:
        return services.return_application_reject(
            application=world.inspected(), user=world.manager, comment="不退"
        )
    if state == ReturnStatus.RECEIVED:
        return world.received()
    if state == ReturnStatus.CLOSED:
        return services.return_application_close(
            application=world.received(),
            user=world.manager,
            cause=ReturnCause.TRANSPORT,
            responsible="车队",
            corrective_action="加固",
        )
    return services.return_application_cancel(
        application=world.filed(), user=world.clerk, reason="客户撤回"
    )


def _return_calls(world, application):
    """action -> (role, the service call, the page's form, the API's body)."""
    lines = list(application.lines.order_by("id"))
    note_line = lines[0].note_line
    line_input = services.ReturnLineInput(
        note_line=note_line, quantity=Decimal("1"), reason="other"
    )
    close = {"cause": "production", "responsible": "车间", "corrective_action": "培训"}
    return {
        "submit": (
            world.clerk,
            lambda: services.return_application_submit(application=application, user=world.clerk),
            {},
            {},
        ),
        "inspect": (
            world.inspector,
            lambda: services.return_application_inspect(
                application=application,
                user=world.inspector,
                results=[
                    services.InspectionInput(line=ln, result=InspectionResult.PASSED)
                    for ln in lines
                ],
            ),
            {f"result_{ln.pk}": "passed" for ln in lines},
            {"results": [{"line": ln.pk, "result": "passed"} for ln in lines]},
        ),
        "approve": (
            world.manager,
            lambda: services.return_application_approve(
                application=application, user=world.manager, comment="ok"
            ),
            {"comment": "ok"},
            {"comment": "ok"},
        ),
        "reject": (
            world.manager,
            lambda: services.return_application_reject(
                application=application, user=world.manager, comment="no"
            ),
            {"comment": "no"},
            {"comment": "no"},
        ),
        "receive": (
            world.keeper,
            lambda: services.return_application_receive(application=application, user=world.keeper),
            {},
            {},
        ),
        "close": (
            world.manager,
            lambda: services.return_application_close(
                application=application, user=world.manager, **close
            ),
            close,
            close,
        ),
        "cancel": (
            world.clerk,
            lambda: services.return_application_cancel(
                application=application, user=world.clerk, reason="x"
            ),
            {"reason": "x"},
            {"reason": "x"},
        ),
        "edit": (
            world.clerk,
            lambda: services.return_application_update(
                application=application,
                user=world.clerk,
                customer_document="TH-X",
                lines=[line_input],
            ),
            {
                f"quantity_{note_line.pk}": "1",
                f"reason_{note_line.pk}": "other",
                "customer_document": "X",
            },
            {
                "customer_document": "X",
                "lines": [{"note_line": note_line.pk, "quantity": "1", "reason": "other"}],
            },
        ),
    }


@pytest.mark.parametrize("state", ReturnStatus.values)
def test_a_return_refuses_every_action_its_state_does_not_allow(state, world, client_for, api_for):
    application = _return_in(world, state)
    assert application.status == state
    before = (application.status, application.total, application.credit_note_id)
    refused = []
    for action, (user, call, form, body) in _return_calls(world, application).items():
        if state in RETURN_SOURCES[action]:
            continue
        with pytest.raises(ConflictError) as conflict:
            call()
        assert conflict.value.code == "invalid_state", action
        page_url = f"/returns/{application.pk}/" + ("edit/" if action == "edit" else f"{action}/")
        page = client_for(user).post(page_url, form)
        api = api_for(user)
        if action == "edit":
            answer = api.put(f"/api/v1/returns/{application.pk}/", body, format="json")
        else:
            answer = api.post(f"/api/v1/returns/{application.pk}/{action}/", body, format="json")
        if page.status_code != 409 or answer.status_code != 409:
            refused.append(f"{action}: page {page.status_code}, api {answer.status_code}")
        elif answer.json()["code"] != "invalid_state":
            refused.append(f"{action}: api code {answer.json()['code']}")
    assert not refused, refused
    application.refresh_from_db()
    assert (application.status, application.total, application.credit_note_id) == before


def _allowance_in(world, state: str, head) -> Allowance:
    if state == AllowanceStatus.DRAFT:
        return world.allowance(amount="10.00", submit=False)
    if state == AllowanceStatus.SUBMITTED:
        return world.allowance(amount="10.00")
    if state == AllowanceStatus.APPROVED:
        return allowance_services.allowance_approve(
            allowance=world.allowance(amount="10.00"), user=head
        )
    if state == AllowanceStatus.REJECTED:
        return allowance_services.allowance_reject(
            allowance=world.allowance(amount="10.00"), user=head, comment="不同意"
        )
    return allowance_services.allowance_cancel(
        allowance=world.allowance(amount="10.00"), user=world.clerk, reason="撤回"
    )


@pytest.mark.parametrize("state", AllowanceStatus.values)
def test_an_allowance_refuses_every_action_its_state_does_not_allow(
    state, world, client_for, api_for
):
    head = world.approver("department_head", "head")
    allowance = _allowance_in(world, state, head)
    assert allowance.status == state
    calls = {
        "submit": (world.clerk, {}, allowance_services.allowance_submit),
        "approve": (head, {"comment": "ok"}, allowance_services.allowance_approve),
        "reject": (head, {"comment": "no"}, allowance_services.allowance_reject),
        "cancel": (world.clerk, {"reason": "x"}, allowance_services.allowance_cancel),
    }
    refused = []
    for action, (user, form, service) in calls.items():
        if state in ALLOWANCE_SOURCES[action]:
            continue
        with pytest.raises(ConflictError) as conflict:
            service(allowance=allowance, user=user, **form)
        assert conflict.value.code == "invalid_state", action
        page = client_for(user).post(f"/returns/allowances/{allowance.pk}/{action}/", form)
        answer = api_for(user).post(
            f"/api/v1/allowances/{allowance.pk}/{action}/", form, format="json"
        )
        if page.status_code != 409 or answer.status_code != 409:
            refused.append(f"{action}: page {page.status_code}, api {answer.status_code}")
    assert not refused, refused
    allowance.refresh_from_db()
    assert allowance.status == state
