from rest_framework import generics, serializers

from customers import selectors
from customers.enums import CreditTerms
from customers.models import Contact, Customer
from salesadmin.api import validated_input
from salesadmin.api_views import list_endpoint


class ContactOutput(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "title", "email", "phone", "is_primary"]


class CustomerOutput(serializers.ModelSerializer):
    contacts = ContactOutput(many=True, read_only=True)
    salesperson = serializers.StringRelatedField(
        allow_null=True, help_text="The salesperson's name; null when none is assigned."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "tax_id",
            "bank_name",
            "bank_account",
            "address",
            "salesperson",
            "trading_since",
            "credit_terms",
            "credit_limit",
            "credit_terms_custom",
            "on_credit_hold",
            "credit_hold_reason",
            "credit_hold_since",
            "active",
            "contacts",
        ]
        read_only_fields = fields


class CustomerQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Code, name, tax ID, or a contact's name or phone.",
    )
    terms = serializers.ChoiceField(choices=CreditTerms.choices, required=False)
    hold = serializers.ChoiceField(
        choices=[("yes", "yes"), ("no", "no")],
        required=False,
        help_text="`yes`: only customers on credit hold; `no`: only those not on hold.",
    )


@list_endpoint(lists="List customers", output=CustomerOutput, parameters=[CustomerQuery])
class CustomerListApi(generics.ListAPIView):
    """Customers, searchable by code, name, tax ID or contact (``?q=``)."""

    required_perms = ("customers.view_customer",)

    def get_queryset(self):
        query = validated_input(CustomerQuery, self.request.query_params)
        return selectors.customer_list(
            search=query.get("q", ""), terms=query.get("terms", ""), hold=query.get("hold", "")
        )


class CustomerDetailApi(generics.RetrieveAPIView):
    required_perms = ("customers.view_customer",)
    serializer_class = CustomerOutput

    def get_queryset(self):
        return selectors.customer_list()
