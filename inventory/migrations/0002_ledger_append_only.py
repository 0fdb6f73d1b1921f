"""Database triggers that make the stock ledger append-only.

The model refuses save-on-existing and delete, but a queryset `.update()` / `.delete()`, raw
SQL or an admin shell would bypass that; the triggers refuse at the database, on both the
embedded SQLite and PostgreSQL. TRUNCATE (a table owner's act, which the test runner uses to
empty the database between transactional tests on PostgreSQL) is left to privileges. (django-pgtrigger would cover PostgreSQL only, and the
embedded default needs the same guarantee, so one hand-written migration serves both.)
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER inventory_stockmovement_no_update BEFORE UPDATE ON inventory_stockmovement
       BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END""",
    """CREATE TRIGGER inventory_stockmovement_no_delete BEFORE DELETE ON inventory_stockmovement
       BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS inventory_stockmovement_no_update",
    "DROP TRIGGER IF EXISTS inventory_stockmovement_no_delete",
]
POSTGRES = [
    """CREATE FUNCTION inventory_stockmovement_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'stock movements are append-only' USING ERRCODE = 'restrict_violation';
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER inventory_stockmovement_append_only
       BEFORE UPDATE OR DELETE ON inventory_stockmovement
       FOR EACH ROW EXECUTE FUNCTION inventory_stockmovement_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS inventory_stockmovement_append_only ON inventory_stockmovement",
    "DROP FUNCTION IF EXISTS inventory_stockmovement_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
