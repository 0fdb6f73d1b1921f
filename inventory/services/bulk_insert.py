"""Inserting many rows at once, fast: the write half of bulk services and import bookkeeping.

Not a way around the ledger: stock tables are written only by `inventory.services`
(`donation_receive_bulk` uses this); other callers use it for their own append-only rows.
"""

import functools
import io
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime

from django.db import connection, models

BATCH_SIZE = 5_000


def _escaped(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_value(value: object) -> str:
    """A constant (a column's default) in COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return _escaped(str(value))


def _text(value: object) -> str:
    return r"\N" if value is None else _escaped(str(value))


class _Moments(dict):
    """A date or datetime → its COPY text, each worked out once: an import stamps thousands
    of rows with the same few days and moments, and isoformat() of an aware datetime costs
    a microsecond."""

    def __missing__(self, value: date | datetime | None) -> str:
        text = self[value] = r"\N" if value is None else value.isoformat()
        return text


def _cell(field: models.Field, index: int) -> tuple[str, str | None]:
    """The f-string field that writes column `index` of a row `r` in COPY text format, and
    the name of the memo of days or moments it reads, if it needs one."""
    value = f"r[{index}]"
    if isinstance(field, models.DateField):  # a DateTimeField is one too
        return f"{{D{index}[{value}]}}", f"D{index}"
    if isinstance(field, models.ForeignKey):
        numeric = isinstance(field.target_field, models.IntegerField)
    else:
        numeric = isinstance(field, models.IntegerField) and not isinstance(
            field, models.BooleanField
        )
    if not numeric:
        # Text may hold a tab, a newline or a backslash; booleans and anything else are
        # written as str() writes them ("True" reads as true).
        return f"{{text({value})}}", None
    # An int needs no escaping.
    return (f"{{{value}}}" if not field.null else f"{{N if {value} is None else {value}}}"), None


@functools.lru_cache(maxsize=64)
def _line_maker(model: type[models.Model], names: tuple[str, ...]) -> Callable:
    """make(tail) → fmt(new id, row): the row's line of COPY text, for rows of `names` of
    `model`; `tail` is the text of the columns the rows do not name, and the newline.

    One f-string made for the table and compiled once: per cell it costs what str() does,
    not a Python call per cell (formatting was a quarter of an import's Python time)."""
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    cells = [_cell(by_name[name], index) for index, name in enumerate(names)]
    # The f-string's source: the cells joined by a tab escape.
    body = "\\t".join(["{new_id}", *(cell for cell, _memo in cells)])
    memos = "".join(f"    {memo} = Moments()\n" for _cell, memo in cells if memo)
    source = (
        "def make(tail):\n"
        f"{memos}"
        "    def fmt(new_id, r):\n"
        f'        return f"{body}" + tail\n'
        "    return fmt\n"
    )
    namespace = {"N": r"\N", "text": _text, "Moments": _Moments}
    exec(compile(source, f"<COPY line of {model._meta.db_table}>", "exec"), namespace)
    return namespace["make"]


def _formatter(model: type[models.Model], names: Sequence[str]) -> Callable[[int, Sequence], str]:
    meta = model._meta
    # Columns the rows do not name take the field's default, the same for every row (worked
    # out per call: a default may be a callable).
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in names]
    tail = "".join("\t" + _copy_value(f.get_default() if f.has_default() else None) for f in rest)
    return _line_maker(model, tuple(names))(tail + "\n")


def _columns(model: type[models.Model], names: Sequence[str]) -> str:
    meta = model._meta
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in names]
    by_name = {field.attname: field for field in meta.concrete_fields}
    quote = connection.ops.quote_name
    return ", ".join(quote(f.column) for f in [meta.pk, *(by_name[n] for n in names), *rest])


class _Stream(io.RawIOBase):
    """The COPY text made as psycopg2 reads it: the server parses and indexes the rows
    already sent while Python writes the next ones, instead of after them all. `chunks`
    yields text (a few hundred rows each)."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks, self.buffer = chunks, ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, length = [self.buffer], len(self.buffer)
        while size < 0 or length < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            length += len(chunk)
        text = "".join(parts)
        if size < 0:
            size = len(text)
        self.buffer = text[size:]
        return text[:size]


CHUNK_ROWS = 500


def _copy_rows(model: type[models.Model], names: Sequence[str], rows: Sequence) -> list[int]:
    meta = model._meta
    fmt = _formatter(model, names)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        (sequence,) = cursor.fetchone()
        # Named once: inside the SELECT the lookup would run again for every id (10× slower).
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        chunks = (
            "".join(map(fmt, ids[start : start + CHUNK_ROWS], rows[start : start + CHUNK_ROWS]))
            for start in range(0, len(rows), CHUNK_ROWS)
        )
        table = connection.ops.quote_name(meta.db_table)
        statement = f"COPY {table} ({_columns(model, names)}) FROM STDIN"
        cursor.cursor.copy_expert(statement, _Stream(chunks), size=65_536)
    return ids


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence) -> list[int]:
    """Insert rows — tuples of values for the fields `names` (attnames) — and return their
    new ids, in order.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows sent with
    COPY, several times faster than INSERT; elsewhere `bulk_create`. Constraints, foreign
    keys and triggers hold either way: COPY checks them as INSERT does. `save()` and signals
    do not run, so auto_now fields must be given."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy_rows(model, names, rows)
    objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
    return [obj.pk for obj in model.objects.bulk_create(objects, batch_size=BATCH_SIZE)]
