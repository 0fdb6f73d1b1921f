"""The public read-only API: anonymous, cached for at most a minute, rate-limited per
address. The same selectors as the public pages, so the two never disagree."""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema
from ninja.throttling import SimpleRateThrottle

from core.api import Id, responses
from logistics.accounting import TERMS
from public import selectors


class PublicReadThrottle(SimpleRateThrottle):
    """Per client address; the rate is PUBLIC_API_RATE (read on each call)."""

    scope = "public-api"

    def __init__(self) -> None:
        super().__init__(rate=settings.PUBLIC_API_RATE or "1/s")

    def allow_request(self, request: HttpRequest) -> bool:
        if not settings.PUBLIC_API_RATE:
            return True
        self.rate = settings.PUBLIC_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


API_NEEDS_LIMIT = 1000
router = Router(tags=["public"], auth=None, throttle=[PublicReadThrottle()])


class NeedOut(Schema):
    district: str
    served_unit: str
    item: str
    item_name: str
    unit: str
    needed: int | None
    delivered: int
    waiting_hours: int


class NeedsOut(Schema):
    items: list[NeedOut]
    count: int


class DonorItemOut(Schema):
    item: str
    received: int
    in_stock: int
    reserved: int
    in_transit: int
    delivered: int
    lost_or_damaged: int
    written_off: int
    adjusted: int
    made_into_kits: int
    communities: int
    households_reached: int = Field(..., description="different households its goods reached")


class DonorOut(Schema):
    donor: str
    items: list[DonorItemOut]


class ListRowOut(Schema):
    date: dt.date
    party: str
    item: str
    item_name: str
    spec: str
    unit: str
    quantity: int


class ListOut(Schema):
    organisation: str
    date: dt.date
    kind: str
    items: list[ListRowOut]
    count: int


def _cached(key: str, compute):
    key = f"{key}:{get_language()}"  # names are in the reader's language
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PUBLIC_CACHE_SECONDS)
    return value


@router.get("/public/needs", response=responses({200: NeedsOut}), url_name="public_needs")
def public_needs(request: HttpRequest, district: int | None = None, item: str = ""):
    """What the publishing organisations' units still need (the needs board)."""

    def compute():
        needs = selectors.needs_board(district=district, item=item[:40])
        waiting = [n for n in needs if not n.met]
        rows = [{name: getattr(n, name) for name in NeedOut.model_fields} for n in waiting]
        # The most urgent first, at most API_NEEDS_LIMIT; `count` is all that wait.
        return {"items": rows[:API_NEEDS_LIMIT], "count": len(rows)}

    return _cached(f"public-api:needs:{district}:{item[:40]}", compute)


@router.get(
    "/public/donors/{donor_id}", response=responses({200: DonorOut}), url_name="public_donor"
)
def public_donor(request: HttpRequest, donor_id: Id):
    """Where a donor's goods went, per item: the balance identity."""

    def compute():
        donor = selectors.public_donor(donor_id)
        if donor is None:
            return {}
        items = []
        for entry in selectors.donor_accounts(donor):
            row = {term: getattr(entry.account, term) for term in TERMS}
            items.append(
                {
                    "item": entry.item.code,
                    **row,
                    "communities": entry.account.communities,
                    "households_reached": entry.households,
                }
            )
        return {"donor": selectors.donor_public_name(donor), "items": items}

    body = _cached(f"public-api:donor:{donor_id}", compute)
    if not body:
        raise Http404
    return body


@router.get("/public/lists/{kind}", response=responses({200: ListOut}), url_name="public_list")
def public_list(request: HttpRequest, kind: str, organisation: str, date: dt.date):
    """A publishing organisation's received-goods or distribution list of one day."""
    if kind not in ("received", "distributed"):
        raise Http404

    def compute():
        found = selectors.published_organisation(organisation[:40])
        if found is None:
            return {}
        reader = selectors.received_list if kind == "received" else selectors.distributed_list
        rows = [vars(row) for row in reader(found, date)]
        return {
            "organisation": found.code,
            "date": date,
            "kind": kind,
            "items": rows,
            "count": len(rows),
        }

    body = _cached(f"public-api:list:{kind}:{organisation[:40]}:{date}", compute)
    if not body:
        raise Http404
    return body
