"""Every 4xx an API operation can answer, documented in the one error shape
(a drf-spectacular postprocessing hook, so no API class repeats them).

What each operation can be refused with follows from what it takes:

| the operation                          | can answer                             |
|----------------------------------------|----------------------------------------|
| needs a login (every one but the token)| 401 not signed in, 403 role / CSRF     |
| has a path parameter                   | 404 no such document (or not yours)    |
| takes query parameters or a body, or   | 400 invalid input (``fields``), or a   |
| writes                                 | rule's code                            |
| takes a body                           | 415 a content type it does not parse   |
| any                                    | 406 an ``Accept`` it cannot answer,    |
|                                        | 429 throttled                          |

An optional query parameter sent empty (``?date=``, as a filter form sends a
blank field) is read as not given: documented with ``allowEmptyValue``.

An operation's own descriptions (a business rule's 400, a state's 409) are
kept; only the missing ones are added. The 503 and idempotency answers come
from salesadmin.idempotency.schema.
"""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/ErrorOutput"}
METHODS = {"get", "post", "put", "patch", "delete"}

DESCRIPTIONS = {
    "400": "`invalid` (with `fields`) or `parse_error`: the input is not valid; "
    "or a business rule refused the action (the rule's code).",
    "401": "`not_authenticated` / `authentication_failed`: no valid token or session.",
    "403": "`permission_denied`: the user's role may not do this (or a session "
    "request without its CSRF token).",
    "404": "`not_found`: no such document, or not one this user may see.",
    "406": "`not_acceptable`: the `Accept` header asks for a type this operation cannot answer.",
    "415": "`unsupported_media_type`: a request body type this operation does not parse.",
    "429": "`throttled` (or `locked_out`): too many requests; retry after `Retry-After` seconds.",
}


def _json(status: str) -> dict:
    return {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": ERROR}}}


def _statuses(method: str, operation: dict) -> list[str]:
    params = operation.get("parameters", [])
    in_query = any(p.get("in") == "query" for p in params)
    in_path = any(p.get("in") == "path" for p in params)
    body = "requestBody" in operation
    statuses = ["406", "429"]
    if operation.get("security"):
        statuses += ["401", "403"]
    if in_path:
        statuses.append("404")
    if in_query or body or method != "get":
        statuses.append("400")
    if body:
        statuses.append("415")
    return statuses


def document_errors(result, generator, request, public):
    if "ErrorOutput" not in result.get("components", {}).get("schemas", {}):
        return result
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    # ?status=&date= (a filter form's blank fields) is read as not given.
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, operation):
                responses.setdefault(status, _json(status))
            operation["responses"] = dict(sorted(responses.items()))
    return result
