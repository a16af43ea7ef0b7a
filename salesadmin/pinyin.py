"""Pinyin initials of Chinese names, so a clerk finds 安吉县保密客户 by typing
"ajx" in a picker (issue 12). pypinyin reads each character in its phrase, so
重庆 gives "cq", not "zq"; letters and digits are kept as they are."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_INITIALS = 200
_KEEP = re.compile(r"[^0-9a-z]")


def initials(text: str) -> str:
    """ "安吉县 ABC-2" → "ajxabc2": the first letter of each Chinese character's
    reading, other letters and digits lower-cased, everything else dropped."""
    if not text:
        return ""
    # Imported on first use: its phrase dictionary costs ~1 s and ~50 MB, paid only
    # by a process that saves a name (not by every worker and test process at start).
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    return _KEEP.sub("", letters.lower())[:MAX_INITIALS]


def fill_initials(app_label: str, model_name: str):
    """A migration step that gives existing rows their initials (new rows get
    them on save)."""

    def fill(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = list(model.objects.only("pk", "name"))
        for row in rows:
            row.name_initials = initials(row.name)
        model.objects.bulk_update(rows, ["name_initials"], batch_size=1000)

    return fill


def looks_like_initials(search: str) -> bool:
    """Only Latin letters (and digits): worth matching against the initials."""
    return bool(search) and search.isascii() and any(c.isalpha() for c in search)


class NameInitials(models.Model):
    """A ``name`` searchable by its pinyin initials; kept in step on every save.
    Rows written in bulk get theirs from ``set_initials`` (the imports)."""

    name_initials = models.CharField(
        _("pinyin initials"),
        max_length=MAX_INITIALS,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or "name" in fields:  # a save of other fields leaves the name
            self.set_initials()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "name_initials"}
        super().save(*args, **kwargs)

    def set_initials(self) -> None:
        self.name_initials = initials(self.name)
