"""The finance API: payments (payments.py), invoices (invoices.py), a customer's
account, ledger and credit hold (accounts.py)."""
