"""The two shapes every app's API repeats, written once: a list that also
creates, and an action on one document (a transition).

Both hold no business rule: the subclass names the permissions, the input,
the service call (``create`` / ``run``) and how the document is answered
(``answer``); the service decides. The schema of each endpoint stays on the
subclass (``list_create_endpoint`` below, or ``@extend_schema_view``), so each
says its own summary and errors. An action that is a PUT names
``http_method_names`` so the inherited POST is not offered (405).

The classes and methods here carry comments, not docstrings, on purpose:
drf-spectacular shows an inherited docstring as the description of every
endpoint without one of its own.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from salesadmin.api import (
    JSONInputParser,
    Pagination,
    StrictInput,
    error_responses,
    validated_input,
)

# What an action on one document may answer besides its 200.
ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


def document_answer(request, rows, output, document, status_code: int = 200) -> Response:
    """The document read again through ``rows`` (the user's view of it, with what
    ``output`` needs prefetched) and answered in ``output``'s shape."""
    document = rows.get(pk=document.pk)
    return Response(output(document, context={"request": request}).data, status=status_code)


# ``required_perms`` by method: ``view_perm`` to read; ``view_perm`` and
# ``write_perm`` for the methods in ``write_methods`` (those that change data).
class PermsByMethod:
    view_perm: str = ""
    write_perm: str = ""
    write_methods: tuple[str, ...] = ()

    @property
    def required_perms(self) -> tuple[str, ...]:
        if self.request.method in self.write_methods:
            return (self.view_perm, self.write_perm)
        return (self.view_perm,)


# GET: the documents the user may see, paged (and filtered where the subclass
# sets ``filterset_class``); POST: create one from ``create_input``, which
# needs ``add_perm`` too.
class DocumentListCreateApi(PermsByMethod, generics.ListAPIView):
    pagination_class = Pagination
    parser_classes = [JSONInputParser]
    add_perm: str = ""
    write_methods = ("POST",)
    create_input: type[serializers.Serializer] | None = None

    @property
    def write_perm(self) -> str:
        return self.add_perm

    def get_serializer_class(self):
        # The browsable API's form and OPTIONS describe what POST takes.
        if self.request.method == "POST" and self.create_input is not None:
            return self.create_input
        return super().get_serializer_class()

    def get_queryset(self):
        return self.visible(self.request.user)

    def visible(self, user):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        data = validated_input(self.create_input, request.data)
        return self.created(request, self.create(request.user, data))

    def create(self, user, data: dict):
        raise NotImplementedError

    def created(self, request, document) -> Response:
        raise NotImplementedError


# GET one document the user may see (``get_queryset``; 404 otherwise), answered
# by ``answer``: its ``serializer_class`` unless the subclass answers otherwise.
class DocumentDetailApi(generics.GenericAPIView):
    def get(self, request, pk: int):
        return self.answer(request, self.get_object())

    def answer(self, request, document) -> Response:
        return Response(self.get_serializer(document).data)


# POST one action on the document in the URL: the body validated against
# ``serializer_class``, the service called by ``run``, the document answered.
# ``target()`` is the document as a bare key, for a service that locks and reads
# it itself as its first step (so it is not read twice, and a missing one is the
# service's 404); ``get_object()`` reads it through ``get_queryset`` first.
class DocumentActionApi(generics.GenericAPIView):
    parser_classes = [JSONInputParser]
    document_model = None
    # False: the action takes no body and ignores one (the endpoints that never
    # checked it keep answering as they did).
    checks_body = True

    def get_queryset(self):
        return self.document_model.objects.all()

    def target(self):
        return self.document_model(pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        data = validated_input(self.serializer_class, request.data) if self.checks_body else {}
        return self.answer(request, self.run(request.user, data))

    def run(self, user, data: dict):
        raise NotImplementedError

    def answer(self, request, document) -> Response:
        raise NotImplementedError


# The same action, but the document in the URL is read through ``get_queryset``
# before the body is judged (a missing one is 404 whatever the body): ``run``
# finds it in ``self.document``.
class ReadDocumentActionApi(DocumentActionApi):
    def post(self, request, *args, **kwargs):
        self.document = self.get_object()
        return super().post(request, *args, **kwargs)


def detail_endpoint(*, shows: str, output, description: str | None = None):
    """A DocumentDetailApi's serializer and the schema of its GET."""

    def decorate(cls):
        cls.serializer_class = output
        schema = extend_schema(
            summary=shows,
            description=description,
            responses={200: output, **error_responses(401, 403, 404)},
        )
        return extend_schema_view(get=schema)(cls)

    return decorate


def list_endpoint(
    *,
    lists: str,
    output,
    parameters: list | None = None,
    errors: tuple[int, ...] = (400, 401, 403),
):
    """A list's serializer and the schema of its GET (the summary, the rows and
    the documented errors); paging is the project's default (salesadmin.api.Pagination)."""

    def decorate(cls):
        cls.serializer_class = output
        schema = extend_schema(
            summary=lists,
            parameters=parameters,
            responses={200: output(many=True), **error_responses(*errors)},
        )
        return extend_schema_view(get=schema)(cls)

    return decorate


def list_create_endpoint(
    *,
    lists: str,
    output,
    creates: str,
    create_input,
    answer,
    description: str | None = None,
    parameters: list | None = None,
    list_errors: tuple[int, ...] = (400, 401, 403),
    create_errors: tuple[int, ...] = (400, 401, 403),
):
    """A DocumentListCreateApi's list and create: their serializers and their
    schema (the summaries, the answer and the documented errors)."""

    def decorate(cls):
        cls.create_input = create_input
        schema = extend_schema(
            summary=creates,
            description=description,
            parameters=parameters,
            request=create_input,
            responses={201: answer, **error_responses(*create_errors)},
        )
        listed = list_endpoint(lists=lists, output=output, errors=list_errors)(cls)
        return extend_schema_view(post=schema)(listed)

    return decorate


# --- The inputs the actions share -------------------------------------------------


class NoInput(StrictInput):
    """The action takes no body."""


class CommentInput(StrictInput):
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class CancelReasonInput(StrictInput):
    reason = serializers.CharField(max_length=300, allow_blank=True)


def action_endpoint(view_perm: str, answer_output, summary, perm, input_class, description=""):
    """An action endpoint's permissions, input and schema (a DocumentActionApi
    subclass whose ``run`` calls the service)."""

    def decorate(cls):
        cls.required_perms = (view_perm, perm)
        cls.serializer_class = input_class
        cls.__doc__ = summary
        schema = extend_schema(
            summary=summary,
            description=description,
            request=None if input_class is NoInput else input_class,
            responses={200: answer_output, **ACTION_ERRORS},
        )
        return extend_schema_view(post=schema)(cls)

    return decorate
