"""validated_input looks up each BulkRelatedField with the field's queryset as
it is in this request: a queryset narrowed to the user is never reused for
another user, and the lookup is one query per field whatever the number of items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions, serializers

from customers.models import Customer
from salesadmin.api import BulkRelatedField, StrictInput, validated_input
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


class OwnCustomerField(BulkRelatedField):
    """Only the customers whose name starts with the caller's prefix."""

    def get_queryset(self):
        return Customer.objects.filter(name__startswith=self.context["prefix"])


class Line(StrictInput):
    customer = OwnCustomerField()


class Input(StrictInput):
    lines = Line(many=True)


def test_a_narrowed_queryset_is_that_requests_own():
    # given a customer of A and one of B
    mine = CustomerFactory(name="A shop")
    theirs = CustomerFactory(name="B shop")
    # when A asks for its own, then B asks for A's
    found = validated_input(Input, {"lines": [{"customer": mine.pk}]}, context={"prefix": "A"})
    assert found["lines"][0]["customer"] == mine
    with pytest.raises(exceptions.ValidationError) as refused:
        validated_input(Input, {"lines": [{"customer": mine.pk}]}, context={"prefix": "B"})
    # then B is refused as if A's customer did not exist, and B still finds its own
    assert refused.value.detail["lines"][0]["customer"][0].code == "does_not_exist"
    found = validated_input(Input, {"lines": [{"customer": theirs.pk}]}, context={"prefix": "B"})
    assert found["lines"][0]["customer"] == theirs


def test_one_query_per_field_whatever_the_number_of_items():
    customers = [CustomerFactory(name=f"A {i}") for i in range(3)]
    data = {"lines": [{"customer": c.pk} for c in customers]}
    with CaptureQueriesContext(connection) as ctx:
        found = validated_input(Input, data, context={"prefix": "A"})
    assert [line["customer"] for line in found["lines"]] == customers
    assert len(ctx.captured_queries) == 1


def test_plain_fields_keep_their_declared_queryset():
    class Plain(serializers.Serializer):
        customer = BulkRelatedField(queryset=Customer.objects.all())

    shop = CustomerFactory(name="Z shop")
    assert validated_input(Plain, {"customer": shop.pk})["customer"] == shop
    with pytest.raises(exceptions.ValidationError):
        validated_input(Plain, {"customer": shop.pk + 10_000})
