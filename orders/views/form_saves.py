"""A price page's form saved through its service."""

from __future__ import annotations

from salesadmin.errors import ApplicationError


def saved_or_form_error(form, save):
    """What ``save`` returns when run with the valid form's data; None when the form
    is invalid or the service refuses, its refusal then an error on the field it
    names (or on the form), so the page shows the form again."""
    if not form.is_valid():
        return None
    try:
        return save(**form.cleaned_data)
    except ApplicationError as exc:
        field = exc.extra.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return None
