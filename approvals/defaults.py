"""The approval levels of DESIGN.md ("Who uses it") with example limits; a
company changes the limits and assigns its people in the admin."""

from decimal import Decimal

LEVELS = [
    ("department_head", "部门负责人 Department head", 10, Decimal("2000.00")),
    ("sales_director", "销售厂长 Sales director", 20, Decimal("20000.00")),
    ("general_manager", "总经理 General manager", 30, None),
]


def create_default_levels(ApprovalLevel, using: str = "default") -> None:
    """Only where no level exists yet: a company's own configuration stays."""
    levels = ApprovalLevel.objects.using(using)
    if levels.exists():
        return
    for code, name, rank, limit in LEVELS:
        levels.create(code=code, name=name, rank=rank, limit=limit)
