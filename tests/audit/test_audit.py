"""The managers' audit page (every transition and master-data change, filtered
and exported, query count flat) and the support staff's read-only admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from inventory.master_data import product_create, product_update
from portal.audit import AuditFilter, audit_entries
from salesadmin.clock import company_today
from salesadmin.models import MasterDataChange, TransitionLog
from salesadmin.roles import SUPPORT_GROUP, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(chain, manager):
    """An order through approval and a product with two changes."""
    manager.first_name, manager.last_name = "Mei", "Wang"
    manager.save()
    order = chain.order()
    product = product_create(user=manager, sku="AUD-1", name="Argon", unit="cyl")
    product_update(product=product, user=manager, name="Argon 5.0")
    return order, product


def _kinds(flt):
    return {row[4] for row in audit_entries(flt)}


def test_the_trail_holds_transitions_and_changes(trail):
    order, product = trail
    rows = list(audit_entries(AuditFilter()))
    assert len(rows) == TransitionLog.objects.count() + MasterDataChange.objects.count()
    assert rows == sorted(rows, key=lambda r: r[0], reverse=True)
    assert "change" in _kinds(AuditFilter()) and "submit" in _kinds(AuditFilter())


def test_the_filters_narrow_the_trail(trail, clerk):
    order, product = trail
    by_number = list(audit_entries(AuditFilter(document=order.number)))
    assert by_number and {r[2] for r in by_number} == {order.pk}
    assert _kinds(AuditFilter(action="change")) == {"change"}
    assert _kinds(AuditFilter(action="submit")) == {"submit"}
    assert {r[8] for r in audit_entries(AuditFilter(user="Wang"))} == {
        MasterDataChange.objects.first().user_id
    } | {t.user_id for t in TransitionLog.objects.filter(user__last_name="Wang")}
    assert {r[1] for r in audit_entries(AuditFilter(doc_type="product"))} == {"product"}
    tomorrow = company_today() + dt.timedelta(days=1)
    assert not list(audit_entries(AuditFilter(date_from=tomorrow)))
    assert list(audit_entries(AuditFilter(date_to=company_today())))


def test_the_page_shows_names_and_labels_not_codes(trail, client_for, manager):
    order, product = trail
    page = client_for(manager).get("/audit/", {"document": "AUD-1"}).content.decode()
    assert "Mei Wang" in page
    assert "Master data changed: name" in page
    assert "Argon 5.0" in page
    submitted = client_for(manager).get("/audit/", {"action": "submit"}).content.decode()
    assert "Submitted" in submitted and order.number in submitted
    assert ">sales_order<" not in submitted and "Sales order" in submitted


def test_only_managers_read_the_trail(client_for, clerk, finance, keeper, guard):
    for user in (clerk, finance, keeper, guard):
        assert client_for(user).get("/audit/").status_code == 403


def test_the_trail_exports(trail, client_for, manager):
    for fmt in ("csv", "xlsx"):
        response = client_for(manager).get("/audit/", {"export": fmt})
        assert response.status_code == 200
    assert "Argon 5.0" in client_for(manager).get("/audit/?export=csv").content.decode("utf-8-sig")


@pytest.mark.parametrize("changes", [5, 120])
def test_the_page_query_count_is_flat(changes, client_for, manager, django_assert_max_num_queries):
    for n in range(changes):
        product_create(
            user=UserFactory(first_name=f"P{n}", roles=[Role.MANAGER]),
            sku=f"Q{n}",
            name="x",
            unit="kg",
        )
    client = client_for(manager)
    client.get("/audit/")
    with django_assert_max_num_queries(10):
        assert client.get("/audit/").status_code == 200


# --- support staff in the admin -----------------------------------------------------


@pytest.fixture
def support(db):
    user = UserFactory(username="support", is_staff=True)
    user.groups.add(Group.objects.get(name=SUPPORT_GROUP))
    return user


def test_support_reads_every_document_in_the_admin_and_changes_nothing(trail, client_for, support):
    order, product = trail
    client = client_for(support)
    models = [m for m in admin.site._registry if m._meta.app_label != "auth"]
    assert any(m.__name__ == "SalesOrder" for m in models)
    assert any(m.__name__ == "TransitionLog" for m in models)
    for model in models:
        if not support.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url + "add/").status_code == 403, url
    change = client.get(f"/admin/orders/salesorder/{order.pk}/change/")
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    refused = client.post(f"/admin/inventory/product/{product.pk}/change/", {"name": "hacked"})
    assert refused.status_code == 403
    delete = client.post(f"/admin/orders/salesorder/{order.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    product.refresh_from_db()
    assert product.name == "Argon 5.0"


# Apps of ours whose rows are not documents anyone asks support about.
NOT_DOCUMENTS = {
    "idempotency": "the API's replay keys",
    "reports": "figures summed from the documents, rebuilt at will",
    "portal": "which hints a user dismissed",
    "security": "lockouts and devices, read on the lockouts page",
}


def test_support_can_read_every_document_model(support):
    # Every app of ours with documents, contracts and outbound included:
    # support answers questions about any of them, in the admin.
    from django.apps import apps
    from django.conf import settings

    ours = [
        config
        for config in apps.get_app_configs()
        if str(config.path).startswith(str(settings.BASE_DIR))
        and "site-packages" not in str(config.path)
        and config.label not in NOT_DOCUMENTS
        and list(config.get_models())
    ]
    assert {"contracts", "outbound", "orders", "returns", "sales"} <= {c.label for c in ours}
    unreadable = [
        f"{model._meta.app_label}.{model.__name__}"
        for config in ours
        for model in config.get_models()
        if not support.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        or model not in admin.site._registry
    ]
    assert not unreadable, unreadable


def test_support_has_only_view_permissions(support):
    perms = support.get_all_permissions()
    assert perms and all(p.split(".")[1].startswith("view_") for p in perms)


def _logged_names() -> tuple[set[str], set[str], set[str]]:
    """Every transition name, state and document type the code can log: the
    state machines' own, and the names services log by hand (read from the
    source, so a new one is caught)."""
    import re
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django_fsm import FSMFieldMixin

    transitions, states = set(), set()
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, FSMFieldMixin):
                transitions |= {t.name for t in field.get_all_transitions(model)}
                states |= {value for value, _label in field.choices or []}
    doc_types = set()
    root = Path(settings.BASE_DIR)
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {".venv", "tests", "build", "bench"}:
            continue
        text = path.read_text(encoding="utf-8")
        transitions |= set(re.findall(r'transition="([a-z_]+)"', text))
        transitions |= set(re.findall(r'_log(?:_task)?\([^,]+, "([a-z_]+)"', text))
        transitions |= set(re.findall(r'log_step\([^,]+, [^,]+, "([a-z_]+)"', text))
        doc_types |= set(re.findall(r'^(?:TASK_)?DOC = "([a-z_]+)"', text, re.MULTILINE))
    return transitions, states, doc_types


def test_every_logged_name_has_words_on_the_audit_page():
    from portal.audit import ACTIONS, DOCUMENT_TYPES, STATE_LABELS

    transitions, states, doc_types = _logged_names()
    assert {"issue", "release", "endorse", "opinion"} <= transitions  # the scan finds them
    assert transitions - set(ACTIONS) == set()
    assert states - set(STATE_LABELS) == set()
    assert doc_types - set(DOCUMENT_TYPES) == set()
