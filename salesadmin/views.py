from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from salesadmin.roles import Role, user_roles


@login_required
def home(request):
    """Each role's home: what that person has to do today."""
    roles = user_roles(request.user)
    context = {"roles": roles, "Role": Role}
    user = request.user
    if user.has_perm("customers.view_customer"):
        from customers.models import Customer

        context["customers_on_hold"] = list(
            Customer.objects.filter(on_credit_hold=True).order_by("-credit_hold_since")[:10]
        )
        context["customer_count"] = Customer.objects.filter(active=True).count()
    if user.has_perm("inventory.view_stocklevel"):
        from inventory.selectors import stock_overview

        context["below_safety"] = list(stock_overview(below_safety=True)[:10])
    if user.has_perm("inventory.record_production_receipt"):
        from inventory.enums import MoveKind
        from inventory.selectors import recent_moves

        context["recent_receipts"] = list(recent_moves(limit=5, kind=MoveKind.PRODUCTION_RECEIPT))
    return render(request, "home.html", context)


def healthz(request):
    """For load balancers and docker-compose: the database answers, and Redis
    too when one is configured."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "down"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
            ).ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            checks["redis"] = "down"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
