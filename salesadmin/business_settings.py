"""The company's business configuration (DESIGN.md): its name and letterhead,
credit terms by tenure, document numbers, tolerances, reminder levels,
contract review, follow-ups and the outbox's retries. salesadmin.settings
reads it all; each value can be set from the environment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from salesadmin.env import env, env_bool

COMPANY_NAME = env("COMPANY_NAME", "安吉大地气体有限公司")
CURRENCY = env("CURRENCY", "CNY")
# Credit terms by tenure (DESIGN.md, Receivables): defaults a manager can
# change per customer. Each row: (minimum whole years of trading, terms, limit).
CREDIT_TERMS_BY_TENURE = [
    (0, "prepaid", Decimal("0.00")),
    (1, "monthly", Decimal("15000.00")),
    (3, "quarterly", Decimal("50000.00")),
]
# Gapless numbers: (prefix, digits). LG2026-001 for contracts, DN2026-000123 for notes.
DOCUMENT_NUMBERING = {
    "sales_order": (env("CONTRACT_PREFIX", "LG"), 3),
    "delivery_note": (env("DELIVERY_NOTE_PREFIX", "DN"), 6),
    "invoice": (env("INVOICE_PREFIX", "INV"), 6),
    "credit_note": (env("CREDIT_NOTE_PREFIX", "CN"), 6),
    "return_application": (env("RETURN_PREFIX", "RT"), 6),
    "allowance": (env("ALLOWANCE_PREFIX", "AL"), 6),
    "quotation": (env("QUOTATION_PREFIX", "QT"), 6),
    "production_task": (env("PRODUCTION_TASK_PREFIX", "PT"), 6),
    "preparation_slip": (env("PREPARATION_SLIP_PREFIX", "BH"), 6),
    "requirement_review": (env("REQUIREMENT_REVIEW_PREFIX", "RV"), 6),
    "sample_application": (env("SAMPLE_PREFIX", "SP"), 6),
    "non_sale_request": (env("NON_SALE_PREFIX", "QS"), 6),
}
# Weighbridge tolerance: how far the actual quantity of weighed goods may be
# from the note (0.05 = 5 %). Goods counted by piece must match exactly.
DISPATCH_TOLERANCE = Decimal(env("DISPATCH_TOLERANCE", "0.05"))
# Letterhead of printed letters and statements (reminder letters, 对账单).
COMPANY_ADDRESS = env("COMPANY_ADDRESS", "浙江省湖州市安吉县孝丰镇")
COMPANY_PHONE = env("COMPANY_PHONE", "0572-0000000")
COMPANY_BANK_NAME = env("COMPANY_BANK_NAME", "中国工商银行安吉支行")
COMPANY_BANK_ACCOUNT = env("COMPANY_BANK_ACCOUNT", "1205 0000 0000 0000 000")
# Overdue reminders: (level, days past the due date). Each day the job gives an
# overdue invoice the highest level it has reached, once; level 3 comes with
# the credit hold (more than a month overdue).
REMINDER_LEVELS = [(1, 1), (2, 15), (3, 30)]
# Contracts (seed 002 1.1). A formal contract is reviewed (市场部部长核对, 销售厂长审批)
# before it takes effect: any C contract, a prepaid customer's and an amount
# above the threshold (both off by default: a company turns them on once its
# reviewers are assigned; the demo does). The check and the approval are approval levels
# (approvals/): the check level's people check, the approve level's approve,
# and an amount above the approver's limit goes on to the next level.
CONTRACT_REVIEW = {
    "type_c": env_bool("CONTRACT_REVIEW_TYPE_C", True),
    "prepaid": env_bool("CONTRACT_REVIEW_PREPAID", False),
    "threshold": (
        Decimal(env("CONTRACT_REVIEW_THRESHOLD")) if env("CONTRACT_REVIEW_THRESHOLD") else None
    ),
    "check_level": env("CONTRACT_REVIEW_CHECK_LEVEL", "department_head"),
    "approve_level": env("CONTRACT_REVIEW_APPROVE_LEVEL", "sales_director"),
}
# Follow-up call (回访) after delivery: days after the goods left; new customers
# always get one, other customers' formal contracts too, every contract when
# FOLLOW_UP_EVERY_CONTRACT is on.
# A B contract's production task is requested for the order date plus this
# many days (a C contract's for the date its requirement review promised).
PRODUCTION_LEAD_DAYS = int(env("PRODUCTION_LEAD_DAYS", "7"))
FOLLOW_UP_DAYS = int(env("FOLLOW_UP_DAYS", "3"))
FOLLOW_UP_EVERY_CONTRACT = env_bool("FOLLOW_UP_EVERY_CONTRACT", False)
# Letters (reminders, statements) go out through finance/outbox.py: a failed
# try waits OUTBOX_RETRY_BASE x 2^(tries-1), at most OUTBOX_RETRY_CAP; after
# REMINDER_MAX_ATTEMPTS tries the row is "failed", shown with its reason on
# the reminders / statements pages. A row left "sending" longer than
# OUTBOX_SENDING_TIMEOUT (its sender crashed) is sent again, same Message-ID.
REMINDER_MAX_ATTEMPTS = int(env("REMINDER_MAX_ATTEMPTS", "6"))
OUTBOX_RETRY_BASE = dt.timedelta(minutes=int(env("OUTBOX_RETRY_BASE_MINUTES", "10")))
OUTBOX_RETRY_CAP = dt.timedelta(hours=int(env("OUTBOX_RETRY_CAP_HOURS", "6")))
OUTBOX_SENDING_TIMEOUT = dt.timedelta(minutes=int(env("OUTBOX_SENDING_TIMEOUT_MINUTES", "15")))
