"""Page forms of the orders app: sales_orders.py and delivery_notes.py."""
