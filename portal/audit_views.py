"""The managers' audit page: every transition and master-data change, filtered
and exported (CSV/XLSX)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from portal.audit import ACTIONS, DOCUMENT_TYPES, AuditFilter, audit_entries, audit_rows
from salesadmin.exports import FORMATS, export_response
from salesadmin.page_access import role_required
from salesadmin.pages import date_param, page_of

PER_PAGE = 50
EXPORT_LIMIT = 100_000
PERMS = ("salesadmin.view_transitionlog", "salesadmin.view_masterdatachange")


def _filter(request) -> AuditFilter:
    get = request.GET
    doc_type = get.get("type", "")
    action = get.get("action", "")
    return AuditFilter(
        document=get.get("document", "").strip()[:60],
        doc_type=doc_type if doc_type in DOCUMENT_TYPES else "",
        user=get.get("user", "").strip()[:60],
        date_from=date_param(get.get("from", "")),
        date_to=date_param(get.get("to", "")),
        action=action if action in ACTIONS else "",
    )


@require_GET
@role_required(*PERMS)
def audit(request):
    flt = _filter(request)
    entries = audit_entries(flt)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        header = [
            _("At"),
            _("Document type"),
            _("Document"),
            _("Action"),
            _("Field"),
            _("Old value"),
            _("New value"),
            _("By"),
            _("Comment"),
        ]
        rows = (
            [
                localtime(r.at).replace(tzinfo=None),
                r.doc_type,
                r.document,
                r.action,
                r.detail,
                r.old,
                r.new,
                r.by,
                r.note,
            ]
            for r in audit_rows(list(entries[:EXPORT_LIMIT]))
        )
        return export_response(fmt, "audit", _("Audit trail"), header, rows, frozen_columns=3)
    page = page_of(request, entries, PER_PAGE)
    context = {
        "rows": audit_rows(list(page.object_list)),
        "page": page,
        "count_label": ngettext("%(n)s entry", "%(n)s entries", page.paginator.count)
        % {"n": page.paginator.count},
        "flt": flt,
        "types": sorted(((k, str(v)) for k, v in DOCUMENT_TYPES.items()), key=lambda t: t[1]),
        "actions": [(k, str(v)) for k, v in ACTIONS.items()],
    }
    return render(request, "portal/audit.html", context)
