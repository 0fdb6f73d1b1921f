"""Thresholds are set by the site's own organisation, validated, and checked right away."""

import pytest
from django.urls import reverse

from core.exceptions import NotPermitted, ValidationFailed
from notifications.models import AlertState, Notification, StockThreshold
from notifications.services import threshold_remove, threshold_set
from tests.factories import SiteFactory, UserFactory


def test_staff_set_a_threshold_and_it_is_checked_after_commit(
    clock, staff, coordinator, site, item, receive, django_capture_on_commit_callbacks
):
    receive(40)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        threshold = threshold_set(actor=staff, site=site, item=item, min_quantity=50)
    assert len(callbacks) >= 1
    assert (threshold.min_quantity, threshold.min_days_of_cover, threshold.set_by) == (
        50,
        None,
        staff,
    )
    assert {n.recipient for n in Notification.objects.all()} == {staff, coordinator}


def test_setting_again_replaces_the_threshold(clock, staff, site, item):
    threshold_set(actor=staff, site=site, item=item, min_quantity=50)
    threshold_set(actor=staff, site=site, item=item, min_days_of_cover=7)
    threshold = StockThreshold.objects.get()
    assert (threshold.min_quantity, threshold.min_days_of_cover) == (None, 7)


def test_another_organisation_and_community_workers_are_refused(outsider, worker, site, item):
    for actor in (outsider, worker):
        with pytest.raises(NotPermitted, match="belongs to another organisation"):
            threshold_set(actor=actor, site=site, item=item, min_quantity=5)
    assert not StockThreshold.objects.exists()


@pytest.mark.parametrize(
    "limits, message",
    [
        ({}, "Give a minimum quantity or a minimum number of days of cover."),
        ({"min_quantity": 5, "min_days_of_cover": 3}, "not both"),
        ({"min_quantity": 0}, "greater than zero"),
        ({"min_days_of_cover": -2}, "greater than zero"),
        ({"min_quantity": True}, "whole number"),
        ({"min_quantity": "12"}, "whole number"),
    ],
)
def test_bad_thresholds_are_refused_with_a_reason(staff, site, item, limits, message):
    with pytest.raises(ValidationFailed, match=message):
        threshold_set(actor=staff, site=site, item=item, **limits)


def test_removing_a_threshold_clears_its_open_alert(clock, staff, site, item):
    threshold = threshold_set(actor=staff, site=site, item=item, min_quantity=5)
    from notifications.services import low_stock_check

    low_stock_check()
    threshold_remove(actor=staff, threshold=threshold)
    assert not StockThreshold.objects.exists()
    assert not AlertState.objects.filter(is_active=True).exists()


@pytest.fixture
def admin_staff(staff):
    """Organisation staff who may use the admin for thresholds."""
    from django.contrib.auth.models import Permission

    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="notifications"))
    return staff


def test_the_admin_sets_thresholds_through_the_service(
    client, clock, admin_staff, site, item, django_capture_on_commit_callbacks
):
    client.force_login(admin_staff)
    url = reverse("admin:notifications_stockthreshold_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"site": site.pk, "item": item.pk, "min_quantity": 10})
    assert response.status_code == 302, response.content
    threshold = StockThreshold.objects.get()
    assert threshold.set_by == admin_staff
    assert Notification.objects.filter(recipient=admin_staff).count() == 1  # 0 on hand < 10


def test_the_admin_shows_a_bad_threshold_as_a_form_error(client, admin_staff, site, item):
    client.force_login(admin_staff)
    url = reverse("admin:notifications_stockthreshold_add")
    response = client.post(
        url, {"site": site.pk, "item": item.pk, "min_quantity": 10, "min_days_of_cover": 3}
    )
    assert response.status_code == 200
    assert b"not both" in response.content
    assert not StockThreshold.objects.exists()


def test_the_admin_offers_and_shows_only_the_users_own_sites(client, admin_staff, site, item):
    foreign_site = SiteFactory()
    StockThreshold.objects.create(site=foreign_site, item=item, min_quantity=3)
    client.force_login(admin_staff)
    listing = client.get(reverse("admin:notifications_stockthreshold_changelist"))
    assert listing.status_code == 200 and foreign_site.name not in listing.content.decode()
    response = client.post(
        reverse("admin:notifications_stockthreshold_add"),
        {"site": foreign_site.pk, "item": item.pk, "min_quantity": 10},
    )
    assert response.status_code == 200  # refused as an invalid choice, not a 500
    assert StockThreshold.objects.count() == 1


def test_a_superuser_may_set_any_sites_threshold(client, site, item):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(
        reverse("admin:notifications_stockthreshold_add"),
        {"site": site.pk, "item": item.pk, "min_days_of_cover": 5},
    )
    assert response.status_code == 302
    assert StockThreshold.objects.get().min_days_of_cover == 5
