"""Safe retries: a write sent again with the same Idempotency-Key acts once
and gets the first answer; the same key with another body is refused; 20
identical retries at once give one action and 20 identical answers."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from finance.enums import EntryKind
from finance.models import ReceivableEntry
from orders.enums import NoteStatus
from orders.models import DeliveryNote, GateExit
from salesadmin.idempotency.models import IdempotencyKey
from salesadmin.idempotency.services import Fingerprint, _claim, idempotency_keys_purge
from tests import racing
from tests.resilience.conftest import row_lock_held

PAYMENTS = "/api/v1/payments/"
STAMP = "/api/v1/delivery-notes/{}/stamp/"


def payment(customer, **changes):
    return {
        "customer": customer.pk,
        "amount": "1500.00",
        "method": "bank_transfer",
        "reference": "ICBC-RETRY-001",
        "date": "2026-01-05",
        **changes,
    }


def payments() -> int:
    return ReceivableEntry.objects.filter(kind=EntryKind.PAYMENT).count()


@pytest.mark.django_db
def test_a_retry_with_the_same_key_gets_the_first_answer_and_acts_once(chain, token_client):
    client = token_client(chain.finance)

    first = client.post(
        PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY="pay-1"
    )
    again = client.post(
        PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY="pay-1"
    )

    assert first.status_code == 201, first.content
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert payments() == 1  # without the key the retry would be a 400 duplicate_reference


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(chain, token_client):
    client = token_client(chain.finance)
    client.post(PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY="pay-2")

    other = client.post(
        PAYMENTS,
        payment(chain.customer, amount="99.00", reference="OTHER"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-2",
    )

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert payments() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(chain, token_client, finance):
    from salesadmin.roles import Role
    from tests.factories import UserFactory

    colleague = UserFactory(username="finance2", roles=[Role.FINANCE])
    token_client(chain.finance).post(
        PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    theirs = token_client(colleague).post(
        PAYMENTS,
        payment(chain.customer, reference="ICBC-RETRY-002"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )

    assert theirs.status_code == 201, theirs.content
    assert payments() == 2


@pytest.mark.django_db
def test_a_refusal_is_replayed_but_a_conflict_is_not_kept(chain, token_client):
    client = token_client(chain.finance)
    bad = payment(chain.customer, amount="-5.00")
    refused = client.post(PAYMENTS, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    replayed = client.post(PAYMENTS, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    assert refused.status_code == 400
    assert (replayed.status_code, replayed.content) == (400, refused.content)

    note = chain.note()
    chain.stamped(note)  # stamped already: stamping again is a 409 invalid_state
    conflict = client.post(STAMP.format(note.pk), {}, format="json", HTTP_IDEMPOTENCY_KEY="st-1")
    assert conflict.status_code == 409
    assert not IdempotencyKey.objects.filter(key="st-1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "ключ"])
def test_a_malformed_key_is_a_400(chain, token_client, key):
    if not key:  # an empty header is no key at all: acts normally
        response = token_client(chain.finance).post(
            PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 201
        return
    response = token_client(chain.finance).post(
        PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert payments() == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_retries_at_once_act_once_with_twenty_identical_answers(chain):
    """Real threads, each with its own connection and the real token."""
    note = chain.note()
    token, _ = Token.objects.get_or_create(user=chain.finance)
    n = 20
    clients = [APIClient(raise_request_exception=False) for _ in range(n)]
    for client in clients:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    def retry(i):
        response = clients[i].post(
            STAMP.format(note.pk), {}, format="json", HTTP_IDEMPOTENCY_KEY="stamp-once"
        )
        return (response.status_code, response.content)

    raced = racing.run_together(retry, n)

    assert racing.tally(raced) == {"ok": n}, raced
    answers = [answer for _, answer in raced]
    assert len(set(answers)) == 1, {a[0] for a in answers if a}
    assert answers[0][0] == 200
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.STAMPED
    assert IdempotencyKey.objects.filter(key="stamp-once").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_still_runs_answers_409_in_progress(chain, token_client):
    from django.conf import settings

    client = token_client(chain.finance)
    fingerprint = Fingerprint("POST", PAYMENTS, "0" * 64)
    holding = threading.Event()
    release = threading.Event()

    def first_request_still_running():
        try:
            with transaction.atomic():
                _claim(chain.finance.pk, "slow-1", fingerprint)
                holding.set()
                release.wait(timeout=30)
                transaction.set_rollback(True)
        finally:
            connection.close()

    thread = threading.Thread(target=first_request_still_running)
    thread.start()
    assert holding.wait(timeout=20)
    started = time.monotonic()
    response = client.post(
        PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY="slow-1"
    )
    waited = time.monotonic() - started
    release.set()
    thread.join(timeout=20)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert response["Retry-After"] == str(settings.DB_BUSY_RETRY_AFTER)
    assert waited < 3 + 2.5
    assert payments() == 0


@pytest.mark.django_db(transaction=True)
def test_a_busy_answer_keeps_nothing_and_the_retry_acts(chain, token_client):
    note = chain.note()
    client = token_client(chain.finance)

    with row_lock_held("SELECT id FROM orders_deliverynote WHERE id = %s FOR UPDATE", [note.pk]):
        busy = client.post(STAMP.format(note.pk), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-503")
    retried = client.post(STAMP.format(note.pk), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-503")

    assert busy.status_code == 503
    assert busy.json()["code"] == "busy"
    assert retried.status_code == 200, retried.content
    assert not retried.has_header("Idempotent-Replayed")
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.STAMPED


@pytest.mark.django_db
def test_keys_are_kept_at_least_a_day_then_purged(chain, token_client):
    client = token_client(chain.finance)
    client.post(PAYMENTS, payment(chain.customer), format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post(
        PAYMENTS,
        payment(chain.customer, reference="R-2"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="recent",
    )
    now = timezone.now()
    IdempotencyKey.objects.filter(key="old").update(created_at=now - dt.timedelta(hours=49))
    IdempotencyKey.objects.filter(key="recent").update(created_at=now - dt.timedelta(hours=25))

    assert idempotency_keys_purge(now=now) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_the_purge_is_scheduled():
    from salesadmin.schedules import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "salesadmin.idempotency.tasks.purge_idempotency_keys" in tasks


# --- Pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_gate_let_out_form_carries_a_fresh_key(chain, client_for, guard):
    note = chain.dispatched()
    client = client_for(guard)

    first = client.post("/orders/gate/check/", {"code": note.pass_code}, HTTP_HX_REQUEST="true")
    second = client.post("/orders/gate/check/", {"code": note.pass_code}, HTTP_HX_REQUEST="true")

    def key_of(response):
        text = response.content.decode()
        marker = 'name="idempotency_key" value="'
        assert marker in text
        return text.split(marker, 1)[1].split('"', 1)[0]

    assert key_of(first) != key_of(second)


@pytest.mark.django_db
def test_a_double_tap_on_let_out_lets_the_truck_out_once_and_answers_alike(
    chain, client_for, guard
):
    note = chain.dispatched()
    client = client_for(guard)
    form = {"code": note.pass_code, "vehicle_plate": "浙E12345", "idempotency_key": "tap-1"}

    first = client.post("/orders/gate/exit/", form, HTTP_HX_REQUEST="true")
    second = client.post("/orders/gate/exit/", form, HTTP_HX_REQUEST="true")

    assert first.status_code == 200
    assert (second.status_code, second.content) == (200, first.content)
    assert 'data-verdict="out"' in second.content.decode()  # OUT, not "STOP: already used"
    assert GateExit.objects.filter(note=note).count() == 1


@pytest.mark.django_db
def test_a_resent_form_without_javascript_gets_the_same_redirect(chain, client_for, guard):
    note = chain.dispatched()
    client = client_for(guard)
    form = {"code": note.pass_code, "vehicle_plate": "浙E12345", "idempotency_key": "resend-1"}

    first = client.post("/orders/gate/exit/", form)
    resent = client.post("/orders/gate/exit/", {**form, "csrfmiddlewaretoken": "new-token"})

    assert first.status_code == 302
    assert (resent.status_code, resent["Location"]) == (302, first["Location"])
    assert GateExit.objects.filter(note=note).count() == 1


@pytest.mark.django_db
def test_every_page_loads_the_form_key_script(chain, client_for):
    response = client_for(chain.clerk).get("/orders/")
    assert "js/idempotency.js" in response.content.decode()


@pytest.mark.django_db
def test_the_schema_documents_the_key_and_the_503_answers():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    stamp = schema["paths"]["/api/v1/delivery-notes/{id}/stamp/"]["post"]
    listing = schema["paths"]["/api/v1/delivery-notes/"]["get"]

    assert {"$ref": "#/components/parameters/IdempotencyKey"} in stamp["parameters"]
    assert schema["components"]["parameters"]["IdempotencyKey"]["name"] == "Idempotency-Key"
    assert {"422", "503"} <= set(stamp["responses"])
    assert "503" in listing["responses"]
    assert not any(
        p.get("$ref", "").endswith("IdempotencyKey") for p in listing.get("parameters", [])
    )
