"""What the returns API's modules share: references and constants."""

from __future__ import annotations

from rest_framework import serializers

VIEW_RETURN = "returns.view_returnapplication"
VIEW_ALLOWANCE = "returns.view_allowance"
QTY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_LINES = 200


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
