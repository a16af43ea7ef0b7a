"""Gapless document numbers per type and year, safe under concurrent issue.

The counter row is locked by an INSERT ... ON CONFLICT DO UPDATE ... RETURNING
and held until the transaction ends, which serializes everyone issuing that
document type. So
callers take the number as the *last* step of their transaction: the lock is
then held only for the commit (DESIGN.md, Numbers).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, transaction

from salesadmin.clock import company_today


def next_number(doc_type: str, *, year: int) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    prefix, width = settings.DOCUMENT_NUMBERING[doc_type]
    with connection.cursor() as cursor:
        # One round trip: the year's first number creates the row, the others
        # bump it; the row stays locked until the transaction ends.
        cursor.execute(
            "INSERT INTO salesadmin_documentsequence AS seq (doc_type, year, last_number) "
            "VALUES (%s, %s, 1) ON CONFLICT (doc_type, year) "
            "DO UPDATE SET last_number = seq.last_number + 1 RETURNING seq.last_number",
            [doc_type, year],
        )
        (number,) = cursor.fetchone()
    return f"{prefix}{year}-{number:0{width}d}"


def number_last(document, doc_type: str, *, year: int | None = None) -> str:
    """Give a saved document its gapless number, as the last step of its
    transaction (the counter stays locked until the commit): the number of
    ``year``, by default the company's current year."""
    document.number = next_number(doc_type, year=year or company_today().year)
    type(document).objects.filter(pk=document.pk).update(number=document.number)
    return document.number


def placeholder_number() -> str:
    """A document's number until the gapless one is taken, the last step of its
    transaction: unique, and marked ``~`` so it never reads as a real number."""
    return f"~{uuid.uuid4().hex[:24]}"
