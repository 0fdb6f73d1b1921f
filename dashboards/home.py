"""The front page: for a visitor, the tracker at a glance; for a signed-in person, what needs
them now, by role (someone with several roles sees each section)."""

from datetime import timedelta

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inventory.models import Donation, Item, ItemCategory, Organisation, StockBalance
from inventory.selectors import balances_for, sites_for
from logistics.selectors import shipments_on_the_way, shortages
from supply_requests.models import OPEN_STATUSES, ServedUnit, SupplyRequest
from supply_requests.roles import roles_for
from supply_requests.selectors import coordinated_units, requests_for


def _overview() -> dict:
    # Counts of items and lots, per category: the quantities are in different units (masks,
    # pairs of gloves, bottles, kilograms) and a sum of them would mean nothing.
    in_stock = {
        row["item__category"]: row
        for row in StockBalance.objects.filter(on_hand__gt=0)
        .values("item__category")
        .annotate(items=Count("item", distinct=True), lots=Count("lot", distinct=True))
    }
    return {
        "stock": [
            {
                "label": label,
                "items": in_stock.get(value, {}).get("items", 0),
                "lots": in_stock.get(value, {}).get("lots", 0),
            }
            for value, label in ItemCategory.choices
        ],
        "organisations": Organisation.objects.annotate(
            site_count=Count("sites", distinct=True),
            unit_count=Count("served_units", distinct=True),
        ).order_by("city", "code"),
        "counts": {
            "organisations": Organisation.objects.count(),
            "served_units": ServedUnit.objects.count(),
            "items": Item.objects.count(),
            "donations": Donation.objects.count(),
        },
    }


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "home.html", _overview())
    roles = roles_for(user)
    context: dict = {"roles": roles}
    today = timezone.localdate()
    if roles.is_staff_member or roles.is_coordinator or roles.is_admin:
        context["short"] = shortages(user)[:10]
        context["expiring"] = (
            balances_for(user)
            .filter(on_hand__gt=0, expiry__lte=today + timedelta(days=30))
            .order_by("expiry", "lot_id")[:10]
        )
        context["recent_donations"] = (
            Donation.objects.filter(site__in=sites_for(user))
            .select_related("donor", "site")
            .order_by("-received_at", "-id")[:5]
        )
    if roles.is_community_worker:
        context["my_requests"] = (
            requests_for(user)
            .filter(served_unit_id__in=roles.worker_unit_ids, status__in=OPEN_STATUSES)
            .order_by("-created_at")[:20]
        )
    if roles.is_coordinator or roles.is_admin:
        waiting = SupplyRequest.objects.filter(
            served_unit__in=coordinated_units(user), status="submitted"
        )
        context["queue_count"] = waiting.count()
        context["queue"] = waiting.select_related("served_unit").order_by("submitted_at")[:5]
    context["on_the_way"] = shipments_on_the_way(user)[:10]
    return render(request, "dashboards/home.html", context)
