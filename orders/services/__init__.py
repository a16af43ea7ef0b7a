"""Every write of the orders app: sales orders, delivery notes, exit passes."""
