"""The home page shows each person the samples and non-sale requests waiting
for their own step, and no one else's (issue 11)."""

from __future__ import annotations

import pytest

from outbound.selectors import outbound_to_act_on
from outbound.services.samples import sample_application_approve

pytestmark = pytest.mark.django_db


def _numbers(user) -> set[str]:
    return {d.number for d in outbound_to_act_on(user)}


def test_each_step_waits_for_its_own_people(world):
    sample = world.sample()  # waits for the department head
    submitted = world.request(upto="submitted")  # the accountant's check
    checked = world.request(upto="checked")  # the manager's opinion
    endorsed = world.request(upto="endorsed")  # the deputy general manager
    world.request(upto="approved")  # nobody's any more

    assert _numbers(world.finance) == {submitted.number}
    assert _numbers(world.head) == {sample.number, checked.number}
    # A deputy acts at their level and below: the head's sample too.
    assert _numbers(world.deputy) == {sample.number, checked.number, endorsed.number}
    assert _numbers(world.chain.manager) == {checked.number}  # a manager with no level
    assert _numbers(world.clerk) == set()
    assert _numbers(world.keeper) == set()


def test_a_forwarded_sample_leaves_the_heads_queue_for_the_directors(world):
    # Beyond 5 specifications and 10 pieces each: the head forwards it upwards.
    big = world.sample(("11", "", ""))
    assert big.number in _numbers(world.head)

    forwarded = sample_application_approve(application=big, user=world.head)

    assert forwarded.waiting_level.code == "sales_director"
    assert forwarded.number in _numbers(world.director)
    assert forwarded.number not in _numbers(world.head)


def test_the_home_page_lists_them_with_links(world, client_for):
    endorsed = world.request(upto="endorsed")

    body = client_for(world.deputy).get("/").content.decode()

    assert f'href="/outbound/requests/{endorsed.pk}/"' in body
    assert endorsed.number in body
    assert "outbound-queue-title" not in client_for(world.clerk).get("/").content.decode()


def test_a_documents_history_is_in_words_not_codes(world, client_for):
    endorsed = world.request(upto="endorsed")

    body = client_for(world.deputy).get(f"/outbound/requests/{endorsed.pk}/").content.decode()

    assert "Checked by the accountant" in body and "Manager&#x27;s opinion given" in body
    assert "Waiting for the manager" in body  # a state in words
    assert "accountant_check" not in body and ": checked →" not in body
