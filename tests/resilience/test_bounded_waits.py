"""Bounded waits: a session holding a row lock makes a competing request
answer 503 ``busy`` within the lock timeout, with nothing half done, instead
of freezing the site (issue 18)."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse

from orders.enums import NoteStatus
from orders.models import DeliveryNote
from salesadmin.db_timeouts import JOB, REPORT, WEB, process_profile, use_timeouts
from salesadmin.middleware.timeouts import ReportTimeoutsMiddleware
from tests.resilience.conftest import row_lock_held

pytestmark = pytest.mark.django_db(transaction=True)

STAMP = "/api/v1/delivery-notes/{}/stamp/"


def _session_timeouts() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')"
        )
        return cursor.fetchone()


def _seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "min": 60}
    for unit, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * factor
    return float(value) / 1000


def test_a_web_session_starts_with_the_configured_timeouts():
    connection.close()
    connection.ensure_connection()

    assert _session_timeouts() == settings.DB_TIMEOUTS[WEB] == ("3s", "15s")


def test_jobs_get_their_own_longer_timeouts_and_give_them_back():
    connection.ensure_connection()
    with use_timeouts(JOB):
        assert _session_timeouts() == settings.DB_TIMEOUTS[JOB]
        # A connection opened inside the block starts with the job's values too.
        connection.close()
        connection.ensure_connection()
        assert _session_timeouts() == settings.DB_TIMEOUTS[JOB]
    assert _session_timeouts() == settings.DB_TIMEOUTS[WEB]
    lock, statement = settings.DB_TIMEOUTS[JOB]
    assert _seconds(lock) > 3 and _seconds(statement) > 15


@pytest.mark.parametrize(
    ("argv", "profile"),
    [
        (["manage.py", "send_overdue_reminders"], JOB),
        (["manage.py", "migrate"], JOB),
        (["/app/.venv/bin/celery", "-A", "salesadmin", "worker"], JOB),
        (["manage.py", "runserver"], WEB),
        ([".venv/bin/gunicorn", "salesadmin.wsgi:application"], WEB),
        ([".venv/bin/pytest", "-q"], WEB),
    ],
)
def test_celery_and_management_commands_run_with_the_job_profile(argv, profile, monkeypatch):
    monkeypatch.delenv("DB_TIMEOUT_PROFILE", raising=False)
    assert process_profile(argv) == profile


@pytest.mark.parametrize(
    ("path", "profile"),
    [("/reports/", REPORT), ("/api/v1/aging/", REPORT), ("/orders/", WEB)],
)
def test_report_pages_run_with_the_report_statement_timeout(path, profile, rf):
    connection.ensure_connection()
    seen = []

    def view(request):
        seen.append(_session_timeouts())
        return HttpResponse()

    ReportTimeoutsMiddleware(view)(rf.get(path))

    assert seen == [settings.DB_TIMEOUTS[profile]]
    assert _session_timeouts() == settings.DB_TIMEOUTS[WEB]  # given back afterwards


def test_a_held_row_lock_answers_503_busy_within_the_lock_timeout(chain, token_client):
    note = chain.note()
    client = token_client(chain.finance)

    with row_lock_held("SELECT id FROM orders_deliverynote WHERE id = %s FOR UPDATE", [note.pk]):
        started = time.monotonic()
        response = client.post(STAMP.format(note.pk), {}, format="json")
        waited = time.monotonic() - started

    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "busy"
    assert response["Retry-After"] == str(settings.DB_BUSY_RETRY_AFTER)
    assert 2.5 <= waited < 3 + 2.5  # the lock timeout, not a frozen worker
    # Nothing half done: still issued, no stamp; once the lock is gone it works.
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.ISSUED
    again = client.post(STAMP.format(note.pk), {}, format="json")
    assert again.status_code == 200, again.content
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.STAMPED


def test_a_held_row_lock_shows_a_retry_page_on_the_pages(chain, page_client):
    note = chain.note()
    client = page_client(chain.finance)

    with row_lock_held("SELECT id FROM orders_deliverynote WHERE id = %s FOR UPDATE", [note.pk]):
        response = client.post(f"/orders/notes/{note.pk}/stamp/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DB_BUSY_RETRY_AFTER)
    text = response.content.decode()
    assert "Try again in a moment" in text and "busy" in text
    assert "Traceback" not in text
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.ISSUED


def test_a_statement_timeout_answers_busy_and_rolls_the_action_back(chain, token_client):
    """A statement that runs past the statement timeout (the stamp's UPDATE,
    made slow by a trigger; the timeout lowered for the test) cancels the
    whole action: the note is not stamped and no log row is left."""
    from salesadmin.models import TransitionLog

    note = chain.note()
    logs_before = TransitionLog.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION slow_stamp() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER slow_stamp BEFORE UPDATE ON orders_deliverynote "
            "FOR EACH ROW EXECUTE FUNCTION slow_stamp()"
        )
        cursor.execute("SET statement_timeout = '300ms'")
    try:
        response = token_client(chain.finance).post(STAMP.format(note.pk), {}, format="json")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
            cursor.execute("DROP TRIGGER slow_stamp ON orders_deliverynote")
            cursor.execute("DROP FUNCTION slow_stamp()")

    assert response.status_code == 503, response.content
    assert response.json()["code"] == "busy"
    assert DeliveryNote.objects.get(pk=note.pk).status == NoteStatus.ISSUED
    assert TransitionLog.objects.count() == logs_before
