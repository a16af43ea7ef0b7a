"""In-app notices (notices.models.Notice): written here by the other apps'
services, read on /notices/.

The message is stored in English with its parameters (mark it with
``gettext_noop``) and translated when shown, so each reader sees it in their
own language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from notices.models import Notice


def notice_send(
    *,
    recipients: Iterable,
    kind: str,
    message: str,
    params: dict | None = None,
    link: str = "",
) -> list[Notice]:
    """One notice per distinct recipient (users or user ids; None is skipped)."""
    ids = []
    for recipient in recipients:
        if recipient is None:
            continue
        pk = recipient if isinstance(recipient, int) else recipient.pk
        if pk not in ids:
            ids.append(pk)
    return Notice.objects.bulk_create(
        [
            Notice(recipient_id=pk, kind=kind, message=message, params=params or {}, link=link)
            for pk in ids
        ]
    )


def notices_mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all unread ones when no ids are given)."""
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        qs = qs.filter(pk__in=list(notice_ids))
    return qs.update(read_at=timezone.now())
