"""Printed documents: the sales order and the delivery note's five copies.

The PDFs are read back with poppler-utils (pdftotext, pdfinfo, pdfimages,
pdffonts), which `make test` installs, so the tests check what is on paper.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.core import signing
from django.test import override_settings
from PIL import Image

from orders.services.delivery_notes import delivery_note_cancel
from orders.services.exit_pass import SALT, exit_pass_token
from orders.views import pdf as pdf_views
from salesadmin import pdf as pdf_module
from salesadmin.pdf import (
    PDF_ORIGIN,
    ResourceRefused,
    render_pdf,
    rmb_capital,
    static_url_fetcher,
)
from tests.pdf_tools import poppler

pytestmark = pytest.mark.django_db

CUSTOMER = "安吉县保密客户有限公司"
# The chain's default order: 10 × 30.00, 100 × 1.50, 5 × 80.00.
PRICES = ["30.00", "1.50", "80.00"]
AMOUNTS = ["300.00", "150.00", "400.00"]
TOTAL = "850.00"
TOTAL_CAPITAL = "人民币捌佰伍拾元整"
PRODUCTS = ["氧气", "液氧", "氩气"]
COPY_LABELS = ["存根", "会计联", "仓库联", "随货同行联", "出门证联"]
MONEY_SHAPED = re.compile(r"\d\.\d\d(?!\d)")


# --- Reading a PDF back ---------------------------------------------------------------


def _write(tmp_path: Path, content: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.M).group(1))


def _page_text(path: Path, page: int, *, mode: str = "-layout") -> str:
    # -raw keeps a rotated watermark's words together; -layout keeps table rows.
    return poppler("pdftotext", "-f", str(page), "-l", str(page), mode, str(path), "-")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def fixed_signing_time(monkeypatch):
    """Signed tokens carry a timestamp; pin it so a token can be made twice alike."""
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: "1xVckU")


@pytest.fixture
def note_pdf(chain, client_for, tmp_path, fixed_signing_time):
    """A dispatched note printed by a sales clerk: (note, path to the PDF)."""
    note = chain.dispatched()
    response = client_for(chain.clerk).get(f"/orders/notes/{note.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return note, _write(tmp_path, response.content, "note.pdf")


# --- The delivery note -----------------------------------------------------------------


def test_note_prints_five_copies_each_labelled(note_pdf):
    note, path = note_pdf

    assert _page_count(path) == 5
    for page, label in enumerate(COPY_LABELS, start=1):
        text = _page_text(path, page)
        assert label in text, f"page {page} should be the {label} copy"
        assert note.number in text
        assert note.order.number in text
        assert note.vehicle_plate in text
        for product in PRODUCTS:
            assert product in text


def test_commercial_copies_show_customer_prices_and_total(note_pdf):
    _note, path = note_pdf

    for page in range(1, 5):
        text = _page_text(path, page)
        assert CUSTOMER in text, f"page {page}"
        assert TOTAL in text, f"page {page}"
        assert TOTAL_CAPITAL in _squeeze(text), f"page {page}"
        for money in PRICES + AMOUNTS:
            assert money in text, f"page {page}: {money}"


def test_exit_pass_never_shows_customer_or_money(note_pdf):
    note, path = note_pdf

    text = _page_text(path, 5)

    assert "出门证联" in text
    assert note.number in text
    for product in PRODUCTS:
        assert product in text
    # Batches recorded at dispatch are on the pass; the gate checks the goods.
    for line in note.lines.all():
        for allocation in line.allocations.all():
            assert allocation.batch.number in text
    assert CUSTOMER not in text
    assert note.customer.code not in text
    for money in [*PRICES, *AMOUNTS, TOTAL, "捌佰伍拾"]:
        assert money not in text, money
    assert not MONEY_SHAPED.search(text), MONEY_SHAPED.search(text)


def test_exit_pass_prints_short_code_and_its_day(note_pdf):
    note, path = note_pdf

    text = _page_text(path, 5)

    code = note.pass_code
    assert f"{code[:4]}-{code[4:]}" in text
    assert f"Valid only on {note.issue_date:%Y-%m-%d}" in text


def test_exit_pass_context_holds_no_customer_or_money(chain):
    # The template cannot leak what its context does not hold (hidden text included).
    note = chain.dispatched()

    exit_pass = repr(pdf_views.note_pdf_context(note)["exit_pass"])

    assert CUSTOMER not in exit_pass
    assert note.customer.code not in exit_pass
    for money in [*PRICES, *AMOUNTS, TOTAL, "unit_price", "amount", "total'"]:
        assert money not in exit_pass, money


def test_pdf_metadata_names_no_customer(note_pdf):
    _note, path = note_pdf

    info = poppler("pdfinfo", str(path))

    assert CUSTOMER not in info
    assert "发货单" in info


def test_exit_pass_qr_carries_the_signed_token(note_pdf, tmp_path):
    note, path = note_pdf
    token = exit_pass_token(note)  # the signing time is pinned: the same token as printed
    assert signing.loads(token, salt=SALT) == {"n": note.pk, "c": note.pass_code}

    # Given the one image on the exit pass, extracted losslessly...
    listing = poppler("pdfimages", "-list", "-f", "5", "-l", "5", str(path)).splitlines()[2:]
    assert len(listing) == 1
    columns = listing[0].split()
    width_px, x_ppi = int(columns[3]), float(columns[12])
    assert width_px / x_ppi * 25.4 >= 40, "the QR should print at least 40 mm wide"
    poppler("pdfimages", "-png", "-f", "5", "-l", "5", str(path), str(tmp_path / "qr"))
    image = Image.open(next(tmp_path.glob("qr-*.png"))).convert("L")

    # ...when its modules are read back...
    expected = segno.make(token, error="m", micro=False)
    size = expected.symbol_size(scale=1, border=pdf_views.QR_BORDER)[0]
    scale = image.width // size
    assert image.width == image.height == size * scale
    printed = [
        [
            image.getpixel((col * scale + scale // 2, row * scale + scale // 2)) < 128
            for col in range(size)
        ]
        for row in range(size)
    ]

    # ...then they are exactly the QR code of the token, quiet zone included.
    wanted = [
        [bool(module) for module in row]
        for row in expected.matrix_iter(scale=1, border=pdf_views.QR_BORDER)
    ]
    assert printed == wanted
    assert not any(printed[0]) and not any(printed[-1])  # the quiet zone is white


def test_note_issued_but_not_dispatched_prints_without_batches(chain, client_for, tmp_path):
    note = chain.note()

    response = client_for(chain.clerk).get(f"/orders/notes/{note.pk}/pdf/")

    path = _write(tmp_path, response.content)
    assert _page_count(path) == 5
    text = _page_text(path, 5)
    assert "出门证联" in text and note.number in text
    assert CUSTOMER not in text
    assert not MONEY_SHAPED.search(text)


def test_cancelled_note_prints_void_on_every_copy(chain, client_for, tmp_path):
    note = delivery_note_cancel(note=chain.note(), user=chain.clerk, reason="wrong truck")

    response = client_for(chain.clerk).get(f"/orders/notes/{note.pk}/pdf/")

    path = _write(tmp_path, response.content)
    assert _page_count(path) == 5
    for page in range(1, 6):
        assert "作废 CANCELLED" in _page_text(path, page, mode="-raw"), f"page {page}"


def test_pdf_embeds_the_chinese_fonts(note_pdf):
    _note, path = note_pdf

    fonts = poppler("pdffonts", str(path)).splitlines()[2:]

    assert any("Noto-Sans-CJK-SC" in font for font in fonts)
    # Every font travels inside the PDF (columns: ... emb sub uni ...).
    assert all(font.split()[-5] == "yes" for font in fonts), fonts


# --- The sales order -------------------------------------------------------------------


def test_order_pdf_shows_contract_number_and_total_in_capitals(chain, client_for, tmp_path):
    order = chain.order(("50", "30", "8"))  # 1500.00 + 45.00 + 640.00
    assert order.total == Decimal("2185.00")

    response = client_for(chain.clerk).get(f"/orders/{order.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = _write(tmp_path, response.content)
    text = _page_text(path, 1)
    assert order.number in text
    assert CUSTOMER in text
    assert "销售通知单" in text
    assert "2,185.00" in text
    assert "人民币贰仟壹佰捌拾伍元整" in _squeeze(text)
    assert chain.clerk.username in text  # created by


def test_draft_order_prints_as_draft(chain, client_for, tmp_path):
    order = chain.order(submit=False)

    response = client_for(chain.clerk).get(f"/orders/{order.pk}/pdf/")

    text = _page_text(_write(tmp_path, response.content), 1, mode="-raw")
    assert "草稿 DRAFT" in text
    assert "人民币捌佰伍拾元整" in _squeeze(text)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.00", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角"),
        ("1.05", "人民币壹元零伍分"),
        ("10.00", "人民币壹拾元整"),
        ("16.00", "人民币壹拾陆元整"),
        ("100.10", "人民币壹佰元壹角"),
        ("1001.00", "人民币壹仟零壹元整"),
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("2145.00", "人民币贰仟壹佰肆拾伍元整"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("10000.00", "人民币壹万元整"),
        ("10010.00", "人民币壹万零壹拾元整"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
        ("120034.56", "人民币壹拾贰万零叁拾肆元伍角陆分"),
        ("1000000.00", "人民币壹佰万元整"),
        ("100010000.00", "人民币壹亿零壹万元整"),
        ("110000000.00", "人民币壹亿壹仟万元整"),
        ("1000000000000.00", "人民币壹万亿元整"),
        ("1000100000000.00", "人民币壹万零壹亿元整"),
    ],
)
def test_rmb_capital(amount, words):
    assert rmb_capital(Decimal(amount)) == words


def test_rmb_capital_rounds_to_the_cent_and_refuses_beyond_wan_yi():
    assert rmb_capital(Decimal("2.005")) == "人民币贰元零壹分"
    assert rmb_capital(Decimal("9999999999999999.99")).startswith("人民币玖仟玖佰玖拾玖万")
    with pytest.raises(ValueError):
        rmb_capital(Decimal("10000000000000000.00"))


# --- The restricted URL fetcher ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/x.css",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/salesadmin/settings.py",
        f"{PDF_ORIGIN}/static/../salesadmin/settings.py",
        f"{PDF_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{PDF_ORIGIN}/media/anything.png",
        f"{PDF_ORIGIN}/static/css/no-such-file.css",
        "ftp://example.com/x.png",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ResourceRefused):
        static_url_fetcher(url)


def test_fetcher_serves_our_static_files_and_data_uris():
    css = static_url_fetcher(f"{PDF_ORIGIN}/static/css/print.css")
    assert css["string"] == (settings.BASE_DIR / "static" / "css" / "print.css").read_bytes()
    assert css["mime_type"] == "text/css"

    on_disk = static_url_fetcher(f"file://{settings.BASE_DIR}/static/css/print.css")
    assert on_disk["string"] == css["string"]

    data = static_url_fetcher("data:text/plain;base64,5Lit5paH")
    assert data["file_obj"].read() == "中文".encode()
    data["file_obj"].close()


LINKING_TEMPLATE = """{% load static %}<html><head>
<link rel="stylesheet" href="{% static 'css/print.css' %}">
<link rel="stylesheet" href="http://example.com/evil.css">
</head><body><p>中文 printed</p>
<img src="http://example.com/x.png"><img src="file:///etc/passwd">
<img src="/static/img/favicon.svg"></body></html>"""


def test_render_fetches_only_through_the_restricted_fetcher(monkeypatch, tmp_path):
    seen: dict[str, str] = {}

    def spy(url, *args, **kwargs):
        try:
            result = static_url_fetcher(url, *args, **kwargs)
        except ResourceRefused:
            seen[url] = "refused"
            raise
        seen[url] = "served"
        return result

    monkeypatch.setattr(pdf_module, "static_url_fetcher", spy)
    templates = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"linking.html": LINKING_TEMPLATE})
                ]
            },
        }
    ]
    with override_settings(TEMPLATES=templates):
        pdf = render_pdf("linking.html", {})

    assert seen == {
        f"{PDF_ORIGIN}/static/css/print.css": "served",
        f"{PDF_ORIGIN}/static/img/favicon.svg": "served",
        "http://example.com/evil.css": "refused",
        "http://example.com/x.png": "refused",
        "file:///etc/passwd": "refused",
    }
    path = _write(tmp_path, pdf)
    assert "中文 printed" in _page_text(path, 1)


# --- Who may print ---------------------------------------------------------------------

NOTE_PDF_ROLES = {"clerk": 200, "finance": 200, "keeper": 200, "manager": 200, "guard": 403}
ORDER_PDF_ROLES = {"clerk": 200, "finance": 200, "manager": 200, "keeper": 403, "guard": 403}


@pytest.fixture
def fast_render(monkeypatch):
    """Role checks do not need real rendering; the tests above do that."""
    monkeypatch.setattr(pdf_views, "render_pdf", lambda *args, **kwargs: b"%PDF-1.7 stub")


@pytest.mark.parametrize(("role", "status"), NOTE_PDF_ROLES.items())
def test_note_pdf_roles(role, status, chain, personas, client_for, fast_render):
    note = chain.note()

    response = client_for(personas[role]).get(f"/orders/notes/{note.pk}/pdf/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'inline; filename="{note.number}.pdf"'
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("role", "status"), ORDER_PDF_ROLES.items())
def test_order_pdf_roles(role, status, chain, personas, client_for, fast_render):
    order = chain.order()

    response = client_for(personas[role]).get(f"/orders/{order.pk}/pdf/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"


def test_anonymous_user_is_sent_to_login(chain, client, fast_render):
    note = chain.note()

    response = client.get(f"/orders/notes/{note.pk}/pdf/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_missing_documents_are_404(clerk, client_for, fast_render):
    client = client_for(clerk)

    assert client.get("/orders/notes/999999/pdf/").status_code == 404
    assert client.get("/orders/999999/pdf/").status_code == 404
