"""Every page and list endpoint costs the same number of SQL statements on the small world
as after the world has grown about tenfold (units, items, donations with donors, requests,
shipments, import jobs with big reports, counts, households with handovers and rounds, family
kits): what a page reads is bounded by what it shows, never by the size of the database
(issue 19).

The endpoints are enumerated from the URL conf, so a new page or list cannot be forgotten:
each named pattern is either measured here (`MEASURED`) or listed in `EXCLUDED` with the
reason. (It lives beside the dashboards tests for their `world` and `grow`.)
"""

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboards.registry import FIGURES, UNIT_PAGE
from households.models import Category, Household, Volunteer
from households.services import HouseholdInput, household_register
from households.services.handovers import household_handover
from households.services.rounds import round_plan
from imports.models import ImportJob, ImportKind, ImportStatus
from inventory.models import Donation, Item, KitComponent
from inventory.services import DonationLineInput, donation_receive, stock_count_start
from logistics.services import (
    AllocationInput,
    allocation_commit,
    shipment_create,
    shipment_deliver,
    shipment_dispatch,
)
from supply_requests.services import (
    RequestLineInput,
    request_approve,
    request_create,
    request_submit,
)
from tests.dashboards.conftest import at, travel
from tests.dashboards.test_query_counts import grow
from tests.factories import ItemFactory, UserFactory

ACTION = "POST only: an action that redirects, not a page or a list"
EXCLUDED = {
    # Actions.
    **dict.fromkeys(
        [
            "pages:request_submit",
            "pages:request_approve",
            "pages:request_reject",
            "pages:request_cancel",
            "pages:request_close",
            "pages:plan_commit",
            "pages:shipment_dispatch",
            "pages:shipment_cancel",
            "pages:shipment_receive",
            "pages:count_start",
            "pages:shipment_new",
            "pages:write_off_expired",
            "pages:donation_line_void",
            "pages:donation_line_correct",
            "imports:upload",
            "imports:confirm",
            "imports:retry",
            "imports:give_date",
            "imports:fix_row",
            "notifications:mark_read",
            "notifications:mark_all_read",
            "notifications:threshold_save",
            "notifications:threshold_delete",
            "api:create_donation",
            "api:create_transfer",
            "api:create_request",
            "api:submit_request",
            "api:approve_request",
            "api:reject_request",
            "api:cancel_request",
            "api:close_request",
            "api:commit_plan",
            "api:commit_allocations",
            "api:create_shipment",
            "api:dispatch_shipment",
            "api:deliver_shipment",
            "api:cancel_shipment",
            "api:create_adjustment",
            "api:create_token",
            "api:revoke_token",
            "pages:round_outcome",
            "pages:round_close",
            "api:create_household",
            "api:create_handover",
            "api:create_round",
            "api:record_outcome",
            "api:close_round",
            "set_language",
            "logout",
        ],
        ACTION,
    ),
    # Django's own.
    **dict.fromkeys(
        [
            "login",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "password_change",
            "password_change_done",
        ],
        "Django's auth forms: they list nothing",
    ),
    "api:openapi-json": "the schema: generated from the code, reads no data",
    "api:openapi-view": "the docs page: static",
    "api:api-root": "ninja's root: no view of ours",
    "api:health": "one constant statement, no data read",
    "imports:export": "a download of everything the reader may see: O(rows) by design, "
    "streamed in chunks (imports/exports.py)",
    # The phone's app shell (issue 22).
    **dict.fromkeys(
        ["service_worker", "manifest", "offline"],
        "the installable app's shell: static text with hashed file names, reads no data",
    ),
    "pages:delivery_code": "a form that finds one shipment by its typed code: no list",
    "pages:shipment_photo": "one shipment's photo file, behind one visibility check: no list",
    # Public pages (issue 21): anonymous and cached; this world publishes nothing, so they are
    # measured in tests/public, which grow the history tenfold with a publishing organisation.
    **dict.fromkeys(
        ["public:needs", "api:public_needs"],
        "tests/public/test_needs_board.py counts the same statements at 3 and 30 requests; "
        "the API answers from the same selector",
    ),
    **dict.fromkeys(
        ["public:donor", "api:public_donor"],
        "tests/public/test_donors.py counts the same statements before and after ten more "
        "gifts; the API answers from the same selector",
    ),
    **dict.fromkeys(
        ["public:list", "api:public_list"],
        "one organisation's one day, as published: O(that day's receipts or dispatches) by "
        "design, like the Red Cross's own lists",
    ),
    "public:donation": "one donation's printable page: bounded by its own lines",
    "public:offer": "one offer, found by its secret link: no list",
    "public:offer_new": "the offer form: lists nothing",
    "public:offers_manage": "staff: the 100 newest offers and 100 pledges (sliced), needs from "
    "the public board's bounded selector",
    "public:publishing_manage": "staff: their organisations and at most 200 private donors",
    "api:plan_allocations": "POST: a plan for the items named in the body; bounded by "
    "what it is asked for (bench.http measures it)",
}


