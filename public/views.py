"""The public pages: the needs board, a donor's and a donation's account, the published
lists. Anonymous, read-only, cached (`public.pages.public_page`); only what the selectors
let out (publishing organisations, no person)."""

import csv
import datetime as dt
import io
import unicodedata

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Item
from logistics.accounting import TERMS
from public import selectors
from public.pages import public_page

LIST_KINDS = ("received", "distributed")
# A phone page stays small when a city's needs run to thousands of lines: the most urgent
# come first, and the filters narrow the rest.
BOARD_LINES = 100
DONATIONS_LISTED = 30  # the latest; each has its own page


def parse_iso_date(text: str) -> dt.date | None:
    """YYYY-MM-DD, full-width digits too (a phone's Chinese keyboard types them)."""
    try:
        return dt.date.fromisoformat(unicodedata.normalize("NFKC", text.strip())[:10])
    except ValueError:
        return None


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


@public_page
def needs_board(request: HttpRequest) -> HttpResponse:
    district = _int(request.GET.get("district", ""))
    item = request.GET.get("item", "")[:40]
    needs = selectors.needs_board(district=district, item=item)
    return render(
        request,
        "public/needs.html",
        {
            "needs": needs[:BOARD_LINES],
            "total": len(needs),
            "shown": min(len(needs), BOARD_LINES),
            "districts": selectors.districts(),
            "items": Item.objects.only("code", "name_zh", "name_en").order_by("code"),
            "district": district,
            "item": item,
        },
    )


def _account_context(accounts) -> list[dict]:
    return [
        {
            "item": selectors.item_name(entry.item),
            "unit": entry.item.base_unit,
            "terms": [(label, getattr(entry.account, term)) for term, label in TERMS.items()],
            "account": entry.account,
            "households": entry.households,
        }
        for entry in accounts
    ]


@public_page
def donor_page(request: HttpRequest, pk: int) -> HttpResponse:
    donor = selectors.public_donor(pk)
    if donor is None:
        raise Http404
    return render(
        request,
        "public/donor.html",
        {
            "name": selectors.donor_public_name(donor),
            "accounts": _account_context(selectors.donor_accounts(donor)),
            "donations": selectors.donor_donations(donor)[:DONATIONS_LISTED],
            "donation_count": selectors.donor_donation_count(donor),
        },
    )


@public_page
def donation_page(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.public_donation(pk)
    if donation is None:
        raise Http404
    return render(
        request,
        "public/donation.html",
        {
            "donation": donation,
            "donor": selectors.donor_public_name(donation.donor),
            "organisation": selectors.organisation_name(donation.organisation),
            "accounts": _account_context(selectors.donation_accounts(donation)),
        },
    )


def list_rows(kind: str, organisation, day: dt.date) -> list:
    reader = selectors.received_list if kind == "received" else selectors.distributed_list
    return reader(organisation, day)


def _headers(kind: str) -> list[str]:
    party = _("donor") if kind == "received" else _("receiver")
    return [_("date"), party, _("item"), _("item name"), _("spec"), _("unit"), _("quantity")]


def _download(kind: str, fmt: str, organisation, day: dt.date, rows) -> HttpResponse:
    from inventory.resources import escape_formula

    table = [
        [r.date.isoformat(), r.party, r.item, r.item_name, r.spec, r.unit, r.quantity] for r in rows
    ]
    table = [[escape_formula(value) for value in row] for row in table]
    name = f"{organisation.code}-{kind}-{day.isoformat()}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(_headers(kind))
        writer.writerows(table)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=kind)
        sheet.append(_headers(kind))
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_page
def published_list(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LIST_KINDS:
        raise Http404
    organisations = list(selectors.published_organisations())
    code = request.GET.get("organisation", "")[:40]
    organisation = next((o for o in organisations if o.code == code), None)
    raw_day = request.GET.get("date", "")
    day = parse_iso_date(raw_day) if raw_day else timezone.localdate()
    error = "" if day is not None else _("Enter the date as YYYY-MM-DD.")
    rows = list_rows(kind, organisation, day) if organisation and day else []
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx") and organisation and day:
        return _download(kind, fmt, organisation, day, rows)
    return render(
        request,
        "public/list.html",
        {
            "kind": kind,
            "organisations": [(o.code, selectors.organisation_name(o)) for o in organisations],
            "organisation": organisation,
            "organisation_name": selectors.organisation_name(organisation) if organisation else "",
            "day": day,
            "raw_day": raw_day if day is None else day.isoformat(),
            "error": error,
            "rows": rows,
            "headers": _headers(kind),
            "total": sum(r.quantity for r in rows),
        },
    )
