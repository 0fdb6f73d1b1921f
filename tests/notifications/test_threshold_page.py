"""Staff set and remove low-stock thresholds on the stock page, not only in the admin."""

from notifications.models import Notification, NotificationKind, StockThreshold


def test_staff_set_a_threshold_from_the_stock_page_and_are_alerted(
    client, staff, site, item, receive, django_capture_on_commit_callbacks
):
    receive(10)
    client.force_login(staff)
    page = client.get(f"/stock/?site={site.code}")
    assert b"/notifications/thresholds/" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/notifications/thresholds/",
            {"site": site.code, "item": item.code, "min_quantity": "50"},
        )
    assert response.status_code == 302 and site.code in response["Location"]
    threshold = StockThreshold.objects.get(site=site, item=item)
    assert (threshold.min_quantity, threshold.set_by) == (50, staff)
    assert Notification.objects.filter(recipient=staff, kind=NotificationKind.LOW_STOCK).exists()
    assert "医用防护口罩" in client.get(f"/stock/?site={site.code}").content.decode()

    client.post(f"/notifications/thresholds/{threshold.pk}/delete/")
    assert not StockThreshold.objects.exists()


def test_a_bad_minimum_is_refused_with_a_message(client, staff, site, item):
    client.force_login(staff)
    response = client.post(
        "/notifications/thresholds/",
        {"site": site.code, "item": item.code, "min_quantity": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert not StockThreshold.objects.exists()
    assert list(response.context["messages"])


def test_another_organisations_staff_are_refused(client, outsider, site, item):
    client.force_login(outsider)
    response = client.post(
        "/notifications/thresholds/",
        {"site": site.code, "item": item.code, "min_quantity": "50"},
    )
    assert response.status_code == 403
    assert not StockThreshold.objects.exists()
