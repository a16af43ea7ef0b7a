"""Bulk actions through the API: approve several orders, stamp or print several notes.

Approve and stamp answer 200 with one result per document (each done in its own
transaction, refused ones with their code and reason); a request by a role that may
not do the action at all is 403. Print answers the PDF when every chosen note is
printable, else 400 ``not_printable`` with the results, so the client can send the
printable ones again.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from orders.apis.common import VIEW_NOTE, VIEW_ORDER
from orders.services.bulk import (
    MAX_ITEMS,
    delivery_notes_for_print,
    delivery_notes_stamp_many,
    sales_orders_approve_many,
)
from orders.views.pdf import notes_for_print, render_notes_pdf
from salesadmin.api import JSONInputParser, StrictInput, error_responses, validated_input
from salesadmin.errors import ApplicationError
from salesadmin.pdf import pdf_response


class _Ids(StrictInput):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=MAX_ITEMS,
        help_text=f"The documents, at most {MAX_ITEMS}.",
    )


class ApproveManyInput(_Ids):
    comment = serializers.CharField(
        max_length=300,
        allow_blank=True,
        default="",
        help_text="Kept with each approval; required for an order priced below the minimum.",
    )


class StampManyInput(_Ids):
    pass


class PrintManyInput(_Ids):
    pass


class BulkItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="Empty when no such document.")
    ok = serializers.BooleanField()
    code = serializers.CharField(help_text="The refusal code; empty when done.")
    message = serializers.CharField(help_text="The reason, in the user's language.")


class BulkOutput(serializers.Serializer):
    results = BulkItemOutput(many=True)
    done = serializers.IntegerField()


def _answer(results) -> Response:
    rows = [item.__dict__ for item in results]
    return Response(
        BulkOutput({"results": rows, "done": sum(1 for item in results if item.ok)}).data
    )


# POST the ids (``serializer_class``): each done by ``act`` in its own
# transaction, answered with one result per document.
class _BulkActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]

    def post(self, request):
        data = validated_input(self.serializer_class, request.data)
        return _answer(self.act(request.user, data))

    def act(self, user, data):
        raise NotImplementedError


def _bulk_schema(summary: str, request):
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            request=request,
            responses={200: BulkOutput, **error_responses(400, 401, 403)},
        )
    )


@_bulk_schema("Approve several orders (manager)", ApproveManyInput)
class OrdersApproveManyApi(_BulkActionApi):
    required_perms = (VIEW_ORDER, "orders.approve_salesorder")
    serializer_class = ApproveManyInput

    def act(self, user, data):
        return sales_orders_approve_many(ids=data["ids"], user=user, comment=data["comment"])


@_bulk_schema("Stamp several covered notes (finance)", StampManyInput)
class NotesStampManyApi(_BulkActionApi):
    required_perms = (VIEW_NOTE, "orders.stamp_deliverynote")
    serializer_class = StampManyInput

    def act(self, user, data):
        return delivery_notes_stamp_many(ids=data["ids"], user=user)


class NotesPrintManyApi(generics.GenericAPIView):
    required_perms = (VIEW_NOTE,)
    parser_classes = [JSONInputParser]
    serializer_class = PrintManyInput

    @extend_schema(
        summary="Several notes in one PDF",
        description="Every chosen note with its five copies. A cancelled or expired note "
        "prints on its own: 400 `not_printable` with `results` names each refused one.",
        request=PrintManyInput,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(400, 401, 403),
        },
    )
    def post(self, request):
        data = validated_input(PrintManyInput, request.data)
        found = {note.pk: note for note in notes_for_print(data["ids"])}
        results = delivery_notes_for_print(ids=data["ids"], notes=found)
        if not all(item.ok for item in results):
            raise ApplicationError(
                _("Some notes cannot be printed together: see the results."),
                code="not_printable",
                extra={"results": [item.__dict__ for item in results]},
            )
        printable = [found[item.id] for item in results]
        return pdf_response(
            render_notes_pdf(printable, request=request), f"delivery-notes-{len(printable)}.pdf"
        )
