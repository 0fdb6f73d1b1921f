"""Catalogue, sites, donations and stock over HTTP. Thin: parse, call a service or selector,
shape the answer. Every lookup is scoped to the caller: someone else's object is a 404."""

from datetime import date

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_support import idempotent
from core.api import Id, Page, get_visible, responses
from inventory import schemas
from inventory.exceptions import ValidationFailed
from inventory.models import (
    Donation,
    DonationLine,
    Donor,
    Item,
    ItemCategory,
    Lot,
    MovementKind,
    Organisation,
    Site,
    StockMovement,
)
from inventory.selectors import balances_for, sites_for
from inventory.services import (
    DonationLineInput,
    TransferLineInput,
    donation_receive,
    stock_transfer,
)

router = Router(tags=["inventory"])


def visible_site(request: HttpRequest, code: str) -> Site:
    return get_object_or_404(sites_for(request.auth), code=code)


def items_by_code(codes: set[str]) -> dict[str, Item]:
    items = Item.objects.in_bulk(codes, field_name="code")
    unknown = sorted(codes - set(items))
    if unknown:
        raise ValidationFailed(_("Unknown item code(s): %(codes)s") % {"codes": ", ".join(unknown)})
    return items


@router.get("/items", response=responses({200: list[schemas.ItemOut]}))
@paginate(Page)
def list_items(
    request: HttpRequest,
    q: str | None = Query(None, max_length=100, description="name, English name or alias"),
    category: ItemCategory | None = None,
):
    items = Item.objects.prefetch_related("packs", "aliases").order_by("code")
    if q:
        items = items.filter(
            Q(code__icontains=q)
            | Q(name_zh__icontains=q)
            | Q(name_en__icontains=q)
            | Q(aliases__alias__icontains=q)
        ).distinct()
    if category:
        items = items.filter(category=category)
    return items


@router.get("/organisations", response=responses({200: list[schemas.OrganisationOut]}))
@paginate(Page)
def list_organisations(request: HttpRequest):
    return Organisation.objects.order_by("code")


@router.get("/sites", response=responses({200: list[schemas.SiteOut]}))
@paginate(Page)
def list_sites(request: HttpRequest):
    """Sites whose stock you keep (your organisations' sites)."""
    return sites_for(request.auth).select_related("organisation").order_by("code")


def _donations(request: HttpRequest):
    lines = DonationLine.objects.select_related("item", "lot").order_by("id")
    return (
        Donation.objects.filter(site__in=sites_for(request.auth))
        .select_related("site", "organisation", "donor")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


@router.post("/donations", response=responses({201: schemas.DonationOut}))
@decorate_view(idempotent)
def create_donation(
    request: HttpRequest,
    payload: schemas.DonationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Record goods received at a site: each line becomes a lot with a receipt movement."""
    site = visible_site(request, payload.site)
    items = items_by_code({line.item for line in payload.lines})
    if isinstance(payload.donor, int):
        donor = get_object_or_404(Donor, pk=payload.donor)
    else:
        donor = payload.donor
    donation = donation_receive(
        actor=request.auth,
        site=site,
        donor=donor,
        received_at=payload.received_at,
        reference=payload.reference,
        note=payload.note,
        lines=[
            DonationLineInput(
                item=items[line.item],
                quantity=line.quantity,
                pack_name=line.pack,
                pack_size=line.pack_size,
                batch=line.batch,
                expiry=line.expiry,
            )
            for line in payload.lines
        ],
    )
    return Status(201, _donations(request).get(pk=donation.pk))


@router.get("/donations", response=responses({200: list[schemas.DonationOut]}))
@paginate(Page)
def list_donations(
    request: HttpRequest,
    site: str | None = Query(None, max_length=40),
    donor: str | None = Query(None, max_length=200),
    received_from: date | None = None,
    received_to: date | None = None,
):
    donations = _donations(request).order_by("-received_at", "-id")
    if site:
        donations = donations.filter(site__code=site)
    if donor:
        donations = donations.filter(donor__name__icontains=donor)
    if received_from:
        donations = donations.filter(received_at__gte=received_from)
    if received_to:
        donations = donations.filter(received_at__lte=received_to)
    return donations


@router.get("/donations/{donation_id}", response=responses({200: schemas.DonationOut}))
def get_donation(request: HttpRequest, donation_id: Id):
    return get_visible(_donations(request), donation_id)


@router.get("/stock/balances", response=responses({200: list[schemas.BalanceOut]}))
@paginate(Page)
def list_balances(
    request: HttpRequest,
    site: str | None = Query(None, max_length=40),
    item: str | None = Query(None, max_length=40),
    category: ItemCategory | None = None,
    include_empty: bool = False,
):
    """Stock per site and lot: on hand, reserved, available, expiry (soonest first)."""
    balances = balances_for(request.auth).order_by(
        "site__code", "item__code", "lot__expiry", "lot_id"
    )
    if not include_empty:
        balances = balances.filter(on_hand__gt=0)
    if site:
        balances = balances.filter(site__code=site)
    if item:
        balances = balances.filter(item__code=item)
    if category:
        balances = balances.filter(item__category=category)
    return balances


@router.get("/stock/movements", response=responses({200: list[schemas.MovementOut]}))
@paginate(Page)
def list_movements(
    request: HttpRequest,
    site: str | None = Query(None, max_length=40),
    item: str | None = Query(None, max_length=40),
    kind: MovementKind | None = None,
    lot: Id | None = None,
):
    movements = (
        StockMovement.objects.filter(site__in=sites_for(request.auth))
        .select_related("site", "item", "actor")
        .order_by("-occurred_at", "-id")
    )
    if site:
        movements = movements.filter(site__code=site)
    if item:
        movements = movements.filter(item__code=item)
    if kind:
        movements = movements.filter(kind=kind)
    if lot:
        movements = movements.filter(lot_id=lot)
    return movements


@router.post("/stock/transfers", response=responses({201: schemas.TransferOut}))
@decorate_view(idempotent)
def create_transfer(
    request: HttpRequest,
    payload: schemas.TransferIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Move unreserved stock of one or more lots from one of your sites to another."""
    from_site = visible_site(request, payload.from_site)
    to_site = visible_site(request, payload.to_site)
    lots = Lot.objects.in_bulk({line.lot for line in payload.lines})
    missing = sorted({line.lot for line in payload.lines} - set(lots))
    if missing:
        raise ValidationFailed(_("Unknown lot(s): %(ids)s") % {"ids": ", ".join(map(str, missing))})
    transfer = stock_transfer(
        actor=request.auth,
        from_site=from_site,
        to_site=to_site,
        note=payload.note,
        lines=[
            TransferLineInput(lot=lots[line.lot], quantity=line.quantity) for line in payload.lines
        ],
    )
    return Status(201, transfer)
