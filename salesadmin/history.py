"""The master-data history: what a service changed on a record, field by field.

A service reads the record's values before it writes (``snapshot``) and hands
both to ``history_record`` in the same transaction, so a change and its trace
commit or roll back together. Values are stored as the user sees them
(choices by label key, booleans as yes/no, decimals without trailing zeros).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from salesadmin.models import MasterDataChange


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.Manager):  # a many-to-many field: its members, sorted
        return ", ".join(sorted(str(member) for member in value.all()))[:300]
    return str(value)[:300]


def snapshot(instance: models.Model, fields: tuple[str, ...]) -> dict[str, str]:
    """The record's values now, as the history stores them (empty for a new record)."""
    if instance.pk is None:
        return dict.fromkeys(fields, "")
    return {name: _text(getattr(instance, name)) for name in fields}


def history_record(
    *, instance: models.Model, record_type: str, before: dict[str, str], user
) -> list[MasterDataChange]:
    """One row per field whose value differs from ``before``."""
    after = snapshot(instance, tuple(before))
    rows = [
        MasterDataChange(
            record_type=record_type,
            record_id=instance.pk,
            record_label=str(instance)[:200],
            field=name,
            old_value=before[name],
            new_value=after[name],
            user=user,
        )
        for name in before
        if before[name] != after[name]
    ]
    return MasterDataChange.objects.bulk_create(rows)


def history_of(*, record_type: str, record_id: int | None = None, record_ids=None):
    ids = [record_id] if record_ids is None else list(record_ids)
    return (
        MasterDataChange.objects.filter(record_type=record_type, record_id__in=ids)
        .select_related("user")
        .order_by("-at", "-id")
    )


def history_rows(
    *, model: type[models.Model], record_type: str, record_id: int | None = None, record_ids=None
) -> list:
    """The record's history for a page: each change with its field's label and
    its values as people read them (a choice by its label, yes/no translated)."""
    from django.utils.translation import gettext

    rows = list(history_of(record_type=record_type, record_id=record_id, record_ids=record_ids))
    for row in rows:
        try:
            field = model._meta.get_field(row.field)
        except Exception:
            field = None
        row.field_label = str(field.verbose_name) if field else row.field
        choices = dict(field.choices or ()) if field is not None else {}

        def shown(value: str, choices=choices) -> str:
            if value in choices:
                return str(choices[value])
            if value in ("yes", "no"):
                return gettext(value)
            return value

        row.old_shown, row.new_shown = shown(row.old_value), shown(row.new_value)
        row.by = (row.user.get_full_name() or row.user.username) if row.user else ""
    return rows
