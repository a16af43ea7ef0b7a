"""A guard on a weak network (issue 18): the server lets the truck out but the
answer never reaches the phone. The PASS panel stays, the guard taps "Let out"
again, and the resend (same idempotency key) shows OUT, not "already used";
the truck left once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from orders.models import GateExit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lost_answer_and_a_second_tap_let_the_truck_out_once(chain, guard, roles):
    note = chain.dispatched()
    gate = roles.log_in(guard, viewport={"width": 390, "height": 844})
    gate.goto("/orders/gate/")
    gate.get_by_label("Pass code").fill(note.pass_code)
    gate.get_by_role("button", name="Check").click()
    verdict = gate.locator("#gate-result [data-verdict]")
    expect(verdict.locator(".gate-verdict")).to_contain_text("PASS")

    # The first "Let out" reaches the server, which lets the truck out; its
    # answer is lost on the way back.
    lost = []

    def lose_the_answer(route):
        if not lost:
            lost.append(route.fetch().status)  # the server acted and answered
            route.abort("connectionreset")
        else:
            route.continue_()

    gate.route(re.compile(r".*/orders/gate/exit/$"), lose_the_answer)
    gate.get_by_role("button", name=re.compile(r"^Let out")).click()
    expect(gate.locator("#gate-result .gate-message")).to_contain_text("No connection")
    assert lost == [200]
    assert GateExit.objects.filter(note=note).count() == 1
    roles.snap("guard answer lost", gate)

    # The panel is still there: the guard taps again and sees OUT.
    gate.get_by_role("button", name=re.compile(r"^Let out")).click()
    expect(verdict.locator(".gate-verdict")).to_contain_text("OUT")
    roles.snap("guard out after resend", gate)
    assert GateExit.objects.filter(note=note).count() == 1
