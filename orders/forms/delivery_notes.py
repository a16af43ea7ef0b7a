from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.selectors.delivery_notes import LineToLoad
from orders.services.dispatch import Allocation, DispatchLine
from salesadmin.decimal_input import plain_number
from salesadmin.forms import StyledFormMixin


class NoteReasonForm(StyledFormMixin, forms.Form):
    """A written reason: a manager's override, or why a note is cancelled."""

    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispatchForm(forms.Form):
    """The keeper's loading form: per note line, how much was taken from each batch.

    One field per (line, batch), prefilled with the first-in-first-out
    suggestion; the service checks tolerance and stock.
    """

    def __init__(self, *args, lines_to_load: list[LineToLoad], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines_to_load = lines_to_load
        for item in lines_to_load:
            for pick in item.picks:
                name = self.field_name(item.line.pk, pick.batch.pk)
                self.fields[name] = forms.DecimalField(
                    label=pick.batch.number,
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=3,
                    initial=plain_number(pick.suggested) if pick.suggested else "",
                    widget=forms.TextInput(
                        attrs={
                            "class": "form-control form-control-lg num",
                            "inputmode": "decimal",
                            "autocomplete": "off",
                            "data-line": item.line.pk,
                        }
                    ),
                )
                pick.field = self[name]

    @staticmethod
    def field_name(line_id: int, batch_id: int) -> str:
        return f"qty-{line_id}-{batch_id}"

    def dispatch_lines(self) -> list[DispatchLine]:
        lines = []
        for item in self.lines_to_load:
            allocations = []
            for pick in item.picks:
                qty = self.cleaned_data.get(self.field_name(item.line.pk, pick.batch.pk))
                if qty:
                    allocations.append(Allocation(batch=pick.batch, quantity=qty))
            lines.append(DispatchLine(note_line=item.line, allocations=allocations))
        return lines
