from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inventory.models import Donation, Item, ItemCategory, Organisation, StockBalance
from supply_requests.models import ServedUnit


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the tracker holds right now, in one glance."""
    on_hand = dict(
        StockBalance.objects.values_list("item__category").annotate(total=Sum("on_hand"))
    )
    stock = [
        {"label": label, "on_hand": on_hand.get(value, 0)} for value, label in ItemCategory.choices
    ]
    organisations = Organisation.objects.annotate(
        site_count=Count("sites", distinct=True),
        unit_count=Count("served_units", distinct=True),
    ).order_by("city", "code")
    context = {
        "stock": stock,
        "organisations": organisations,
        "counts": {
            "organisations": Organisation.objects.count(),
            "served_units": ServedUnit.objects.count(),
            "items": Item.objects.count(),
            **Donation.objects.aggregate(donations=Count("pk")),
        },
    }
    return render(request, "home.html", context)
