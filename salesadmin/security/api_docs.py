"""Swagger UI under the CSP: its start-up script is a file (drf-spectacular's
split view), not an inline block, and its one fixed <style> block is allowed by
its hash, on this page only."""

from __future__ import annotations

import base64
import hashlib
import re

import drf_spectacular
from csp.decorators import csp_update
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView

_TEMPLATE = "templates/drf_spectacular/swagger_ui.html"


def _inline_style_hashes() -> list[str]:
    """The CSP hashes of the template's <style> blocks (read from the pinned
    package, so an upgrade that changes them is still allowed, and only them)."""
    path = drf_spectacular.__path__[0] + "/" + _TEMPLATE
    with open(path, encoding="utf-8") as template:
        blocks = re.findall(r"<style>(.*?)</style>", template.read(), re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in blocks
    ]


@method_decorator(csp_update({"style-src": _inline_style_hashes()}), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    def options(self, request, *args, **kwargs):
        # The page renders only through its HTML template; DRF's metadata answer
        # has none, and was a 500. OPTIONS says which methods there are.
        response = HttpResponse(status=200)
        response["Allow"] = ", ".join(self.allowed_methods)
        return response
