"""A delivery note is valid only on the day it is issued (当天内有效): not
dispatched by the end of that day it expires and gives back its stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from celery import current_app
from celery.schedules import crontab
from django.core.management import call_command
from django.db.models import Sum

from inventory.models import ReservationMove, StockLevel
from orders.enums import NoteStatus
from orders.models import DeliveryNote
from orders.services.delivery_notes import delivery_note_stamp, delivery_notes_expire_stale
from orders.tasks import expire_delivery_notes
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from salesadmin.models import TransitionLog
from salesadmin.schedules import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_day(monkeypatch):
    """Move the company clock one day on for the notes' rules."""

    def move():
        day = company_today() + dt.timedelta(days=1)
        for module in ("orders.models", "orders.services.delivery_notes"):
            monkeypatch.setattr(f"{module}.company_today", lambda: day)
        return day

    return move


def _reserved(chain) -> dict[str, Decimal]:
    return {
        level.product.sku: level.reserved
        for level in StockLevel.objects.filter(warehouse=chain.warehouse).select_related("product")
    }


def _expiry_logs(note):
    return TransitionLog.objects.filter(
        document_type="delivery_note", document_id=note.pk, transition="expire"
    )


def _status(note) -> str:
    note.refresh_from_db()
    return note.status


@pytest.mark.parametrize("run", ["service", "task", "command"])
def test_yesterdays_issued_and_stamped_notes_expire_and_release_stock(chain, next_day, run):
    # Given an issued and a stamped note from yesterday, holding stock
    issued = chain.note()
    stamped = chain.stamped()
    assert any(_reserved(chain).values())
    next_day()

    # When the nightly job runs (the service, the Celery task or the command)
    out = StringIO()
    if run == "service":
        expired = delivery_notes_expire_stale()
    elif run == "task":
        expired = expire_delivery_notes.delay().get(timeout=10)  # eager in tests
    else:
        call_command("expire_delivery_notes", stdout=out)
        expired = int(out.getvalue().split()[0])

    # Then both expire, their stock is free again and the job is logged without a user
    assert expired == 2
    assert (_status(issued), _status(stamped)) == (NoteStatus.EXPIRED, NoteStatus.EXPIRED)
    assert set(_reserved(chain).values()) == {Decimal("0")}
    for note in (issued, stamped):
        releases = ReservationMove.objects.filter(reference=f"note:{note.pk}", quantity__lt=0)
        per_product = dict(
            releases.values("product__sku")
            .annotate(q=Sum("quantity"))
            .values_list("product__sku", "q")
        )
        assert per_product == {
            line.product.sku: -line.quantity for line in note.lines.select_related("product")
        }
    logs = {
        log.document_id: (log.from_state, log.to_state, log.user)
        for log in TransitionLog.objects.filter(transition="expire")
    }
    assert logs == {
        issued.pk: (NoteStatus.ISSUED, NoteStatus.EXPIRED, None),
        stamped.pk: (NoteStatus.STAMPED, NoteStatus.EXPIRED, None),
    }
    if run == "command":
        assert out.getvalue().strip() == "2 delivery note(s) expired."


def test_a_note_of_today_is_left_alone(chain, next_day):
    yesterday = chain.note()
    next_day()
    today = chain.note()  # issued on the new day
    assert today.issue_date > yesterday.issue_date

    assert delivery_notes_expire_stale() == 1

    assert _status(today) == NoteStatus.ISSUED
    assert not _expiry_logs(today).exists()
    # Its reservation stands: exactly what today's note carries.
    assert _reserved(chain) == {
        line.product.sku: line.quantity for line in today.lines.select_related("product")
    }


def test_a_dispatched_note_never_expires(chain, next_day):
    dispatched = chain.dispatched()
    next_day()

    assert delivery_notes_expire_stale() == 0
    call_command("expire_delivery_notes", stdout=StringIO())

    assert _status(dispatched) == NoteStatus.DISPATCHED
    assert not _expiry_logs(dispatched).exists()


def test_the_job_is_idempotent(chain, next_day):
    chain.note()
    next_day()

    assert delivery_notes_expire_stale() == 1
    out = StringIO()
    call_command("expire_delivery_notes", stdout=out)

    assert out.getvalue().strip() == "0 delivery note(s) expired."
    assert TransitionLog.objects.filter(transition="expire").count() == 1
    assert ReservationMove.objects.filter(quantity__lt=0).count() == len(chain.products)


def test_stamping_a_stale_note_expires_it_and_is_refused(chain, next_day):
    note = chain.note()
    next_day()

    with pytest.raises(ApplicationError):
        delivery_note_stamp(note=note, user=chain.finance)

    # The expiry stands although the stamp was refused.
    assert _status(note) == NoteStatus.EXPIRED
    assert note.stamped_by is None
    assert _expiry_logs(note).count() == 1
    assert set(_reserved(chain).values()) == {Decimal("0")}


def test_the_job_is_scheduled_at_midnight_and_every_quarter_hour():
    runs = [e for e in BEAT_SCHEDULE.values() if e["task"] == "orders.tasks.expire_delivery_notes"]
    schedules = {str(e["schedule"]) for e in runs}

    assert schedules == {
        str(crontab(hour=0, minute=5)),
        str(crontab(minute="*/15")),
    }
    # The name in the schedule is the registered task.
    assert "orders.tasks.expire_delivery_notes" in current_app.tasks
    assert expire_delivery_notes.name == "orders.tasks.expire_delivery_notes"


def test_celery_beat_is_given_the_schedule():
    # Beat (django-celery-beat's DatabaseScheduler) installs what the Celery app's
    # beat_schedule holds; an entry only in salesadmin/schedules.py never runs.
    from salesadmin.celery import app

    for name in ("orders-expire-delivery-notes", "orders-expire-delivery-notes-catch-up"):
        assert app.conf.beat_schedule.get(name) == BEAT_SCHEDULE[name], name


def test_the_stale_queryset_and_the_notes_own_predicate_are_one_rule(chain, guard):
    # Given notes in every state the chain reaches today
    issued = chain.note()
    stamped = chain.stamped()
    dispatched = chain.dispatched()
    notes = [issued, stamped, dispatched]
    today = company_today()

    # When the day they were issued is over
    for day, expected in [(today, set()), (today + dt.timedelta(days=1), {issued, stamped})]:
        # Then the open ones (issued, stamped) are stale, in SQL and in Python alike
        in_sql = set(DeliveryNote.objects.stale(day).filter(pk__in=[n.pk for n in notes]))
        in_python = {n for n in notes if n.is_stale_on(day)}
        assert in_sql == in_python == expected
