"""The demo data set as data: who, what goods, which customers (read by demo_data)."""
