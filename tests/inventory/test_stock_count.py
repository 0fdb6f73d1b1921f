import pytest

from core.exceptions import IllegalTransition, ValidationFailed
from inventory.models import AdjustmentReason, StockBalance, StockCountStatus
from inventory.services import (
    stock_adjust,
    stock_count_cancel,
    stock_count_post,
    stock_count_record,
    stock_count_start,
)


def test_count_posts_differences_as_count_corrections(staff, site, receive):
    short = receive(100)
    exact = receive(50)
    extra = receive(20)
    count = stock_count_start(actor=staff, site=site)
    assert set(count.lines.values_list("lot_id", flat=True)) == {short.pk, exact.pk, extra.pk}
    stock_count_record(actor=staff, count=count, counted={short.pk: 97, exact.pk: 50})
    stock_count_record(actor=staff, count=count, counted={extra.pk: 21})
    adjustments = stock_count_post(actor=staff, count=count)
    assert sorted((a.lot_id, a.quantity) for a in adjustments) == [(short.pk, -3), (extra.pk, 1)]
    assert all(a.reason == AdjustmentReason.COUNT_CORRECTION for a in adjustments)
    assert {b.lot_id: b.on_hand for b in StockBalance.objects.filter(site=site)} == {
        short.pk: 97,
        exact.pk: 50,
        extra.pk: 21,
    }
    count.refresh_from_db()
    assert (count.status, count.posted_by) == (StockCountStatus.POSTED, staff)


def test_difference_is_taken_against_stock_at_posting_time(staff, site, receive):
    lot = receive(100)
    count = stock_count_start(actor=staff, site=site)
    stock_adjust(actor=staff, site=site, lot=lot, quantity=-10, reason="damaged")
    stock_count_record(actor=staff, count=count, counted={lot.pk: 90})
    assert stock_count_post(actor=staff, count=count) == []
    assert StockBalance.objects.get(site=site, lot=lot).on_hand == 90


def test_every_lot_must_be_counted_and_a_count_posts_once(staff, site, receive):
    lot = receive(10)
    receive(5)
    count = stock_count_start(actor=staff, site=site)
    stock_count_record(actor=staff, count=count, counted={lot.pk: 10})
    with pytest.raises(ValidationFailed, match="not yet counted"):
        stock_count_post(actor=staff, count=count)
    with pytest.raises(IllegalTransition, match="already has an open count"):
        stock_count_start(actor=staff, site=site)
    stock_count_cancel(actor=staff, count=count)
    with pytest.raises(IllegalTransition, match="not open"):
        stock_count_post(actor=staff, count=count)


def test_negative_counts_and_unknown_lots_are_refused(staff, site, receive):
    lot = receive(10)
    count = stock_count_start(actor=staff, site=site)
    with pytest.raises(ValidationFailed):
        stock_count_record(actor=staff, count=count, counted={lot.pk: -1})
    with pytest.raises(ValidationFailed, match="Unknown lot"):
        stock_count_record(actor=staff, count=count, counted={999_999: 1})
