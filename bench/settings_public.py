"""The site's own settings, with the public benchmark's bare page mounted."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_server"
