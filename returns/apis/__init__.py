"""The returns API: return applications, allowances and the returns report.

One small class per action: an Input serializer, one service from
returns/services, an Output serializer. ``status`` is never writable; it
changes only through the action endpoints. Refusals: 403 role, 409 state,
400 with the rule's code.
"""
