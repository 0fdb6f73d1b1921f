"""The periodic checks of the embedded default, where no Celery beat runs.

With no broker (`CELERY_TASK_ALWAYS_EAGER`), a page request runs the time-based checks that
are due — at most once every `INPROCESS_CHECKS_MINUTES` each (near expiry hourly), claimed
in the database so two web processes never run the same check at once. A crossing is raised
once whoever runs the check (`alerts_reconcile`). With a broker, beat runs them and this
middleware steps aside.

The checks are the beat schedule's tasks, found by name in Celery's registry
(`INPROCESS_CHECKS` in `config/settings.py`): this module runs the checks of every app
without importing any app above it.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from notifications.services.claims import check_claim

log = logging.getLogger(__name__)

# Between two looks at the claims, a process serves pages without asking the database (an
# optimisation only: the claims in the database decide who runs what).
LOOK_EVERY_SECONDS = 60
_next_look = 0.0


def _checks(minutes: int) -> list[tuple[str, timedelta, Callable[[], object]]]:
    """(claim name, interval, run) of each in-process check: every `minutes`, or the check's
    own longer interval from INPROCESS_CHECKS."""
    every = timedelta(minutes=minutes)
    # A web process has not imported every app's tasks.py (a worker does it at start-up).
    current_app.loader.import_default_modules()
    return [
        (name, max(every, timedelta(minutes=at_least)), current_app.tasks[task].apply)
        for name, (task, at_least) in settings.INPROCESS_CHECKS.items()
    ]


def checks_run_due() -> list[str]:
    """Run each check that is due and that this process claims; returns their names."""
    minutes = settings.INPROCESS_CHECKS_MINUTES
    if not minutes:
        return []
    ran = []
    for name, every, check in _checks(minutes):
        if check_claim(name=name, every=every, now=timezone.now()):
            check()
            ran.append(name)
    return ran


def _looked_lately() -> bool:
    global _next_look
    if time.monotonic() < _next_look:
        return True
    _next_look = time.monotonic() + LOOK_EVERY_SECONDS
    return False


class InProcessChecksMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise MiddlewareNotUsed("Celery beat runs the checks")
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _looked_lately():
            return response
        try:
            checks_run_due()
        except Exception:
            # A failing check must not fail the page someone asked for; the next run retries.
            log.exception("in-process periodic checks failed")
        return response
