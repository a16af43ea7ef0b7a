"""The OpenAPI schema is generated without a single warning: two serializers
with one name, or a field spectacular cannot type, would document the API wrong."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    # --fail-on-warn raises on the first warning; --validate checks it against OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/delivery-notes/{id}/stamp/" in text
    assert "/api/v1/aging/" in text
    assert "/api/v1/quotations/{id}/accept/" in text
    assert "/api/v1/orders/{id}/contract-review/approve/" in text
    assert "/api/v1/production-tasks/{id}/receipts/" in text
    assert "/api/v1/contracts/" in text


# --- The contract a generated client relies on -------------------------------------


@pytest.fixture
def schema(client_for, clerk):
    answer = client_for(clerk).get("/api/schema/?format=json")
    assert answer.status_code == 200
    return answer.json()


def _required(schema, component: str) -> set[str]:
    return set(schema["components"]["schemas"][component].get("required", []))


def test_the_token_operation_takes_credentials_and_answers_a_token(schema):
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "security" not in operation  # no login needed to get one
    assert _required(schema, "TokenInput") == {"username", "password"}
    assert _required(schema, "TokenOutput") == {"token"}
    assert {"400", "429"} <= set(operation["responses"])


def test_what_the_keeper_does_not_see_is_not_required(schema):
    assert not {"customer", "value"} & _required(schema, "NoteDetailOutput")
    assert not {"customer", "value"} & _required(schema, "NoteListOutput")
    assert not {"unit_price", "amount"} & _required(schema, "NoteLineOutput")
    assert "covered_amount" not in _required(schema, "StampOutput")
    assert "actual_value" not in _required(schema, "DispatchOutput")
    assert {"id", "status", "lines", "warehouse"} <= _required(schema, "NoteDetailOutput")


def test_query_parameters_are_declared(schema):
    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"warehouse", "q", "below", "limit", "offset"} <= names("/api/v1/stock/")
    assert {"q", "terms", "hold"} <= names("/api/v1/customers/")
    assert {"unread"} <= names("/api/v1/notices/")
    assert {"period"} <= names("/api/v1/reports/dashboard/")
    limit = next(
        p for p in schema["paths"]["/api/v1/stock/"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["minimum"] == 1 and limit["allowEmptyValue"] is True


def test_pdf_answers_are_declared_as_pdf(schema):
    pdfs = [path for path in schema["paths"] if path.endswith("/pdf/")]
    assert len(pdfs) >= 2
    for path in pdfs:
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(ok) == ["application/pdf"], path


def test_every_operation_documents_its_refusals_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/ErrorOutput"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            wanted = {"406", "429", "503"}
            if operation.get("security"):
                wanted |= {"401", "403"}
            if "{" in path:
                wanted.add("404")
            if method != "get" or "requestBody" in operation:
                wanted.add("400")
            assert wanted <= set(responses), (method, path, wanted - set(responses))
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert response["content"] == {"application/json": {"schema": error}}, (
                        method,
                        path,
                        status,
                    )
