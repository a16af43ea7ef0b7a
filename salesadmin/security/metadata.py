"""OPTIONS answers for every API view.

DRF's SimpleMetadata describes the input of POST/PUT by asking the view for its
serializer; our action views declare their input serializers per method (for
the schema) and have no ``serializer_class``, so OPTIONS answered 500. Here a
view without one simply gets no "actions" description.
"""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


def _has_serializer(view) -> bool:
    # DRF loads this class while rest_framework.views is still importing: no
    # import of rest_framework.generics at module level.
    from rest_framework.generics import GenericAPIView

    if getattr(view, "serializer_class", None) is not None:
        return True
    return type(view).get_serializer_class is not GenericAPIView.get_serializer_class


class Metadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        metadata = {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
        if hasattr(view, "get_serializer") and _has_serializer(view):
            actions = self.determine_actions(request, view)
            if actions:
                metadata["actions"] = actions
        return metadata
