"""The delivery note's print, rendered off the request path (orders/views/pdf.py):
a Celery task renders and keeps the bytes under the hash of the note's HTML;
the page serves them only while the note still reads the same, and otherwise
shows a page that polls until they are ready. Celery is eager in tests, so a
real worker that has not run yet is played by a publish that does nothing.
"""

from __future__ import annotations

import pytest
from django.core import signing

from orders.models import DeliveryNote
from orders.tasks import render_note_pdf
from orders.views import pdf as pdf_views
from salesadmin.models import StoredPdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Count the real renders; each gives different bytes, so a test sees which it got."""
    made = []

    def fake_render(template_name, context, **kwargs):
        made.append(context["commercial"]["vehicle_plate"])
        return f"%PDF-1.7 render {len(made)} {context['commercial']['vehicle_plate']}".encode()

    monkeypatch.setattr(pdf_views, "render_pdf", fake_render)
    return made


@pytest.fixture
def worker_not_run_yet(monkeypatch):
    """The task is published to a real broker and no worker has taken it yet."""
    published = []
    monkeypatch.setattr(
        render_note_pdf, "apply_async", lambda args=None, **kw: published.append(args)
    )
    return published


def _url(note) -> str:
    return f"/orders/notes/{note.pk}/pdf/"


def test_unchanged_note_prints_the_stored_bytes_without_rendering_again(chain, client_for, renders):
    note = chain.dispatched()
    client = client_for(chain.clerk)

    first = client.get(_url(note))
    second = client.get(_url(note))

    assert first["Content-Type"] == second["Content-Type"] == "application/pdf"
    assert first.content == second.content == f"%PDF-1.7 render 1 {note.vehicle_plate}".encode()
    assert len(renders) == 1
    assert StoredPdf.objects.filter(document=f"delivery_note:{note.pk}").count() == 1


def test_a_changed_note_is_rendered_again_and_stale_bytes_never_served(chain, client_for, renders):
    note = chain.dispatched()
    client = client_for(chain.clerk)
    client.get(_url(note))

    # Given the plate corrected after the first print
    DeliveryNote.objects.filter(pk=note.pk).update(vehicle_plate="浙E99999")
    response = client.get(_url(note))

    assert response.content == b"%PDF-1.7 render 2 \xe6\xb5\x99E99999"
    assert renders == [note.vehicle_plate, "浙E99999"]
    # One row per note, replaced: the old bytes are gone.
    assert StoredPdf.objects.filter(document=f"delivery_note:{note.pk}").count() == 1


def test_without_the_worker_the_page_polls_until_the_print_is_ready(
    chain, client_for, renders, worker_not_run_yet
):
    note = chain.dispatched()
    client = client_for(chain.clerk)

    # When the note was never rendered: a page that says so and polls
    page = client.get(_url(note))
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert f'hx-get="{_url(note)}?attempt=1"' in body
    assert 'role="status"' in body
    assert worker_not_run_yet == [[note.pk]]
    assert renders == []

    # A poll before the worker ran: the same part again, nothing published again
    poll = client.get(_url(note), {"attempt": "1"}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    assert "<html" not in poll.content.decode()
    assert "?attempt=2" in poll.content.decode()
    assert worker_not_run_yet == [[note.pk]]

    # Then the worker renders it: the next poll opens the PDF
    assert pdf_views.note_pdf_store(note.pk) is True
    ready = client.get(_url(note), {"attempt": "2"}, HTTP_HX_REQUEST="true")
    assert ready.status_code == 204
    assert ready["HX-Redirect"] == _url(note)
    pdf = client.get(_url(note))
    assert pdf["Content-Type"] == "application/pdf"
    assert renders == [note.vehicle_plate]


def test_a_poll_publishes_again_now_and_then_in_case_the_message_was_lost(
    chain, client_for, renders, worker_not_run_yet
):
    note = chain.dispatched()
    client = client_for(chain.clerk)
    every = pdf_views.POLL_REPUBLISH_EVERY

    client.get(_url(note), {"attempt": str(every - 1)}, HTTP_HX_REQUEST="true")
    assert worker_not_run_yet == []
    client.get(_url(note), {"attempt": str(every)}, HTTP_HX_REQUEST="true")
    assert worker_not_run_yet == [[note.pk]]


def test_broker_down_prints_on_the_request_as_before(chain, client_for, renders, monkeypatch):
    note = chain.dispatched()

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(render_note_pdf, "apply_async", refuse)
    response = client_for(chain.clerk).get(_url(note))

    assert response["Content-Type"] == "application/pdf"
    assert len(renders) == 1


def test_the_task_renders_once_per_version(chain, renders):
    note = chain.dispatched()

    assert render_note_pdf(note.pk) is True
    assert render_note_pdf(note.pk) is False  # a retried or duplicated message
    DeliveryNote.objects.filter(pk=note.pk).update(driver="王师傅")
    assert render_note_pdf(note.pk) is True
    assert len(renders) == 2


def test_the_hash_ignores_the_signing_second_but_not_the_pass(chain, monkeypatch):
    note = pdf_views._get_note(chain.dispatched().pk)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: "1xVckU")
    first = pdf_views.note_pdf_digest(note)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: "1xVckZ")

    assert pdf_views.note_pdf_digest(note) == first
    note.pass_code = "ANOTHER"
    assert pdf_views.note_pdf_digest(note) != first


def test_guard_may_not_print_nor_poll(chain, guard, client_for, renders):
    note = chain.dispatched()
    client = client_for(guard)

    assert client.get(_url(note)).status_code == 403
    assert client.get(_url(note), {"attempt": "3"}, HTTP_HX_REQUEST="true").status_code == 403
    assert renders == []


def test_serving_a_stored_print_costs_a_fixed_number_of_queries(
    chain, client_for, renders, django_assert_max_num_queries
):
    note = chain.dispatched()
    client = client_for(chain.clerk)
    client.get(_url(note))

    with django_assert_max_num_queries(12):
        response = client.get(_url(note))
    assert response["Content-Type"] == "application/pdf"
