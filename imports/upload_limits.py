"""Bounds an uploaded sheet must keep before any reader opens it.

A reader builds objects for every cell it is told about, so a 1.7 KB workbook that merges
`D3:XFD1048576`, or a 3 MB zip that expands to a 1.6 GB sheet, takes a server's memory
before the first row is checked. Here the file is only looked at: the zip directory (sizes,
compression ratio), then each worksheet's XML streamed through `iterparse` and cleared as it
goes (its `<dimension>`, `<mergeCell>` areas, rows and cell lengths), or the CSV text read
with the csv module itself (so `\\r`-only line breaks count as rows, as the reader will see
them). Every refusal is a `SheetError` with a message for the person who uploaded.

`inspect_upload` returns the row count, which decides nothing any more but the progress bar.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from django.conf import settings
from django.utils.translation import gettext as _

from imports.sheets import HEADER_SEARCH_ROWS, SheetError, decode_csv
from inventory.resources import MAX_IMPORT_ROWS


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may be. Defaults fit the biggest real sheet we know (200,000 rows of
    donations, ~40 MB of XML) with room, and refuse a bomb long before it costs memory."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_member_bytes: int = 150 * 1024 * 1024
    # Spreadsheet XML compresses 10–30×; only a bomb reaches this (members above 1 MB).
    max_ratio: int = 100
    max_members: int = 2_000
    max_rows: int = MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS
    max_columns: int = 500
    # One merge over more cells than this is not a title or a "same donor" block.
    max_merge_cells: int = 100_000
    max_merged_cells_total: int = 2_000_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell

    @classmethod
    def from_settings(cls) -> "UploadLimits":
        overrides = getattr(settings, "IMPORTS_UPLOAD_LIMITS", {}) or {}
        return cls(
            max_file_bytes=getattr(settings, "IMPORTS_MAX_FILE_BYTES", cls.max_file_bytes),
            **overrides,
        )


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _area(ref: str) -> tuple[int, int]:
    """(rows, columns) a range like "D3:XFD1048576" spans; a bad ref spans nothing."""
    match = _REF.match(ref.strip().upper())
    if match is None:
        raise SheetError(_("The workbook has a damaged cell range (%(ref)s).") % {"ref": ref[:40]})
    col1, row1, col2, row2 = match.groups()
    col2, row2 = col2 or col1, row2 or row1
    rows = abs(int(row2) - int(row1)) + 1
    columns = abs(_column_number(col2) - _column_number(col1)) + 1
    return rows, columns


def _too_many_rows(rows: int, limits: UploadLimits) -> SheetError:
    return SheetError(
        _("The sheet has %(rows)d rows; at most %(max)d can be imported at once.")
        % {"rows": rows, "max": limits.max_rows}
    )


def _long_cell(limits: UploadLimits) -> SheetError:
    return SheetError(
        _("A cell holds more than %(n)d characters; no field of an import is that long.")
        % {"n": limits.max_cell_chars}
    )


def _check_members(archive: zipfile.ZipFile, limits: UploadLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise SheetError(_("The workbook holds too many parts to be a spreadsheet."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if (
            member.file_size > limits.max_member_bytes
            or total > limits.max_uncompressed_bytes
            or (member.file_size > 1024 * 1024 and ratio > limits.max_ratio)
        ):
            raise SheetError(
                _(
                    "The workbook expands to more than %(mb)d MB when opened; split it into "
                    "smaller files."
                )
                % {"mb": limits.max_uncompressed_bytes // 1024 // 1024}
            )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scan_xml(archive: zipfile.ZipFile, name: str, limits: UploadLimits, *, sheet: bool) -> int:
    """Stream one XML part, element by element, keeping nothing: rows counted, dimension and
    merged areas and text lengths checked. The rows of a worksheet part."""
    with archive.open(name) as stream:
        head = stream.read(4096)
        # A DTD is how entity-expansion bombs start; spreadsheet parts never have one.
        if b"<!DOCTYPE" in head.upper():
            raise SheetError(_("The file is not a readable .xlsx workbook."))
        rows = merged_total = 0
        open_elements: list = []
        try:
            for event, element in iterparse(_Chain(head, stream), events=("start", "end")):
                tag = _local(element.tag)
                if event == "start":
                    open_elements.append(element)
                    if sheet and tag == "dimension":
                        dim_rows, dim_columns = _area(element.get("ref", "A1"))
                        if dim_rows > limits.max_rows:
                            raise _too_many_rows(dim_rows, limits)
                        if dim_columns > limits.max_columns:
                            raise SheetError(
                                _("The sheet has %(n)d columns; at most %(max)d are read.")
                                % {"n": dim_columns, "max": limits.max_columns}
                            )
                    elif sheet and tag == "row":
                        rows += 1
                        if rows > limits.max_rows:
                            raise _too_many_rows(rows, limits)
                    elif sheet and tag == "mergeCell":
                        merge_rows, merge_columns = _area(element.get("ref", "A1"))
                        area = merge_rows * merge_columns
                        merged_total += area
                        if (
                            area > limits.max_merge_cells
                            or merged_total > limits.max_merged_cells_total
                        ):
                            raise SheetError(
                                _(
                                    "The sheet merges %(ref)s (%(n)d cells); unmerge ranges "
                                    "that large and try again."
                                )
                                % {"ref": element.get("ref", "")[:40], "n": area}
                            )
                    continue
                if tag in ("v", "t") and element.text and len(element.text) > limits.max_cell_chars:
                    raise _long_cell(limits)
                # Nothing is kept: each finished element is dropped from its parent, so the
                # tree stays a few elements deep whatever the file's size.
                open_elements.pop()
                if open_elements:
                    open_elements[-1].clear()
        except ParseError as error:
            raise SheetError(_("The file is not a readable .xlsx workbook.")) from error
    return rows


class _Chain(io.RawIOBase):
    """The already-read head, then the rest of the stream (iterparse reads a file)."""

    def __init__(self, head: bytes, rest) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.rest.read(size if size and size > 0 else 64 * 1024)


def inspect_xlsx(content: bytes, limits: UploadLimits) -> int:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise SheetError(_("The file is not a readable .xlsx workbook.")) from error
    with archive:
        _check_members(archive, limits)
        rows = 0
        for member in archive.infolist():
            name = member.filename
            is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            if is_sheet or name == "xl/sharedStrings.xml":
                try:
                    rows = max(rows, _scan_xml(archive, name, limits, sheet=is_sheet))
                except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as error:
                    # Damaged, encrypted, or lying about its sizes (the CRC check fails).
                    raise SheetError(_("The file is not a readable .xlsx workbook.")) from error
    return rows


def inspect_csv(content: bytes, limits: UploadLimits) -> int:
    """Rows as the csv module splits them (quoted newlines inside a cell, `\\r` alone, `\\n`,
    `\\r\\n`), each cell within the cell limit."""
    text, _encoding = decode_csv(content)
    if "\x00" in text:
        raise SheetError(_("The file holds NUL characters: it is not a text sheet."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = 0
    previous = csv.field_size_limit()
    csv.field_size_limit(limits.max_cell_chars + 1)
    try:
        for row in reader:
            rows += 1
            if rows > limits.max_rows:
                raise _too_many_rows(rows, limits)
            if len(row) > limits.max_columns:
                raise SheetError(
                    _("The sheet has %(n)d columns; at most %(max)d are read.")
                    % {"n": len(row), "max": limits.max_columns}
                )
            for cell in row:
                if len(cell) > limits.max_cell_chars:
                    raise _long_cell(limits)
    except csv.Error as error:
        if "field larger" in str(error):
            raise _long_cell(limits) from error
        raise SheetError(
            _("The CSV file is damaged near line %(line)d.") % {"line": reader.line_num}
        ) from error
    finally:
        csv.field_size_limit(previous)
    return rows


def _delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def inspect_upload(content: bytes, file_name: str, limits: UploadLimits | None = None) -> int:
    """Refuse (`SheetError`) a file that no reader should open; else its row count."""
    limits = limits or UploadLimits.from_settings()
    if not content:
        raise SheetError(_("The file is empty."))
    if len(content) > limits.max_file_bytes:
        raise SheetError(
            _("The file is larger than %(mb)d MB.") % {"mb": limits.max_file_bytes // 1024 // 1024}
        )
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return inspect_xlsx(content, limits)
    if name.endswith(".xls"):
        return inspect_xls(content)
    if name.endswith(".ods"):
        return inspect_ods(content, limits)
    return inspect_csv(content, limits)


# An old Excel (.xls) file is an OLE2 compound document: this is its first eight bytes.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def inspect_xls(content: bytes) -> int:
    """An .xls is not compressed, so what it can hold is bounded by the file size checked
    above (and a sheet by the format's 65,536 rows × 256 columns); its merged ranges are read
    as ranges, never filled (`imports.sheets`). Its rows are counted by the reader, in the
    bounded worker, so 0 here."""
    if not content.startswith(OLE2_SIGNATURE):
        raise SheetError(_("The file is not a readable .xls workbook."))
    return 0


def inspect_ods(content: bytes, limits: UploadLimits) -> int:
    """An .ods is a zip like .xlsx: the same archive limits (sizes, compression ratio)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise SheetError(_("The file is not a readable .ods workbook.")) from error
    with archive:
        _check_members(archive, limits)
    return 0
