from rest_framework import generics, serializers

from customers import selectors
from customers.models import Contact, Customer


class ContactOutput(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "title", "email", "phone", "is_primary"]


class CustomerOutput(serializers.ModelSerializer):
    contacts = ContactOutput(many=True, read_only=True)
    salesperson = serializers.StringRelatedField()

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


class CustomerListApi(generics.ListAPIView):
    """Customers, searchable by code, name, tax ID or contact (``?q=``)."""

    required_perms = ("customers.view_customer",)
    serializer_class = CustomerOutput

    def get_queryset(self):
        params = self.request.query_params
        return selectors.customer_list(
            search=params.get("q", ""), terms=params.get("terms", ""), hold=params.get("hold", "")
        )


class CustomerDetailApi(generics.RetrieveAPIView):
    required_perms = ("customers.view_customer",)
    serializer_class = CustomerOutput

    def get_queryset(self):
        return selectors.customer_list()
