"""/metrics: who may read it, and that it counts what the README says to watch."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from finance.models import Reminder
from finance.tasks import send_reminders
from orders.services.delivery_notes import delivery_note_stamp
from salesadmin.errors import ConflictError
from tests.factories import InvoiceFactory


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_answer_loopback_clients(client, db):
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'salesadmin_http_request_duration_seconds_count{method="GET",route="healthz"' in body


@pytest.mark.parametrize("remote", ["10.0.0.5", "192.168.1.20"])
def test_metrics_refuse_other_clients_without_the_token(client, db, settings, remote):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR=remote).status_code == 403
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope"}
    assert client.get("/metrics", REMOTE_ADDR=remote, **wrong).status_code == 403
    right = {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}
    assert client.get("/metrics", REMOTE_ADDR=remote, **right).status_code == 200


def test_metrics_refuse_remote_clients_when_no_token_is_set(client, db, settings):
    settings.METRICS_TOKEN = None
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.5", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def test_transitions_are_counted_by_outcome(chain, django_capture_on_commit_callbacks):
    labels = {"document": "delivery_note", "transition": "stamp"}
    ok_before = _sample("salesadmin_transitions_total", outcome="ok", **labels)
    refused_before = _sample("salesadmin_transitions_total", outcome="invalid_state", **labels)
    note = chain.note()
    with django_capture_on_commit_callbacks(execute=True):
        note = delivery_note_stamp(note=note, user=chain.finance)
    with pytest.raises(ConflictError):
        delivery_note_stamp(note=note, user=chain.finance)  # stamped already
    assert _sample("salesadmin_transitions_total", outcome="ok", **labels) == ok_before + 1
    assert (
        _sample("salesadmin_transitions_total", outcome="invalid_state", **labels)
        == refused_before + 1
    )


def test_a_rolled_back_transition_is_not_counted_as_done(chain):
    labels = {"document": "delivery_note", "transition": "stamp", "outcome": "ok"}
    before = _sample("salesadmin_transitions_total", **labels)
    chain.stamped()  # the test's transaction never commits
    assert _sample("salesadmin_transitions_total", **labels) == before


def test_celery_task_outcomes_are_counted(db):
    labels = {"task": "finance.tasks.send_reminders", "outcome": "success"}
    before = _sample("salesadmin_celery_tasks_total", **labels)
    send_reminders.delay()
    assert _sample("salesadmin_celery_tasks_total", **labels) == before + 1


def test_the_outbox_backlog_is_read_from_the_database(client, db):
    invoice = InvoiceFactory()
    Reminder.objects.create(
        invoice=invoice,
        customer=invoice.customer,
        level=1,
        days_overdue=3,
        open_amount=invoice.amount,
    )
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'salesadmin_outbox_pending{outbox="reminders"} 1.0' in body
    assert 'salesadmin_outbox_pending{outbox="statements"} 0.0' in body
    assert 'salesadmin_outbox_oldest_pending_age_seconds{outbox="reminders"}' in body
