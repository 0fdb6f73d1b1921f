"""E-mail: sent after commit through Django's backend, one message per recipient, never twice
for the same notification, retried with backoff when the mail server fails."""

import datetime as dt
import smtplib

import pytest

from notifications.models import EmailStatus, Notification
from notifications.services import near_expiry_check, notification_emails_send, pending_email_ids
from notifications.tasks import send_notification_emails, send_pending_emails
from tests.notifications.conftest import TODAY


@pytest.fixture
def expiring(receive):
    """Two lots near expiry at the site."""
    receive(100, expiry=TODAY + dt.timedelta(days=5), batch="A")
    receive(200, expiry=TODAY + dt.timedelta(days=9), batch="B")


def test_alerts_are_emailed_after_commit_one_message_per_recipient(
    clock,
    with_emails,
    staff,
    second_staff,
    expiring,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        near_expiry_check()
    assert mailoutbox == []  # nothing leaves before the alerts are committed
    for callback in callbacks:
        callback()
    # Staff keep the shelves, coordinators plan what leaves: both are told (issue 14).
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator@example.org",
        "staff2@example.org",
        "staff@example.org",
    ]
    message = next(m for m in mailoutbox if m.to == ["staff@example.org"])
    assert message.subject == "[Relief supply tracker] 2 new alerts"
    assert "Expiring soon: N95 mask" in message.body
    assert "http://127.0.0.1:8000/stock/?site=cd-wh" in message.body
    assert "All your notifications: http://127.0.0.1:8000/notifications/" in message.body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


def test_emails_speak_the_sites_language_by_default(clock, staff, expiring, mailoutbox):
    staff.email = "staff@example.org"
    staff.save()
    near_expiry_check()
    notification_emails_send(notification_ids=Notification.objects.values_list("pk", flat=True))
    assert mailoutbox[0].subject.startswith("[救援物资追踪] ")


def test_users_without_an_address_get_no_email(
    clock, staff, expiring, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        near_expiry_check()
    assert mailoutbox == []
    assert set(Notification.objects.values_list("email_status", flat=True)) == {""}


def test_email_can_be_turned_off(
    clock, settings, with_emails, expiring, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        near_expiry_check()
    assert mailoutbox == []


def test_sending_twice_sends_once(clock, with_emails, staff, expiring, mailoutbox):
    near_expiry_check()
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert send_notification_emails.delay(ids).get() == 2  # the staff and the coordinator
    assert send_notification_emails.delay(ids).get() == 0
    assert send_pending_emails.delay().get() == 0
    assert len(mailoutbox) == 2


def test_a_claim_held_by_another_sender_is_respected_until_it_expires(
    clock, with_emails, staff, expiring, mailoutbox
):
    near_expiry_check()
    Notification.objects.update(
        email_claim="00000000-0000-0000-0000-000000000001", email_claimed_at=dt.datetime.now(dt.UTC)
    )
    assert pending_email_ids() == []
    assert (
        notification_emails_send(notification_ids=Notification.objects.values_list("pk", flat=True))
        == 0
    )
    clock.shift(dt.timedelta(minutes=11))  # the other sender died: its claim lapses
    assert len(pending_email_ids()) == 4  # two lots, each to the staff and the coordinator
    assert send_pending_emails.delay().get() == 2
    assert len(mailoutbox) == 2


def test_a_failing_mail_server_is_retried_with_backoff_and_nothing_is_lost(
    clock, eager_retries, with_emails, staff, expiring, mailoutbox, monkeypatch
):
    near_expiry_check()
    ids = list(Notification.objects.values_list("pk", flat=True))
    from django.core.mail.backends.locmem import EmailBackend

    real_send, failures = EmailBackend.send_messages, []

    def flaky(self, messages):
        if len(failures) < 2:
            failures.append(1)
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    result = send_notification_emails.apply(args=[ids])  # eager: retries run at once
    assert result.successful() and result.get() == 2  # the staff and the coordinator
    assert len(failures) == 2 and len(mailoutbox) == 2
    assert send_notification_emails.retry_backoff and send_notification_emails.max_retries == 8


def test_a_mail_server_down_for_good_leaves_the_emails_pending_for_the_sweep(
    clock, eager_retries, with_emails, staff, expiring, mailoutbox, monkeypatch
):
    near_expiry_check()
    ids = list(Notification.objects.values_list("pk", flat=True))
    from django.core.mail.backends.locmem import EmailBackend

    def down(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    result = send_notification_emails.apply(args=[ids])
    assert result.failed() and isinstance(result.result, ConnectionRefusedError)
    assert result.traceback
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"pending"}
    assert sorted(pending_email_ids()) == sorted(ids)  # claims released: the sweep may send


def test_the_sweep_gives_up_on_old_alerts(clock, with_emails, staff, expiring):
    near_expiry_check()
    clock.shift(dt.timedelta(hours=25))
    assert pending_email_ids() == []
