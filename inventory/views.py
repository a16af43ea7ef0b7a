from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inventory import selectors, services
from inventory.enums import MoveKind
from inventory.forms import ProductionReceiptForm
from inventory.models import Warehouse
from salesadmin.decimal_input import parse_id
from salesadmin.forms import saved_or_form_error
from salesadmin.page_access import role_required
from salesadmin.pages import page_or_partial


@role_required("inventory.view_product", "inventory.view_stocklevel")
def stock_overview(request):
    warehouse_id = parse_id(request.GET.get("warehouse"))
    search = request.GET.get("q", "")
    below = request.GET.get("below") == "1"
    products = list(
        selectors.stock_overview(
            warehouse_id=warehouse_id,
            search=search,
            below_safety=below,
        )
    )
    context = {
        "products": products,
        # Held locations are shown as the held column of their warehouse.
        "warehouses": Warehouse.objects.filter(active=True, holds_for__isnull=True).order_by(
            "code"
        ),
        "warehouse_id": int(warehouse_id) if warehouse_id else None,
        "search": search,
        "below": below,
        "below_count": sum(1 for p in products if p.below_safety),
    }
    return page_or_partial(request, "inventory/stock.html", "inventory/_stock_rows.html", context)


@role_required("inventory.record_production_receipt")
def production_receipt(request):
    form = ProductionReceiptForm(request.POST or None)
    if request.method == "POST":
        move = saved_or_form_error(
            form, lambda **data: services.production_receipt_record(user=request.user, **data)
        )
        if move is not None:
            messages.success(
                request,
                _("Received %(qty)s %(unit)s of %(product)s, batch %(batch)s, into %(warehouse)s.")
                % {
                    "qty": move.quantity,
                    "unit": move.product.get_unit_display(),
                    "product": move.product.name,
                    "batch": move.batch.number,
                    "warehouse": move.warehouse.name,
                },
            )
            return redirect("inventory:receipt")
    recent = selectors.recent_moves(limit=10, kind=MoveKind.PRODUCTION_RECEIPT)
    return render(request, "inventory/receipt.html", {"form": form, "recent": recent})


@role_required("inventory.view_stockmove")
def move_list(request):
    kind = request.GET.get("kind", "")
    if kind not in MoveKind.values:
        kind = ""
    reference = request.GET.get("reference", "").strip()
    moves = selectors.recent_moves(limit=200, kind=kind, reference=reference)
    return render(
        request,
        "inventory/moves.html",
        {"moves": moves, "kind": kind, "kinds": MoveKind.choices, "reference": reference},
    )
