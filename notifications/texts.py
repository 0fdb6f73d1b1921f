"""What a notification says, rendered in the reader's language from its kind and details.

Stored notifications keep only facts (`params`: names, numbers, ISO dates); the sentences are
English source strings through gettext, so the Chinese catalogue translates them when it is
compiled, and an inbox read in English and one read in Chinese show the same alert.
"""

from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class _Facts(dict):
    """Details of a notification; a missing one reads "?" instead of failing the page."""

    def __missing__(self, key: str) -> str:
        return "?"


def _facts(params: dict[str, Any]) -> _Facts:
    facts = _Facts(params or {})
    english = (translation.get_language() or "").startswith("en")
    facts["item"] = (facts.get("item_en") if english else None) or facts.get("item_zh", "?")
    for key in ("expiry", "needed_by"):
        if key in facts:
            facts[key] = _day(facts[key])
    if "priority" in facts:
        facts["priority"] = _priority(facts["priority"])
    for key in ("dispatched_at", "submitted_at", "due_at"):
        if key in facts:
            facts[key] = _moment(facts[key])
    return facts


def _priority(code: str) -> str:
    labels = {"critical": _("critical"), "high": _("high"), "normal": _("normal"), "low": _("low")}
    return labels.get(code, code)


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
    return _EVENT_TITLES[kind] % facts if kind in _EVENT_TITLES else _("Notification")


_EVENT_TITLES = {
    "request_submitted": gettext_lazy("New %(priority)s request #%(request)s from %(served_unit)s"),
    "request_approved": gettext_lazy("Request #%(request)s approved"),
    "request_partially_approved": gettext_lazy("Request #%(request)s partially approved"),
    "request_rejected": gettext_lazy("Request #%(request)s rejected"),
    "request_closed": gettext_lazy("Request #%(request)s closed"),
    "shipment_dispatched": gettext_lazy("Shipment #%(shipment)s to %(served_unit)s is on its way"),
    "shipment_delivered": gettext_lazy("Shipment #%(shipment)s to %(served_unit)s delivered"),
}


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
    return _event_body(kind, facts)


def _event_body(kind: str, facts: _Facts) -> str:
    if kind == "request_submitted":
        if facts.get("needed_by") in (None, "", "-"):
            return _("%(lines)s lines, no date given. Decide it on the request page.") % facts
        return _("%(lines)s lines, needed by %(needed_by)s. Decide it on the request page.") % facts
    if kind == "request_approved":
        text = _("%(served_unit)s: everything asked for was approved.") % facts
    elif kind == "request_partially_approved":
        text = _("%(served_unit)s: part of what was asked for was approved.") % facts
    elif kind == "request_rejected":
        return _("%(served_unit)s: rejected. Reason: %(note)s") % facts
    elif kind == "request_closed":
        return _("%(served_unit)s: closed short. Reason: %(note)s") % facts
    elif kind == "shipment_dispatched":
        return (
            _(
                "Left %(site)s at %(dispatched_at)s in vehicle %(vehicle)s (driver %(driver)s, "
                "%(contact)s); expected by %(due_at)s. Confirm what arrives on the shipment page."
            )
            % facts
        )
    elif kind == "shipment_delivered":
        if facts.get("discrepancy"):
            return _("Recorded as delivered with a discrepancy: part did not arrive.") % facts
        return _("Recorded as delivered in full.") % facts
    else:
        return ""
    if facts.get("note"):
        text += " " + _("Coordinator's note: %(note)s") % facts
    return text
