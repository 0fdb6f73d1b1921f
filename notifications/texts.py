"""What a notification says, rendered in the reader's language from its kind and details.

Stored notifications keep only facts (`params`: names, numbers, ISO dates); the sentences are
English source strings through gettext, so the Chinese catalogue translates them when it is
compiled, and an inbox read in English and one read in Chinese show the same alert.
"""

from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _


class _Facts(dict):
    """Details of a notification; a missing one reads "?" instead of failing the page."""

    def __missing__(self, key: str) -> str:
        return "?"


def _facts(params: dict[str, Any]) -> _Facts:
    facts = _Facts(params or {})
    english = (translation.get_language() or "").startswith("en")
    facts["item"] = (facts.get("item_en") if english else None) or facts.get("item_zh", "?")
    if "expiry" in facts:
        facts["expiry"] = _day(facts["expiry"])
    for key in ("dispatched_at", "submitted_at"):
        if key in facts:
            facts[key] = _moment(facts[key])
    return facts


def _day(value: str) -> str:
    try:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def _moment(value: str) -> str:
    try:
        moment = timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    return formats.date_format(moment, "DATETIME_FORMAT")


def title_of(kind: str, params: dict[str, Any]) -> str:
    facts = _facts(params)
    if kind == "low_stock":
        return _("Low stock: %(item)s at %(site)s") % facts
    if kind == "near_expiry":
        return _("Expiring soon: %(item)s at %(site)s, %(expiry)s") % facts
    if kind == "overdue_shipment":
        return _("Shipment #%(shipment)s to %(served_unit)s is overdue") % facts
    if kind == "request_waiting":
        return _("Request #%(request)s from %(served_unit)s is waiting for a decision") % facts
    return _("Notification")


def body_of(kind: str, params: dict[str, Any]) -> str:
    facts = _facts(params)
    if kind == "low_stock":
        if facts.get("min_days_of_cover") is not None:
            return (
                _(
                    "%(on_hand)s %(unit)s on hand is about %(days_of_cover)s days of cover at "
                    "the dispatch rate of the last 14 days; the minimum is %(min_days_of_cover)s "
                    "days."
                )
                % facts
            )
        return _("%(on_hand)s %(unit)s on hand; the minimum is %(min_quantity)s %(unit)s.") % facts
    if kind == "near_expiry":
        return (
            _(
                "Lot #%(lot)s (batch %(batch)s): %(on_hand)s %(unit)s on hand, expiring on "
                "%(expiry)s. Send it out first or write it off."
            )
            % facts
        )
    if kind == "overdue_shipment":
        return (
            _(
                "Dispatched from %(site)s at %(dispatched_at)s and not confirmed as delivered "
                "after %(hours)s hours."
            )
            % facts
        )
    if kind == "request_waiting":
        return (
            _("Submitted at %(submitted_at)s and still without a decision after %(hours)s hours.")
            % facts
        )
    return ""
