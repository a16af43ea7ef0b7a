"""The demo's people: one login per role, all with the same password."""

import os

from salesadmin.roles import Role

PASSWORD = "demo1234"


def site_url() -> str:
    """The URL `make run` serves: its PORT from the environment, as the Makefile passes it."""
    port = os.environ.get("PORT") or "8000"
    return f"http://127.0.0.1:{port}/"


# username, role, last name, first name
USERS = (
    ("clerk", Role.SALES_CLERK, "王", "丽"),
    ("clerk2", Role.SALES_CLERK, "陈", "静"),
    ("finance", Role.FINANCE, "张", "敏"),
    ("keeper", Role.WAREHOUSE_KEEPER, "李", "强"),
    ("guard", Role.GATE_GUARD, "赵", "刚"),
    ("manager", Role.MANAGER, "周", "建华"),
    ("gm", Role.MANAGER, "孙", "国强"),
    ("inspector", Role.QUALITY_INSPECTOR, "吴", "芳"),
)
ROLE_TITLES = {
    Role.SALES_CLERK: ("Sales clerk", "销售内勤"),
    Role.FINANCE: ("Finance", "财务"),
    Role.WAREHOUSE_KEEPER: ("Warehouse keeper", "仓库保管"),
    Role.GATE_GUARD: ("Gate guard", "门卫"),
    Role.MANAGER: ("Manager", "主管经理"),
    Role.QUALITY_INSPECTOR: ("Quality inspector", "质检员"),
}
