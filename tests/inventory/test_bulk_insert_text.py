"""The COPY text `insert_rows` sends on PostgreSQL: one compiled line per table (issue 19's
import speed) must write every value as COPY's text format reads it back."""

import datetime as dt

from inventory.models import DonationLine, StockMovement
from inventory.services.bulk_donations import LINE_FIELDS, MOVEMENT_FIELDS
from inventory.services.bulk_insert import _formatter


def test_nulls_dates_and_text_that_needs_escaping():
    fmt = _formatter(DonationLine, LINE_FIELDS)
    line = fmt(7, (3, 5, 120, "箱\t大", None, "B1\\2\n", None))
    assert line.endswith("\n") and line.count("\n") == 1
    columns = line[:-1].split("\t")
    # id, donation, item, quantity, pack name (its tab escaped), no pack count, the batch
    # (backslash and newline escaped), no expiry
    assert columns[:8] == ["7", "3", "5", "120", "箱\\t大", "\\N", "B1\\\\2\\n", "\\N"]
    # Every column the rows do not name is there, with its default.
    assert len(columns) == len(DonationLine._meta.concrete_fields)
    assert fmt(8, (3, 5, 1, "", 0, "", dt.date(2022, 1, 31))).split("\t")[7] == "2022-01-31"


def test_moments_are_written_with_their_time_zone():
    fmt = _formatter(StockMovement, MOVEMENT_FIELDS)
    moment = dt.datetime(2020, 1, 5, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    row = (1, 2, 3, 40, "receipt", "Donation #1 from 壹基金", 9, moment, moment, 4, "")
    columns = fmt(5, row).rstrip("\n").split("\t")
    noon = "2020-01-05T12:00:00+08:00"
    expected = ["5", "1", "2", "3", "40", "receipt", "Donation #1 from 壹基金", "9", noon, noon]
    assert columns[:12] == [*expected, "4", ""]
