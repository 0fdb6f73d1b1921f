"""Python's cyclic garbage collector, paused around work that makes many objects at once."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused (usable as a decorator too).

    A big plan, a dashboard figure or an import's row plan makes hundreds of thousands of
    small objects with no reference cycles; the collector would walk all of them several
    times for nothing (about half the planning time at 140,000 lines: bench/plan.py; a fifth
    of a big figure's CPU: bench/figures_profile.py; 1.5-3.3 s of a 100,000-line import:
    bench/imports.py). Once the block is over they go by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
