"""Database helpers the apps share: the append-only ledger trigger, the one way
rows are locked, related objects a service already holds, the array UPDATE,
the ``__any`` lookup and the list search box."""

from functools import reduce
from operator import or_

from django.db import connection, migrations, models
from django.db.models import Q

_FUNCTION = """
CREATE OR REPLACE FUNCTION salesadmin_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only ledger %: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> migrations.RunSQL:
    """A migration operation that refuses UPDATE and DELETE on ``table``.

    Ledgers are corrected by a new, opposite entry, never by editing the past.
    """
    trigger = f"{table}_append_only"
    return migrations.RunSQL(
        sql=_FUNCTION + f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION salesadmin_append_only();",
        reverse_sql=f"DROP TRIGGER IF EXISTS {trigger} ON {table};",
    )


def locked(queryset, *, also: tuple[str, ...] = ()):
    """Rows locked the one way every service locks them.

    FOR NO KEY UPDATE of the queried rows only (not of joined ones, except the
    select_related relations named in ``also``): it serializes the writers of
    a row but does not block the foreign-key checks of other transactions
    inserting rows that point at it. A plain FOR UPDATE did, and deadlocked
    the chain under parallel load.
    """
    return queryset.select_for_update(of=("self", *also), no_key=True)


def update_rows(model, rows: dict, *, add: bool = False, missing=None) -> None:
    """One UPDATE of several rows with a value per row: ``{pk: {field: value}}``;
    ``add``: the values are added to the columns instead of replacing them (a
    field a row does not name gets ``missing``).

    Written out with arrays: one statement text per table and fields whatever
    the number of rows, which PostgreSQL keeps prepared; the ORM's CASE per
    row (bulk_update, or F() + Case) cost 0.5-0.7 ms to compile for three rows.
    """
    fields = [model._meta.get_field(name) for name in sorted({n for v in rows.values() for n in v})]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    sets = ", ".join(
        f"{quote(f.column)} = "
        + (f"t.{quote(f.column)} + " if add else "")
        + f"d.{quote(f.column)}"
        for f in fields
    )
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [pk, *fields])
    names = ", ".join(quote(f.column) for f in [pk, *fields])
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {sets} "
        f"FROM UNNEST({arrays}) AS d({names}) WHERE t.{quote(pk.column)} = d.{quote(pk.column)}"
    )
    pks = list(rows)
    params = [pks] + [[rows[key].get(f.name, missing) for key in pks] for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def remember_related(obj, name: str, objects) -> None:
    """Record what ``obj``'s related manager ``name`` holds, as prefetch_related
    would: a service that has just created a document and its lines hands it
    on complete, and whoever shows it reads nothing again."""
    queryset = getattr(obj, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


class AnyOf(models.Lookup):
    """``field__any=[...]``: ``field = ANY(%s)``, the list one array parameter.

    Unlike ``__in`` (a placeholder per item) the SQL is the same whatever the
    number of ids, so PostgreSQL keeps it prepared (stock-level locks, the
    API's related-id lookups)."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(item, connection) for item in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        array_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY({rhs}::{array_type}[])", [*lhs_params, *rhs_params]


# Foreign keys keep their own lookups (they do not inherit Field's).
models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)


def any_contains(text: str, *fields: str) -> Q:
    """A list's search box: the text within any of the fields (case-insensitive)."""
    return reduce(or_, (Q(**{f"{field}__icontains": text}) for field in fields))


def search_filter(queryset, search: str | None, *fields: str):
    """The rows where any of ``fields`` contains ``search`` (case-insensitive);
    all rows when the search box is empty or blank."""
    search = (search or "").strip()
    if not search:
        return queryset
    return queryset.filter(any_contains(search, *fields))


