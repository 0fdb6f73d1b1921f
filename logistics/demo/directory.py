"""The served units, read from `data/served_units.csv`: Chengdu districts → streets →
communities (and towns → villages), the departments, social organisations and clinics the
Chengdu centre supplied, and a few units in Wuhan.

Street names are the real sub-districts; community names are real or plausible. Population,
households and households in isolation are rounded, realistic magnitudes for early 2020.
"""

from demo.world.csvdata import read_csv, split_list, yes
from inventory.models import Organisation
from supply_requests.models import ServedUnit, ServedUnitKind


def load_directory(organisations: dict[str, Organisation]) -> dict[str, ServedUnit]:
    """Upsert the served units and who serves them; returns the units by code.

    Rows list a parent before its children, so one pass can link them.
    """
    units: dict[str, ServedUnit] = {}
    for row in read_csv("served_units.csv"):
        if row["kind"] not in ServedUnitKind.values:
            raise ValueError(f"served_units.csv: {row['code']} has unknown kind {row['kind']!r}")
        if row["parent"] and row["parent"] not in units:
            raise ValueError(f"served_units.csv: {row['code']} comes before its parent")
        unit, _created = ServedUnit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "parent": units.get(row["parent"]),
                "population": int(row["population"]),
                "households": int(row["households"]),
                "isolated_households": int(row["isolated_households"]),
                "frontline_medical": yes(row["frontline_medical"]),
            },
        )
        # add() skips links that already exist, so a second load adds nothing.
        unit.organisations.add(*(organisations[code] for code in split_list(row["served_by"])))
        units[unit.code] = unit
    return units
