"""What every printed money document (invoice, credit note, statement, reminder
letter) says about us: the one letterhead, read from settings when printed."""

from __future__ import annotations

from django.conf import settings


def company_letterhead() -> dict:
    """Name, address, phone and the bank account the customer pays into."""
    return {
        "company_name": settings.COMPANY_NAME,
        "company_address": settings.COMPANY_ADDRESS,
        "company_phone": settings.COMPANY_PHONE,
        "company_bank_name": settings.COMPANY_BANK_NAME,
        "company_bank_account": settings.COMPANY_BANK_ACCOUNT,
        "currency": settings.CURRENCY,
    }
