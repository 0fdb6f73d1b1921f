"""A file's worksheets as grids of text, with their merged ranges and formula cells.

`.xlsx`, `.xls` and `.ods` through python-calamine (one Rust reader for all three, about
5× faster than openpyxl on our sheets: see bench/README.md); `.csv` in UTF-8, UTF-8 with
BOM or GB18030 (what Excel writes on a Chinese Windows), comma, tab or semicolon separated.

Merged cells are *not* filled here: a merged range keeps its value in its top-left cell and
the range itself is handed on, so `imports.sheets` can tell "same as above" (a donor over
several rows) from "one value for several rows" (one quantity for a group of rows).
"""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imports.normalise import clean_text

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


class SheetError(ValueError):
    """The file as a whole cannot be read; nothing row-level to report."""


@dataclass(frozen=True, slots=True)
class Merge:
    """A merged range, 0-based and inclusive."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class Grid:
    cells: list[list[str]]
    merges: list[Merge] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=…"


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return clean_text(value)


def decode_csv(content: bytes) -> tuple[str, str]:
    """The text and the encoding that read it: a BOM decides; else strict UTF-8; else GB18030
    (a superset of GBK and GB2312, which is what Excel saves as "CSV" in China)."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SheetError(
        _("The file is neither UTF-8 nor GB18030 text; save it as .xlsx or UTF-8 CSV.")
    )


def _csv_grid(content: bytes) -> tuple[Grid, str]:
    text, encoding = decode_csv(content)
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return Grid([[clean_text(cell) if cell else "" for cell in row] for row in reader]), encoding


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >]")


def _xlsx_formulas(content: bytes) -> list[dict[tuple[int, int], str]] | None:
    """Formula cells per worksheet, or None when the workbook has none (the usual case:
    a cheap scan of the sheet XML spares the second, slow openpyxl read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            if not any(_FORMULA_TAG.search(archive.read(name)) for name in names):
                return None
    except (zipfile.BadZipFile, KeyError):
        return None
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), data_only=False, read_only=True)
    found = []
    for sheet in workbook.worksheets:
        formulas = {}
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    formulas[(r, c)] = value
        found.append(formulas)
    workbook.close()
    return found


def _calamine_grids(content: bytes, filename: str) -> list[Grid]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, ValueError, OSError) as error:
        raise SheetError(
            _("The file is not a readable .%(kind)s workbook.")
            % {"kind": filename.rsplit(".", 1)[-1]}
        ) from error
    formulas = _xlsx_formulas(content) if filename.lower().endswith((".xlsx", ".xlsm")) else None
    grids = []
    for index in range(len(workbook.sheet_names)):
        try:
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as error:  # a damaged sheet in a readable workbook
            raise SheetError(_("A worksheet of the file cannot be read.")) from error
        cells = [[cell_text(value) for value in row] for row in rows]
        merges = [
            Merge(first[0], first[1], last[0], last[1])
            for first, last in (sheet.merged_cell_ranges or [])
        ]
        grids.append(Grid(cells, merges, formulas[index] if formulas else {}))
    return grids


def read_grids(content: bytes, filename: str) -> tuple[list[Grid], str]:
    """Every worksheet as a `Grid`, and what read it ("xlsx", "xls", "ods" or the CSV's
    encoding)."""
    lower = filename.lower()
    if lower.endswith(SPREADSHEETS):
        return _calamine_grids(content, filename), lower.rsplit(".", 1)[-1]
    grid, encoding = _csv_grid(content)
    return [grid], encoding
