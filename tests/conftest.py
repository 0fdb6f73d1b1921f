"""Shared fixtures: the three personas of every permission test (healthchecks' habit) —
a member of the organisation, a member of another one, and an outsider."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation

from config.celery import app as celery_app
from inventory.models import OrganisationRole
from inventory.services import DonationLineInput, donation_receive
from logistics.services import AllocationInput, Waybill, allocation_commit, shipment_create
from tests.factories import (
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    ServedUnitFactory,
    SiteFactory,
    UnitMembershipFactory,
    UserFactory,
)

RECEIVED = dt.date(2020, 1, 28)


def requires_postgres() -> pytest.MarkDecorator:
    """Skip, saying why, unless the suite runs on PostgreSQL (DATABASE_URL=postgres://…)."""
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (.ci/run does) — skipped on "
        f"{connection.vendor}",
    )


# Service, import and alert tests check a rule's message against its source text (the
# msgid); everything a person reads on a page is tested in Chinese first.
SOURCE_TEXT_SUITES = (
    "tests/dashboards/test_figures.py",
    "tests/demo/",
    "tests/distribution/",
    "tests/imports/",
    "tests/inventory/",
    "tests/notifications/",
    "tests/supply_requests/",
)


def reads_english(request) -> bool:
    path = str(request.node.fspath).replace("\\", "/")
    return bool(request.node.get_closest_marker("english")) or any(
        suite in path for suite in SOURCE_TEXT_SUITES
    )


@pytest.fixture(autouse=True)
def eager_celery():
    """Tests run tasks in-process, whatever CELERY_BROKER_URL says: a test that expects a
    task's result at once must not depend on the environment having a worker and a result
    backend. The real-broker tests (tests/notifications/test_worker_integration.py) switch
    this off for themselves by overriding the fixture."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def chinese_messages(request):
    """Tests read what the site's users read: Chinese (zh-hans, the site's default). A test
    marked `@pytest.mark.english` (and the source-text suites) read English instead."""
    with translation.override("en" if reads_english(request) else "zh-hans"):
        yield


@pytest.fixture
def client(client, request):
    """Pages answer in the browser's language: Chinese unless the test reads English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en" if reads_english(request) else "zh-hans"
    return client


@pytest.fixture(autouse=True)
def no_inprocess_checks(settings):
    # Page tests count queries and notifications; the in-process checks have their own tests.
    settings.INPROCESS_CHECKS_MINUTES = 0


@pytest.fixture(autouse=True)
def fresh_cache():
    # Throttle and lockout counts live in the cache: each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def imports_inline(settings):
    # The test's transaction is invisible to a child process: tests run import steps in
    # the caller (tests/imports/test_upload_limits.py drives the bounded worker itself).
    settings.IMPORTS_WORKER = "inline"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.2 s per user; tests prove roles, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(code="cd-culture", name_zh="成都市社区文化发展中心")


@pytest.fixture
def site(organisation):
    return SiteFactory(organisation=organisation, code="cd-wh")


@pytest.fixture
def other_site(organisation):
    return SiteFactory(organisation=organisation, code="cd-wh2")


@pytest.fixture
def staff(organisation):
    return MembershipFactory(
        user=UserFactory(username="staff"), organisation=organisation, role=OrganisationRole.STAFF
    ).user


@pytest.fixture
def coordinator(organisation):
    return MembershipFactory(
        user=UserFactory(username="coordinator"),
        organisation=organisation,
        role=OrganisationRole.COORDINATOR,
    ).user


@pytest.fixture
def outsider(db):
    """Staff of another organisation: must be refused everything of ours."""
    return MembershipFactory(user=UserFactory(username="outsider")).user


@pytest.fixture
def item(db):
    return ItemFactory(code="n95", name_zh="医用防护口罩", name_en="N95 mask")


@pytest.fixture
def receive(staff, site, item):
    """Receive `quantity` of an item at a site and return the new lot."""

    def _receive(quantity, *, at=None, lot_item=None, expiry=None, batch=""):
        donation = donation_receive(
            actor=staff,
            site=at or site,
            donor="成都市慈善总会",
            received_at=RECEIVED,
            lines=[
                DonationLineInput(
                    item=lot_item or item, quantity=quantity, expiry=expiry, batch=batch
                )
            ],
        )
        return donation.lines.get().lot

    return _receive


@pytest.fixture
def unit(organisation):
    """A community served by our organisation."""
    community = ServedUnitFactory(code="yulin-north", name="玉林北路社区", households=800)
    community.organisations.add(organisation)
    return community


@pytest.fixture
def worker(unit):
    return UnitMembershipFactory(user=UserFactory(username="worker"), served_unit=unit).user


@pytest.fixture
def other_worker(db):
    """A community worker of a unit nobody here serves."""
    return UnitMembershipFactory(user=UserFactory(username="other-worker")).user


@pytest.fixture
def make_request(worker, unit, item):
    """A request by the unit's worker, taken as far as `status` (draft/submitted/approved)."""
    from supply_requests.services import (
        RequestLineInput,
        request_approve,
        request_create,
        request_submit,
    )

    def _make(quantity=100, *, status="draft", approve=None, approver=None, lines=None, **extra):
        request = request_create(
            actor=worker,
            served_unit=unit,
            lines=lines or [RequestLineInput(item=item, quantity=quantity)],
            **extra,
        )
        if status in ("submitted", "approved"):
            request = request_submit(actor=worker, request=request)
        if status == "approved":
            approved = {
                line.pk: (approve if approve is not None else line.quantity_requested)
                for line in request.lines.all()
            }
            request = request_approve(actor=approver, request=request, approved=approved)
        return request

    return _make


@pytest.fixture
def approved(make_request, coordinator):
    """An approved request for `quantity` N95 masks, decided by the coordinator."""

    def _approved(quantity=100, **extra):
        return make_request(quantity, status="approved", approver=coordinator, **extra)

    return _approved


@pytest.fixture
def allocate(coordinator, site):
    def _allocate(request, quantity, at=None):
        line = request.lines.get()
        return allocation_commit(
            actor=coordinator, allocations=[AllocationInput(line.pk, at or site, quantity)]
        )

    return _allocate


@pytest.fixture
def planned(coordinator, site, unit, approved, allocate, receive):
    """100 masks approved, allocated and on a planned shipment."""
    receive(100)
    request = approved(100)
    allocate(request, 100)
    shipment = shipment_create(
        actor=coordinator,
        site=site,
        served_unit=unit,
        waybill=Waybill(vehicle="川A·12345", driver="王师傅", contact="13800000000"),
    )
    return request, shipment


def line_counts(request):
    line = request.lines.get()
    return (
        line.quantity_approved,
        line.quantity_allocated,
        line.quantity_dispatched,
        line.quantity_delivered,
        line.quantity_short,
    )
