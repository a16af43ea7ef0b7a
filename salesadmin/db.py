"""SQL the ledgers share: an append-only guard installed as a trigger."""

from django.db import migrations

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


def remember_related(obj, name: str, objects) -> None:
    """Record what ``obj``'s related manager ``name`` holds, as prefetch_related
    would: a service that has just created a document and its lines hands it
    on complete, and whoever shows it reads nothing again."""
    queryset = getattr(obj, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
