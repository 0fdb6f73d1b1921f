import pytest

from inventory.selectors import ledger_mismatches


@pytest.fixture(autouse=True)
def ledger_stays_clean(db):
    """After every distribution scenario, each balance still equals its ledger."""
    yield
    assert ledger_mismatches() == []
