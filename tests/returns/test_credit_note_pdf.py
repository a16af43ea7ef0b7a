"""The printed credit note (贷项通知单): Chinese and English, its figures those
of the ledger. Read back with poppler-utils; the page is also rendered as PNG
(pdftoppm) and checked to carry ink, so a blank or unfontable page fails."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from finance.credit_notes import money_left, render_credit_note
from finance.models import ReceivableEntry
from returns.enums import InspectionResult
from tests.pdf_tools import poppler

pytestmark = pytest.mark.django_db


def test_the_credit_note_prints_in_chinese_with_the_ledgers_figures(world, tmp_path: Path):
    note = world.note()
    application = world.received(
        world.approved(
            world.inspected(
                world.submitted(world.filed(note, quantities=["3", "20", "0"])),
                result=InspectionResult.PASSED,
            )
        )
    )
    credit = application.credit_note
    entry = ReceivableEntry.objects.get(pk=credit.entry_id)
    # 3 × 30.00 + 20 kg × 1.50
    assert -entry.amount == credit.amount == Decimal("120.00")

    path = tmp_path / "cn.pdf"
    path.write_bytes(render_credit_note(credit))
    text = poppler("pdftotext", "-layout", str(path), "-")
    for words in (
        "贷项通知单",
        "Credit note",
        credit.number,
        application.number,
        "退货 Return",
        "氧气",
        "液氧",
        "安吉县保密客户有限公司",
        "TH-001",
        "人民币壹佰贰拾元整",
    ):
        assert words in text, words
    assert "90.00" in text and "30.00" in text and "120.00" in text
    assert f"{money_left(entry):,.2f}" in text  # all prepayment: the note is not invoiced yet
    fonts = poppler("pdffonts", str(path))
    assert "CJK" in fonts or "Noto" in fonts

    poppler("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page"))
    [png] = sorted(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 2000  # text and rules, not a blank page
