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
