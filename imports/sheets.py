"""Reading a table out of a spreadsheet as people actually made it.

The header row is found by its column names, wherever it is. Below it:

- a merged range (or a blank cell, in a CSV) in a "same as above" column — donor,
  receiver, date, reference — fills down; a merged item, spec or unit cell over rows that
  each have their own quantity is the same item on each row;
- a quantity cell merged over several rows makes those rows *one* line: the lower rows'
  spec and remarks join it, and when they name other items the line is held for review
  (one quantity cannot be shared out by a guess);
- a receiver or donor name broken over two consecutive rows is joined;
- the header repeated part-way down is passed over; the table ends at a footer (a
  sentence, a date or signature below a blank line) or at a title/section line, and a
  second table of another kind below it is reported, not read as this kind.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imports.columns import DISTRIBUTION_COLUMNS, DONATION_COLUMNS, REQUEST_COLUMNS, TOTALS_WORDS
from imports.normalise import join_name, match_key
from imports.sheet_dates import SheetDate, find_sheet_date
from imports.workbook import Grid, SheetError, decode_csv, read_grids
from inventory.resources import MAX_IMPORT_ROWS

__all__ = ["Sheet", "SheetError", "SheetRow", "decode_csv", "find_header", "read_sheet"]

# The header must be within the first rows: titles, dates and notes sit above it.
HEADER_SEARCH_ROWS = 30
# Fields whose merged cell groups rows into one line rather than repeating on each.
GROUPING_FIELDS = ("quantity",)


@dataclass(slots=True)
class SheetRow:
    """One row below the header, by its row number in the spreadsheet (1 = first line)."""

    number: int
    values: dict[str, str]
    skip: str = ""  # why this is not a data row (totals line, continuation…), if it is not
    cells: list[str] = field(default_factory=list)  # the row as written, every column
    hold: str = ""  # why a person must look at this row before it is imported
    formulas: list[str] = field(default_factory=list)  # "D5 =1+1": cells that are formulas

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Sheet:
    rows: list[SheetRow]
    columns: dict[str, str]  # field → the header as written
    header_row: int
    unit_hints: dict[str, str]  # field → unit named in its header, "数量（箱）" → 箱
    source: str  # "xlsx", "xls", "ods", or the CSV encoding that read it
    date: SheetDate | None = None
    notes: list[str] = field(default_factory=list)
    header_cells: list[str] = field(default_factory=list)
    item_units: dict | None = None  # item name key → Counter of units, filled on first use

    @property
    def data_rows(self) -> list[SheetRow]:
        return [row for row in self.rows if not row.skip]


def _header_key(cell: str) -> tuple[str, str]:
    """("数量", "箱") for "数量（箱）"; required-field stars and colons are dropped."""
    key = match_key(cell).rstrip(":*").lstrip("*")
    hint = ""
    if key.endswith(")") and "(" in key:
        key, hint = key[: key.rindex("(")], key[key.rindex("(") + 1 : -1]
    return key, hint


_TOTALS_START = frozenset(word[0] for word in TOTALS_WORDS) | {"T", "S"}
_ANY_HEADER = frozenset(
    match_key(alias)
    for columns in (DONATION_COLUMNS, DISTRIBUTION_COLUMNS, REQUEST_COLUMNS)
    for names in columns.values()
    for alias in names
    if len(alias) > 1
) | {"序号", "no", "no."}


def _is_totals(cells: Sequence[str]) -> bool:
    for text in cells[:4]:
        if text and text[0] in _TOTALS_START and match_key(text) in TOTALS_WORDS:
            return True
    return False


def _is_sentence(text: str) -> bool:
    """Footer prose: "以上物资…已拨付到…。" — not a name of goods, donor or receiver."""
    return len(text) >= 40 or (len(text) >= 12 and any(mark in text for mark in "。；!！"))


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


def _describe(columns: Mapping[str, Sequence[str]], required: Sequence[str]) -> str:
    return ", ".join(f"{columns[name][0]} / {columns[name][-1]}" for name in required)


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Merges:
    """Merged ranges of the body, by what they mean for each covered cell."""

    fill: dict[tuple[int, int], str]  # (row, col) → the top-left value to repeat there
    group_top: dict[int, tuple[int, int]]  # row → (top row, last row) of its merged quantity
    merged: set[tuple[int, int]]  # every covered, non-top cell
    wide: set[int]  # rows with one merged range across most of the table (title lines)


def _merges(grid: Grid, mapping: Mapping[int, str], start: int, width: int) -> _Merges:
    fill: dict[tuple[int, int], str] = {}
    group_top: dict[int, tuple[int, int]] = {}
    merged: set[tuple[int, int]] = set()
    wide: set[int] = set()
    for merge in grid.merges:
        if merge.last_row < start:
            continue
        if merge.first_row == merge.last_row:
            if merge.last_col - merge.first_col + 1 >= max(2, (width + 1) // 2):
                wide.add(merge.first_row)
            continue
        rows = grid.cells
        top = rows[merge.first_row] if merge.first_row < len(rows) else []
        for col in range(merge.first_col, merge.last_col + 1):
            value = top[col] if col < len(top) else ""
            grouping = mapping.get(col) in GROUPING_FIELDS
            for r in range(merge.first_row + 1, merge.last_row + 1):
                merged.add((r, col))
                if grouping:
                    group_top[r] = (merge.first_row, merge.last_row)
                else:
                    fill[(r, col)] = value
    return _Merges(fill, group_top, merged, wide)


def _join_into_group(
    top: SheetRow, row_number: int, values: dict[str, str], covered: set[str], fill_down
) -> None:
    """Rows under a merged quantity are part of its line: their spec and remarks join it,
    and an item of their own makes the line a case for a person to split."""
    item = values.get("item", "")
    if item and "item" not in covered and match_key(item) != match_key(top.get("item")):
        if item[0] in "(（[" or item.isascii():
            top.values["item"] = join_name(top.get("item"), item)  # "Face mask" / "Ear-loop"
        else:
            top.hold = _(
                "Rows %(first)d–%(last)d share one quantity (%(quantity)s) for different "
                "items (%(items)s): split the quantity between them."
            ) % {
                "first": top.number,
                "last": row_number,
                "quantity": top.get("quantity"),
                "items": f"{top.get('item')}; {item}",
            }
    for name, text in values.items():
        if not text or name in covered or name in ("item", "quantity"):
            continue
        if name == "spec":
            top.values["spec"] = f"{top.get('spec')} {text}".strip()
        elif name != "note" and name in fill_down and not top.get(name):
            top.values[name] = text
        else:
            top.values["note"] = f"{top.get('note')} {text}".strip()


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
    """Find the header, then read every row below it into `SheetRow`s (see the module)."""
    grids, source = read_grids(content, filename)
    for grid in grids:
        found = find_header(grid.cells, columns, required)
        if found is not None:
            break
    else:
        raise SheetError(
            _("No header row found in the first %(n)d rows: the sheet needs columns for %(cols)s.")
            % {"n": HEADER_SEARCH_ROWS, "cols": _describe(columns, required)}
        )
    header_index, mapping, hints = found
    cells_grid = grid.cells
    body = cells_grid[header_index + 1 :]
    if len(body) > MAX_IMPORT_ROWS:
        raise SheetError(
            _("The sheet has %(rows)d rows; at most %(max)d can be imported at once.")
            % {"rows": len(body), "max": MAX_IMPORT_ROWS}
        )
    header_cells = list(cells_grid[header_index])
    header_keys = [match_key(cell) for cell in header_cells if cell]
    merges = _merges(grid, mapping, header_index + 1, len(mapping))
    formulas = grid.formulas
    rows: list[SheetRow] = []
    by_index: dict[int, SheetRow] = {}
    notes: list[str] = []
    footer: list[tuple[int, list[str]]] = []
    current: dict[str, str] = {}
    group: dict[str, list[SheetRow]] = {name: [] for name in fill_down}
    last_data: SheetRow | None = None
    items = list(mapping.items())
    joinable = set(join_split)
    fills = set(fill_down)
    blanks = 0
    ended = ""  # why the table ended, while we are below its end
    for offset, cells in enumerate(body):
        index = header_index + 1 + offset
        number = index + 1
        width = len(cells)
        values = {name: cells[col] if col < width else "" for col, name in items}
        if not any(cells):
            blanks += 1
            continue
        trimmed = list(cells)
        while trimmed and not trimmed[-1]:
            trimmed.pop()
        first = next(cell for cell in cells if cell)
        # Header-like rows are rare: look at every cell only when the first one is a name.
        first_key = match_key(first)
        header_like_start = first_key in _ANY_HEADER or first_key == header_keys[0]
        keys = [match_key(cell) for cell in cells if cell] if header_like_start else []
        if keys and keys == header_keys:
            if ended:
                ended = ""  # the same table starts again below its end
                notes.append(_("The header appears again on row %(row)d.") % {"row": number})
            rows.append(SheetRow(number, values, skip=_("The header again"), cells=trimmed))
            blanks = 0
            continue
        if ended:
            footer.append((number, trimmed))
            rows.append(SheetRow(number, values, skip=ended, cells=trimmed))
            continue
        if index in merges.group_top:
            first, last = merges.group_top[index]
            top = by_index.get(first)
            if top is not None and not top.skip:
                covered = {name for col, name in items if (index, col) in merges.merged}
                _join_into_group(top, number, values, covered, fills)
                skip = _(
                    "Part of row %(row)d: its quantity cell is merged over rows %(row)d–%(last)d."
                ) % {"row": top.number, "last": last + 1}
                rows.append(SheetRow(number, values, skip=skip, cells=trimmed))
                continue
        header_like = sum(1 for key in keys if key in _ANY_HEADER)
        if header_like >= 2 and header_like * 2 >= len(keys):
            ended = _("Below the end of the table: another list starts on row %(row)d.") % {
                "row": number
            }
            notes.append(
                _(
                    "Row %(row)d starts another list (%(header)s); it and the rows below it "
                    "were not imported as this kind."
                )
                % {"row": number, "header": " | ".join(trimmed)}
            )
            rows.append(SheetRow(number, values, skip=ended, cells=trimmed))
            continue
        filled_cells = [cell for cell in cells if cell]
        lone = filled_cells[0] if len(filled_cells) == 1 else ""
        if (lone and (index in merges.wide or _is_sentence(lone))) or (
            blanks and lone and not values.get("quantity") and last_data
        ):
            ended = _("Below the end of the table (footer from row %(row)d).") % {"row": number}
            notes.append(
                _("The table ends at row %(row)d: “%(text)s” is not a line of goods.")
                % {"row": number, "text": filled_cells[0][:60]}
            )
            footer.append((number, trimmed))
            rows.append(SheetRow(number, values, skip=ended, cells=trimmed))
            continue
        blanks = 0
        if _is_totals(cells):
            rows.append(SheetRow(number, values, skip=_("Totals line"), cells=trimmed))
            continue
        for col, name in items:
            if not values[name] and (index, col) in merges.fill:
                values[name] = merges.fill[(index, col)]
        is_data = any(values.get(name) for name in data_fields)
        if not is_data:
            filled = {name: text for name, text in values.items() if text}
            if last_data is not None and filled and set(filled) <= joinable:
                for name, text in filled.items():
                    current[name] = join_name(current.get(name, ""), text)
                    for member in group.get(name, [last_data]):
                        member.values[name] = current[name]
                skip = _("Continues the name in row %(row)d") % {"row": last_data.number}
            else:
                skip = _("Not a line of goods: no item or quantity")
            rows.append(SheetRow(number, values, skip=skip, cells=trimmed))
            continue
        row = SheetRow(number, values, cells=trimmed)
        for col, _name in items:
            formula = formulas.get((index, col))
            if formula:
                row.formulas.append(f"{_column_letter(col)}{number} {formula}")
        for name in fill_down:
            if values.get(name):
                current[name] = values[name]
                group[name] = [row]
            elif current.get(name):
                values[name] = current[name]
                group[name].append(row)
        rows.append(row)
        by_index[index] = row
        last_data = row
    above = [(i + 1, list(cells_grid[i])) for i in range(header_index)]
    return Sheet(
        rows=rows,
        columns={name: cells_grid[header_index][col] for col, name in mapping.items()},
        header_row=header_index + 1,
        unit_hints=hints,
        source=source,
        date=find_sheet_date(above, footer, filename),
        notes=notes,
        header_cells=header_cells,
    )
