"""The action buttons a sales page shows: the transitions this user may take
now, each with its label (pages offer only what ``labels`` names)."""

from __future__ import annotations

from salesadmin.transitions import available_transitions


def action_buttons(document, user, labels: dict) -> list[dict]:
    return [
        {"name": name, "label": str(labels[name])}
        for name in available_transitions(document, "status", user)
        if name in labels
    ]
