from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: the home page, the site's navigation, and the demo and
    benchmark commands. It may import every app; no app imports it."""

    name = "portal"
