"""The inbox page and the badge: the signed-in user's own notifications only; mark one or all
as read with a POST; anything else of anyone else's is a 404, never a 500."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify

INBOX = "/notifications/"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def alerts(staff, outsider):
    """Three notifications for staff, one for the outsider."""
    for number in range(3):
        notify(
            kind="near_expiry",
            recipient_ids=[staff.pk],
            params={
                "site": "成都仓库",
                "item_en": "N95 mask",
                "lot": number,
                "expiry": "2020-03-01",
            },
            dedupe_key=f"near_expiry:{number}",
            link="/api/v1/stock/balances?site=cd-wh",
        )
    notify(kind="low_stock", recipient_ids=[outsider.pk], params={}, dedupe_key="theirs")
    return list(Notification.objects.filter(recipient=staff).order_by("pk"))


def test_the_inbox_needs_a_sign_in(client, db):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_inbox_lists_only_the_users_own_notifications(client, staff, alerts):
    client.force_login(staff)
    response = client.get(INBOX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Expiring soon: N95 mask at 成都仓库, March 1, 2020") == 3
    assert "Low stock" not in page
    assert "3 unread notifications." in page


def test_the_badge_shows_the_unread_count_on_every_page(client, staff, alerts):
    client.force_login(staff)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/notifications/"' in home and '<b class="count">3</b>' in home
    Notification.objects.filter(pk=alerts[0].pk).update(read_at="2020-02-10T10:00:00+08:00")
    assert '<b class="count">2</b>' in client.get(reverse("home")).content.decode()


def test_no_badge_count_when_all_is_read(client, staff):
    client.force_login(staff)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/notifications/"' in home and 'class="count"' not in home


def test_mark_one_as_read(client, staff, alerts):
    client.force_login(staff)
    response = client.post(reverse("notifications:mark_read", args=[alerts[0].pk]))
    assert response.status_code == 302 and response.url == INBOX
    alerts[0].refresh_from_db()
    assert alerts[0].read_at is not None
    first_read = alerts[0].read_at
    client.post(reverse("notifications:mark_read", args=[alerts[0].pk]))  # again: harmless
    alerts[0].refresh_from_db()
    assert alerts[0].read_at == first_read
    assert Notification.objects.filter(recipient=staff, read_at__isnull=True).count() == 2


def test_open_marks_read_and_goes_to_the_link(client, staff, alerts):
    client.force_login(staff)
    response = client.post(reverse("notifications:mark_read", args=[alerts[1].pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/api/v1/stock/balances?site=cd-wh"


def test_next_must_stay_on_this_site(client, staff, alerts):
    client.force_login(staff)
    url = reverse("notifications:mark_read", args=[alerts[0].pk])
    assert client.post(url, {"next": "https://evil.example/"}).url == INBOX
    assert client.post(url, {"next": "/notifications/?page=2"}).url == "/notifications/?page=2"


def test_mark_all_as_read(client, staff, outsider, alerts):
    client.force_login(staff)
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(client, outsider, staff, alerts):
    client.force_login(outsider)
    response = client.post(reverse("notifications:mark_read", args=[alerts[0].pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=alerts[0].pk).read_at is None


def test_reading_needs_a_post(client, staff, alerts):
    client.force_login(staff)
    assert client.get(reverse("notifications:mark_read", args=[alerts[0].pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    assert client.post(INBOX).status_code == 405


@pytest.mark.parametrize("page", ["2", "0", "abc", "999"])
def test_any_page_number_shows_a_page(client, staff, alerts, page):
    client.force_login(staff)
    assert client.get(INBOX, {"page": page}).status_code == 200


def test_an_unknown_id_is_not_found(client, staff):
    client.force_login(staff)
    assert client.post("/notifications/999999/read/").status_code == 404
    assert client.post("/notifications/abc/read/").status_code == 404


def test_the_inbox_speaks_chinese_by_request(client, staff, alerts):
    client.force_login(staff)
    page = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "成都仓库" in page and "2020年3月1日" in page
