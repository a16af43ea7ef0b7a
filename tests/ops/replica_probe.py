"""Run inside a Django process whose settings have DATABASE_URL (primary) and
DATABASE_REPLICA_URL (its streaming replica); prints one JSON line of facts.
tests/ops/test_replica.py starts the pair and this script."""

import json
import sys
import time

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connections, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from salesadmin import db_router  # noqa: E402

facts = {}
stage = sys.argv[1]
if stage == "streaming":
    call_command("migrate", "auth", verbosity=0)
    Group.objects.create(name="written on the primary")
    with db_router.replica_reads():
        started = time.monotonic()
        while not Group.objects.filter(name="written on the primary").exists():
            if time.monotonic() - started > 20:
                break
            time.sleep(0.05)
        facts["replicated_after_s"] = round(time.monotonic() - started, 3)
        facts["read_from"] = Group.objects.all().db
        facts["write_to"] = Group.objects.create(name="under replica_reads")._state.db
        with transaction.atomic():
            facts["read_in_transaction_from"] = Group.objects.all().db
    facts["read_outside_from"] = Group.objects.all().db
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("INSERT INTO auth_group (name) VALUES ('direct')")
        facts["replica_refuses_writes"] = False
    except DatabaseError as error:
        facts["replica_refuses_writes"] = "read-only" in str(error)
    facts["lag_s"] = db_router.replica_lag_seconds()

seen = {}


def view(request):
    from django.http import HttpResponse

    seen[request.method + " " + request.path] = Group.objects.all().db
    return HttpResponse("ok")


middleware = db_router.ReplicaReadsMiddleware(view)
factory = RequestFactory()
for method, path in [("get", "/reports/"), ("get", "/api/v1/reports/sales/"), ("get", "/orders/")]:
    middleware(getattr(factory, method)(path))
middleware(factory.post("/reports/"))
facts["routed"] = seen
facts["readyz"] = Client().get("/readyz").json()
print(json.dumps(facts))
