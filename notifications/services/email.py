"""E-mail for notifications, through Django's e-mail backend (console unless SMTP is set).

Sending happens outside any transaction, after the notifications are committed. A sender first
claims the pending notifications with a token (one conditional UPDATE: of two senders, each
row goes to one), sends one e-mail per recipient, and marks that recipient's rows sent right
after. A sender killed between sending and marking leaves its claim to expire, after which the
sweep sends again: an alert may, rarely, be e-mailed twice, but it is never lost.
"""

from collections.abc import Collection
from datetime import timedelta
from itertools import groupby
from uuid import uuid4

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.languages import languages_of
from notifications import conf
from notifications.models import EmailStatus, Notification


def _message(
    recipient: AbstractBaseUser, notifications: list[Notification], connection: BaseEmailBackend
) -> EmailMessage:
    site = conf.site_url()
    if len(notifications) == 1:
        subject = notifications[0].title
    else:
        count = len(notifications)
        subject = ngettext("%(count)d new alert", "%(count)d new alerts", count) % {"count": count}
    parts = []
    for notification in notifications:
        text = f"{notification.title}\n{notification.body}"
        if notification.link:
            text += f"\n{site}{notification.link}"
        parts.append(text)
    parts.append(
        _("All your notifications: %(url)s") % {"url": f"{site}{reverse('notifications:inbox')}"}
    )
    return EmailMessage(
        subject=f"[{_('Relief supply tracker')}] {subject}",
        body="\n\n".join(parts),
        to=[recipient.email],
        connection=connection,
    )


def notification_emails_send(*, notification_ids: Collection[int]) -> int:
    """E-mail each recipient one message listing their pending notifications among the ids;
    returns the number of e-mails sent. A sending error releases what was not sent and is
    raised again (the task retries it with backoff)."""
    if not notification_ids or not conf.email_enabled():
        return 0
    token, now = uuid4(), timezone.now()
    expired = now - timedelta(minutes=conf.email_claim_minutes())
    claimed = (
        Notification.objects.filter(pk__in=list(notification_ids), email_status=EmailStatus.PENDING)
        .filter(Q(email_claim__isnull=True) | Q(email_claimed_at__lt=expired))
        .update(email_claim=token, email_claimed_at=now)
    )
    if not claimed:
        return 0
    mine = list(
        Notification.objects.filter(email_claim=token, email_status=EmailStatus.PENDING)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    )
    sent = 0
    try:
        # Each recipient reads in the language she last used the site in, else the site's.
        languages = languages_of({n.recipient_id for n in mine})
        with get_connection() as connection:
            for recipient, rows in groupby(mine, key=lambda n: n.recipient):
                group = list(rows)
                ids = [n.pk for n in group]
                if not recipient.email or not recipient.is_active:
                    Notification.objects.filter(pk__in=ids, email_claim=token).update(
                        email_status=EmailStatus.NOT_WANTED
                    )
                    continue
                language = languages.get(recipient.pk) or conf.email_language()
                with translation.override(language):
                    _message(recipient, group, connection).send()
                Notification.objects.filter(pk__in=ids, email_claim=token).update(
                    email_status=EmailStatus.SENT, emailed_at=timezone.now()
                )
                sent += 1
    except Exception:
        Notification.objects.filter(email_claim=token, email_status=EmailStatus.PENDING).update(
            email_claim=None, email_claimed_at=None
        )
        raise
    return sent


def pending_email_ids(*, limit: int = 1000) -> list[int]:
    """Notifications whose e-mail is still due and free to claim: queued e-mails that were
    never sent (broker down at commit, sender killed). Too old ones are given up."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            email_status=EmailStatus.PENDING,
            created_at__gte=now - timedelta(hours=conf.email_give_up_hours()),
        )
        .filter(
            Q(email_claim__isnull=True)
            | Q(email_claimed_at__lt=now - timedelta(minutes=conf.email_claim_minutes()))
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
