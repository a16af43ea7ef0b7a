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
