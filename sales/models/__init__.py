"""The sales app's data: quotations (报价单), sales targets (销售目标) and the
commission basis (提成), one module each."""

from sales.models.commission import (
    CommissionLine,
    CommissionMonth,
    CommissionRule,
    CommissionStatement,
    SalesTeam,
)
from sales.models.quotations import MONEY, QTY, Quotation, QuotationLine
from sales.models.targets import ProductGroup, ProductGroupMember, SalesTarget, SalesTargetLine

__all__ = [
    "MONEY",
    "QTY",
    "CommissionLine",
    "CommissionMonth",
    "CommissionRule",
    "CommissionStatement",
    "ProductGroup",
    "ProductGroupMember",
    "Quotation",
    "QuotationLine",
    "SalesTarget",
    "SalesTargetLine",
    "SalesTeam",
]
