"""Reading a spreadsheet as people actually made it.

`.xlsx` through openpyxl (merged cells filled from their top-left cell), `.csv` in UTF-8,
UTF-8 with BOM or GB18030 (what Excel writes on a Chinese Windows), comma, tab or semicolon
separated. The header row is found by its column names, wherever it is; blank donor or
receiver cells mean "same as above"; a receiver name broken over two rows is joined.
"""

import codecs
import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from imports.columns import TOTALS_WORDS
from imports.normalise import clean_text, join_name, match_key
from inventory.resources import MAX_IMPORT_ROWS

# The header must be within the first rows: titles, dates and notes sit above it.
HEADER_SEARCH_ROWS = 30


class SheetError(ValueError):
    """The file as a whole cannot be read; nothing row-level to report."""


@dataclass(slots=True)
class SheetRow:
    """One row below the header, by its row number in the spreadsheet (1 = first line)."""

    number: int
    values: dict[str, str]
    skip: str = ""  # why this is not a data row (totals line, continuation…), if it is not

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Sheet:
    rows: list[SheetRow]
    columns: dict[str, str]  # field → the header as written
    header_row: int
    unit_hints: dict[str, str]  # field → unit named in its header, "数量（箱）" → 箱
    source: str  # "xlsx", or the CSV encoding that read it

    @property
    def data_rows(self) -> list[SheetRow]:
        return [row for row in self.rows if not row.skip]


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
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


def _csv_grid(content: bytes) -> tuple[list[list[str]], str]:
    text, encoding = decode_csv(content)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[clean_text(cell) if cell else "" for cell in row] for row in reader], encoding


def _xlsx_grid(content: bytes) -> list[list[list[str]]]:
    """Every worksheet as a grid of text, merged ranges filled with their top-left value."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(_("The file is not a readable .xlsx workbook.")) from error
    grids = []
    for sheet in workbook.worksheets:
        grid = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top = (
                grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else ""
            )
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, merged.max_col):
                    if c < len(grid[r]):
                        grid[r][c] = top
        grids.append(grid)
    workbook.close()
    return grids


def _header_key(cell: str) -> tuple[str, str]:
    """("数量", "箱") for "数量（箱）"; required-field stars and colons are dropped."""
    key = match_key(cell).rstrip(":*").lstrip("*")
    hint = ""
    if key.endswith(")") and "(" in key:
        key, hint = key[: key.rindex("(")], key[key.rindex("(") + 1 : -1]
    return key, hint


_TOTALS_START = frozenset(word[0] for word in TOTALS_WORDS) | {"T", "S"}


def _is_totals(cells: Sequence[str]) -> bool:
    for text in cells[:4]:
        if text and text[0] in _TOTALS_START and match_key(text) in TOTALS_WORDS:
            return True
    return False


def find_header(
    grid: Sequence[Sequence[str]], columns: Mapping[str, Sequence[str]], required: Sequence[str]
) -> tuple[int, dict[int, str], dict[str, str]] | None:
    """(row index, {column index: field}, {field: unit hint}) of the first row that names
    every required field; None if no row within `HEADER_SEARCH_ROWS` does."""
    aliases = {match_key(alias): name for name, names in columns.items() for alias in names}
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        hints: dict[str, str] = {}
        for col, cell in enumerate(row):
            key, hint = _header_key(cell)
            name = aliases.get(key) or aliases.get(match_key(cell))
            if name and name not in mapping.values():
                mapping[col] = name
                if hint and aliases.get(key):
                    hints[name] = hint
        if all(name in mapping.values() for name in required):
            return index, mapping, hints
    return None


def read_grids(content: bytes, filename: str) -> tuple[list[list[list[str]]], str]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_grid(content), "xlsx"
    if filename.lower().endswith(".xls"):
        raise SheetError(_("Old .xls files cannot be read: save the sheet as .xlsx or CSV."))
    grid, encoding = _csv_grid(content)
    return [grid], encoding


def _describe(columns: Mapping[str, Sequence[str]], required: Sequence[str]) -> str:
    return ", ".join(f"{columns[name][0]} / {columns[name][-1]}" for name in required)


def read_sheet(
    content: bytes,
    filename: str,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    data_fields: Sequence[str],
    fill_down: Sequence[str] = (),
    join_split: Sequence[str] = (),
) -> Sheet:
    """Find the header, then read every row below it into `SheetRow`s.

    A row is a data row when one of `data_fields` is filled. A row whose only text is in a
    `join_split` field continues the name of the row above. Blank `fill_down` cells take the
    value above (merged cells, or "same as above")."""
    grids, source = read_grids(content, filename)
    for grid in grids:
        found = find_header(grid, columns, required)
        if found is not None:
            break
    else:
        raise SheetError(
            _("No header row found in the first %(n)d rows: the sheet needs columns for %(cols)s.")
            % {"n": HEADER_SEARCH_ROWS, "cols": _describe(columns, required)}
        )
    header_index, mapping, hints = found
    body = grid[header_index + 1 :]
    if len(body) > MAX_IMPORT_ROWS:
        raise SheetError(
            _("The sheet has %(rows)d rows; at most %(max)d can be imported at once.")
            % {"rows": len(body), "max": MAX_IMPORT_ROWS}
        )
    rows: list[SheetRow] = []
    current: dict[str, str] = {}
    group: dict[str, list[SheetRow]] = {name: [] for name in fill_down}
    last_data: SheetRow | None = None
    items = list(mapping.items())
    joinable = set(join_split)
    for offset, cells in enumerate(body):
        width = len(cells)
        values = {name: cells[col] if col < width else "" for col, name in items}
        if not any(values.values()):
            continue
        number = header_index + offset + 2
        if _is_totals(cells):
            rows.append(SheetRow(number, values, skip=_("Totals line")))
            continue
        is_data = False
        for name in data_fields:
            if values.get(name):
                is_data = True
                break
        if not is_data:
            filled = {name: text for name, text in values.items() if text}
            if last_data is not None and set(filled) <= joinable:
                for name, text in filled.items():
                    current[name] = join_name(current.get(name, ""), text)
                    for member in group.get(name, [last_data]):
                        member.values[name] = current[name]
                skip = _("Continues the name in row %(row)d") % {"row": last_data.number}
            else:
                skip = _("Not a line of goods: no item or quantity")
            rows.append(SheetRow(number, values, skip=skip))
            continue
        row = SheetRow(number, values)
        for name in fill_down:
            if values.get(name):
                current[name] = values[name]
                group[name] = [row]
            elif current.get(name):
                values[name] = current[name]
                group[name].append(row)
        rows.append(row)
        last_data = row
    return Sheet(
        rows=rows,
        columns={name: grid[header_index][col] for col, name in mapping.items()},
        header_row=header_index + 1,
        unit_hints=hints,
        source=source,
    )
