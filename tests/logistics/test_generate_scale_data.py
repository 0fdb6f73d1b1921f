"""The scale generator writes a realistic, ledger-true world: the right sizes, every request
state, every dispatch behind a shipment line, and balances equal to the ledger."""

from django.core.management import call_command
from django.db.models import Count, Sum

from demo.scale.generate import generate
from demo.scale.tiers import Tier
from inventory.models import Item, Site, StockBalance, StockMovement
from inventory.selectors import ledger_mismatches
from logistics.models import ShipmentLine
from supply_requests.models import RequestStatus, ServedUnit, SupplyRequest, SupplyRequestLine

TINY = Tier("tiny", sites=4, items=20, units=30, movements=1_500, requests=150)


def test_tiny_tier_is_ledger_true_and_shaped_like_real_data(db):
    generate(TINY, seed=5, prefix="t-")
    assert Site.objects.count() == 4 and Item.objects.count() == 20
    assert ServedUnit.objects.filter(kind="community").count() == 30
    assert StockMovement.objects.count() >= TINY.movements
    assert ledger_mismatches() == []
    assert set(SupplyRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    # Every line's counters respect the stage order (the database holds it too).
    for line in SupplyRequestLine.objects.all():
        assert (
            line.quantity_approved
            >= line.quantity_allocated
            >= line.quantity_dispatched
            >= line.quantity_delivered
        )
    # Every dispatch is a shipment line of the same quantity.
    dispatches = StockMovement.objects.filter(kind="dispatch")
    assert (
        -dispatches.aggregate(t=Sum("quantity"))["t"]
        == ShipmentLine.objects.aggregate(t=Sum("quantity"))["t"]
    )
    assert not StockBalance.objects.filter(reserved__gt=0).filter(on_hand__lt=0).exists()
    # Skewed popularity: the most requested item is asked for far more than the median one.
    counts = sorted(
        SupplyRequestLine.objects.values("item").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert counts[-1] >= 4 * counts[len(counts) // 2]


def test_the_same_seed_gives_the_same_world(db):
    generate(TINY, seed=11, prefix="a-")
    first = StockMovement.objects.aggregate(n=Sum("quantity"))["n"], StockMovement.objects.count()
    generate(TINY, seed=11, prefix="b-")
    total = StockMovement.objects.aggregate(n=Sum("quantity"))["n"], StockMovement.objects.count()
    assert total == (first[0] * 2, first[1] * 2)


def test_the_command_writes_a_tier_and_verify_ledger_agrees(db, capsys):
    call_command("generate_scale_data", "--tier", "small", "--seed", "3", "--prefix", "c-")
    assert "tier small" in capsys.readouterr().out
    call_command("verify_ledger")
    assert StockMovement.objects.count() >= 10_000
