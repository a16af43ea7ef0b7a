"""Reads behind the reports, one module per report. Read-only; every figure is
an SQL aggregate, and each report is a fixed number of queries however much
data lies behind it.

- definitions.py: what counts as a sale and its value, days, periods, links
- sales_figures.py: sales per day and period, top products/customers/salespeople
- dashboard_report.py: the manager's dashboard
- sales_analysis.py: the sales analysis page and API
- reconciliation_report.py: the three-way reconciliation (三方核对)
"""
