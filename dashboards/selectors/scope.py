"""What a dashboard reader may see, narrowed by the filters in the URL.

A `Scope` is built once per request: the sites (stock) and served units (requests) the user
may see — from `inventory.selectors.sites_for` and `supply_requests.selectors.units_for`, the
one role model — narrowed by organisation, district or one unit's subtree, a category and a
date range. Every figure reads through it, so no figure can show more than its reader may
see. Building it costs a fixed handful of queries (the roles, the sites, the directory).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from inventory.models import DailyStockRollup, Site
from inventory.permissions import User
from logistics.models import Shipment
from supply_requests.models import ServedUnit, SupplyRequest
from supply_requests.roles import Roles, roles_for
from supply_requests.selectors import units_for

# The default window: two weeks, the horizon a coordinator plans in (and the "last 14 days"
# of days of cover).
WINDOW_DAYS = 14


@dataclass(frozen=True, slots=True)
class UnitNode:
    pk: int
    parent_id: int | None
    name: str
    name_en: str
    kind: str

    @property
    def label(self) -> str:
        """The unit's name in the reader's language (Chinese when there is no English)."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


@dataclass(frozen=True)
class Directory:
    """Every served unit's place in the tree (district → street → community), from one
    query, and which of them the reader may see."""

    nodes: dict[int, UnitNode]
    visible: frozenset[int]

    def chain(self, pk: int) -> list[UnitNode]:
        """From the root (the district) down to the unit itself."""
        path, seen, node = [], set(), self.nodes.get(pk)
        while node is not None and node.pk not in seen:
            path.append(node)
            seen.add(node.pk)
            node = self.nodes.get(node.parent_id) if node.parent_id else None
        return path[::-1]

    def district_of(self, pk: int) -> UnitNode:
        return self.chain(pk)[0]

    def street_of(self, pk: int) -> UnitNode:
        """The unit right below the district (a street, a town, a department), or the unit
        itself when it is a district."""
        path = self.chain(pk)
        return path[1] if len(path) > 1 else path[0]

    def subtree(self, pk: int) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for node in self.nodes.values():
            children.setdefault(node.parent_id, []).append(node.pk)
        found, frontier = {pk}, [pk]
        while frontier:
            below = [c for p in frontier for c in children.get(p, []) if c not in found]
            found.update(below)
            frontier = below
        return found

    def districts(self) -> list[UnitNode]:
        """The roots above the visible units, in name order."""
        roots = {self.district_of(pk).pk for pk in self.visible if pk in self.nodes}
        return sorted((self.nodes[pk] for pk in roots), key=lambda n: n.name)


@dataclass(frozen=True)
class Scope:
    """One reader's view: what she may see, as narrowed by the filters."""

    user: User
    roles: Roles
    sites: QuerySet[Site]
    directory: Directory
    unit_ids: frozenset[int]
    date_from: date
    date_to: date
    dates_defaulted: bool = False
    organisation_id: int | None = None
    district_id: int | None = None
    unit: UnitNode | None = None
    category: str | None = None

    @cached_property
    def site_ids(self) -> list[int]:
        """The sites' ids, read once per scope. Stock reads name them as constants: given
        the sites as a subquery, the planner cannot see how few they are and scans every
        balance of every organisation (measured: 65 ms instead of 20 at the large tier)."""
        return list(self.sites.values_list("pk", flat=True))

    @property
    def can_see_stock(self) -> bool:
        """Organisation staff, coordinators and administrators; community workers hold no
        stock."""
        return self.roles.is_admin or bool(self.roles.organisation_ids)

    @property
    def can_coordinate(self) -> bool:
        return self.roles.is_admin or self.roles.is_coordinator

    @property
    def can_see_requests(self) -> bool:
        return bool(self.directory.visible)

    @property
    def days(self) -> list[date]:
        return [
            self.date_from + timedelta(days=n)
            for n in range((self.date_to - self.date_from).days + 1)
        ]

    @property
    def moment(self) -> datetime:
        """The end of the last day shown, or now if that is earlier: "waiting for" and
        "as of" are measured to here."""
        end = timezone.make_aware(datetime.combine(self.date_to, time.max))
        return min(end, timezone.now())

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_to, time.max))


