"""Issue 20: the households the reader's communities reached, as counts (never a person):
read through `households.selectors.community_reach`, labelled from the scope's directory."""

from dataclasses import dataclass

from dashboards.selectors.scope import Scope, UnitNode
from households.selectors import CommunityReach, community_reach


@dataclass(frozen=True)
class UnitReach:
    unit: UnitNode
    reach: CommunityReach


def household_reach(scope: Scope) -> list[UnitReach]:
    """Communities in view that keep a register, most unreached vulnerable households first."""
    return [
        UnitReach(unit=scope.directory.nodes[row.unit_id], reach=row)
        for row in community_reach(unit_ids=scope.unit_ids)
        if row.unit_id in scope.directory.nodes
    ]
