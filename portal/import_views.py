"""Pages to import spreadsheets: the list of kinds the user owns, one page per
kind (upload, dry run, import) and its template to download."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.imports import PERMISSIONS, import_file, import_kind, import_kinds_for
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
    result, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_file(
                    kind=kind,
                    content=upload.read(),
                    filename=upload.name,
                    user=request.user,
                    dry_run="import" not in request.POST,
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
        if result is None or not result.ok:
            status = 400
    context = {"kind": kind, "form": form, "result": result}
    return render(request, "portal/import_page.html", context, status=status)


@require_GET
@role_required(*PERMISSIONS, any_of=True)
def import_template(request, kind: str):
    kind = import_kind(kind, request.user)
    header, rows = template_rows(kind)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(fmt, f"import-{kind.key}", str(kind.label), header, rows)
