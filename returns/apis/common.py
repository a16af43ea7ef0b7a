"""What the returns API's modules share: references, constants, small inputs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from salesadmin.api import (
    StrictInput,
    error_responses,
)

VIEW_RETURN = "returns.view_returnapplication"
VIEW_ALLOWANCE = "returns.view_allowance"
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_LINES = 200
ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


class DocumentRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)


class ReturnCustomerRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReturnProductRef(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    specification = serializers.CharField()


class CreditNoteRef(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class NoInput(StrictInput):
    """The action takes no body."""


class CommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class CancelReasonInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True)


def action_endpoint(view_perm: str, answer_output, summary, perm, input_class, description=""):
    """A return's or an allowance's action endpoint: its permissions, its input
    and its schema; the class's ``run`` calls the service (salesadmin/api_views.py)."""

    def decorate(cls):
        cls.required_perms = (view_perm, perm)
        cls.serializer_class = input_class
        cls.__doc__ = summary
        schema = extend_schema(
            summary=summary,
            description=description,
            request=None if input_class is NoInput else input_class,
            responses={200: answer_output, **ACTION_ERRORS},
        )
        return extend_schema_view(post=schema)(cls)

    return decorate