def patterns(resolver=None, namespace: str = "") -> Iterator[str]:
    """Every named URL pattern, as namespace:name (the admin is not ours)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def first_donation(world) -> int:
    return Donation.objects.filter(site=world.site).order_by("pk").first().pk


def first_job(world) -> int:
    return ImportJob.objects.order_by("pk").first().pk


# name -> [(reader, url)] builders; figures are measured one by one, JSON and CSV.
Url = Callable[[object], str]
MEASURED: dict[str, list[tuple[str, Url]]] = {
    "home": [("coordinator", lambda w: reverse("home")), ("worker", lambda w: reverse("home"))],
    "pages:requests": [
        ("coordinator", lambda w: reverse("pages:requests")),
        ("worker", lambda w: reverse("pages:requests")),
    ],
    "pages:request_new": [("worker", lambda w: reverse("pages:request_new"))],
    "pages:queue": [("coordinator", lambda w: reverse("pages:queue"))],
    "pages:request": [
        ("coordinator", lambda w: reverse("pages:request", args=[w.delivered_request.pk]))
    ],
    "pages:request_edit": [
        ("worker", lambda w: reverse("pages:request_edit", args=[w.draft_request.pk]))
    ],
    "pages:shortages": [("coordinator", lambda w: reverse("pages:shortages"))],
    "pages:release_expired": [("coordinator", lambda w: reverse("pages:release_expired"))],
    "pages:dispatch": [("coordinator", lambda w: reverse("pages:dispatch"))],
    "pages:tracking": [("coordinator", lambda w: reverse("pages:tracking"))],
    "pages:shipment": [("coordinator", lambda w: reverse("pages:shipment", args=[w.shipment.pk]))],
    "pages:stock": [
        ("staff", lambda w: reverse("pages:stock")),
        ("coordinator", lambda w: reverse("pages:stock") + "?sort=expiry"),
    ],
    "pages:adjust": [("staff", lambda w: reverse("pages:adjust") + f"?site={w.site.code}")],
    "pages:transfer": [("staff", lambda w: reverse("pages:transfer"))],
    "pages:count": [("staff", lambda w: reverse("pages:count", args=[w.count.pk]))],
    "pages:donation_new": [("staff", lambda w: reverse("pages:donation_new"))],
    "pages:donations": [("staff", lambda w: reverse("pages:donations"))],
    "pages:donation": [("staff", lambda w: reverse("pages:donation", args=[first_donation(w)]))],
    "dashboards:coordinator": [("coordinator", lambda w: reverse("dashboards:coordinator"))],
    "dashboards:stock": [("staff", lambda w: reverse("dashboards:stock"))],
    "dashboards:unit": [("worker", lambda w: reverse("dashboards:unit", args=[w.tree.north.pk]))],
    **{
        f"dashboards:figure-{ext}": [
            (
                "worker" if name in UNIT_PAGE else "coordinator",
                lambda w, name=name, ext=ext: (
                    reverse(f"dashboards:figure-{ext}", args=[name])
                    + (f"?unit={w.tree.north.pk}" if name in UNIT_PAGE else "")
                ),
            )
            for name in sorted(FIGURES)
        ]
        for ext in ("json", "csv")
    },
    "imports:index": [("staff", lambda w: reverse("imports:index"))],
    "imports:job": [("staff", lambda w: reverse("imports:job", args=[first_job(w)]))],
    "imports:job_status": [("staff", lambda w: reverse("imports:job_status", args=[first_job(w)]))],
    "notifications:inbox": [
        ("coordinator", lambda w: reverse("notifications:inbox")),
        ("worker", lambda w: reverse("notifications:inbox")),
    ],
    "api:list_items": [("staff", lambda w: reverse("api:list_items"))],
    "api:list_organisations": [("staff", lambda w: reverse("api:list_organisations"))],
    "api:list_sites": [("staff", lambda w: reverse("api:list_sites"))],
    "api:list_donations": [("staff", lambda w: reverse("api:list_donations"))],
    "api:get_donation": [
        ("staff", lambda w: reverse("api:get_donation", args=[first_donation(w)]))
    ],
    "api:list_balances": [
        ("staff", lambda w: reverse("api:list_balances")),
        ("staff", lambda w: reverse("api:list_balances") + f"?site={w.site.code}"),
    ],
    "api:list_movements": [("staff", lambda w: reverse("api:list_movements"))],
    "api:list_served_units": [("coordinator", lambda w: reverse("api:list_served_units"))],
    "api:list_requests": [
        ("coordinator", lambda w: reverse("api:list_requests")),
        ("worker", lambda w: reverse("api:list_requests")),
    ],
    "api:get_request": [
        ("coordinator", lambda w: reverse("api:get_request", args=[w.delivered_request.pk]))
    ],
    "api:request_plans": [
        ("coordinator", lambda w: reverse("api:request_plans", args=[w.delivered_request.pk]))
    ],
    "api:list_shipments": [("coordinator", lambda w: reverse("api:list_shipments"))],
    "api:get_shipment": [
        ("coordinator", lambda w: reverse("api:get_shipment", args=[w.shipment.pk]))
    ],
    "api:dashboard_summary": [("coordinator", lambda w: reverse("api:dashboard_summary"))],
    "api:list_tokens": [("staff", lambda w: reverse("api:list_tokens"))],
    # The household register, handovers and rounds (issue 20): the community's worker, and
    # the volunteer walking the round.
    "pages:households": [("worker", lambda w: reverse("pages:households"))],
    "pages:household_new": [("worker", lambda w: reverse("pages:household_new"))],
    "pages:household_edit": [
        ("worker", lambda w: reverse("pages:household_edit", args=[w.household.pk]))
    ],
    "pages:household_handover": [
        ("worker", lambda w: reverse("pages:household_handover", args=[w.household.pk]))
    ],
    "pages:rounds": [
        ("worker", lambda w: reverse("pages:rounds")),
        ("volunteer", lambda w: reverse("pages:rounds")),
    ],
    "pages:round_new": [("worker", lambda w: reverse("pages:round_new"))],
    "pages:round": [
        ("worker", lambda w: reverse("pages:round", args=[w.round.pk])),
        ("volunteer", lambda w: reverse("pages:round", args=[w.round.pk])),
    ],
    "pages:kit_assemble": [("staff", lambda w: reverse("pages:kit_assemble"))],
    "api:list_households": [
        ("worker", lambda w: reverse("api:list_households") + f"?served_unit={w.tree.north.pk}")
    ],
    "api:households_summary": [
        (
            "coordinator",
            lambda w: reverse("api:households_summary") + f"?served_unit={w.tree.north.pk}",
        ),
        ("worker", lambda w: reverse("api:households_summary") + f"?served_unit={w.tree.north.pk}"),
    ],
    "api:get_round": [
        ("worker", lambda w: reverse("api:get_round", args=[w.round.pk])),
        ("volunteer", lambda w: reverse("api:get_round", args=[w.round.pk])),
    ],
}


def import_job(world, number: int, rows: int) -> ImportJob:
    """A finished donation import with a row report of `rows` rows (the list must not
    read it)."""
    return ImportJob.objects.create(
        kind=ImportKind.DONATIONS,
        status=ImportStatus.DONE,
        organisation=world.site.organisation,
        site=world.site,
        created_by=world.staff,
        file_name=f"donations-{number}.csv",
        file_sha256=f"{number:064d}",
        content=b"",
        rows_total=rows,
        rows_done=rows,
        report=[[n, "new", "", f"row {n}", []] for n in range(rows)],
    )


def register(world, number: int, *, unit=None, actor=None) -> Household:
    """Household `number` of a community (the north one by default), by its worker."""
    return household_register(
        actor=actor or world.worker,
        served_unit=unit or world.tree.north,
        data=HouseholdInput(
            contact_name=f"住户 {number}",
            phone=f"139{number:08d}",
            building=f"{number % 7 + 1}栋",
            unit_no=f"{number % 3 + 1}单元",
            room=f"{number}",
            members=number % 4 + 1,
            categories=(Category.ELDERLY_ALONE, Category.HOME_ISOLATION)[: number % 3],
            isolation_from=dt.date(2020, 2, 1),
            isolation_until=dt.date(2020, 2, 14),
            notes=f"note {number}",
            consent=True,
        ),
    )


def deliver_to_north(world, quantity: int) -> None:
    """Masks asked for, approved, shipped and delivered to the north community: they arrive
    in its stock point (it keeps a register), for handovers and rounds."""
    request = request_create(
        actor=world.worker,
        served_unit=world.tree.north,
        lines=[RequestLineInput(item=world.masks_item, quantity=quantity)],
    )
    request = request_submit(actor=world.worker, request=request)
    line = request.lines.get()
    request_approve(actor=world.coordinator, request=request, approved={line.pk: quantity})
    allocation_commit(
        actor=world.coordinator, allocations=[AllocationInput(line.pk, world.site, quantity)]
    )
    shipment = shipment_create(
        actor=world.coordinator, site=world.site, served_unit=world.tree.north
    )
    shipment_dispatch(actor=world.coordinator, shipment=shipment)
    shipment_deliver(actor=world.worker, shipment=shipment)


def kit(world, number: int, components: list[Item]) -> Item:
    """A family kit item whose recipe is `components` (one to three of each)."""
    made = ItemFactory(code=f"family-kit-{number}", name_zh=f"家庭包 {number}")
    for index, component in enumerate(components):
        KitComponent.objects.create(kit=made, component=component, quantity=index % 3 + 1)
    return made


def grow_households(world) -> None:
    """Ten times the register: households here and in the sibling community, handovers,
    rounds (the measured one stays as it is), kits."""
    with travel(at(2, 10, month=3)):
        deliver_to_north(world, 200)
        households = [register(world, number) for number in range(4, 31)]
        for number in range(31, 41):
            register(world, number, unit=world.tree.east, actor=world.east_worker)
        for household in households[:10]:
            household_handover(
                actor=world.worker, household=household, item=world.masks_item, quantity=1
            )
        for start in range(10, 27, 2):
            round_plan(
                actor=world.worker,
                served_unit=world.tree.north,
                volunteer=world.volunteer,
                item=world.masks_item,
                quantity=1,
                households=households[start : start + 2],
            )
    components = [world.masks_item, world.rice, *(ItemFactory() for _ in range(3))]
    for number in range(2, 11):
        kit(world, number, components[: number % 5 + 1])


def grow_tenfold(world, admin_user) -> None:
    """`grow` (ten times the units, items, days, requests and shipments), plus lots with
    donors of their own, import jobs and counts, and the household register."""
    grow(world, admin_user)
    grow_households(world)
    for day in range(20):
        with travel(at(1, 10, month=3) + dt.timedelta(days=day)):
            donation_receive(
                actor=world.staff,
                site=world.site,
                donor=f"donor of lot {day}",
                received_at=dt.date(2020, 3, 1) + dt.timedelta(days=day),
                lines=[
                    DonationLineInput(
                        item=world.masks_item, quantity=100, expiry=dt.date(2021, 1, 1 + day)
                    )
                ],
            )
    for number in range(2, 22):
        import_job(world, number, rows=200)
    for site in (world.other_site,):
        stock_count_start(actor=world.staff, site=site)


@pytest.fixture
def measured_world(world, worker):
    with travel(at(31, 16)):
        world.draft_request = request_create(
            actor=worker,
            served_unit=world.tree.north,
            lines=[RequestLineInput(item=world.masks_item, quantity=5)],
        )
        world.count = stock_count_start(actor=world.staff, site=world.site)
    import_job(world, 1, rows=20)
    # The north community's register (three households), stock delivered into it, one
    # handover and a round walked by its volunteer; a family kit.
    world.volunteer = UserFactory(username="volunteer")
    Volunteer.objects.create(user=world.volunteer, served_unit=world.tree.north)
    with travel(at(1, 10, month=2)):
        world.household, *others = [register(world, number) for number in range(1, 4)]
        deliver_to_north(world, 100)
        household_handover(
            actor=world.worker, household=world.household, item=world.masks_item, quantity=2
        )
        world.round = round_plan(
            actor=world.worker,
            served_unit=world.tree.north,
            volunteer=world.volunteer,
            item=world.masks_item,
            quantity=5,
            households=others,
        )
    kit(world, 1, [world.masks_item, world.rice])
    return world


def statements(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Accept-Language": "en"})
    if response.status_code != 200:
        return -response.status_code
    return len(queries)


def test_every_named_pattern_is_measured_or_excluded_with_a_reason():
    names = set(patterns())
    assert names - MEASURED.keys() - EXCLUDED.keys() == set(), "measure it, or say why not"
    assert MEASURED.keys() - names == set() and EXCLUDED.keys() - names == set()
    assert all(EXCLUDED.values())


def test_no_page_or_list_costs_more_statements_when_the_world_grows_tenfold(
    client, measured_world, admin_user
):
    world = measured_world
    targets = [
        (name, reader, build(world))
        for name, builders in MEASURED.items()
        for reader, build in builders
    ]
    readers = {reader for _name, reader, _url in targets}

    def measure() -> dict[tuple[str, str], int]:
        counts = {}
        for reader in sorted(readers):
            client.force_login(getattr(world, reader))
            # The session's first page remembers the reader's language (one write, once).
            client.get(reverse("home"), headers={"Accept-Language": "en"})
            for _name, who, url in targets:
                if who == reader:
                    counts[(reader, url)] = statements(client, url)
        return counts

    small = measure()
    refused = {key: -count for key, count in small.items() if count < 0}
    assert refused == {}, "every measured page answers 200"
    grow_tenfold(world, admin_user)
    large = measure()
    grew = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert grew == {}, "statements (small world, tenfold world)"


def test_the_imports_list_shows_a_summary_without_reading_any_row_report(client, measured_world):
    world = measured_world
    for number in range(2, 5):
        import_job(world, number, rows=500)
    client.force_login(world.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("imports:index"), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "donations-4.csv" in response.content.decode()
    jobs = [q["sql"] for q in queries if 'FROM "imports_importjob"' in q["sql"]]
    assert jobs and not any('"imports_importjob"."report"' in sql for sql in jobs)
