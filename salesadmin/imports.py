"""Spreadsheet import (XLSX/CSV) of master data and opening balances: the frame.

Each owning app describes what it imports as an ``ImportKind``: its columns,
a ``check`` that reads every row (set-based lookups, no writes) and returns the
clean rows and every bad row with its reason, and an ``apply`` that writes the
clean rows through the app's own services. ``import_run`` ties them together:
a dry run checks and writes nothing; a real run writes all rows in one
transaction or, with one bad row, none.

A sheet's first row names the columns, by key (``sku``) or by the column's
label in English or Chinese, so a template downloaded in either language reads
back. Blank rows are skipped; row numbers in errors are the sheet's own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from salesadmin.decimal_input import parse_money, parse_quantity
from salesadmin.errors import ApplicationError

MAX_ROWS = 50_000


class RowProblem(Exception):
    """One cell or row is wrong; ``column`` names the column ("" for the row)."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.message = str(message)
        self.column = column


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    required: bool = False
    example: object = ""
    help: object = ""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def imported(self) -> bool:
        return self.ok and not self.dry_run


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @classmethod
    def of(cls, items: list, new: list, changed: list = ()) -> Counts:
        """Rows that are neither new nor changed are unchanged."""
        return cls(
            created=len(new),
            updated=len(changed),
            unchanged=len(items) - len(new) - len(changed),
        )


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: object
    permission: str
    columns: tuple[Column, ...]
    # check(rows, errors, user) -> clean items; rows are (row number, {key: raw value}).
    check: Callable[[list[tuple[int, dict]], list[RowError], object], list]
    # apply(items, user) -> Counts; runs inside the import's transaction.
    apply: Callable[[list, object], Counts]
    description: object = ""

    def header_aliases(self) -> dict[str, str]:
        aliases = {}
        for column in self.columns:
            aliases[column.key.lower()] = column.key
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    aliases[str(column.label).strip().lower()] = column.key
        return aliases


# --- reading a sheet ----------------------------------------------------------------------


def _rows_of_xlsx(content: bytes) -> Iterable[tuple]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ApplicationError(_("This is not a readable XLSX file."), code="unreadable") from exc
    sheet = book.worksheets[0]
    yield from sheet.iter_rows(values_only=True)


