"""The spreadsheet import over the API: the kinds the user owns, and a dry run
or real run of one kind (multipart upload). Bad rows are a 400 ``bad_rows``
listing every row with its reason; nothing is imported then."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.import_views import MAX_UPLOAD
from portal.imports import KINDS, PERMISSIONS, import_file, import_kind, import_kinds_for
from salesadmin.api import StrictInput, error_responses, validated_input
from salesadmin.errors import ApplicationError


class ImportKindOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())


class ImportInput(StrictInput):
    file = serializers.FileField(help_text="The spreadsheet, XLSX or CSV, at most 20 MB.")
    dry_run = serializers.BooleanField(
        default=True, help_text="true (default): check every row and import nothing."
    )

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD:
            raise serializers.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ImportResultOutput(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class _AnyImportPermission:
    # Signed in (required_perms empty) and owning at least one kind.
    required_perms = ()

    def check_permissions(self, request):
        super().check_permissions(request)
        if not any(request.user.has_perm(p) for p in PERMISSIONS):
            self.permission_denied(request)


class ImportKindListApi(_AnyImportPermission, APIView):
    """The kinds of spreadsheet this user may import."""

    serializer_class = ImportKindOutput
    pagination_class = None

    @extend_schema(
        summary="Import kinds the user owns",
        responses={200: ImportKindOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        kinds = [
            {
                "key": k.key,
                "label": str(k.label),
                "description": str(k.description),
                "columns": [c.key for c in k.columns],
            }
            for k in import_kinds_for(request.user)
        ]
        return Response(ImportKindOutput(kinds, many=True).data)


class ImportRunApi(_AnyImportPermission, APIView):
    """Dry run (default) or import one kind of spreadsheet; the real run is one
    transaction: every row or none. Bad rows answer 400 ``bad_rows`` in the
    error shape with ``errors``: every bad row as ``{row, column, message}``."""

    serializer_class = ImportInput
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Check or import a spreadsheet",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[k.key for k in KINDS],
                description="The kind of spreadsheet.",
            )
        ],
        request={"multipart/form-data": ImportInput},
        responses={200: ImportResultOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, kind: str):
        kind = import_kind(kind, request.user)
        data = validated_input(ImportInput, request.data)
        upload = data["file"]
        result = import_file(
            kind=kind,
            content=upload.read(),
            filename=upload.name,
            user=request.user,
            dry_run=data["dry_run"],
        )
        if not result.ok:
            raise ApplicationError(
                _("%(n)s bad rows; nothing was imported.") % {"n": len(result.errors)},
                code="bad_rows",
                extra={
                    "errors": [
                        {"row": e.row, "column": e.column, "message": str(e.message)}
                        for e in result.errors
                    ]
                },
            )
        return Response(ImportResultOutput(result).data)
