from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIteratorValue
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

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


class PickerSelect(forms.Select):
    """A select searched on the server (static/js/pickers.js with Tom Select).

    Only the chosen option is rendered: a list of ten thousand customers is not
    sent with every form. The picker endpoint named by ``url_name`` answers the
    typed text; the form field still validates the chosen value against its queryset.
    """

    def __init__(self, url_name: str, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.url_name = url_name

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.url_name = self.url_name
        return copied

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs["data-picker"] = reverse(self.url_name)
        attrs["data-picker-empty"] = gettext("Nothing matches. Type part of a code or name.")
        attrs["data-picker-loading"] = gettext("Searching…")
        attrs.setdefault("data-picker-placeholder", gettext("Type a code or name"))
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        field = getattr(self.choices, "field", None)
        if field is None:  # plain choices: already in memory
            options = [(v, label) for v, label in self.choices if v == "" or str(v) in chosen]
        else:
            options = [("", field.empty_label or "")]
            options += self._chosen_instances(field, chosen)
        return [
            (None, [self.create_option(name, v, label, str(v) in chosen or v == "", i)], i)
            for i, (v, label) in enumerate(options)
        ]

    @staticmethod
    def _chosen_instances(field, chosen: list[str]) -> list:
        """The chosen rows only, one query; a value that is not a key shows nothing
        (the field reports it as an invalid choice)."""
        if not chosen:
            return []
        key = field.to_field_name or "pk"
        try:
            rows = list(field.queryset.filter(**{f"{key}__in": chosen}))
        except (ValueError, ValidationError):
            return []
        return [
            (
                ModelChoiceIteratorValue(field.prepare_value(obj), obj),
                field.label_from_instance(obj),
            )
            for obj in rows
        ]