def _rows_of_csv(content: bytes) -> Iterable[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(_("This CSV file is not UTF-8 or GB18030 text."), code="unreadable")
    yield from csv.reader(io.StringIO(text))


def read_sheet(kind: ImportKind, content: bytes, filename: str) -> list[tuple[int, dict]]:
    """The data rows as (sheet row number, {column key: value}); blank rows skipped."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        lines = _rows_of_xlsx(content)
    elif name.endswith(".csv"):
        lines = _rows_of_csv(content)
    else:
        raise ApplicationError(_("Upload an XLSX or CSV file."), code="unsupported_format")
    lines = iter(lines)
    header = next(lines, None)
    if not header:
        raise ApplicationError(_("The file is empty."), code="empty_file")
    aliases = kind.header_aliases()
    keys = [aliases.get(str(h or "").strip().lower()) for h in header]
    missing = [c for c in kind.columns if c.required and c.key not in keys]
    if missing:
        raise ApplicationError(
            _("These columns are missing: %(columns)s")
            % {"columns": ", ".join(c.key for c in missing)},
            code="missing_columns",
        )
    rows = []
    for number, line in enumerate(lines, start=2):
        values = {}
        for key, value in zip(keys, line, strict=False):
            if key is None:
                continue
            if isinstance(value, str):
                value = value.strip()
            values[key] = value
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ApplicationError(
                _("A file may hold at most %(rows)s rows.") % {"rows": MAX_ROWS},
                code="too_many_rows",
            )
    return rows


# --- reading cells ------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or value == ""


def text(values: dict, key: str, *, required: bool = False, max_length: int = 200) -> str:
    value = values.get(key)
    if _blank(value):
        if required:
            raise RowProblem(_("This column is required."), key)
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in Excel
    result = str(value).strip()
    if len(result) > max_length:
        raise RowProblem(
            _("At most %(n)s characters.") % {"n": max_length},
            key,
        )
    return result


def _number_text(value):
    # Excel hands numbers as floats; read them as the figure shown, never as a float.
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _figure(values: dict, key: str, parse, required: bool, default) -> Decimal | None:
    value = values.get(key)
    if _blank(value):
        if required:
            raise RowProblem(_("This column is required."), key)
        return default
    try:
        return parse(_number_text(value))
    except ApplicationError as exc:
        raise RowProblem(exc.message, key) from exc


def money(values: dict, key: str, *, required: bool = True, default=None) -> Decimal | None:
    return _figure(values, key, parse_money, required, default)


def quantity(values: dict, key: str, *, required: bool = True, default=None) -> Decimal | None:
    return _figure(values, key, parse_quantity, required, default)


def date(values: dict, key: str, *, required: bool = True) -> dt.date | None:
    value = values.get(key)
    if _blank(value):
        if required:
            raise RowProblem(_("This column is required."), key)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RowProblem(_("Enter the date as YYYY-MM-DD."), key) from None


TRUE_WORDS = {"1", "y", "yes", "true", "是", "x", "✓"}
FALSE_WORDS = {"0", "n", "no", "false", "否", ""}


def flag(values: dict, key: str) -> bool:
    value = values.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    word = str(_number_text(value)).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RowProblem(_("Enter yes or no."), key)


def choice(values: dict, key: str, choices, *, default: str | None = None) -> str | None:
    """A TextChoices value given by its value or its label in either language."""
    value = values.get(key)
    if _blank(value):
        return default
    word = str(value).strip().lower()
    for member in choices:
        names = {str(member.value).lower()}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(member.label).lower())
        if word in names:
            return member.value
    raise RowProblem(
        _("Unknown value; use one of: %(values)s")
        % {"values": ", ".join(str(m.value) for m in choices)},
        key,
    )


def check_rows(
    rows: list[tuple[int, dict]], errors: list[RowError], read_one: Callable[[int, dict], object]
) -> list:
    """Read every row with ``read_one``; collect each bad row's reason, keep going."""
    items = []
    for number, values in rows:
        try:
            item = read_one(number, values)
        except RowProblem as problem:
            errors.append(RowError(number, problem.column, problem.message))
            continue
        if item is not None:
            items.append(item)
    return items


def _against_first(
    items: list,
    errors: list[RowError],
    *,
    key: Callable[[object], object],
    refused: Callable[[object, object], bool],
    column: str,
    message: Callable[[object], str],
) -> list:
    # Each row is measured against the first row of its key; ``message(first)``
    # says why a refused row is refused.
    first: dict = {}
    kept = []
    for item in items:
        head = first.setdefault(key(item), item)
        if head is not item and refused(head, item):
            errors.append(RowError(item.row, column, message(head)))
        else:
            kept.append(item)
    return kept


def duplicates(items: list, key: Callable[[object], object], errors: list[RowError], what) -> list:
    """Refuse rows that repeat an earlier row's key within the file."""
    return _against_first(
        items,
        errors,
        key=key,
        refused=lambda head, item: True,
        column="",
        message=lambda head: (
            _("The same %(what)s as row %(row)s.") % {"what": what, "row": head.row}
        ),
    )


def agree(
    items: list,
    errors: list[RowError],
    *,
    key: Callable[[object], object],
    value: Callable[[object], object],
    column: str,
    message: str,
) -> list:
    """Rows of one key (a price list, a batch) must give the ``value`` its first row
    gives (the list's name and dates, the batch's date); ``message`` names that
    first row as ``%(row)s``."""
    return _against_first(
        items,
        errors,
        key=key,
        refused=lambda head, item: value(head) != value(item),
        column=column,
        message=lambda head: message % {"row": head.row},
    )


def max_lengths(model: type) -> dict[str, int]:
    """The model's text fields' lengths, the most a cell may hold for each."""
    return {f.name: f.max_length for f in model._meta.fields if getattr(f, "max_length", None)}


@dataclass(frozen=True)
class Lookup:
    """Rows that name an object by a code (a customer's code, a product's SKU): one query
    finds them all and gives each row its object; a row naming none is refused."""

    model: type
    field_name: str  # the object's field the code matches
    code: str  # the row's attribute holding the code
    target: str  # the row's attribute that receives the object
    column: str
    message: object  # a lazy translation

    def __call__(self, items: list, errors: list[RowError]) -> list:
        found = self.model.objects.in_bulk(
            {getattr(i, self.code) for i in items}, field_name=self.field_name
        )
        kept = []
        for item in items:
            setattr(item, self.target, found.get(getattr(item, self.code)))
            if getattr(item, self.target) is None:
                errors.append(RowError(item.row, self.column, str(self.message)))
            else:
                kept.append(item)
        return kept


def match_known(
    items: list,
    errors: list[RowError],
    known: dict,
    *,
    key: Callable[[object], object],
    same: Callable[[object, object], bool],
    column: str,
    message: str | Callable[[object], str],
) -> list:
    """Rows already booked under their key: the same figures pass as ``known`` (a re-run
    books nothing twice), other figures are refused with ``message`` (or
    ``message(booked)``, to name what was booked)."""
    kept = []
    for item in items:
        booked = known.get(key(item))
        if booked is None:
            kept.append(item)
        elif same(booked, item):
            item.known = True
            kept.append(item)
        else:
            reason = message(booked) if callable(message) else message
            errors.append(RowError(item.row, column, reason))
    return kept


def new_and_changed(
    items: list,
    stored: dict,
    *,
    key: Callable[[object], object],
    values: Callable[[object], dict],
) -> tuple[list, list]:
    """Rows against the objects stored under their key: the rows whose key is new,
    and the stored objects to which a row gives other ``values`` (set on them, for
    a bulk update). A row giving the values already stored is unchanged, so the
    same file imported twice writes nothing."""
    new, changed = [], []
    for item in items:
        obj = stored.get(key(item))
        if obj is None:
            new.append(item)
            continue
        wanted = values(item)
        if any(getattr(obj, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(obj, name, value)
            changed.append(obj)
    return new, changed


def require_perms(user, *perms: str) -> None:
    """An import writes only for a user holding every permission its writes need."""
    if not all(user.has_perm(p) for p in perms):
        raise PermissionDenied


# --- running ------------------------------------------------------------------------------


class _DryRun(Exception):
    pass


def import_run(*, kind: ImportKind, rows: list[tuple[int, dict]], user, dry_run: bool):
    """Check every row; with no bad row and no dry run, write them all in one transaction.

    A dry run also writes inside a transaction and rolls it back, so the
    counts it shows (created, updated) are those the real run will give.
    """
    result = ImportResult(kind=kind.key, dry_run=dry_run, rows=len(rows))
    if not rows:
        result.errors.append(RowError(0, "", _("The file has no data rows.")))
        return result
    try:
        with transaction.atomic():
            items = kind.check(rows, result.errors, user)
            result.errors.sort(key=lambda e: (e.row, e.column))
            if result.errors:
                raise _DryRun
            counts = kind.apply(items, user)
            result.created, result.updated = counts.created, counts.updated
            result.unchanged = counts.unchanged
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ApplicationError as exc:
        result.errors.append(RowError(0, "", exc.message))
    return result


def template_rows(kind: ImportKind) -> tuple[list[str], list[list]]:
    """The header (column keys) and one example row for the downloadable template."""
    return [c.key for c in kind.columns], [[c.example for c in kind.columns]]


REQUIRED_MARK = gettext_lazy("required")
