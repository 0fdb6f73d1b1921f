"""Fixtures of the notification tests: the clock, the people of a second organisation, and
Celery forced to run tasks in-process (even when CELERY_BROKER_URL is set for the worker
integration tests, which switch it back off for themselves)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from config.celery import app as celery_app
from inventory.models import OrganisationRole
from tests.factories import MembershipFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A morning in the 2020 response; lots received on 2020-01-28 (tests.conftest.RECEIVED).
NOW = dt.datetime(2020, 2, 10, 9, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def eager_celery():
    """Unit tests run tasks in-process, whatever the environment says."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def eager_retries():
    """In-process runs return failures instead of raising them, so that a retry (which
    Celery raises as an exception) is run again at once, as a worker would run it later."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def clock():
    """The clock stopped at NOW; `clock.move_to(...)` / `clock.shift(...)` move it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def with_emails(settings, staff, coordinator, worker, outsider):
    """Give the personas e-mail addresses, so that their notifications are e-mailed (in
    English here: the site's language, Chinese, is the default)."""
    settings.NOTIFICATIONS_EMAIL_LANGUAGE = "en"
    for user in (staff, coordinator, worker, outsider):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def second_staff(organisation):
    return MembershipFactory(
        user=UserFactory(username="staff2", email="staff2@example.org"),
        organisation=organisation,
        role=OrganisationRole.STAFF,
    ).user
