"""Group by ids, then name the groups (issue 19).

Grouping request lines, balances or shipment lines by an item's (or a site's, a donor's)
names joins the names to every row and sorts by text: at the large tier the unit figures
spent two thirds of their PostgreSQL time on the 11,000 item look-ups and the text sort of
one busy unit's lines. Here the figure's query groups by ids only, as the ORM writes it, and
one statement around it joins the names to the few hundred groups.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def named_groups(grouped: QuerySet, *, select: str, joins: str, group_by: str = "") -> list[dict]:
    """The rows of `grouped` (a `.values(...).annotate(...)` queryset, its columns `g."…"`)
    with `select` added from the tables `joins` names — in one statement. With `group_by`
    the groups are grouped again (`select` then says how each column adds up)."""
    try:
        sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
    except EmptyResultSet:  # filtered by an empty list (no units in view): no rows
        return []
    outer = f"SELECT {select} FROM ({sql}) g {joins}"
    if group_by:
        outer += f" GROUP BY {group_by}"
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(outer, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
