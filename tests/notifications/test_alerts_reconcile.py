"""The alert engine: once per crossing, cleared when the condition goes, raised again when it
comes back; the unique constraint holds even against a run that skips the state table."""

import pytest
from django.db import IntegrityError, transaction

from notifications.models import AlertState, Notification
from notifications.services import Alert, alerts_reconcile, notify
from tests.factories import UserFactory


@pytest.fixture
def people(db):
    return [UserFactory() for _ in range(3)]


def alert(subject, people, **params):
    return Alert(subject=subject, recipient_ids=frozenset(p.pk for p in people), params=params)


def test_raise_once_leave_alone_clear_and_raise_again(people):
    first = alerts_reconcile(kind="low_stock", alerts=[alert("a", people)])
    assert (first.raised, len(first.notification_ids)) == (1, 3)
    assert alerts_reconcile(kind="low_stock", alerts=[alert("a", people)]).raised == 0
    assert alerts_reconcile(kind="low_stock", alerts=[]).cleared == 1
    assert alerts_reconcile(kind="low_stock", alerts=[]).cleared == 0
    again = alerts_reconcile(kind="low_stock", alerts=[alert("a", people)])
    assert again.raised == 1
    keys = sorted(set(Notification.objects.values_list("dedupe_key", flat=True)))
    assert keys == ["low_stock:a:1", "low_stock:a:2"]


def test_kinds_are_separate(people):
    alerts_reconcile(kind="low_stock", alerts=[alert("a", people)])
    assert alerts_reconcile(kind="near_expiry", alerts=[alert("a", people)]).raised == 1
    assert alerts_reconcile(kind="near_expiry", alerts=[]).cleared == 1
    assert AlertState.objects.get(kind="low_stock").is_active


def test_a_partial_run_clears_only_subjects_in_its_scope(people):
    alerts_reconcile(kind="low_stock", alerts=[alert("a", people), alert("b", people)])
    result = alerts_reconcile(kind="low_stock", alerts=[], scope={"a"})
    assert result.cleared == 1
    assert AlertState.objects.get(subject="b").is_active


def test_a_state_already_raised_elsewhere_is_not_raised_twice(people):
    """Two runs that both saw the state clear: the conditional update lets one win."""
    alerts_reconcile(kind="low_stock", alerts=[alert("a", people)])
    alerts_reconcile(kind="low_stock", alerts=[])
    stale = AlertState.objects.get()
    # The other run raises it (crossing 2) between our read and our write.
    AlertState.objects.filter(pk=stale.pk).update(is_active=True, crossings=2)
    from notifications.services.alerts import _claim_crossings

    assert _claim_crossings("low_stock", ["a"], {"a": stale}) == {}


def test_a_subject_created_by_another_run_meanwhile_notifies_once(people):
    """Both runs saw no state and both say crossing 1: the notifications' key lets one in."""
    from notifications.services.alerts import _claim_crossings

    alerts_reconcile(kind="low_stock", alerts=[alert("a", people)])
    assert _claim_crossings("low_stock", ["a"], {}) == {"a": 1}  # as if it saw nothing
    assert AlertState.objects.count() == 1
    alerts_reconcile(kind="low_stock", alerts=[alert("a", people)])
    assert Notification.objects.count() == 3


def test_a_run_takes_a_fixed_number_of_queries_however_many_alerts(
    people, django_assert_max_num_queries
):
    many = [alert(f"s{n}", people) for n in range(40)]
    with django_assert_max_num_queries(12):
        result = alerts_reconcile(kind="low_stock", alerts=many)
    assert (result.raised, len(result.notification_ids)) == (40, 120)


def test_notify_is_once_per_recipient_and_key(people):
    created = notify(
        kind="low_stock", recipient_ids=[p.pk for p in people], params={}, dedupe_key="k"
    )
    assert len(created) == 3
    again = notify(
        kind="low_stock", recipient_ids=[p.pk for p in people], params={}, dedupe_key="k"
    )
    assert again == []
    assert Notification.objects.count() == 3


def test_the_database_refuses_a_second_notification_with_the_same_key(people):
    Notification.objects.create(recipient=people[0], kind="low_stock", dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=people[0], kind="low_stock", dedupe_key="k")


def test_a_notification_with_unknown_details_still_renders(people):
    note = Notification.objects.create(recipient=people[0], kind="low_stock", dedupe_key="x")
    assert note.title == "Low stock: ? at ?"
    odd = Notification(kind="something-else", params={"expiry": "not a date"})
    assert (odd.title, odd.body) == ("Notification", "")
