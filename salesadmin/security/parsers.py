"""The API's JSON parser: what Python's parser accepts but PostgreSQL or the
answer cannot take is a 400 here, not a 500 later.

Its own module (imported by salesadmin.api, where it lived): it is the default
parser, and DRF loads the default parsers while rest_framework.views is being
imported, which salesadmin.api itself imports.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


def _any_text(data, test) -> bool:
    """Whether ``test`` holds for any string (key or value) in parsed JSON."""
    # Iterative: a body nested just below the parser's limit must not overflow here.
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if test(item):
                return True
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _is_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class JSONInputParser(JSONParser):
    """JSON only. What Python's parser accepts but nothing after it can handle is a
    400 here, not a 500 later: nesting too deep for the parser, escaped lone
    surrogates ("\\ud800"), which are not text: PostgreSQL cannot store them and
    the answer that echoes them cannot be encoded, and NUL characters ("\\u0000")."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON parse error: nested too deeply.")) from exc
        if _any_text(data, _is_lone_surrogate):
            raise exceptions.ParseError(_("JSON parse error: invalid Unicode (lone surrogate)."))
        if _any_text(data, lambda text: "\x00" in text):
            # PostgreSQL cannot store a NUL in text: refused here, not a 500 in the query.
            raise exceptions.ParseError(_("JSON parse error: NUL characters are not allowed."))
        return data
