"""The site's own settings, with the benchmark's extra (bare) endpoint mounted."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.server"
