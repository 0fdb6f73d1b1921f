"""Every write of the notifications app goes through these functions."""

from notifications.services.alerts import Alert, CheckResult, alerts_reconcile, notify
from notifications.services.checks import (
    low_stock_check,
    near_expiry_check,
)
from notifications.services.email import notification_emails_send, pending_email_ids
from notifications.services.events import notify_event
from notifications.services.inbox import notification_mark_read, notifications_mark_all_read
from notifications.services.thresholds import threshold_remove, threshold_set, threshold_validate

__all__ = [
    "Alert",
    "CheckResult",
    "alerts_reconcile",
    "low_stock_check",
    "near_expiry_check",
    "notification_emails_send",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify",
    "notify_event",
    "pending_email_ids",
    "threshold_remove",
    "threshold_set",
    "threshold_validate",
]
