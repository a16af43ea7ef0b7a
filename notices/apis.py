"""The API of a user's own in-app notices."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from notices.models import Notice
from notices.selectors import notices_for, unread_count
from notices.services import notices_mark_read
from salesadmin.api import (
    JSONInputParser,
    Pagination,
    StrictInput,
    error_responses,
    validated_input,
)


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField(help_text="In the caller's language.")
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NoticeQuery(serializers.Serializer):
    unread = serializers.BooleanField(required=False, help_text="Only my unread notices.")


class NoticeListApi(generics.ListAPIView):
    """The caller's notices, newest first (``?unread=true``: only unread ones)."""

    pagination_class = Pagination
    serializer_class = NoticeOutput
    required_perms = ()  # every signed-in user reads their own

    queryset = Notice.objects.none()  # for the schema; the real one is the caller's

    def get_queryset(self):
        query = validated_input(NoticeQuery, self.request.query_params)
        return notices_for(user=self.request.user, unread_only=query.get("unread", False))

    @extend_schema(
        summary="My notices",
        parameters=[NoticeQuery],
        responses={200: NoticeOutput(many=True), **error_responses(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MarkReadInput(StrictInput):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_null=True,
        help_text="Omitted or null: all my unread notices.",
    )


class MarkReadOutput(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class NoticeMarkReadApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]
    required_perms = ()

    @extend_schema(
        summary="Mark my notices read",
        request=MarkReadInput,
        responses={200: MarkReadOutput, **error_responses(400, 401)},
    )
    def post(self, request):
        serializer = MarkReadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notices_mark_read(
            user=request.user, notice_ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked, "unread": unread_count(user=request.user)})
