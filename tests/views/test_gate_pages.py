"""The gate page through HTTP: only the gate may use it, PASS/STOP with the
vehicle and goods, and never the customer, prices or amounts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.enums import NoteStatus
from orders.models import GateCheck, GateExit
from orders.services.exit_pass import exit_pass_token, exit_pass_use

pytestmark = pytest.mark.django_db

GATE = "/orders/gate/"
CHECK = "/orders/gate/check/"
EXIT = "/orders/gate/exit/"
HTMX = {"HTTP_HX_REQUEST": "true"}
CUSTOMER = "安吉县保密客户有限公司"


def _assert_no_secrets(html: str, note) -> None:
    """The exit-pass copy's commercial secrets (DESIGN.md): customer, prices, amounts."""
    assert CUSTOMER not in html
    assert note.customer.name not in html
    for line in note.lines.all():
        for money in (line.unit_price, line.amount):
            assert f"{money:.2f}" not in html, money
    for value in filter(None, (note.value, note.actual_value)):
        assert f"{value:.2f}" not in html and f"{value:,.2f}" not in html, value


# --- Who may come in ------------------------------------------------------------


@pytest.mark.parametrize("url", [GATE, CHECK, EXIT])
def test_guard_and_manager_get_the_gate_page(url, guard, manager, client_for):
    for user in (guard, manager):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert 'id="gate-code"' in response.content.decode()


@pytest.mark.parametrize("url", [GATE, CHECK, EXIT])
def test_other_roles_are_refused(url, clerk, finance, keeper, client_for):
    for user in (clerk, finance, keeper):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"code": "ABCD-EFGH"}).status_code == 403
    assert not GateCheck.objects.exists()


