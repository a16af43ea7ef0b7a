"""A client generated from the live schema (openapi-python-client, pinned in
pyproject.toml) drives the chain over HTTP as each role, and every answer
parses into the schema's models: the contract is exact enough for a client
that trusts it. A required field the keeper's answer leaves out, an
undocumented status or a request shape the server refuses fails here.

clerk: token, order with a price below the minimum, submit → manager: approve
→ clerk: issue a note → finance: stamp → keeper: note detail, dispatch →
guard: check the pass, let the truck out.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.test import Client

from orders.enums import NoteStatus, OrderStatus
from salesadmin.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-for-tests"  # tests/factories.py
PACKAGE = "salesadmin_client"
CONFIG = """\
package_name_override: salesadmin_client
post_hooks: []
content_type_overrides:
  application/pdf: application/octet-stream
"""


@pytest.fixture
def generated(tmp_path, db):
    """The client package generated from the schema the application serves."""
    reader = UserFactory(username="schema-reader", roles=[Role.SALES_CLERK])
    http = Client()
    http.force_login(reader)
    answer = http.get("/api/schema/?format=json")
    assert answer.status_code == 200
    (tmp_path / "schema.json").write_text(json.dumps(answer.json()))
    (tmp_path / "config.yaml").write_text(CONFIG)
    out = tmp_path / "client" / PACKAGE
    run = subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate"),
            *("--path", str(tmp_path / "schema.json")),
            *("--output-path", str(out)),
            *("--config", str(tmp_path / "config.yaml")),
            *("--meta", "none"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # Every operation generated: a warning means an operation or answer left out.
    assert "WARNING" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        yield _Generated()
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


class _Generated:
    def __getattr__(self, name):
        if name in ("client", "models", "types"):
            return importlib.import_module(f"{PACKAGE}.{name}")
        return importlib.import_module(f"{PACKAGE}.api.v1.{name}")


def _parsed(response, model):
    assert response.status_code < 300, (response.status_code, response.content[:500])
    assert isinstance(response.parsed, model), response.content[:500]
    return response.parsed


def test_the_chain_through_a_generated_client_as_each_role(generated, live_server, chain, guard):
    api, models = generated, generated.models
    anonymous = api.client.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    def signed_in(user):
        answer = api.auth_token_create.sync_detailed(
            client=anonymous, body=models.TokenInput(username=user.username, password=PASSWORD)
        )
        token = _parsed(answer, models.TokenOutput).token
        return api.client.AuthenticatedClient(
            base_url=live_server.url, token=token, prefix="Token", raise_on_unexpected_status=True
        )

    clerk, manager = signed_in(chain.clerk), signed_in(chain.manager)
    finance, keeper, gate = signed_in(chain.finance), signed_in(chain.keeper), signed_in(guard)

    # A refusal parses as the one error shape.
    wrong = api.auth_token_create.sync_detailed(
        client=anonymous, body=models.TokenInput(username="clerk", password="wrong")
    )
    assert wrong.status_code == 400
    assert _error(wrong, models).code == "invalid_credentials"

    # Clerk: an order with a price below the minimum waits for a manager.
    lines = [
        models.OrderLineInput(product=product.pk, quantity=quantity, unit_price=price)
        for product, quantity, price in zip(
            chain.products, ["10", "100"], ["20.00", None], strict=False
        )
    ]
    created = api.v1_orders_create.sync_detailed(
        client=clerk, body=models.OrderCreateInput(customer=chain.customer.pk, lines=lines)
    )
    order = _parsed(created, models.OrderDetailOutput)
    submitted = _parsed(
        api.v1_orders_submit_create.sync_detailed(order.id, client=clerk), models.OrderDetailOutput
    )
    assert submitted.status == models.OrderStatusEnum(OrderStatus.SUBMITTED)

    # The keeper may not approve: 403 in the error shape.
    refused = api.v1_orders_approve_create.sync_detailed(order.id, client=keeper)
    assert (refused.status_code, _error(refused, models).code) == (403, "permission_denied")

    approved = _parsed(
        api.v1_orders_approve_create.sync_detailed(
            order.id, client=manager, body=models.OrderCommentInput(comment="ok")
        ),
        models.OrderDetailOutput,
    )
    assert approved.status == models.OrderStatusEnum(OrderStatus.APPROVED)

    # Clerk: a delivery note for the whole order.
    issued = _parsed(
        api.v1_orders_delivery_notes_create.sync_detailed(
            order.id,
            client=clerk,
            body=models.NoteIssueInput(
                warehouse=chain.warehouse.pk,
                vehicle_plate="浙E12345",
                lines=[
                    models.NoteIssueLineInput(order_line=line.id, quantity=line.quantity)
                    for line in approved.lines
                ],
            ),
        ),
        models.NoteDetailOutput,
    )
    assert issued.customer.id == chain.customer.pk
    assert Decimal(issued.value) > 0

    stamped = _parsed(
        api.v1_delivery_notes_stamp_create.sync_detailed(issued.id, client=finance),
        models.NoteDetailOutput,
    )
    assert stamped.status == models.NoteStatusEnum(NoteStatus.STAMPED)

    # Keeper: the note without customer and money parses (those fields are optional).
    seen = _parsed(
        api.v1_delivery_notes_retrieve.sync_detailed(issued.id, client=keeper),
        models.NoteDetailOutput,
    )
    listed = _parsed(
        api.v1_delivery_notes_list.sync_detailed(client=keeper, status=stamped.status),
        models.PaginatedNoteListOutputList,
    )
    assert [note.id for note in listed.results] == [issued.id]
    for shown in (seen, listed.results[0]):
        assert "customer" not in shown.to_dict() and "value" not in shown.to_dict()
    assert all("unit_price" not in line.to_dict() for line in seen.lines)
    dispatched = _parsed(
        api.v1_delivery_notes_dispatch_create.sync_detailed(
            issued.id,
            client=keeper,
            body=models.DispatchInput(
                lines=[
                    models.DispatchLineInput(
                        note_line=line.id,
                        allocations=[
                            models.AllocationInput(
                                batch=chain.batches[line.product.id].pk, quantity=line.quantity
                            )
                        ],
                    )
                    for line in seen.lines
                ]
            ),
        ),
        models.NoteDetailOutput,
    )
    assert dispatched.status == models.NoteStatusEnum(NoteStatus.DISPATCHED)
    assert "actual_value" not in dispatched.dispatch.to_dict()

    # Guard: check, let out, and a second exit is a STOP (200, reason `used`).
    code = dispatched.exit_pass_code
    checked = _parsed(
        api.v1_exit_passes_check_create.sync_detailed(
            client=gate, body=models.ExitPassCheckInput(code=code)
        ),
        models.ExitPassCheckOutput,
    )
    assert (checked.passed, checked.note_number) == (True, issued.number)
    left = _parsed(
        api.v1_exit_passes_exit_create.sync_detailed(
            client=gate, body=models.ExitPassExitInput(code=code, vehicle_plate="浙E12345")
        ),
        models.ExitPassExitOutput,
    )
    assert left.passed and left.exited_at is not None
    again = _parsed(
        api.v1_exit_passes_exit_create.sync_detailed(
            client=gate, body=models.ExitPassExitInput(code=code, vehicle_plate="浙E12345")
        ),
        models.ExitPassExitOutput,
    )
    assert (again.passed, str(again.reason)) == (False, "used")
    assert "customer" not in json.dumps(again.to_dict())

    # A PDF answer is a file for the client (the statement of the customer).
    pdf = api.v1_customers_statement_pdf_retrieve.sync_detailed(chain.customer.pk, client=finance)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def _error(response, models):
    assert isinstance(response.parsed, models.ErrorOutput), response.content[:500]
    return response.parsed
