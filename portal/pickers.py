"""The searchable pickers' endpoints: what a person typed in, the first matches back.

Each answers with one query for the rows, however many rows exist (asserted from
10 to 10,000 in tests/views/test_pickers.py); static/js/pickers.js asks them.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from customers.selectors import customer_picker
from inventory.selectors import batch_picker, product_picker
from orders.enums import NoteStatus
from orders.selectors.delivery_notes import note_picker
from salesadmin.decimal_input import parse_id
from salesadmin.page_access import role_required

MAX_SEARCH = 50


def _search(request) -> str:
    return request.GET.get("q", "")[:MAX_SEARCH]


def _answer(results: list[dict]) -> JsonResponse:
    return JsonResponse({"results": results})


@require_GET
@role_required("customers.view_customer")
def customers(request):
    return _answer(customer_picker(search=_search(request)))


@require_GET
@role_required("inventory.view_product")
def products(request):
    return _answer(product_picker(search=_search(request)))


@require_GET
@role_required("inventory.view_batch", "inventory.view_stocklevel", any_of=True)
def batches(request):
    product_id = parse_id(request.GET.get("product", ""))
    return _answer(batch_picker(search=_search(request), product_id=product_id))


@require_GET
@role_required("orders.view_deliverynote")
def notes(request):
    wanted = [s for s in request.GET.get("status", "").split(",") if s in NoteStatus.values]
    with_customer = request.user.has_perm("customers.view_customer")
    return _answer(
        note_picker(search=_search(request), statuses=wanted, with_customer=with_customer)
    )
