"""Schemathesis against the live schema, in-process (the project's WSGI
application, every middleware included), as one user with a token.

``fuzz(user, max_examples=…)`` runs the examples, coverage and fuzzing phases
(and the stateful one when asked) over every operation of the schema the
application serves (the engine calls it from its own thread: the test needs
``transactional_db`` so that thread sees the world), and returns the failures
as readable lines, plus the counts. The checks are schemathesis' own: no server error, status codes,
content types, response headers and bodies as documented, bad input refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db.backends.signals import connection_created
from django.urls import resolve
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

SCHEMA_PATH = "/api/schema/?format=json"

# Checks left out, and why: they need state across calls that a random id
# cannot have (use_after_free, ensure_resource_availability), test a login
# the run does not vary (ignored_auth), or call a valid-by-schema request a
# failure when a business rule refuses it with a documented 400/409
# (positive_data_acceptance: an order for an inactive product is valid JSON).
EXCLUDED_CHECKS = (
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "positive_data_acceptance",
)


@dataclass
class FuzzResult:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _config(*, max_examples: int, seed: int, stateful: bool, max_time: int | None) -> str:
    checks = "\n".join(f"{name}.enabled = false" for name in EXCLUDED_CHECKS)
    return f"""
seed = {seed}
{"max-time = " + str(max_time) if max_time else ""}
suppress-health-check = ["all"]

[cache]
enabled = false

[generation]
max-examples = {max_examples}
database = "none"

[phases.examples]
enabled = true
[phases.coverage]
enabled = true
[phases.fuzzing]
enabled = true
[phases.stateful]
enabled = {"true" if stateful else "false"}

[checks]
{checks}
"""


def may_use(user, method: str, path: str) -> bool:
    """Whether the API's role check lets ``user`` call the operation (the view's
    ``required_perms``, per method where the view has them per method)."""
    match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    view_class = getattr(match.func, "view_class", None) or match.func.cls
    view = view_class()
    view.request = SimpleNamespace(method=method.upper())
    required = getattr(view, "required_perms", None)
    if required is None:
        return user.is_superuser
    return user.has_perms(required)


def fuzz(
    user,
    *,
    max_examples: int,
    seed: int = 13,
    stateful: bool = False,
    max_time: int | None = None,
    only_allowed: bool = True,
) -> FuzzResult:
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    config = SchemathesisConfig.from_str(
        _config(max_examples=max_examples, seed=seed, stateful=stateful, max_time=max_time)
    )
    schema = schemathesis.openapi.from_wsgi(
        SCHEMA_PATH, get_wsgi_application(), config=config, headers=headers
    )
    schema.config.update(headers=headers, workers=1)
    if only_allowed:
        schema = schema.include(lambda ctx: may_use(user, ctx.operation.method, ctx.operation.path))
    result = FuzzResult()
    # The engine calls the application from its own thread, which opens its own
    # database connections: closed here, so none is left on the test database.
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember)
    try:
        _collect(schemathesis.engine.from_schema(schema).execute(), result)
    finally:
        connection_created.disconnect(remember)
        for connection in opened:
            connection.inc_thread_sharing()
            connection.close()
    return result


def _collect(stream, result: FuzzResult) -> None:
    for event in stream:
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            recorder = event.recorder
            result.cases += len(recorder.cases)
            for case_node in recorder.cases.values():
                operation = case_node.value.operation.label
                result.operations.add(operation)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        case = recorder.cases[case_id].value
                        failure = check.failure_info.failure
                        result.failures.append(
                            f"{case.operation.label} [{check.name}] {failure.title}: "
                            f"{failure.message}\n    {check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError):
            result.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
