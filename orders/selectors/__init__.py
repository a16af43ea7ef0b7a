"""Reads of the orders app: sales_orders.py (orders, their lines and history)
and delivery_notes.py (notes, their coverage and transitions, the loading
form, the gate and each role's queue)."""
