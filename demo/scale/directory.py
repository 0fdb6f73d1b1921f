"""Organisations, sites, the catalogue, served units and donors of a generated tier."""

import random

from demo.scale.world import CATEGORIES, World
from demo.scale.writer import BulkWriter
from inventory import models as inv
from supply_requests import models as req


def build_directory(world: World, prefix: str) -> None:
    w, tier, rng = world.writer, world.tier, world.rng
    orgs = [
        w.add(
            inv.Organisation,
            code=f"{prefix}org-{i}",
            name_zh=f"规模测试机构{i}",
            name_en=f"Scale organisation {i}",
            city="成都",
        )
        for i in range(max(2, tier.sites // 5))
    ]
    for i in range(tier.sites):
        org = orgs[i % len(orgs)]
        site = w.add(
            inv.Site,
            organisation_id=org,
            code=f"{prefix}site-{i}",
            name=f"仓库{i}",
            address="",
            is_active=True,
        )
        world.site_ids.append(site)
        world.site_org[site] = org
    for i in range(tier.items):
        tracked = i % 3 != 2
        world.item_ids.append(
            w.add(
                inv.Item,
                code=f"{prefix}item-{i}",
                name_zh=f"物资{i}",
                name_en=f"Item {i}",
                category=CATEGORIES[i % len(CATEGORIES)],
                base_unit="只",
                standard="",
                expiry_tracked=tracked,
                needs_review=False,
            )
        )
    # Zipf-like popularity: a few items (masks, gloves) are asked for far more than the rest.
    world.item_weights = [1 / (rank + 1) ** 1.1 for rank in range(tier.items)]
    districts = max(2, tier.units // 60)
    streets_per = 3
    parents = []
    for d in range(districts):
        district = w.add(
            req.ServedUnit,
            code=f"{prefix}d-{d}",
            name=f"区{d}",
            name_en="",
            kind="district",
            parent_id=None,
            population=0,
            households=0,
            isolated_households=0,
            frontline_medical=False,
            contact="",
            is_active=True,
        )
        for s in range(streets_per):
            parents.append(
                w.add(
                    req.ServedUnit,
                    code=f"{prefix}d-{d}-s-{s}",
                    name=f"街道{d}-{s}",
                    name_en="",
                    kind="street",
                    parent_id=district,
                    population=0,
                    households=0,
                    isolated_households=0,
                    frontline_medical=False,
                    contact="",
                    is_active=True,
                )
            )
    for u in range(tier.units):
        unit = add_community(
            w, rng, code=f"{prefix}u-{u}", number=u, parent_id=parents[u % len(parents)]
        )
        org = orgs[u % len(orgs)]
        world.unit_ids.append(unit)
        world.unit_org[unit] = org
        w.add(req.ServedUnit.organisations.through, servedunit_id=unit, organisation_id=org)
    world.donor_ids = [
        w.add(inv.Donor, name=f"{prefix}捐赠方{i}", kind="company", contact="") for i in range(60)
    ]


def add_community(
    w: BulkWriter, rng: random.Random, *, code: str, number: int, parent_id: int
) -> int:
    """One community row, sized like the 2020 ones: log-normal around 660 households (three
    people each), up to a tenth of them isolated at home, 3 % frontline medical."""
    households = int(rng.lognormvariate(6.5, 0.7))
    return w.add(
        req.ServedUnit,
        code=code,
        name=f"社区{number}",
        name_en="",
        kind="community",
        parent_id=parent_id,
        population=households * 3,
        households=households,
        isolated_households=rng.randint(0, households // 10),
        frontline_medical=rng.random() < 0.03,
        contact="",
        is_active=True,
    )
