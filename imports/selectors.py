"""Reads of import jobs, scoped to the user who asks."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from imports.importers.distributions import REVIEW_PREFIX
from imports.models import ImportJob
from inventory.models import Item
from inventory.permissions import User, organisation_ids_for
from supply_requests.models import ServedUnit


def jobs_for(user: User) -> QuerySet[ImportJob]:
    """Jobs the user started, and those of her organisations; all for an administrator.
    The uploaded file itself is left out: lists never need it."""
    jobs = ImportJob.objects.defer("content").select_related("organisation", "site", "created_by")
    if not user.is_authenticated:
        return jobs.none()
    if user.is_superuser:
        return jobs
    return jobs.filter(Q(created_by_id=user.pk) | Q(organisation_id__in=organisation_ids_for(user)))


@dataclass(frozen=True)
class ToReview:
    """What imports created and a person should check: items (`needs_review`) and receivers
    (served units whose code starts with "review-") of the user's organisations."""

    items: list[Item]
    receivers: list[ServedUnit]


def to_review(user: User, limit: int = 20) -> ToReview:
    if not user.is_authenticated:
        return ToReview([], [])
    receivers = ServedUnit.objects.filter(code__startswith=f"{REVIEW_PREFIX}-")
    if not user.is_superuser:
        receivers = receivers.filter(organisations__in=organisation_ids_for(user)).distinct()
    items = (
        Item.objects.filter(needs_review=True)
        if (user.is_superuser or organisation_ids_for(user))
        else Item.objects.none()
    )
    return ToReview(list(items.order_by("code")[:limit]), list(receivers.order_by("code")[:limit]))
