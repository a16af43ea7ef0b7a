"""What the pages' forms share: Bootstrap classes, a save through a service,
master records' new and edit pages, the server-searched picker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import ModelChoiceIteratorValue
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from salesadmin.errors import ApplicationError
from salesadmin.history import history_rows


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


def save_through_service(request, form, save, success: str, target: str):
    """A master-data form page's POST: the service runs with the form's data and
    the page redirects with ``success``; a refusal becomes a form error (the page
    answers 400). None when the page is to be shown again."""
    record = saved_or_form_error(form, save)
    if record is None:
        return None
    messages.success(request, success % {"record": record})
    return redirect(target)


def form_status(*forms) -> int:
    """A form page shown again because a form has errors answers 400."""
    return 400 if any(form is not None and form.errors for form in forms) else 200


@dataclass(frozen=True)
class FormAction:
    """One of a page's small forms, posted with ``action=<its name>``."""

    form_name: str  # the name the page shows the form under
    form: type
    perm: str
    run: Callable  # calls the service with the form's cleaned data
    done: str  # the message once it ran


def form_action(request, forms: dict, actions: dict[str, FormAction], *, back: str):
    """The POST of a page with several small forms: the posted action's form is
    bound (into ``forms``, so the page shows its errors) and, valid, run; done,
    its message and a redirect to ``back``. An action the user may not take or a
    refusal is an error message; None when the page is to be shown."""
    if request.method != "POST":
        return None
    action = actions.get(request.POST.get("action"))
    if action is None or not request.user.has_perm(action.perm):
        messages.error(request, gettext("That action is not available to you."))
        return None
    form = forms[action.form_name] = action.form(request.POST)
    try:
        if form.is_valid():
            action.run(form.cleaned_data)
            messages.success(request, action.done)
            return redirect(back)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return None


@dataclass(frozen=True)
class FormPages:
    """What a master record's new and edit pages (templates/master_form.html) share."""

    form: type
    record_type: str  # the master-data history's name for the record
    change_perm: str
    saved: object  # a lazy translation with %(record)s
    back: str  # the list the pages lead back to
    back_label: object
    create: Callable  # the services that save
    update: Callable
    record_arg: str = ""  # the keyword ``update`` takes the record as; blank: record_type
    # The edit form's initial data from the record; None: the form is a model
    # form on a fresh copy of the record.
    initial: Callable | None = None

    def new_page(self, request, *, title: str, target: str = "", **parents):
        """The form for a new record; ``parents`` go to ``create`` with the data."""
        return self._page(
            request,
            self.form(request.POST or None),
            save=lambda **data: self.create(user=request.user, **parents, **data),
            target=target,
            page=lambda: {"title": title},
        )

    def edit_page(self, request, record, *, target: str = "", **more):
        """Anyone who may view a record opens its page, with its history; only who
        may change it saves. ``more`` adds parts to the page, each computed when shown."""
        may_change = request.user.has_perm(self.change_perm)
        if request.method == "POST" and not may_change:
            raise PermissionDenied
        if self.initial is None:
            form = self.form(request.POST or None, instance=type(record).objects.get(pk=record.pk))
        else:
            form = self.form(request.POST or None, initial=self.initial(record))
        keyword = self.record_arg or self.record_type
        return self._page(
            request,
            form,
            save=lambda **data: self.update(**{keyword: record}, user=request.user, **data),
            target=target,
            page=lambda: {
                "title": str(record),
                "history": history_rows(
                    model=type(record), record_type=self.record_type, record_id=record.pk
                ),
                "read_only": not may_change,
                **{name: value() for name, value in more.items()},
            },
        )

    def _page(self, request, form, *, save, target: str, page):
        """A POST saves through ``save`` and redirects to ``target`` (else the list);
        otherwise (or refused) the form shows again with ``page()``'s parts."""
        if request.method == "POST":
            done = save_through_service(request, form, save, str(self.saved), target or self.back)
            if done:
                return done
        context = {"form": form, "back": self.back, "back_label": str(self.back_label), **page()}
        return render(request, "master_form.html", context, status=form_status(form))


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
