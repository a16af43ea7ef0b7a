"""The OpenAPI schema documents safe retries and the 503 answers on every
operation (a drf-spectacular postprocessing hook, so no API class repeats it)."""

from __future__ import annotations

from salesadmin.idempotency.services import HEADER

WRITE_METHODS = {"post", "put", "patch", "delete"}
ERROR = {"$ref": "#/components/schemas/ErrorOutput"}


def _json(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def document_resilience(result, generator, request, public):
    components = result.setdefault("components", {})
    if "ErrorOutput" not in components.get("schemas", {}):
        return result
    components.setdefault("parameters", {})["IdempotencyKey"] = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string", "maxLength": 255},
        "description": (
            "Makes a write safe to retry: a retry with the same key, user and body gets "
            "the first answer (status and body, header `Idempotent-Replayed: true`) "
            "instead of acting again, for at least 48 hours. The same key with another "
            "body is refused (422 `idempotency_key_reused`); while the first request is "
            "still running a retry waits, then answers 409 `idempotency_in_progress`. "
            "Send a new key (e.g. a UUID) for each new action."
        ),
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS | {"get", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "503",
                _json(
                    "`busy`: a lock or statement timeout (another action holds the same "
                    "records); `database_unavailable`: the database cannot be reached. "
                    "Nothing was done; retry after `Retry-After` seconds."
                ),
            )
            if method in WRITE_METHODS and path.startswith("/api/v1/"):
                operation.setdefault("parameters", []).append(
                    {"$ref": "#/components/parameters/IdempotencyKey"}
                )
                responses.setdefault(
                    "422", _json("`idempotency_key_reused`: the key was used for another request.")
                )
                responses.setdefault(
                    "409",
                    _json("`idempotency_in_progress`: the same request is still running."),
                )
    return result
