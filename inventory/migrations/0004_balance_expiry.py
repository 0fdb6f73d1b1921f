from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_lot_expiry(apps, schema_editor) -> None:
    """Existing balances take their lot's expiry, as new ones do when they are made."""
    Lot = apps.get_model("inventory", "Lot")
    StockBalance = apps.get_model("inventory", "StockBalance")
    StockBalance.objects.filter(lot__expiry__isnull=False).update(
        expiry=Subquery(Lot.objects.filter(pk=OuterRef("lot_id")).values("expiry")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_daily_stock_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockbalance",
            name="expiry",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="expiry"),
        ),
        migrations.RunPython(copy_lot_expiry, migrations.RunPython.noop, elidable=True),
    ]
