"""The last mile's movement kinds (issue 20): delivered goods received into a community's
stock point, handovers to households, family-kit assembly and disassembly; and the signs of
the first two held by the database. Existing movements keep their kinds.

On SQLite adding a check constraint rebuilds the table, which drops the append-only
triggers of 0002_ledger_append_only: they are made again at the end (as 0006 does).
"""

from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS inventory_stockmovement_no_update
       BEFORE UPDATE ON inventory_stockmovement
       BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS inventory_stockmovement_no_delete
       BEFORE DELETE ON inventory_stockmovement
       BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END""",
]


def restore_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0006_bigint_quantities'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='stockmovement',
            name='kind',
            field=models.CharField(choices=[('receipt', 'Receipt'), ('dispatch', 'Dispatch'), ('transfer_out', 'Transfer out'), ('transfer_in', 'Transfer in'), ('adjustment', 'Adjustment'), ('write_off', 'Write-off'), ('return', 'Return'), ('community_receipt', 'Received by the community'), ('handover', 'Handed over to a household'), ('kit_assembly', 'Kit assembly'), ('kit_disassembly', 'Kit disassembly')], max_length=20, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='stockmovement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(models.Q(('kind', 'community_receipt'), _negated=True), ('quantity__gt', 0), _connector='OR'), models.Q(models.Q(('kind', 'handover'), _negated=True), ('quantity__lt', 0), _connector='OR')), name='movement_last_mile_signs'),
        ),
        migrations.RunPython(restore_append_only, migrations.RunPython.noop),
    ]
