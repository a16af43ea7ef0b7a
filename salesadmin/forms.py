from django import forms
from django.contrib import messages
from django.shortcuts import redirect

from salesadmin.errors import ApplicationError


class StyledFormMixin:
    """Give every widget Bootstrap's classes so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def save_through_service(request, form, save, success: str, target: str):
    """A master-data form page's POST: the service runs with the form's data and
    the page redirects with ``success``; a refusal becomes a form error (the page
    answers 400). None when the page is to be shown again."""
    if not form.is_valid():
        return None
    try:
        record = save(**form.cleaned_data)
    except ApplicationError as exc:
        field = exc.extra.get("field")
        form.add_error(field if field in form.fields else None, exc.message)
        return None
    messages.success(request, success % {"record": record})
    return redirect(target)
