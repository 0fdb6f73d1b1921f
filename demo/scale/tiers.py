from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    sites: int
    items: int
    units: int
    movements: int
    requests: int
    days: int = 120


TIERS = {
    "small": Tier("small", sites=10, items=100, units=100, movements=10_000, requests=1_000),
    "medium": Tier("medium", sites=50, items=200, units=300, movements=100_000, requests=10_000),
    "large": Tier(
        "large", sites=200, items=300, units=1_000, movements=1_000_000, requests=100_000
    ),
}
