from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from core.api import responses
from dashboards.selectors import summary

router = Router(tags=["dashboards"])


class SummaryOut(Schema):
    as_of: date
    open_requests: int
    units_waiting_over_48h: int
    fill_rate_this_week: float | None
    approved_this_week: int
    delivered_this_week: int
    items_out_of_stock: int
    expiring_within_30_days: int


@router.get("/dashboards/summary", response=responses({200: SummaryOut}))
def dashboard_summary(request: HttpRequest, as_of: date | None = None):
    """The coordinator dashboard's KPI numbers, over what you may see."""
    return summary(user=request.auth, as_of=as_of)
