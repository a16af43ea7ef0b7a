"""Follow-up call (回访) a few days after delivery: new customers always get one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from contracts.enums import FollowUpStatus
from contracts.models import FollowUp
from contracts.services.follow_ups import follow_up_record, follow_ups_schedule
from customers.enums import CreditTerms
from orders.services.exit_pass import exit_pass_token, exit_pass_use
from salesadmin.clock import company_today
from salesadmin.errors import ApplicationError
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _delivered(chain, guard, customer):
    order = chain.order(("1",), customer=customer)
    note = chain.dispatched(chain.stamped(chain.note(order)))
    assert exit_pass_use(raw=exit_pass_token(note), user=guard, vehicle_plate="浙E1").passed
    return order


@pytest.fixture
def new_customer(db):
    return CustomerFactory(
        trading_since=company_today() - dt.timedelta(days=30),
        credit_terms=CreditTerms.MONTHLY,
        credit_limit=100000,
    )


def test_a_new_customer_is_called_three_days_after_delivery(chain, guard, new_customer):
    order = _delivered(chain, guard, new_customer)
    _delivered(chain, guard, chain.customer)  # an old customer's verbal order: no call

    today = company_today()
    assert follow_ups_schedule(today=today + dt.timedelta(days=2)) == 0
    assert follow_ups_schedule(today=today + dt.timedelta(days=3)) == 1
    assert follow_ups_schedule(today=today + dt.timedelta(days=4)) == 0  # once
    call = FollowUp.objects.get()
    assert (call.order, call.due_date) == (order, today + dt.timedelta(days=3))


@override_settings(FOLLOW_UP_EVERY_CONTRACT=True)
def test_every_contract_when_configured(chain, guard):
    _delivered(chain, guard, chain.customer)
    assert follow_ups_schedule(today=company_today() + dt.timedelta(days=3)) == 1


@override_settings(FOLLOW_UP_DAYS=5)
def test_the_days_are_configurable(chain, guard, new_customer):
    _delivered(chain, guard, new_customer)
    assert follow_ups_schedule(today=company_today() + dt.timedelta(days=4)) == 0
    assert follow_ups_schedule(today=company_today() + dt.timedelta(days=5)) == 1


def test_the_clerk_records_the_result(chain, guard, new_customer):
    _delivered(chain, guard, new_customer)
    follow_ups_schedule(today=company_today() + dt.timedelta(days=3))
    call = FollowUp.objects.get()

    with pytest.raises(PermissionDenied):
        follow_up_record(follow_up=call, received_ok=True, remarks="", user=chain.keeper)
    with pytest.raises(ApplicationError) as refused:
        follow_up_record(follow_up=call, received_ok=False, remarks="", user=chain.clerk)
    assert refused.value.code == "remarks_required"

    call = follow_up_record(
        follow_up=call, received_ok=True, remarks="客户确认收货完好", user=chain.clerk
    )
    assert (call.status, call.received_ok, call.done_by) == (FollowUpStatus.DONE, True, chain.clerk)


def test_the_daily_job_is_scheduled_and_runs(chain, guard, new_customer):
    from contracts.tasks import schedule_follow_ups
    from salesadmin.schedules import BEAT_SCHEDULE

    beat = BEAT_SCHEDULE["contracts-schedule-follow-ups"]
    assert beat["task"] == "contracts.tasks.schedule_follow_ups"
    _delivered(chain, guard, new_customer)
    FollowUp.objects.all().delete()
    assert schedule_follow_ups.delay().get() == 0  # delivered today: not yet due
