"""Notices moved from salesadmin to their own app: a database at the old
schema (main before the move, salesadmin 0004 holding the Notice table)
migrates forward with its rows, its content type and permissions intact."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notices.models import Notice
from tests.factories import UserFactory


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_notices():
    # Given a database at the schema before the move, holding a notice whose
    # content type (and so its permissions) belongs to salesadmin.
    user = UserFactory(username="reader")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate([("notices", None)])
        assert ("salesadmin", "0005_notice_moves_to_notices") not in (
            executor.loader.applied_migrations
        )
        assert "salesadmin_notice" in _tables() and "notices_notice" not in _tables()
        old_type = ContentType.objects.get(app_label="salesadmin", model="notice")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO salesadmin_notice (recipient_id, kind, message, params, link,"
                " created_at) VALUES (%s, 'payment', 'Paid', '{}', '', now()) RETURNING id",
                [user.pk],
            )
            (notice_id,) = cursor.fetchone()

        # When it migrates to the current schema,
        _migrate(latest)

        # then the same row is the notices app's, in its own table, and the
        # content type and its permissions were handed over, not re-created.
        assert "notices_notice" in _tables() and "salesadmin_notice" not in _tables()
        notice = Notice.objects.get(pk=notice_id)
        assert (notice.recipient_id, notice.kind, notice.text) == (user.pk, "payment", "Paid")
        ContentType.objects.clear_cache()
        new_type = ContentType.objects.get_for_model(Notice)
        assert new_type.pk == old_type.pk and new_type.app_label == "notices"
        assert Permission.objects.filter(content_type=new_type, codename="view_notice").exists()
        assert not ContentType.objects.filter(app_label="salesadmin", model="notice").exists()
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "notices_notice")
        assert "notices_not_recipie_d8909a_idx" in indexes
    finally:
        _migrate(latest)
        ContentType.objects.clear_cache()
