"""Infrastructure shared by the apps: gapless document numbers and the
append-only transition log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class MasterDataChange(models.Model):
    """Every change to master data (products, warehouses, prices, ...): who,
    when, which record, which field, old → new. One row per changed field;
    a new record is one row per field with an empty old value.

    Append-only: a database trigger refuses UPDATE and DELETE.
    """

    record_type = models.CharField(_("record type"), max_length=40)
    record_id = models.BigIntegerField(_("record id"))
    record_label = models.CharField(_("record"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=40)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("master data change")
        verbose_name_plural = _("master data changes")
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return (
            f"{self.record_type} {self.record_id} {self.field}: {self.old_value} → {self.new_value}"
        )


class StoredPdf(models.Model):
    """A printed document rendered off the request path (a Celery task), kept
    for what the document reads now: ``digest`` is the hash of the HTML the
    bytes were made from, and a page serves them only while the document
    renders to the same HTML. A changed document (stamped, dispatched, a
    plate corrected) hashes differently and is rendered anew: stale bytes are
    never served. One row per document, replaced in place."""

    document = models.CharField(max_length=60, unique=True)  # "delivery_note:123"
    digest = models.CharField(max_length=64)
    content = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.document} {self.digest[:12]}"
