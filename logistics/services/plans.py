"""Committing a fair-share plan: reserve what the coordinator settled on, and keep the plan.

The proposal is computed again here, from the same items and sites, so the record says what
the planner really proposed, not what a form claimed it did. Every quantity the coordinator
changed needs a reason; the record keeps each change beside its reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import Item, Site
from logistics.models import PlanRecord
from logistics.selectors import STORED_EXPLANATION_KEYS, allocation_plan
from logistics.services.allocations import AllocationInput, allocation_commit
from supply_requests.models import SupplyRequestLine


@dataclass(frozen=True)
class PlannedQuantity:
    """What the coordinator settled on for one request line from one site, and why, when it
    differs from the proposal."""

    request_line_id: int
    site: Site
    quantity: int
    reason: str = ""


@atomic_retrying
def plan_commit(
    *,
    actor: AbstractBaseUser,
    items: Sequence[Item],
    sites: Sequence[Site],
    quantities: Sequence[PlannedQuantity],
) -> PlanRecord:
    """Reserve a plan as adjusted (all or nothing) and store it: inputs, proposal, each
    change with its reason, what was reserved, who committed. `quantities` are the
    coordinator's settled figures; a proposed line not among them stays as proposed. A
    changed quantity without a reason is refused, naming the lines."""
    plan = allocation_plan(actor=actor, items=items, sites=sites)
    site_codes = {site.code: site for site in sites}
    proposed = {(a.request_line, a.site): a.quantity for a in plan.allocations}
    settled: dict[tuple[int, str], int] = {}
    reasons: dict[tuple[int, str], str] = {}
    for entry in quantities:
        if entry.quantity < 0:
            raise ValidationFailed(_("A planned quantity must be zero or more."))
        if entry.site.code not in site_codes:
            raise ValidationFailed(
                _("%(site)s is not one of the plan's sites.") % {"site": entry.site.name}
            )
        key = (entry.request_line_id, entry.site.code)
        settled[key] = settled.get(key, 0) + entry.quantity
        if entry.reason.strip():
            reasons[key] = entry.reason.strip()[:200]
    changes, unexplained = [], []
    for key in sorted(set(proposed) | set(settled)):
        before = proposed.get(key, 0)
        after = settled.get(key, before)  # a proposed line not mentioned stays as proposed
        if before == after:
            continue
        if key not in reasons:
            unexplained.append(key[0])
        changes.append(
            {
                "request_line": key[0],
                "site": key[1],
                "proposed": before,
                "committed": after,
                "reason": reasons.get(key, ""),
            }
        )
    if unexplained:
        raise ValidationFailed(
            _("Say why you changed the proposed quantity of request line(s) %(lines)s.")
            % {"lines": ", ".join(map(str, sorted(set(unexplained))))}
        )
    final = proposed | settled
    picks = [
        AllocationInput(line_id, site_codes[code], quantity)
        for (line_id, code), quantity in sorted(final.items())
        if quantity > 0
    ]
    allocation_commit(actor=actor, allocations=picks)
    record = PlanRecord.objects.create(
        committed_by=actor,
        items=[item.code for item in items],
        sites=[site.code for site in sites],
        supply=[{k: v for k, v in row.items() if k != "item_name"} for row in plan.items],
        explanation=[
            {key: entry[key] for key in STORED_EXPLANATION_KEYS} for entry in plan.entries
        ],
        proposal=[
            {"request_line": line, "site": code, "quantity": quantity}
            for (line, code), quantity in sorted(proposed.items())
        ],
        changes=changes,
        committed=[
            {"request_line": p.request_line_id, "site": p.site.code, "quantity": p.quantity}
            for p in picks
        ],
    )
    line_ids = {e["request_line"] for e in plan.entries} | {p.request_line_id for p in picks}
    record.requests.set(
        set(SupplyRequestLine.objects.filter(pk__in=line_ids).values_list("request_id", flat=True))
    )
    return record
