import pytest
from django.core.management import call_command

from inventory.models import StockBalance
from inventory.services import stock_adjust, stock_dispatch


def test_clean_ledger_passes(staff, site, receive, capsys):
    lot = receive(100)
    stock_dispatch(actor=staff, site=site, lot=lot, quantity=30, from_reserved=False)
    stock_adjust(actor=staff, site=site, lot=lot, quantity=-5, reason="damaged")
    call_command("verify_ledger")
    assert "Ledger OK" in capsys.readouterr().out


def test_a_balance_edited_behind_the_ledgers_back_is_reported(staff, site, receive, capsys):
    lot = receive(100)
    # Simulate a bug or a hand edit: the balance no longer equals the sum of movements.
    StockBalance.objects.filter(site=site, lot=lot).update(on_hand=95)
    with pytest.raises(SystemExit) as exited:
        call_command("verify_ledger")
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"site={site.code} lot={lot.pk}" in err
    assert "balance on_hand=95 ledger sum=100" in err
