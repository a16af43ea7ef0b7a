"""Swagger UI under the CSP: its start-up script is a file (drf-spectacular's
split view), not an inline block."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    def options(self, request, *args, **kwargs):
        # The page renders only through its HTML template; DRF's metadata answer
        # has none, and was a 500. OPTIONS says which methods there are.
        response = HttpResponse(status=200)
        response["Allow"] = ", ".join(self.allowed_methods)
        return response
