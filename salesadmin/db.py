"""Database helpers the apps share: the append-only ledger trigger, the one way
rows are locked, related objects a service already holds, and compiled queries."""

import copy

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, migrations, models
from django.db.transaction import TransactionManagementError

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
    number of ids, so PostgreSQL keeps it prepared and CompiledQuery can
    compile it once."""

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


class CompiledQuery:
    """A queryset of fixed shape whose SQL is compiled once per process.

    The hot path of the chain (locking a note, an order, reading their lines)
    runs the same few querysets thousands of times a day with only ids
    changing; compiling one to SQL cost the ORM 0.3-0.6 ms, several times what
    PostgreSQL needs to run it. ``build(*ids)`` returns the queryset; it is
    compiled once with marker ids, which must each appear exactly once among
    the compiled parameters, and every call then runs that SQL with its own
    ids in the markers' places. The rows come back as the queryset's own
    model instances (select_related and prefetch_related included).

    Arguments are ids (int) unless ``kinds`` says otherwise (int, str, or list
    for a list of ids given to an ``__any`` lookup; one per argument): the
    markers are values no real row has. A select_for_update
    queryset still refuses to run outside a transaction, as Django's would.
    """

    def __init__(self, build, *, kinds: tuple[type, ...] | None = None, using: str = "default"):
        self.build = build
        self.using = using
        self._compiled = None
        self.kinds = kinds or (int,) * build.__code__.co_argcount
        if set(self.kinds) - {int, str, list}:
            raise ImproperlyConfigured("CompiledQuery: arguments are int, str or list")

    def _compile(self):
        def marker(i: int, kind: type):
            if kind is int:
                return -(10**15) - i
            if kind is list:
                return [-(10**15) - i, -(10**15) - i]
            return f"\x00compiled-query-argument-{i}\x00"

        markers = [marker(i, kind) for i, kind in enumerate(self.kinds)]
        queryset = self.build(*markers)
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()  # Django refuses a locking read outside a transaction
        params = list(params)
        slots = []
        for index, marker in enumerate(markers):
            found = [pos for pos, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"CompiledQuery: argument {index} appears {len(found)} times in the SQL"
                )
            slots.append(found[0])
        self._compiled = (queryset, compiler, sql, params, slots)
        return self._compiled

    def __call__(self, *ids: int | str) -> list:
        """The rows for these arguments, as model instances."""
        queryset, compiler, sql, template, slots = self._compiled or self._compile()
        conn = connections[self.using]
        if queryset.query.select_for_update and conn.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(template)
        for slot, kind, value in zip(slots, self.kinds, ids, strict=True):
            params[slot] = [int(item) for item in value] if kind is list else kind(value)
        run = copy.copy(compiler)  # per call: the compiled state itself is shared
        run.connection = conn  # this thread's connection
        run.as_sql = lambda *args, **kwargs: (sql, params)
        chained = queryset._chain()
        chained.query.get_compiler = lambda *args, **kwargs: run
        return list(chained)

    def get(self, *ids: int | str):
        """The one row for these arguments; the model's DoesNotExist if there is none."""
        rows = self(*ids)
        if not rows:
            model = self._compiled[0].model
            raise model.DoesNotExist(f"{model._meta.object_name} matching {ids} does not exist.")
        if len(rows) > 1:
            raise self._compiled[0].model.MultipleObjectsReturned(f"{len(rows)} rows for {ids}")
        return rows[0]
