"""Reads of customers, scoped and prefetched so list pages stay flat in queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from customers.models import Contact, CreditChange, Customer, CustomerPrice
from salesadmin.db import any_contains
from salesadmin.pinyin import looks_like_initials


def customer_list(*, search: str = "", terms: str = "", hold: str = "") -> QuerySet[Customer]:
    qs = Customer.objects.select_related("salesperson").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "name"))
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            any_contains(search, "code", "name", "tax_id", "contacts__name", "contacts__phone")
        ).distinct()
    if terms:
        qs = qs.filter(credit_terms=terms)
    if hold == "yes":
        qs = qs.filter(on_credit_hold=True)
    elif hold == "no":
        qs = qs.filter(on_credit_hold=False)
    return qs.order_by("code")


def customer_detail(*, pk: int) -> Customer:
    return (
        Customer.objects.select_related("salesperson")
        .prefetch_related(
            "contacts",
            Prefetch(
                "prices",
                queryset=CustomerPrice.objects.select_related("product").order_by(
                    "product__sku", "-valid_from"
                ),
            ),
            Prefetch(
                "credit_changes",
                queryset=CreditChange.objects.select_related("changed_by").order_by(
                    "-changed_at", "-id"
                )[:20],
                to_attr="recent_credit_changes",
            ),
        )
        .get(pk=pk)
    )


PICKER_LIMIT = 20


def customer_picker(*, search: str, limit: int = PICKER_LIMIT) -> list[dict]:
    """Active customers whose code or name contains the typed text (part of a
    Chinese name works as it is, and so do its pinyin initials: "ajx" finds
    安吉县…). One query."""
    qs = Customer.objects.filter(active=True)
    search = search.strip()
    if search:
        match = any_contains(search, "code", "name")
        if looks_like_initials(search):
            match |= Q(name_initials__contains=search.lower())
        qs = qs.filter(match)
    rows = qs.order_by("code").values("pk", "code", "name", "on_credit_hold")[:limit]
    return [
        {"value": r["pk"], "text": f"{r['code']} {r['name']}", "hold": r["on_credit_hold"]}
        for r in rows
    ]
