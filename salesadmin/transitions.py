"""Running a django-fsm transition the one way every service does it.

django-fsm does not check a transition's ``permission=`` when the method is
called, so this does. The caller has locked the row; here we refuse a wrong
state (409), a wrong role (403) and a failed condition (400, naming the rule),
then call the transition, save, and write the append-only log row.
Every condition is made with ``condition()``: its message and code are the refusal's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesadmin import metrics
from salesadmin.errors import ApplicationError, ConflictError
from salesadmin.models import TransitionLog


def condition(message, *, code: str) -> Callable:
    """Name a transition condition's rule in the users' words and its API code.

    ``@condition(_("The note is not covered"), code="not_covered")`` on a
    predicate ``is_covered(obj)`` gives the refused action that message and the
    code ``not_covered``: the code says why the action was refused, as every
    other refusal's code does, never the predicate's (Python) name.
    """
    if not code or code == "invalid_state":
        raise ValueError("A condition needs its own refusal code.")

    def decorate(predicate):
        @functools.wraps(predicate)
        def checked(obj) -> bool:
            # run_transition checks the conditions and then django-fsm checks them
            # again: within one run, a rule that reads the database reads it once.
            memo = getattr(obj, "_condition_memo", None)
            if memo is None:
                return predicate(obj)
            if predicate.__name__ not in memo:
                memo[predicate.__name__] = predicate(obj)
            return memo[predicate.__name__]

        if code == predicate.__name__:
            raise ValueError(f"{code}: a refusal code names the reason, not the function.")
        checked.message = message
        checked.code = code
        return checked

    return decorate


class DecisionRules:
    """The conditions every document a person decides on shares: a rejection
    gives its comment (``decision_comment``) and a cancellation its reason
    (``cancel_reason``). Mixed into the document's model."""

    @condition(gettext_lazy("A rejection needs a comment."), code="comment_required")
    def has_decision_comment(self) -> bool:
        return bool(self.decision_comment.strip())

    @condition(gettext_lazy("Say why it is cancelled."), code="reason_required")
    def has_cancel_reason(self) -> bool:
        return bool(self.cancel_reason.strip())


class LevelDecisionRules(DecisionRules):
    """And for a document approved level by level (approvals/): it is
    decided only while it waits for a level (``waiting_level``)."""

    @condition(gettext_lazy("It is not waiting for an approval."), code="not_waiting_for_approval")
    def is_waiting_for_approval(self) -> bool:
        return self.waiting_level_id is not None


def check_transition(obj: models.Model, name: str, *, user, check_perm: bool = True) -> None:
    """Refuse a wrong state (409), a wrong role (403) or a failed rule (400)
    before a service does any work for the transition."""
    method = getattr(obj, name)
    meta = method._django_fsm
    state_before = meta.field.get_state(obj)
    transition = meta.get_transition(state_before)
    if transition is None:
        raise ConflictError(
            _("Not possible while the document is %(state)s.")
            % {"state": _state_label(obj, meta.field, state_before)},
            code="invalid_state",
            extra={"state": state_before, "transition": name},
        )
    if check_perm and (user is None or not transition.has_perm(obj, user)):
        raise PermissionDenied
    for predicate in transition.conditions:
        if not predicate(obj):
            raise ApplicationError(str(predicate.message), code=predicate.code)


def run_transition(
    obj: models.Model,
    name: str,
    *,
    user,
    document_type: str,
    comment: str = "",
    check_perm: bool = True,
    **kwargs,
):
    method = getattr(obj, name)
    meta = method._django_fsm
    state_before = meta.field.get_state(obj)
    obj._condition_memo = {}
    try:
        check_transition(obj, name, user=user, check_perm=check_perm)
        method(**kwargs)
    except Exception as refused:
        metrics.transition_refused(document_type, name, refused)
        raise
    finally:
        del obj._condition_memo
    transaction.on_commit(functools.partial(metrics.transition_outcome, document_type, name, "ok"))
    obj.save()
    log_step(
        document_type,
        obj,
        name,
        user=user,
        from_state=state_before,
        to_state=meta.field.get_state(obj),
        comment=comment,
    )
    return obj


