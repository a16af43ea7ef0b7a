"""The approval levels of DESIGN.md ("Who uses it") with example limits; a
company changes the limits and assigns its people in the admin."""

from decimal import Decimal

LEVELS = [
    ("department_head", "部门负责人 Department head", 10, Decimal("2000.00")),
    ("sales_director", "销售厂长 Sales director", 20, Decimal("20000.00")),
    # Approves goods out for advertising, gifts and prizes (seed 000 第十三条).
    ("deputy_general_manager", "副总经理 Deputy general manager", 25, Decimal("50000.00")),
    ("general_manager", "总经理 General manager", 30, None),
]


def create_default_levels(ApprovalLevel, using: str = "default") -> None:
    """Only where no level exists yet: a company's own configuration stays."""
    levels = ApprovalLevel.objects.using(using)
    if levels.exists():
        return
    for code, name, rank, limit in LEVELS:
        levels.create(code=code, name=name, rank=rank, limit=limit)


def add_deputy_general_manager(ApprovalLevel, using: str = "default") -> None:
    """For a company configured before the level existed: added between the
    sales director and the general manager when its code and rank are free."""
    levels = ApprovalLevel.objects.using(using)
    if not levels.exists() or levels.filter(code="deputy_general_manager").exists():
        return
    if levels.filter(rank=25).exists():
        return
    code, name, rank, limit = LEVELS[2]
    levels.create(code=code, name=name, rank=rank, limit=limit)
