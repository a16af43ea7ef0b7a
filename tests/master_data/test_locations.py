"""Storage locations (库位) per warehouse: the manager keeps them, the keeper
reads them, every change in the history; a held location has none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from inventory.master_data import location_create, location_update
from inventory.models import Location
from salesadmin.errors import ApplicationError
from salesadmin.models import MasterDataChange
from tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


def test_the_manager_adds_and_changes_a_location_with_history(manager):
    warehouse = WarehouseFactory()
    location = location_create(user=manager, warehouse=warehouse, code="A-01", name="Bay A1")
    location_update(location=location, user=manager, code="A-01", name="Bay A1", active=False)
    rows = list(
        MasterDataChange.objects.filter(record_type="location", record_id=location.pk)
        .order_by("id")
        .values_list("field", "old_value", "new_value", "user__username")
    )
    assert ("code", "", "A-01", "manager") in rows
    assert rows[-1] == ("active", "yes", "no", "manager")


def test_only_the_manager_keeps_locations(clerk, keeper):
    warehouse = WarehouseFactory()
    location = Location.objects.create(warehouse=warehouse, code="A", name="A")
    for user in (clerk, keeper):
        with pytest.raises(PermissionDenied):
            location_create(user=user, warehouse=warehouse, code="B", name="B")
        with pytest.raises(PermissionDenied):
            location_update(location=location, user=user, name="X")
    assert not MasterDataChange.objects.exists()


def test_a_code_is_unique_within_its_warehouse_only(manager):
    first, second = WarehouseFactory(), WarehouseFactory()
    location_create(user=manager, warehouse=first, code="A", name="A")
    location_create(user=manager, warehouse=second, code="A", name="A")
    with pytest.raises(ApplicationError) as refused:
        location_create(user=manager, warehouse=first, code="A", name="again")
    assert refused.value.code == "invalid"


def test_a_held_location_has_no_locations(manager):
    warehouse = WarehouseFactory()
    held = WarehouseFactory(holds_for=warehouse)
    with pytest.raises(ApplicationError) as refused:
        location_create(user=manager, warehouse=held, code="A", name="A")
    assert refused.value.code == "warehouse_is_held"


def test_locations_in_the_browser(client_for, manager, keeper, clerk):
    warehouse = WarehouseFactory()
    client = client_for(manager)
    response = client.post(
        f"/inventory/warehouses/{warehouse.pk}/locations/new/",
        {"code": "A-01", "name": "Bay A1", "active": "on"},
    )
    assert response.status_code == 302
    location = Location.objects.get()
    page = client.get(f"/inventory/warehouses/{warehouse.pk}/")
    assert b"A-01" in page.content
    assert client.get(f"/inventory/locations/{location.pk}/").status_code == 200
    duplicate = client.post(
        f"/inventory/warehouses/{warehouse.pk}/locations/new/", {"code": "A-01", "name": "x"}
    )
    assert duplicate.status_code == 400
    reader = client_for(keeper)
    assert reader.get(f"/inventory/locations/{location.pk}/").status_code == 200
    assert (
        reader.post(f"/inventory/locations/{location.pk}/", {"code": "Z", "name": "Z"}).status_code
        == 403
    )
    assert reader.get(f"/inventory/warehouses/{warehouse.pk}/locations/new/").status_code == 403
    assert client_for(clerk).get(f"/inventory/locations/{location.pk}/").status_code == 403
