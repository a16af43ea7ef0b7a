"""The orders API, one module per section: sales_orders.py (orders and the
price quote), delivery_notes.py (notes and their chain), gate.py (exit
passes); common.py holds what they share; the reads are orders/selectors/.

One small class per action. Each validates its input with an Input serializer,
calls one service from orders/services and answers with an Output serializer;
the rules live in the services and the transitions they run. ``status`` is
never writable: it changes only through the action endpoints.
"""
