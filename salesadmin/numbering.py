"""Gapless document numbers per type and year, safe under concurrent issue.

The counter row is locked by an UPDATE ... RETURNING and held until the
transaction ends, which serializes everyone issuing that document type. So
callers take the number as the *last* step of their transaction: the lock is
then held only for the commit (DESIGN.md, Numbers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction


def next_number(doc_type: str, *, year: int) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    prefix, width = settings.DOCUMENT_NUMBERING[doc_type]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO salesadmin_documentsequence (doc_type, year, last_number) "
            "VALUES (%s, %s, 0) ON CONFLICT (doc_type, year) DO NOTHING",
            [doc_type, year],
        )
        cursor.execute(
            "UPDATE salesadmin_documentsequence SET last_number = last_number + 1 "
            "WHERE doc_type = %s AND year = %s RETURNING last_number",
            [doc_type, year],
        )
        (number,) = cursor.fetchone()
    return f"{prefix}{year}-{number:0{width}d}"
