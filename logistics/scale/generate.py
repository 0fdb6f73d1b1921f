"""Generate a tier of synthetic data that is shaped like a real deployment and true to the
ledger (see world.py); `manage.py generate_scale_data` is the entry point."""

import random
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.scale.directory import build_directory
from demo.scale.requests import build_requests
from demo.scale.stock import fill_ledger, write_balances
from demo.scale.tiers import Tier
from demo.scale.world import World


def generate(tier: Tier, *, seed: int, prefix: str = "") -> dict[str, int]:
    """Write one tier of data (call inside a transaction). Returns rows written per model."""
    actor, _created = get_user_model().objects.get_or_create(
        username=f"{prefix}scale-bot", defaults={"is_active": False}
    )
    end = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    world = World(tier=tier, rng=random.Random(seed), end=end, actor_id=actor.pk)
    build_directory(world, prefix or f"s{seed}-")
    build_requests(world)
    fill_ledger(world)
    write_balances(world)
    return world.writer.flush()
