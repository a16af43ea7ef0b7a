"""Finance's sections on the pages of the apps below it.

customers may not import finance (STYLE.md, Layers; the import-linter
contract in pyproject.toml), so its pages do not read finance's data in their
views: their templates load these tags, which finance owns.
"""

from django import template

from finance.reminders import customer_reminders

register = template.Library()


@register.inclusion_tag("finance/reminders/_customer_section.html", takes_context=True)
def customer_reminders_section(context, customer):
    """The overdue reminders sent to ``customer`` (one query, however many)."""
    return {
        "reminders": customer_reminders(customer_id=customer.pk),
        "perms": context.get("perms"),
    }
