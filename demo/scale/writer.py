"""Bulk writing of generated rows with ids chosen up front.

PostgreSQL gets `COPY … FROM STDIN` (the fastest way in); SQLite gets `executemany` inside
one transaction. Rows are dicts keyed by field attname; ids are assigned here so rows can
point at each other before anything is written.
"""

import csv
import io
from collections import defaultdict

from django.core.management.color import no_style
from django.db import connection, models


class BulkWriter:
    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[dict]] = defaultdict(list)
        self._next: dict[type[models.Model], int] = {}
        self.order: list[type[models.Model]] = []

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def add(self, model: type[models.Model], **values) -> int:
        """Queue one row; returns its id."""
        if "id" not in values:
            values["id"] = self.next_id(model)
        if model not in self.order:
            self.order.append(model)
        self.rows[model].append(values)
        return values["id"]

    def count(self, model: type[models.Model]) -> int:
        return len(self.rows[model])

    def flush(self) -> dict[str, int]:
        """Write everything (parents first, in the order models were first added)."""
        written = {}
        for model in self.order:
            rows = self.rows.pop(model, [])
            if rows:
                _write(model, rows)
                written[model._meta.label] = len(rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), self.order):
                    cursor.execute(statement)
        self.order = []
        return written


def _columns(model: type[models.Model], rows: list[dict]) -> list[models.Field]:
    fields = [f for f in model._meta.concrete_fields]
    present = set().union(*(row.keys() for row in rows[:1]))
    return [f for f in fields if f.attname in present]


def _value(field: models.Field, value):
    if value is None:
        return None
    return field.get_db_prep_value(value, connection, prepared=False)


def _write(model: type[models.Model], rows: list[dict]) -> None:
    fields = _columns(model, rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow(
                    [r"\N" if (v := _value(f, row.get(f.attname))) is None else v for f in fields]
                )
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
            )
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [[_value(f, row.get(f.attname)) for f in fields] for row in rows],
            )
