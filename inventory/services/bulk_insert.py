"""Inserting many rows at once, fast: the write half of bulk services and import bookkeeping.

Not a way around the ledger: stock tables are written only by `inventory.services`
(`donation_receive_bulk` uses this); other callers use it for their own append-only rows.
"""

import io
from collections.abc import Callable, Sequence
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


def _converter(field: models.Field) -> Callable[[object], str]:
    """How one column's values are written in PostgreSQL's COPY text format (NULL is \\N);
    the cheapest correct way for its type, as it runs once per cell."""
    if isinstance(field, models.DateField | models.DateTimeField):
        # An import stamps thousands of rows with the same few moments and dates.
        seen: dict[date | datetime, str] = {}

        def moment(value):
            if value is None:
                return r"\N"
            if value not in seen:
                seen[value] = value.isoformat()
            return seen[value]

        return moment
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return str if not field.null else (lambda value: r"\N" if value is None else str(value))
    return lambda value: r"\N" if value is None else _escaped(str(value))


class _Stream(io.RawIOBase):
    """The COPY text made row by row as psycopg2 reads it: the server parses and indexes
    the rows already sent while Python writes the next ones, instead of after them all."""

    def __init__(self, lines) -> None:
        self.lines, self.buffer = lines, ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, length = [self.buffer], len(self.buffer)
        while size < 0 or length < size:
            line = next(self.lines, None)
            if line is None:
                break
            parts.append(line)
            length += len(line)
        text = "".join(parts)
        if size < 0:
            size = len(text)
        self.buffer = text[size:]
        return text[:size]


def _copy_rows(model: type[models.Model], names: Sequence[str], rows: Sequence) -> list[int]:
    meta = model._meta
    by_name = {field.attname: field for field in meta.concrete_fields}
    given = [by_name[name] for name in names]
    # Columns the rows do not name take the field's default, the same for every row.
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in names]
    tail = "".join("\t" + _converter(f)(f.get_default() if f.has_default() else None) for f in rest)
    converters = [_converter(field) for field in given]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        (sequence,) = cursor.fetchone()
        # Named once: inside the SELECT the lookup would run again for every id (10× slower).
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        lines = (
            f"{new_id}\t"
            + "\t".join([convert(value) for convert, value in zip(converters, row, strict=True)])
            + tail
            + "\n"
            for new_id, row in zip(ids, rows, strict=True)
        )
        statement = "COPY {} ({}) FROM STDIN".format(
            quote(meta.db_table),
            ", ".join(quote(field.column) for field in [meta.pk, *given, *rest]),
        )
        cursor.cursor.copy_expert(statement, _Stream(lines), size=65_536)
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
