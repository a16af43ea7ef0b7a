"""Infrastructure shared by the apps: gapless document numbers, the
append-only transition log, and documents that save only what changed."""

from django.conf import settings
from django.db import models
from django.db.models import DEFERRED
from django.utils.translation import gettext_lazy as _


class SavesOnlyChanges:
    """A document whose transitions write only the columns that changed.

    Every transition saved the whole row (25 columns to prepare and compile);
    the values read from the database and written by each save are remembered
    here, and ``changed_fields()`` names what differs from them now. A JSON
    value (list or dict) counts as changed, since it can change in place, and
    so does anything never read or saved; ``auto_now`` fields are always
    written, as a full save would.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_values = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        current = {
            f.attname: self.__dict__[f.attname]
            for f in self._meta.concrete_fields
            if f.attname in self.__dict__
        }
        update_fields = kwargs.get("update_fields")
        saved = getattr(self, "_saved_values", None)
        if update_fields is None or saved is None:
            self._saved_values = current
        else:
            for name in update_fields:
                attname = self._meta.get_field(name).attname
                saved[attname] = current.get(attname, DEFERRED)

    def changed_fields(self) -> list[str] | None:
        """Names of the fields to write; None: never read or saved, write all."""
        saved = getattr(self, "_saved_values", None)
        if saved is None:
            return None
        changed = []
        for f in self._meta.concrete_fields:
            if f.primary_key or f.attname not in self.__dict__:
                continue  # the key never changes; a deferred field was not touched
            value = self.__dict__[f.attname]
            before = saved.get(f.attname, DEFERRED)
            if (
                getattr(f, "auto_now", False)
                or before is DEFERRED
                or isinstance(value, list | dict)
                or value != before
            ):
                changed.append(f.attname)
        return changed


class DocumentSequence(models.Model):
    """One gapless counter per document type and year (salesadmin/document_numbers.py)."""

    doc_type = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "year"], name="document_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.year}: {self.last_number}"


class TransitionLog(models.Model):
    """Every state change of every document: who, when, from, to, why.

    Append-only: a database trigger refuses UPDATE and DELETE.
    """

    document_type = models.CharField(_("document type"), max_length=40)
    document_id = models.BigIntegerField(_("document id"))
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30)
    to_state = models.CharField(_("to"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        indexes = [models.Index(fields=["document_type", "document_id"])]

    def __str__(self) -> str:
        return f"{self.document_type} {self.document_number}: {self.from_state} → {self.to_state}"
