"""One reason code per refusal across the API, named for the reason: no
transition condition hands its (Python) function name to the API, and no code
the code base raises equals the name of any function in it.

The codes are read from the source (every ``code="…"`` keyword given as a
string, in the apps and the project package), and from every transition
condition the models declare (``salesadmin.transitions.condition``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

from salesadmin.transitions import check_transition

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "salesadmin",
    "approvals",
    "notices",
    "customers",
    "inventory",
    "orders",
    "finance",
    "returns",
    "contracts",
    "outbound",
    "reports",
    "sales",
    "portal",
]


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _function_names() -> set[str]:
    names = set()
    for _path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
    return names


def _codes_in_source() -> dict[str, str]:
    """code -> where it is first given (path:line)."""
    codes: dict[str, str] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "code"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    codes.setdefault(value.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def _conditions():
    """(model, transition, condition) for every transition condition of every model."""
    for model in apps.get_models():
        for field in model._meta.fields:
            if not isinstance(field, FSMFieldMixin):
                continue
            for method in field.get_all_transitions(model):
                for condition in method.conditions:
                    yield model, method.name, condition


def test_the_source_gives_codes_and_they_are_found():
    codes = _codes_in_source()
    assert {"not_covered", "other_day", "invalid_state", "no_lines"} <= set(codes)


def test_no_code_is_a_function_name():
    functions = _function_names()
    clashes = {code: where for code, where in _codes_in_source().items() if code in functions}
    assert not clashes, clashes


def test_every_transition_condition_has_a_named_code():
    functions = _function_names()
    seen = 0
    for model, transition, condition in _conditions():
        seen += 1
        where = f"{model.__name__}.{transition}: {condition.__name__}"
        assert getattr(condition, "code", ""), f"{where} has no refusal code"
        assert getattr(condition, "message", ""), f"{where} has no message"
        assert condition.code != condition.__name__, where
        assert condition.code not in functions, where
    assert seen >= 15


@pytest.mark.django_db
def test_a_refused_condition_answers_its_code(chain):
    """The runtime path: an uncovered note's stamp is refused as ``not_covered``."""
    from salesadmin.errors import ApplicationError

    note = chain.note()
    note.coverage_found = None  # the rule reads it; here it is "not covered"
    with pytest.raises(ApplicationError) as refused:
        check_transition(note, "stamp", user=chain.finance)
    assert refused.value.code == "not_covered"
