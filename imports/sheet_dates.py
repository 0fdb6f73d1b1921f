"""The date a list is of, when its rows carry none: from the lines above the header (a
title "（1月29日）", a cell "2020-01-30" or the Excel serial 43860), else from the footer
("2020年1月29日" under the signature). A year-less date takes its year from a full date
elsewhere in the sheet or from the file name ("…_2020-01-29.xlsx").
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

_FULL = re.compile(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
# Excel serials of 2000-01-01 and 2050-12-31: a bare number in that range above a header
# is a date cell shown without its date format.
_SERIAL_RANGE = (36_526, 55_153)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class SheetDate:
    day: dt.date
    where: str  # "above the header", "title", "footer"
    row: int  # 1-based row of the sheet it was read from
    year_from: str = ""  # where a year-less date got its year


def _full_date(text: str) -> dt.date | None:
    match = _FULL.search(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if _SERIAL.match(text):
        serial = float(text)
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


def _month_day(text: str) -> tuple[int, int] | None:
    """The last month-day of a text: "（1月22日—1月28日）" is the list of the 28th."""
    found = _MONTH_DAY.findall(text)
    if not found:
        return None
    month, day = found[-1]
    return int(month), int(day)


def find_sheet_date(
    above: Sequence[tuple[int, Sequence[str]]],
    footer: Sequence[tuple[int, Sequence[str]]],
    file_name: str,
) -> SheetDate | None:
    """`above` and `footer` are (row number, cells) of the lines above the header and
    below the table."""
    years = []
    for _number, cells in [*above, *footer]:
        for text in cells:
            full = _full_date(text) if text else None
            if full:
                years.append(full.year)
    name_date = _FULL.search(file_name)
    for number, cells in above:
        for text in cells:
            full = _full_date(text) if text else None
            if full:
                return SheetDate(full, "above", number)
    for number, cells in above:
        for text in cells:
            month_day = _month_day(text) if text else None
            if month_day is None:
                continue
            if years:
                year, source = years[0], "sheet"
            elif name_date:
                year, source = int(name_date[1]), "file"
            else:
                continue
            try:
                return SheetDate(dt.date(year, *month_day), "title", number, source)
            except ValueError:
                continue
    for number, cells in footer:
        for text in cells:
            full = _full_date(text) if text else None
            if full:
                return SheetDate(full, "footer", number)
    return None
