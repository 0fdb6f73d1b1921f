from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from core.api import responses
from core.exceptions import ValidationFailed
from dashboards.forms import EARLIEST, LATEST
from dashboards.selectors import summary

router = Router(tags=["dashboards"])


class SummaryOut(Schema):
    as_of: date
    open_requests: int
    units_waiting_over_48h: int
    fill_rate_this_week: float | None  # mean of each approved line's delivered ÷ approved
    lines_approved_this_week: int
    lines_delivered_in_full_this_week: int
    items_out_of_stock: int
    items_short: int
    lots_expiring_within_30_days: int
    lots_expired: int


@router.get("/dashboards/summary", response=responses({200: SummaryOut}))
def dashboard_summary(request: HttpRequest, as_of: date | None = None):
    """The coordinator dashboard's KPI numbers, over what you may see."""
    if as_of is not None and not EARLIEST <= as_of <= LATEST:
        raise ValidationFailed(
            _("Choose a date between %(start)s and %(end)s.")
            % {"start": EARLIEST.isoformat(), "end": LATEST.isoformat()}
        )
    return summary(user=request.auth, as_of=as_of)