class RowRead:
    """Rows with their to-one relations, read (and, with ``lock``, locked) by a
    statement written out once per process.

    The ORM builds and compiles a statement anew on every call: for the note a
    service locks with its warehouse, order and customer that cost 1.2-1.5 ms
    of CPU, more than PostgreSQL spends answering it. The chain's hot reads go
    through here instead. The text comes from the models' ``_meta`` (an added
    field or a renamed column follows by itself), and a row becomes model
    instances through ``Model.from_db``, each field's ``from_db_value`` applied,
    as the ORM makes them.

    - ``related``: forward foreign keys (one level) read in the same statement
      with a LEFT JOIN; an empty one reads as None.
    - ``by``: the fields ``get``/``first``/``all`` take values for, in order;
      ``name__any`` takes a list (``= ANY``).
    - ``through=(Model, "fk")``: the row is the one ``Model``'s ``fk`` points at,
      for the ``Model`` row whose pk is given (a note's customer, by the note).
    - ``order_by``: field names (default the pk).
    - ``lock``: FOR NO KEY UPDATE of these rows only, as ``locked`` does.
    """

    def __init__(
        self, model, *, related=(), by=("pk",), through=None, order_by=("pk",), lock=False
    ):
        self.model = model
        self.related = tuple(related)
        self.by = tuple(by)
        self.through = through
        self.order_by = tuple(order_by)
        self.lock = lock
        self._sql = {}

    def _tables(self):
        meta = self.model._meta
        yield None, "t0", meta.concrete_fields
        for n, name in enumerate(self.related, start=1):
            field = meta.get_field(name)
            yield field, f"t{n}", field.related_model._meta.concrete_fields

    def _column(self, name: str):
        meta = self.model._meta
        field = meta.pk if name == "pk" else meta.get_field(name)
        return f"t0.{connection.ops.quote_name(field.column)}", field

    def _where(self) -> str:
        q = connection.ops.quote_name
        if self.through is not None:
            other, fk = self.through
            pk = self.model._meta.pk.column
            return (
                f"t0.{q(pk)} = (SELECT {q(other._meta.get_field(fk).column)} "
                f"FROM {q(other._meta.db_table)} WHERE {q(other._meta.pk.column)} = %s)"
            )
        parts = []
        for name in self.by:
            if name.endswith("__any"):
                column, field = self._column(name.removesuffix("__any"))
                parts.append(f"{column} = ANY(%s::{field.db_type(connection)}[])")
            else:
                parts.append(f"{self._column(name)[0]} = %s")
        return " AND ".join(parts)

    def _statement(self, limit: str) -> str:
        if limit not in self._sql:
            q = connection.ops.quote_name
            columns, joins = [], []
            for field, alias, fields in self._tables():
                columns += [f"{alias}.{q(f.column)}" for f in fields]
                if field is not None:
                    target = field.related_model._meta
                    joins.append(
                        f"LEFT JOIN {q(target.db_table)} {alias} "
                        f"ON {alias}.{q(target.pk.column)} = t0.{q(field.column)}"
                    )
            order = ", ".join(self._column(name)[0] for name in self.order_by)
            self._sql[limit] = (
                f"SELECT {', '.join(columns)} FROM {q(self.model._meta.db_table)} t0 "
                f"{' '.join(joins)} WHERE {self._where()} ORDER BY {order}{limit}"
                + (" FOR NO KEY UPDATE OF t0" if self.lock else "")
            )
        return self._sql[limit]

    def _rows(self, values, limit=""):
        with connection.cursor() as cursor:
            cursor.execute(self._statement(limit), list(values))
            return cursor.fetchall()

    def _make(self, row):
        start, made = 0, None
        for field, _alias, fields in self._tables():
            values = [
                f.from_db_value(value, None, connection) if hasattr(f, "from_db_value") else value
                for f, value in zip(fields, row[start : start + len(fields)], strict=True)
            ]
            start += len(fields)
            if field is None:
                made = self.model.from_db(connection.alias, [f.attname for f in fields], values)
                continue
            target = field.related_model
            pk_index = fields.index(target._meta.pk)
            other = (
                None
                if values[pk_index] is None
                else target.from_db(connection.alias, [f.attname for f in fields], values)
            )
            setattr(made, field.name, other)
        return made

    def all(self, *values) -> list:
        """The rows for these values of ``by``, in ``order_by`` order."""
        return [self._make(row) for row in self._rows(values)]

    def first(self, *values):
        """The first row for these values of ``by``, or None."""
        rows = self._rows(values, " LIMIT 1")
        return self._make(rows[0]) if rows else None

    def get(self, *values):
        """The row for these values of ``by``; DoesNotExist when there is none."""
        rows = self._rows(values, " LIMIT 2")
        if not rows:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching {values}")
        if len(rows) > 1:
            raise self.model.MultipleObjectsReturned(self.model._meta.object_name)
        return self._make(rows[0])
