"""The stock checks. Each reads the current state in a fixed number of queries, works out
who must hear of what, and hands the result to `alerts_reconcile`, which raises each alert
once per crossing. The checks of distribution call the same machinery from their own apps:
overdue shipments in `logistics.checks`, requests waiting for a decision in
`supply_requests.checks`.

Who is told:
- low stock at a site: its organisation's staff and coordinators;
- a lot near expiry (or expired) at a site: its organisation's staff and coordinators.
"""

from collections.abc import Collection

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from inventory.models import OrganisationRole
from notifications import conf
from notifications.models import NotificationKind
from notifications.selectors import (
    expiring_balances,
    organisation_members,
    stock_readings,
)
from notifications.services.alerts import Alert, CheckResult, alerts_reconcile

_ORGANISATION_ROLES = (OrganisationRole.STAFF, OrganisationRole.COORDINATOR)


def _balances_link(site_code: str, item_code: str) -> str:
    # The stock page of the site (the item is named in the notification itself).
    return f"{reverse('pages:stock')}?{urlencode({'site': site_code})}"


def low_stock_subject(site_id: int, item_id: int) -> str:
    return f"site={site_id}:item={item_id}"


def low_stock_check(*, threshold_ids: Collection[int] | None = None) -> CheckResult:
    """Alert each site's people when an item falls below its threshold there (absolute, or
    days of cover at the last 14 days' dispatch rate). With `threshold_ids`, only those."""
    readings = stock_readings(now=timezone.now(), threshold_ids=threshold_ids)
    members = organisation_members(
        {r.threshold.site.organisation_id for r in readings}, _ORGANISATION_ROLES
    )
    alerts = []
    for reading in readings:
        if not reading.is_low:
            continue
        threshold, site, item = reading.threshold, reading.threshold.site, reading.threshold.item
        cover = reading.days_of_cover
        alerts.append(
            Alert(
                subject=low_stock_subject(site.pk, item.pk),
                recipient_ids=frozenset(members.get(site.organisation_id, ())),
                params={
                    "site": site.name,
                    "site_id": site.pk,
                    "item_id": item.pk,
                    "item_zh": item.name_zh,
                    "item_en": item.name_en,
                    "unit": item.base_unit,
                    "on_hand": reading.on_hand,
                    "min_quantity": threshold.min_quantity,
                    "min_days_of_cover": threshold.min_days_of_cover,
                    "days_of_cover": None if cover is None else round(cover, 1),
                },
                link=_balances_link(site.code, item.code),
            )
        )
    scope = None
    if threshold_ids is not None:
        scope = {low_stock_subject(r.threshold.site_id, r.threshold.item_id) for r in readings}
    return alerts_reconcile(kind=NotificationKind.LOW_STOCK, alerts=alerts, scope=scope)


def near_expiry_check() -> CheckResult:
    """Alert a site's staff and coordinators of every lot there expiring within the window
    (30 days by default) or already expired, while any of it is on hand: coordinators plan
    what leaves, so they must know what may not."""
    balances = list(
        expiring_balances(today=timezone.localdate(), window_days=conf.expiry_window_days())
    )
    staff = organisation_members(
        {b.site.organisation_id for b in balances},
        [OrganisationRole.STAFF, OrganisationRole.COORDINATOR],
    )
    alerts = [
        Alert(
            subject=f"site={b.site_id}:lot={b.lot_id}",
            recipient_ids=frozenset(staff.get(b.site.organisation_id, ())),
            params={
                "site": b.site.name,
                "site_id": b.site_id,
                "lot": b.lot_id,
                "batch": b.lot.batch or "-",
                "item_zh": b.item.name_zh,
                "item_en": b.item.name_en,
                "unit": b.item.base_unit,
                "on_hand": b.on_hand,
                "expiry": b.lot.expiry.isoformat(),
            },
            link=_balances_link(b.site.code, b.item.code),
        )
        for b in balances
    ]
    return alerts_reconcile(kind=NotificationKind.NEAR_EXPIRY, alerts=alerts)
