"""Marking notifications as read: only the recipient may, and doing it twice is harmless."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from inventory.permissions import User
from notifications.models import Notification


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read (the first reading time stays)."""
    if not actor.is_authenticated or notification.recipient_id != actor.pk:
        raise NotPermitted(_("This notification is not yours."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor as read; returns how many were."""
    if not actor.is_authenticated:
        raise NotPermitted(_("Sign in to read your notifications."))
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