@pytest.mark.parametrize("url", [GATE, CHECK, EXIT])
def test_anonymous_goes_to_login(url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(url, {"code": "ABCD-EFGH"}).status_code == 302
    assert not GateCheck.objects.exists()


def test_camera_reader_is_vendored_not_from_a_cdn(guard, client_for, settings):
    html = client_for(guard).get(GATE).content.decode()

    assert 'data-jsqr-src="/static/vendor/jsqr/jsQR.js"' in html
    assert "/static/js/gate.js" in html
    assert "cdn" not in html.lower() and 'src="http' not in html
    vendored = settings.BASE_DIR / "static" / "vendor" / "jsqr"
    assert (vendored / "jsQR.js").stat().st_size > 100_000
    assert "Apache License" in (vendored / "LICENSE").read_text()


# --- PASS / STOP ----------------------------------------------------------------


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "no-js"])
def test_scanned_pass_shows_pass_with_goods_but_no_secrets(chain, guard, client_for, headers):
    note = chain.dispatched()

    response = client_for(guard).post(CHECK, {"code": exit_pass_token(note)}, **headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="pass"' in html
    assert note.number in html
    assert "浙E12345" in html  # the plate, prefilled in the let-out form
    for product in chain.products:
        assert product.name in html and product.specification in html
    assert str(chain.batches[chain.products[0].pk].number) in html
    assert f'action="{EXIT}"' in html
    _assert_no_secrets(html, note)
    # htmx gets the panel alone; without JavaScript the whole page.
    assert ("<html" in html) is (not headers)


def test_typed_short_code_passes(chain, guard, client_for):
    note = chain.dispatched()
    typed = f"{note.pass_code[:4].lower()}-{note.pass_code[4:].lower()}"

    response = client_for(guard).post(CHECK, {"code": typed}, **HTMX)

    assert 'data-verdict="pass"' in response.content.decode()
    assert note.number in response.content.decode()


def test_forged_code_shows_stop_with_the_reason(chain, guard, client_for):
    note = chain.dispatched()
    token = exit_pass_token(note)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client_for(guard).post(CHECK, {"code": forged}, **HTMX)

    html = response.content.decode()
    assert 'data-verdict="stop"' in html and 'data-verdict="pass"' not in html
    assert "Forged or damaged pass" in html
    assert note.number not in html
    assert not GateExit.objects.exists()


def test_stop_for_a_found_note_shows_reason_vehicle_and_goods_only(chain, guard, client_for):
    note = chain.stamped()  # not loaded yet

    html = client_for(guard).post(CHECK, {"code": note.pass_code}, **HTMX).content.decode()

    assert 'data-verdict="stop"' in html
    assert "The warehouse has not dispatched this note yet." in html
    assert note.number in html and chain.products[0].name in html
    assert f'action="{EXIT}"' not in html  # no let-out button on a STOP
    _assert_no_secrets(html, note)


def test_empty_code_records_nothing(guard, client_for):
    response = client_for(guard).post(CHECK, {"code": "  "}, **HTMX)
    assert response.status_code == 200
    assert "data-verdict" not in response.content.decode()
    assert not GateCheck.objects.exists()


# --- Letting the truck out ------------------------------------------------------


def test_let_out_records_the_exit_and_confirms_the_time(chain, guard, client_for):
    note = chain.dispatched()

    response = client_for(guard).post(
        EXIT, {"code": exit_pass_token(note), "vehicle_plate": "浙e 54321"}, **HTMX
    )

    html = response.content.decode()
    gate_exit = GateExit.objects.get(note=note)
    assert (gate_exit.vehicle_plate, gate_exit.guard) == ("浙E 54321", guard)
    note.refresh_from_db()
    assert note.status == NoteStatus.EXITED
    assert 'data-verdict="out"' in html
    assert timezone.localtime(gate_exit.exited_at).strftime("%H:%M") in html
    # The lists below are refreshed out of band: the truck is among today's exits.
    assert 'id="gate-lists" class="gate-lists" hx-swap-oob="true"' in html
    _assert_no_secrets(html, note)


def test_let_out_without_javascript_redirects_to_the_confirmation(chain, guard, client_for):
    note = chain.dispatched()
    client = client_for(guard)

    response = client.post(EXIT, {"code": note.pass_code, "vehicle_plate": "浙E12345"})

    gate_exit = GateExit.objects.get(note=note)
    assert response.status_code == 302
    assert response["Location"] == f"{GATE}?out={gate_exit.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'data-verdict="out"' in page and note.number in page
    _assert_no_secrets(page, note)


def test_let_out_of_a_pass_used_meanwhile_shows_stop(chain, guard, manager, client_for):
    note = chain.dispatched()
    token = exit_pass_token(note)
    # The PASS panel is on the guard's screen; another guard lets the truck out first.
    assert exit_pass_use(raw=token, user=manager, vehicle_plate="浙E12345").passed

    response = client_for(guard).post(EXIT, {"code": token, "vehicle_plate": "浙E12345"}, **HTMX)

    html = response.content.decode()
    assert 'data-verdict="stop"' in html
    assert "already used" in html
    left = GateExit.objects.get(note=note)
    assert f"Left at {timezone.localtime(left.exited_at):%H:%M} as 浙E12345." in html
    assert GateExit.objects.filter(note=note).count() == 1
    assert GateExit.objects.get(note=note).guard == manager


def test_let_out_without_a_plate_asks_for_it_and_lets_nobody_out(chain, guard, client_for):
    note = chain.dispatched()

    response = client_for(guard).post(EXIT, {"code": note.pass_code, "vehicle_plate": " "}, **HTMX)

    html = response.content.decode()
    assert 'data-verdict="pass"' in html and 'aria-invalid="true"' in html
    assert not GateExit.objects.exists()
    note.refresh_from_db()
    assert note.status == NoteStatus.DISPATCHED


# --- The lists below ----------------------------------------------------------------


def test_lists_show_waiting_trucks_and_todays_exits_without_secrets(chain, guard, client_for):
    waiting = chain.dispatched()
    left = chain.dispatched()
    exit_pass_use(raw=left.pass_code, user=guard, vehicle_plate="浙E77777")
    not_loaded = chain.stamped()

    html = client_for(guard).get(GATE).content.decode()

    waiting_part, exits_part = html.split("Left today", 1)
    assert waiting.number in waiting_part and left.number not in waiting_part
    assert not_loaded.number not in html
    assert left.number in exits_part and "浙E77777" in exits_part
    for note in (waiting, left):
        _assert_no_secrets(html, note)


def test_polled_lists_come_alone(chain, guard, client_for):
    note = chain.dispatched()

    html = client_for(guard).get(f"{GATE}?part=lists", **HTMX).content.decode()

    assert 'id="gate-lists"' in html and "<html" not in html
    assert note.number in html


def test_gate_page_query_count_does_not_grow_with_waiting_trucks(chain, guard, client_for):
    client = client_for(guard)

    def loaded():
        return chain.dispatched(chain.stamped(chain.note(chain.order(("1", "1", "1")))))

    def queries_for_page(expected_waiting: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(GATE)
        assert response.content.decode().count('class="gate-truck"') == expected_waiting
        return len(ctx.captured_queries)

    for _ in range(3):
        exit_pass_use(raw=loaded().pass_code, user=guard, vehicle_plate="浙E1")
        loaded()
    # 3 waiting and 3 left today
    few = queries_for_page(6)
    for _ in range(17):
        loaded()
    for _ in range(8):
        exit_pass_use(raw=loaded().pass_code, user=guard, vehicle_plate="浙E1")
    # 20 waiting, and the 10 most recent of 11 exits
    many = queries_for_page(30)

    assert many == few


def test_a_long_queue_shows_its_first_trucks_and_counts_the_rest(
    chain, guard, client_for, monkeypatch
):
    """A day of hundreds of loaded trucks must not make the guard's phone load
    them all: the first WAITING_SHOWN are listed and the queue is counted."""
    from orders.views import gate as gate_views

    monkeypatch.setattr(gate_views, "WAITING_SHOWN", 2)
    notes = [chain.dispatched(chain.stamped(chain.note(chain.order(("1",))))) for _ in range(4)]

    html = client_for(guard).get(f"{GATE}?part=lists", **HTMX).content.decode()

    assert html.count('class="gate-truck"') == 2
    assert '<span class="gate-count">4</span>' in html
    assert "The first 2 of 4 are shown" in html
    assert notes[0].number in html and notes[3].number not in html