def load_directory(units: QuerySet[ServedUnit]) -> Directory:
    """The units in `units` (flagged visible) and every unit above them, from one query.

    Only those: every figure names a unit in view, its district and its street, and a
    subtree of a visible unit, intersected with the visible ones, only passes through their
    ancestors. Reading the whole tree cost 2.5 ms of CPU per request at the large tier
    (1,064 units) for a worker who sees one community."""
    table = ServedUnit._meta.db_table
    try:
        inner, params = units.order_by().values("pk").query.get_compiler(using=units.db).as_sql()
    except EmptyResultSet:  # no units at all
        return Directory(nodes={}, visible=frozenset())
    # The visible ids, then their parents, level by level up to the districts.
    sql = f"""
        WITH RECURSIVE up(id) AS (
            SELECT v.id FROM {table} v WHERE v.id IN ({inner})
            UNION
            SELECT t.parent_id FROM {table} t JOIN up ON t.id = up.id
            WHERE t.parent_id IS NOT NULL
        )
        SELECT u.id, u.parent_id, u.name, u.name_en, u.kind, u.id IN ({inner})
        FROM {table} u WHERE u.id IN (SELECT id FROM up)
    """
    nodes, visible = {}, set()
    with connections[units.db].cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        for pk, parent_id, name, name_en, kind, is_visible in cursor.fetchall():
            nodes[pk] = UnitNode(pk, parent_id, name, name_en, kind)
            if is_visible:
                visible.add(pk)
    return Directory(nodes=nodes, visible=frozenset(visible))


def latest_activity(*, sites: QuerySet[Site] | None, unit_ids: frozenset[int]) -> date | None:
    """The last day anything happened that the reader may see: a stock movement at her sites
    (from the roll-up, newest day first on its index), or else a request submitted by or a
    shipment delivered to her units."""
    if sites is not None:
        day = (
            DailyStockRollup.objects.filter(site__in=sites)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        if day is not None:
            return day
    if not unit_ids:
        return None
    moments = [
        SupplyRequest.objects.filter(served_unit_id__in=unit_ids, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first(),
        Shipment.objects.filter(served_unit_id__in=unit_ids, delivered_at__isnull=False)
        .order_by("-delivered_at")
        .values_list("delivered_at", flat=True)
        .first(),
    ]
    latest = max((m for m in moments if m is not None), default=None)
    return timezone.localdate(latest) if latest else None


def default_window(
    *, sites: QuerySet[Site] | None, unit_ids: frozenset[int], today: date | None = None
) -> tuple[date, date, bool]:
    """(from, to, moved): the last 14 days to today — or, when nothing the reader may see
    happened in them, the 14 days up to the last day something did (`moved` is then True).

    A dashboard opened on a quiet archive (the 2020 demo world, a closed emergency) then
    shows its last fortnight instead of two empty weeks; the page says so and links to
    today.
    """
    today = today or timezone.localdate()
    window = timedelta(days=WINDOW_DAYS - 1)
    latest = latest_activity(sites=sites, unit_ids=unit_ids)
    if latest is None or latest >= today - window or latest > today:
        return today - window, today, False
    return latest - window, latest, True


def base_scope(user: User) -> Scope:
    """Everything the user may see, over the default window."""
    roles = roles_for(user)
    # `sites_for`, from the memberships `roles_for` has just read (it would read them again):
    # every site for an administrator, else her organisations' sites.
    sites = (
        Site.objects.all()
        if roles.is_admin
        else Site.objects.filter(organisation_id__in=roles.organisation_ids)
    )
    directory = load_directory(units_for(user))
    today = timezone.localdate()
    return Scope(
        user=user,
        roles=roles,
        sites=sites,
        directory=directory,
        unit_ids=directory.visible,
        date_from=today - timedelta(days=WINDOW_DAYS - 1),
        date_to=today,
    )


def narrow(
    scope: Scope,
    *,
    organisation_id: int | None = None,
    district_id: int | None = None,
    unit_id: int | None = None,
    category: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Scope:
    """The scope narrowed by filters the caller has already checked against it (see
    `dashboards.forms.FilterForm`); missing dates get the default window."""
    sites, unit_ids = scope.sites, scope.unit_ids
    directory = scope.directory
    if organisation_id is not None:
        sites = sites.filter(organisation_id=organisation_id)
        unit_ids = unit_ids & frozenset(
            ServedUnit.objects.filter(organisations=organisation_id).values_list("pk", flat=True)
        )
    if district_id is not None:
        unit_ids = unit_ids & frozenset(directory.subtree(district_id))
    unit = None
    if unit_id is not None:
        unit = directory.nodes[unit_id]
        unit_ids = unit_ids & frozenset(directory.subtree(unit_id))
    window = timedelta(days=WINDOW_DAYS - 1)
    defaulted = False
    if date_from is None and date_to is None:
        stock_sites = sites if scope.can_see_stock and unit is None else None
        date_from, date_to, defaulted = default_window(sites=stock_sites, unit_ids=unit_ids)
    elif date_from is None:
        date_from = date_to - window
    elif date_to is None:
        date_to = date_from + window
    return replace(
        scope,
        sites=sites,
        unit_ids=unit_ids,
        organisation_id=organisation_id,
        district_id=district_id,
        unit=unit,
        category=category or None,
        date_from=date_from,
        date_to=date_to,
        dates_defaulted=defaulted,
    )