def log_step(
    document_type: str,
    document: models.Model,
    name: str,
    *,
    user,
    from_state: str,
    to_state: str,
    comment: str = "",
) -> None:
    """The append-only log row of a step: every transition's, and a step that
    is not an FSM transition (a document's issue or opening, an opinion, an
    edit, a request recorded on it)."""
    TransitionLog.objects.create(
        document_type=document_type,
        document_id=document.pk,
        document_number=getattr(document, "number", "") or "",
        transition=name,
        from_state=from_state,
        to_state=to_state,
        user=user,
        comment=comment,
    )


def _state_label(obj, field, state) -> str:
    return str(dict(field.flatchoices).get(state, state))


def available_transitions(obj: models.Model, field_name: str, user) -> list[str]:
    """Names of the transitions this user may run now (pages and API show only these).

    django-fsm's get_available_user_<field>_transitions evaluates every
    condition and then the permission; here the permission comes first, so a
    rule that reads the database (coverage, open notes) is evaluated only for
    the transitions this user could run at all. Same answer, fewer queries.
    """
    return [
        transition.name
        for meta, state, transition in _transitions_from_here(obj, field_name)
        if transition.has_perm(obj, user) and meta.conditions_met(obj, state)
    ]


def _transitions_from_here(obj: models.Model, field_name: str):
    """(meta, state, transition) of each transition from the current state."""
    field = obj._meta.get_field(field_name)
    state = field.get_state(obj)
    for method in field.transitions[obj.__class__].values():
        meta = method._django_fsm
        if meta.has_transition(state):
            yield meta, state, meta.get_transition(state)


def run_signed(
    obj: models.Model, name: str, *, user, document_type: str, comment: str = "", **kwargs
):
    """Run a transition that records who took it and when (its ``by`` and ``at``)."""
    return run_transition(
        obj,
        name,
        user=user,
        document_type=document_type,
        comment=comment,
        by=user,
        at=timezone.now(),
        **kwargs,
    )


def run_signed_with_text(
    obj: models.Model, name: str, *, text_field: str, text: str, user, document_type: str, **kwargs
):
    """A signed transition whose form gives one text (an opinion, an outcome's
    remarks): kept on ``text_field``, trimmed to 300 characters, and logged as
    the step's comment."""
    setattr(obj, text_field, (text or "").strip()[:300])
    comment = getattr(obj, text_field)
    return run_signed(obj, name, user=user, document_type=document_type, comment=comment, **kwargs)


def check_state_and_role(obj: models.Model, name: str, *, user) -> None:
    """Refuse a wrong state (409) or role (403) before any work; the rules
    (conditions) are checked when the transition runs, after the service has
    set the values they read."""
    try:
        check_transition(obj, name, user=user)
    except ConflictError:
        raise
    except ApplicationError:
        pass


def available_actions(
    obj: models.Model, user, actions: dict[str, str], *, given_with_the_action: frozenset[str]
) -> list[str]:
    """The actions (pages' buttons, the API's ``available_actions``) this user
    may take now: transitions from the current state that the user's role
    allows and whose other rules hold.

    ``actions`` maps a transition's name to the action it belongs to (several
    transitions may make one action: approving is approve or forward).
    ``given_with_the_action``: the names of rules on what the action's own form
    supplies (a comment, a reason); they cannot hold before the user acts, so
    they do not hide the action; the service checks them when it runs.
    """
    names = []
    for _meta, _state, found in _transitions_from_here(obj, "status"):
        if found.name not in actions or not found.has_perm(obj, user):
            continue
        if all(
            rule(obj) for rule in found.conditions if rule.__name__ not in given_with_the_action
        ):
            names.append(actions[found.name])
    # In the order the actions are listed (the pages' order), whatever the transitions'.
    return [action for action in dict.fromkeys(actions.values()) if action in names]


def cancel_with_reason(obj: models.Model, *, user, document_type: str, reason: str):
    """Run the document's ``cancel`` transition with the reason the user gave
    (its ``cancel_reason``, checked by the transition's own rule); the caller
    has locked the row."""
    check_state_and_role(obj, "cancel", user=user)
    obj.cancel_reason = (reason or "").strip()[:300]
    return run_transition(
        obj, "cancel", user=user, document_type=document_type, comment=obj.cancel_reason
    )
