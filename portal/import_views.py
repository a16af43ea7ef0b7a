"""Pages to import spreadsheets: the list of kinds the user owns, one page per
kind (upload, dry run, import) and its template to download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.imports import (
    PERMISSIONS,
    checked_upload_keep,
    checked_upload_take,
    import_file,
    import_kind,
    import_kinds_for,
)
from salesadmin.errors import ApplicationError
from salesadmin.exports import export_response
from salesadmin.imports import template_rows
from salesadmin.page_access import role_required

MAX_UPLOAD = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@require_GET
@role_required(*PERMISSIONS, any_of=True)
def import_list(request):
    return render(request, "portal/import_list.html", {"kinds": import_kinds_for(request.user)})


@role_required(*PERMISSIONS, any_of=True)
def import_page(request, kind: str):
    kind = import_kind(kind, request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status, checked, checked_name = None, 200, None, ""
    if request.method == "POST":
        dry_run = "import" not in request.POST
        token = request.POST.get("checked", "")
        try:
            if token and not dry_run and not request.FILES:
                # The file a dry run checked, kept server-side: not chosen again.
                form = ImportForm()
                content, filename = checked_upload_take(request.session, kind=kind, token=token)
                source = (content, filename)
            elif form.is_valid():
                upload = form.cleaned_data["file"]
                source = (upload.read(), upload.name)
            else:
                source = None
            if source is not None:
                content, filename = source
                result = import_file(
                    kind=kind,
                    content=content,
                    filename=filename,
                    user=request.user,
                    dry_run=dry_run,
                )
                if result.ok and result.dry_run:
                    checked = checked_upload_keep(
                        request.session, kind=kind, content=content, filename=filename
                    )
                    checked_name = filename
        except ApplicationError as exc:
            if hasattr(form, "cleaned_data"):
                form.add_error("file", exc.message)
            else:  # the kept file is gone: no file field was sent to mark
                messages.error(request, exc.message)
        if result is None or not result.ok:
            status = 400
    context = {
        "kind": kind,
        "form": form,
        "result": result,
        "checked": checked,
        "checked_name": checked_name,
    }
    return render(request, "portal/import_page.html", context, status=status)


@require_GET
@role_required(*PERMISSIONS, any_of=True)
def import_template(request, kind: str):
    kind = import_kind(kind, request.user)
    header, rows = template_rows(kind)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(fmt, f"import-{kind.key}", str(kind.label), header, rows)
