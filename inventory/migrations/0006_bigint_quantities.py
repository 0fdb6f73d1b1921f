"""64-bit quantity columns on the ledger, its balances, roll-ups and documents (issue 17).

Why widen instead of bounding every input: a balance or a day's roll-up is a *sum* — a
donation at any per-line maximum into a site that already holds the item, or quantity ×
pack size, passes 2^31 without any single input being absurd, and the 32-bit column then
raised a 500 on PostgreSQL. Inputs stay bounded by the page and API schemas (issue 15); the
sums get room.

On SQLite an AlterField rebuilds the table, which drops the append-only triggers of
0002_ledger_append_only: they are made again at the end.
"""

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
        ("inventory", "0005_donation_line_void"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dailystockrollup",
            name="dispatched",
            field=models.PositiveBigIntegerField(
                default=0, verbose_name="dispatched (to served units)"
            ),
        ),
        migrations.AlterField(
            model_name="dailystockrollup",
            name="on_hand",
            field=models.BigIntegerField(default=0, verbose_name="on hand at the end of the day"),
        ),
        migrations.AlterField(
            model_name="dailystockrollup",
            name="other_change",
            field=models.BigIntegerField(default=0, verbose_name="other changes (signed)"),
        ),
        migrations.AlterField(
            model_name="dailystockrollup",
            name="received",
            field=models.PositiveBigIntegerField(default=0, verbose_name="received (donations)"),
        ),
        migrations.AlterField(
            model_name="donationline",
            name="quantity",
            field=models.PositiveBigIntegerField(verbose_name="quantity (base units)"),
        ),
        migrations.AlterField(
            model_name="stockadjustment",
            name="quantity",
            field=models.BigIntegerField(verbose_name="quantity (signed)"),
        ),
        migrations.AlterField(
            model_name="stockbalance",
            name="on_hand",
            field=models.BigIntegerField(default=0, verbose_name="on hand"),
        ),
        migrations.AlterField(
            model_name="stockbalance",
            name="reserved",
            field=models.BigIntegerField(default=0, verbose_name="reserved"),
        ),
        migrations.AlterField(
            model_name="stockcountline",
            name="counted",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="counted"),
        ),
        migrations.AlterField(
            model_name="stockcountline",
            name="expected",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="on hand when posted"),
        ),
        migrations.AlterField(
            model_name="stockmovement",
            name="quantity",
            field=models.BigIntegerField(verbose_name="quantity (signed, base units)"),
        ),
        migrations.AlterField(
            model_name="stocktransferline",
            name="quantity",
            field=models.PositiveBigIntegerField(verbose_name="quantity"),
        ),
        migrations.RunPython(restore_append_only, migrations.RunPython.noop),
    ]
