"""Reads of inventory that are more than a one-line query."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet, Sum

from inventory.models import Donation, Donor, Site, StockBalance, StockMovement
from inventory.permissions import User, organisation_ids_for


@dataclass(frozen=True)
class LedgerMismatch:
    site_id: int
    lot_id: int
    balance_on_hand: int
    ledger_sum: int


def ledger_mismatches() -> list[LedgerMismatch]:
    """Every (site, lot) whose stored balance differs from the sum of its movements."""
    sums = {
        (row["site_id"], row["lot_id"]): row["total"]
        for row in StockMovement.objects.order_by()
        .values("site_id", "lot_id")
        .annotate(total=Sum("quantity"))
    }
    mismatches = []
    for site_id, lot_id, on_hand in StockBalance.objects.values_list(
        "site_id", "lot_id", "on_hand"
    ).iterator(chunk_size=10_000):
        total = sums.pop((site_id, lot_id), 0)
        if total != on_hand:
            mismatches.append(LedgerMismatch(site_id, lot_id, on_hand, total))
    # Movements with no balance row at all.
    mismatches.extend(
        LedgerMismatch(site_id, lot_id, 0, total)
        for (site_id, lot_id), total in sums.items()
        if total != 0
    )
    return mismatches


def balance_lot_mismatches() -> list[tuple[int, int]]:
    """(site, lot) of every balance whose copy of its lot's item or expiry differs from the
    lot (the copies are made with the row and never change; see `StockBalance.expiry`)."""
    differs = (
        ~Q(item_id=F("lot__item_id"))
        | Q(expiry__isnull=True, lot__expiry__isnull=False)
        | Q(expiry__isnull=False, lot__expiry__isnull=True)
        | (Q(expiry__isnull=False, lot__expiry__isnull=False) & ~Q(expiry=F("lot__expiry")))
    )
    return list(
        StockBalance.objects.filter(differs)
        .order_by("site_id", "lot_id")
        .values_list("site_id", "lot_id")
    )


def sites_for(user: User) -> QuerySet[Site]:
    """Sites whose stock the user may see and change."""
    if user.is_authenticated and user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(organisation_id__in=organisation_ids_for(user))


def site_ids_for(user: User) -> list[int]:
    """Ids of `sites_for(user)`, read once. Stock reads name them as constants: given as a
    subquery, PostgreSQL plans a scan of every organisation's balances (issue 19)."""
    return list(sites_for(user).values_list("pk", flat=True))


def donors_for(user: User) -> QuerySet[Donor]:
    """Donors the user may name by id: those who gave to one of the user's organisations,
    and new ones nobody has received from yet. A donor known only to another organisation
    answers 404, never its name."""
    if user.is_authenticated and user.is_superuser:
        return Donor.objects.all()
    ours = Donation.objects.filter(organisation_id__in=organisation_ids_for(user))
    return Donor.objects.filter(Q(pk__in=ours.values("donor_id")) | Q(donations__isnull=True))


def balances_for(user: User) -> QuerySet[StockBalance]:
    return StockBalance.objects.filter(site_id__in=site_ids_for(user)).select_related(
        "site", "lot", "item"
    )


def donations_for(user: User) -> QuerySet[Donation]:
    """Donations received at the sites the user manages or sees, newest first."""
    return (
        Donation.objects.filter(site_id__in=site_ids_for(user))
        .select_related("donor", "site")
        .order_by("-received_at", "-id")
    )


def donations_matching(
    user: User, *, text: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[Donation]:
    """The donations list's search: donor, receipt number or item (name, code or alias),
    and a received-on range."""
    donations = donations_for(user)
    text = " ".join(text.split())
    if text:
        donations = donations.filter(
            Q(donor__name__icontains=text)
            | Q(reference__icontains=text)
            | Q(lines__item__name_zh__icontains=text)
            | Q(lines__item__name_en__icontains=text)
            | Q(lines__item__code__iexact=text)
            | Q(lines__item__aliases__alias__icontains=text)
        ).distinct()
    if since:
        donations = donations.filter(received_at__gte=since)
    if until:
        donations = donations.filter(received_at__lte=until)
    return donations
