"""Running `manage.py load_demo` from the demo tests."""

import io

from django.core.management import call_command

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args: str) -> str:
    """Run the command; returns what it printed."""
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()
