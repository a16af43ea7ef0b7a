"""Finance: payments, invoices and the receivable ledger arrive with the chain."""
