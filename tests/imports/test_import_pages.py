"""The import pages and the command: who may import what, dry run and import
through the browser, templates to download."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from customers.models import Customer
from inventory.models import Product
from tests.factories import UserFactory
from tests.imports.sheets import PRICE_LIST_COLUMNS, xlsx

pytestmark = pytest.mark.django_db

PRODUCTS = xlsx(["sku", "name", "unit"], [["P1", "氧气", "cyl"], ["P2", "氮气", "cyl"]])
BAD_PRODUCTS = xlsx(
    ["sku", "name", "unit"], [["P1", "氧气", "cyl"], ["P2", "", "cyl"], ["P3", "氩气", "box"]]
)


def upload(content: bytes, name: str = "products.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return file


# Every import page and the roles that may open it (the rest get 403).
ROLE_PAGES = {
    "/import/": {"clerk", "finance", "keeper", "manager"},
    "/import/customers/": {"clerk", "manager"},
    "/import/customers/template/": {"clerk", "manager"},
    "/import/products/": {"manager"},
    "/import/products/template/": {"manager"},
    "/import/price_lists/": {"manager"},
    "/import/customer_prices/": {"manager"},
    "/import/opening_stock/": {"keeper", "manager"},
    "/import/opening_stock/template/?format=csv": {"keeper", "manager"},
    "/import/opening_receivables/": {"finance", "manager"},
    "/import/opening_prepayments/": {"finance", "manager"},
    "/import/opening_prepayments/template/": {"finance", "manager"},
}


def routes_tested_here() -> set[str]:
    """The routes this file covers, as tests/views/test_page_access.py lists them."""
    return {"import", "import/<slug:kind>", "import/<slug:kind>/template"}


@pytest.mark.parametrize("role", ["clerk", "finance", "keeper", "guard", "manager"])
def test_every_import_page_serves_its_roles_and_refuses_the_others(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    wrong = []
    for url, allowed in ROLE_PAGES.items():
        expected = 200 if role in allowed else 403
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{url}: {status}, expected {expected}")
    assert not wrong, wrong


def test_anonymous_users_get_the_login_page(client):
    for url in ROLE_PAGES:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_each_role_sees_the_kinds_it_owns(client_for, clerk, finance, keeper, manager, guard):
    expected = {
        clerk: ["customers"],
        finance: ["opening_receivables", "opening_prepayments"],
        keeper: ["opening_stock"],
        manager: [
            "customers",
            "products",
            "price_lists",
            "customer_prices",
            "opening_stock",
            "opening_receivables",
            "opening_prepayments",
        ],
    }
    for user, kinds in expected.items():
        page = client_for(user).get("/import/")
        assert page.status_code == 200
        assert [k.key for k in page.context["kinds"]] == kinds
    assert client_for(guard).get("/import/").status_code == 403


def test_a_role_that_does_not_own_a_kind_gets_403(client_for, clerk, keeper):
    assert client_for(clerk).get("/import/products/").status_code == 403
    assert client_for(clerk).get("/import/products/template/").status_code == 403
    response = client_for(clerk).post("/import/products/", {"file": upload(PRODUCTS)})
    assert response.status_code == 403
    assert client_for(keeper).get("/import/customers/").status_code == 403
    assert not Product.objects.exists()


def test_an_unknown_kind_is_404(client_for, manager):
    assert client_for(manager).get("/import/nothing/").status_code == 404


def test_the_page_checks_first_then_imports(client_for, manager):
    client = client_for(manager)
    assert client.get("/import/products/").status_code == 200

    checked = client.post("/import/products/", {"file": upload(PRODUCTS), "check": ""})
    assert checked.status_code == 200
    assert checked.context["result"].dry_run and checked.context["result"].created == 2
    assert not Product.objects.exists()

    imported = client.post("/import/products/", {"file": upload(PRODUCTS), "import": ""})
    assert imported.status_code == 200
    assert imported.context["result"].imported
    assert Product.objects.count() == 2


def test_bad_rows_are_shown_and_nothing_is_imported(client_for, manager):
    response = client_for(manager).post(
        "/import/products/", {"file": upload(BAD_PRODUCTS), "import": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "This column is required." in html and "Unknown value" in html
    assert not Product.objects.exists()


def test_an_unreadable_file_is_a_form_error(client_for, manager):
    response = client_for(manager).post(
        "/import/products/", {"file": upload(b"%PDF-1.4", "scan.pdf"), "import": ""}
    )
    assert response.status_code == 400
    assert "Upload an XLSX or CSV file." in response.content.decode()


def test_no_file_is_a_form_error(client_for, manager):
    response = client_for(manager).post("/import/products/", {"import": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_the_page_speaks_chinese(client_for, manager):
    client = client_for(manager)
    client.cookies["django_language"] = "zh-hans"
    response = client.post("/import/products/", {"file": upload(BAD_PRODUCTS), "check": ""})
    html = response.content.decode()
    assert "试运行" in html and "此列为必填项。" in html


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_downloads_with_every_column(client_for, manager, fmt):
    query = "?format=csv" if fmt == "csv" else ""
    response = client_for(manager).get(f"/import/price_lists/template/{query}")
    assert response.status_code == 200
    assert f'filename="import-price_lists.{fmt}"' in response["Content-Disposition"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    else:
        header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == PRICE_LIST_COLUMNS


def test_a_downloaded_template_imports_as_it_is(client_for, manager):
    """The example row of each template is a good row (products first: prices use them)."""
    client = client_for(manager)
    for kind in ("customers", "products", "price_lists", "customer_prices"):
        template = client.get(f"/import/{kind}/template/").content
        response = client.post(
            f"/import/{kind}/", {"file": upload(template, "t.xlsx"), "import": ""}
        )
        assert response.context["result"].imported, (kind, response.context["result"].errors)


def test_the_command_dry_runs_and_imports(tmp_path, manager, capsys):
    path = tmp_path / "products.xlsx"
    path.write_bytes(PRODUCTS)
    call_command("import_data", "products", str(path), "--user", "manager", "--dry-run")
    assert "Dry run, nothing imported. 2 rows: 2 new" in capsys.readouterr().out
    assert not Product.objects.exists()
    call_command("import_data", "products", str(path), "--user", "manager")
    assert "Imported. 2 rows: 2 new, 0 changed, 0 unchanged." in capsys.readouterr().out
    assert Product.objects.count() == 2


def test_the_command_lists_bad_rows_and_fails(tmp_path, manager, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(BAD_PRODUCTS)
    with pytest.raises(CommandError, match="2 bad rows; nothing imported"):
        call_command("import_data", "products", str(path), "--user", "manager")
    err = capsys.readouterr().err
    assert "row 3 [name]: This column is required." in err
    assert "row 4 [unit]: Unknown value; use one of: kg, t, m3, cyl, pc" in err
    assert not Product.objects.exists()


def test_the_command_refuses_a_user_who_does_not_own_the_kind(tmp_path, clerk):
    path = tmp_path / "products.xlsx"
    path.write_bytes(PRODUCTS)
    with pytest.raises(CommandError, match="clerk may not import products"):
        call_command("import_data", "products", str(path), "--user", "clerk")
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_data", "products", str(path), "--user", "ghost")
    UserFactory(username="inactive", is_active=False)
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_data", "customers", str(path), "--user", "inactive")
    assert not Customer.objects.exists()


def test_the_real_run_takes_the_checked_file_without_choosing_it_again(client_for, manager):
    client = client_for(manager)
    checked = client.post("/import/products/", {"file": upload(PRODUCTS), "check": ""})
    token = checked.context["checked"]
    assert token and f'value="{token}"' in checked.content.decode()
    assert not Product.objects.exists()
    imported = client.post("/import/products/", {"checked": token, "import": ""})
    assert imported.status_code == 200
    assert imported.context["result"].imported
    assert Product.objects.count() == 2
    # Used once: the kept file is gone.
    again = client.post("/import/products/", {"checked": token, "import": ""})
    assert again.status_code == 400
    assert "choose it again" in again.content.decode()


def test_a_checked_file_is_only_for_its_session_and_kind(client_for, manager):
    token = (
        client_for(manager)
        .post("/import/products/", {"file": upload(PRODUCTS), "check": ""})
        .context["checked"]
    )
    other_session = client_for(UserFactory(username="boss", roles=["manager"]))
    assert other_session.post(
        "/import/products/", {"checked": token, "import": ""}
    ).status_code == (400)
    client = client_for(manager)
    wrong_kind = client.post("/import/customers/", {"checked": token, "import": ""})
    assert wrong_kind.status_code == 400
    assert not Product.objects.exists()


def test_a_dry_run_with_bad_rows_keeps_nothing(client_for, manager):
    response = client_for(manager).post(
        "/import/products/", {"file": upload(BAD_PRODUCTS), "check": ""}
    )
    assert response.status_code == 400
    assert response.context["checked"] is None
