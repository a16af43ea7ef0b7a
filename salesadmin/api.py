"""The REST API's shared parts: the one exception handler, strict input, error schema.

Every error the API answers has the same shape, so a client needs one parser:
``{"code": "<stable code>", "detail": "<readable message>", ...}``; a validation
error adds ``fields`` (the per-field messages, nested like the input).

| raised                                   | status | code                              |
|------------------------------------------|--------|-----------------------------------|
| ApplicationError (a business rule)       | 400    | the rule's code (``not_covered``…)|
| ConflictError (wrong state, lost race)   | 409    | ``invalid_state``…                |
| inventory InsufficientStock              | 400    | ``insufficient_stock`` + available|
| django_fsm.TransitionNotAllowed          | 409    | ``invalid_state``                 |
| django_fsm.ConcurrentTransition          | 409    | ``concurrent_change``             |
| IntegrityError (should not happen)       | 409    | ``conflict`` (logged)             |
| Django / DRF ValidationError, bad JSON   | 400    | ``invalid`` / ``parse_error``     |
| Django / DRF PermissionDenied            | 403    | ``permission_denied``             |
| no credentials                           | 401    | ``not_authenticated``             |
| Http404, ObjectDoesNotExist              | 404    | ``not_found``                     |
| lock / statement timeout, deadlock       | 503    | ``busy`` + Retry-After            |
| PostgreSQL unreachable                   | 503    | ``database_unavailable``          |
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from salesadmin import db_faults
from salesadmin.errors import ApplicationError
from salesadmin.security.parsers import JSONInputParser  # noqa: F401  (its old home)

logger = logging.getLogger(__name__)


def _error(status: int, code: str, detail, **extra) -> Response:
    set_rollback()
    # The code and detail always win over a service's extra keys of the same name.
    return Response({**extra, "code": code, "detail": str(detail)}, status=status)


def _first_message(errors, path: str = "") -> str:
    """The first field error as "lines[0].quantity: A valid number is required."."""
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            found = _first_message(value, f"{path}.{key}" if path else str(key))
            if found:
                return found
        return ""
    if isinstance(errors, list | tuple):
        for index, value in enumerate(errors):
            if isinstance(value, Mapping | list | tuple):
                found = _first_message(value, f"{path}[{index}]")
                if found:
                    return found
            elif value:
                name = "" if path in ("", "non_field_errors") else f"{path}: "
                return f"{name}{value}"
        return ""
    return f"{path}: {errors}" if path else str(errors)


def exception_handler(exc, context):
    fault = db_faults.classify(exc)
    if fault is not None:  # rolled back by its atomic block; see salesadmin/db_faults.py
        db_faults.log_fault(fault, exc, context.get("request"))
        response = _error(503, fault, db_faults.message(fault))
        response["Retry-After"] = str(db_faults.retry_after(fault))
        return response
    if isinstance(exc, ApplicationError):
        return _error(exc.status_code, exc.code, exc.message, **exc.extra)
    if isinstance(exc, ConcurrentTransition):
        return _error(
            409,
            "concurrent_change",
            _("Someone changed this document at the same time. Reload it and try again."),
        )
    if isinstance(exc, TransitionNotAllowed):
        return _error(409, "invalid_state", _("Not possible in the document's current state."))
    if isinstance(exc, IntegrityError):
        # The services are meant to prevent this; if one slips through it is a bug to
        # fix, logged with its traceback, but the client still gets an answer it can act on.
        view = context.get("view")
        logger.error("IntegrityError reached the API in %s", type(view).__name__, exc_info=exc)
        return _error(
            409, "conflict", _("The change conflicts with data saved meanwhile. Reload and retry.")
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            response.data
            if isinstance(response.data, Mapping)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "code": "invalid",
            "detail": _first_message(fields) or _("Invalid input."),
            "fields": fields,
        }
    elif isinstance(response.data, Mapping) and "code" not in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = codes if isinstance(codes, str) else "error"
    return response


# --- Input and paging ---------------------------------------------------------------


MAX_OFFSET = 2**53  # beyond any table here, within PostgreSQL's OFFSET and JSON's integers


def _query_int(request, name: str, *, minimum: int, maximum: int | None = None) -> int | None:
    """A whole number from the query string (None when absent); anything else,
    or a value out of bounds, is a 400 naming the parameter."""
    text = request.query_params.get(name, "").strip()
    if not text:  # absent, or sent empty as a form's blank field
        return None
    if not (text.isascii() and text.isdigit()):
        raise exceptions.ValidationError({name: [_("A whole number is required.")]})
    # int() of a 10,000-digit string is refused by Python itself: such a number is too big.
    number = int(text) if len(text) <= 30 else (maximum or 10**30) + 1
    if number < minimum:
        raise exceptions.ValidationError(
            {name: [_("Ensure this value is greater than or equal to %(min)s.") % {"min": minimum}]}
        )
    if maximum is not None and number > maximum:
        raise exceptions.ValidationError(
            {name: [_("Ensure this value is less than or equal to %(max)s.") % {"max": maximum}]}
        )
    return number


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=``; a limit above ``max_limit`` is capped instead of
    reaching the database; a limit or offset that is not a whole number in
    bounds is a 400 (it was silently read as the default)."""

    max_limit = 200

    def get_limit(self, request):
        limit = _query_int(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        offset = _query_int(request, self.offset_query_param, minimum=0, maximum=MAX_OFFSET)
        return offset or 0

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"]["minimum"] = 1
        limit["description"] = (
            f"Number of results to return per page (default {self.default_limit}; "
            f"more than {self.max_limit} gives {self.max_limit})."
        )
        offset["schema"].update(minimum=0, maximum=MAX_OFFSET)
        return [limit, offset]


class StrictInput(serializers.Serializer):
    """An input serializer that refuses fields it does not know.

    DRF ignores unknown fields; here a typo or an attempt to set a protected
    field (``status`` above all) is a 400 that says so, instead of a silent no-op.
    """

    protected_fields = frozenset({"status"})

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                if name in self.fields:
                    continue
                if name in self.protected_fields:
                    errors[name] = [
                        _("This field is read-only; it changes only through the action endpoints.")
                    ]
                else:
                    errors[name] = [_("Unknown field.")]
            if errors:
                raise exceptions.ValidationError(errors)
        return super().to_internal_value(data)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as its own named enum component.

    Two choice sets under one field name (an order's ``status`` and a delivery
    note's ``status``) would otherwise make drf-spectacular guess enum names.
    """

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = build_choice_field(field)
        schema.pop("x-spec-enum-id", None)
        # The component is shared: nullability belongs to each use, not to the enum.
        schema["enum"] = [value for value in schema["enum"] if value not in ("", None)]
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            schema=schema,
            object=field.enum_name,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# --- Error responses for the schema -------------------------------------------------


class ErrorOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable error code.")
    detail = serializers.CharField(help_text="Readable message for the user.")
    fields = serializers.DictField(
        required=False, help_text="Validation errors per input field (code `invalid` only)."
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses an endpoint documents, all in the ErrorOutput shape."""
    descriptions = {
        400: "Invalid input, or a business rule refused the action (the rule's code).",
        401: "Not authenticated (token or session).",
        403: "The user's role may not do this.",
        404: "No such document.",
        409: "The document is not in a state that allows this, or changed meanwhile.",
    }
    return {
        status: OpenApiResponse(response=ErrorOutput, description=descriptions[status])
        for status in statuses
    }


class BulkRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key that ``validated_input`` looks up together with every other
    key of its kind in the input: a note's lines with their batches are one
    query per model, not one per line. Same errors as PrimaryKeyRelatedField."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < pk < 2**63:  # no row has it, and PostgreSQL's bigint cannot hold it
            self.fail("does_not_exist", pk_value=data)
        return pk


def _bulk_fields(serializer, value, path, found) -> None:
    if isinstance(serializer, serializers.ListSerializer):
        for index, item in enumerate(value):
            _bulk_fields(serializer.child, item, (*path, index), found)
    elif isinstance(serializer, serializers.Serializer):
        for name, field in serializer.fields.items():
            if name not in value or value[name] is None:
                continue
            if isinstance(field, BulkRelatedField):
                found.setdefault(id(field), (field, []))[1].append((value, name, (*path, name)))
            elif isinstance(field, serializers.BaseSerializer):
                _bulk_fields(field, value[name], (*path, name), found)


def _nested_errors(errors: dict[tuple, list[str]]) -> dict:
    """{("lines", 1, "product"): [msg]} -> {"lines": [{}, {"product": [msg]}]}."""
    root: dict = {}
    for path, messages in errors.items():
        node = root
        for key, following in zip(path, path[1:], strict=False):
            empty = [] if isinstance(following, int) else {}
            if isinstance(key, int):
                while len(node) <= key:
                    node.append({})
                if not node[key]:
                    node[key] = empty
                node = node[key]
            else:
                node = node.setdefault(key, empty)
        node[path[-1]] = messages
    return root


def validated_input(serializer_class, data, **kwargs) -> dict:
    """Validate ``data`` and look up its BulkRelatedFields, one query per field
    of the input schema (not per item)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    validated = serializer.validated_data
    found: dict = {}
    _bulk_fields(serializer, validated, (), found)
    errors = {}
    for field, places in found.values():
        wanted = {holder[name] for holder, name, _path in places}
        # The field's queryset as of this request: a field may narrow it to the user.
        objects = {obj.pk: obj for obj in field.get_queryset().filter(pk__any=sorted(wanted))}
        for holder, name, path in places:
            pk = holder[name]
            if pk in objects:
                holder[name] = objects[pk]
            else:
                errors[path] = [
                    exceptions.ErrorDetail(
                        field.error_messages["does_not_exist"].format(pk_value=pk),
                        code="does_not_exist",
                    )
                ]
    if errors:
        raise exceptions.ValidationError(_nested_errors(errors))
    return validated
