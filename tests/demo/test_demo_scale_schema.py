"""`demo_load --scale` takes indexes and search triggers down for speed: all must come back."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

from kam.search.models import SearchDocument


def _schema() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('index', 'trigger', 'table') ORDER BY type, name"
            )
        else:
            cursor.execute(
                "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() UNION ALL "
                "SELECT 'trigger', tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) "
                "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
            )
        return cursor.fetchall()


def test_demo_scale_leaves_the_schema_as_it_was(db):
    before = _schema()
    out = StringIO()
    call_command(
        "demo_load", "--scale", "--accounts", "20", "--people", "60", "--interactions", "100",
        "--reps", "10", "--opportunities", "30", "--contracts", "10", stdout=out,
    )  # fmt: skip
    assert "拜访记录：100/100" in out.getvalue()
    assert "合同：10" in out.getvalue()
    assert SearchDocument.objects.filter(
        kind__in=["account", "contact", "interaction"]
    ).count() == (180)
    assert SearchDocument.objects.filter(kind="opportunity").count() == 30
    assert _schema() == before
