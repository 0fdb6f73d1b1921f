"""Read-only data for the dashboards, scoped to what the reader may see (see `scope`).

Figures read balances, request-line counters, shipments and the daily stock roll-up —
never the raw ledger — so their cost grows with sites × items and open requests, not with
history. Split by subject: `kpis`, `stock`, `requests`, `flows`.
"""

from dashboards.selectors.flows import Gift, donation_flow
from dashboards.selectors.kpis import WAITING_STATUSES, Summary, kpis, summary
from dashboards.selectors.requests import (
    CoverageCell,
    Delivery,
    RequestProgress,
    UnitStatus,
    WaitingRequest,
    coverage,
    deliveries,
    unit_progress,
    unit_status,
    waiting_requests,
)
from dashboards.selectors.scope import (
    WINDOW_DAYS,
    Directory,
    Scope,
    UnitNode,
    base_scope,
    default_window,
    narrow,
)
from dashboards.selectors.stock import (
    EXPIRY_BUCKETS,
    ExpiryLine,
    ItemRef,
    StockDay,
    StockLine,
    expiry_horizon,
    stock_on_hand,
    stock_over_time,
)

__all__ = [
    "EXPIRY_BUCKETS",
    "WAITING_STATUSES",
    "WINDOW_DAYS",
    "CoverageCell",
    "Delivery",
    "Directory",
    "ExpiryLine",
    "Gift",
    "ItemRef",
    "RequestProgress",
    "Scope",
    "StockDay",
    "StockLine",
    "Summary",
    "UnitNode",
    "UnitStatus",
    "WaitingRequest",
    "base_scope",
    "coverage",
    "default_window",
    "deliveries",
    "donation_flow",
    "expiry_horizon",
    "kpis",
    "narrow",
    "stock_on_hand",
    "stock_over_time",
    "summary",
    "unit_progress",
    "unit_status",
    "waiting_requests",
]
