"""Stock thresholds, set by the people who run the site (its organisation's staff)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from inventory.models import Item, Site
from inventory.permissions import User, require_site_manager
from notifications.models import AlertState, NotificationKind, StockThreshold
from notifications.services.checks import low_stock_subject


def threshold_validate(*, min_quantity: int | None, min_days_of_cover: int | None) -> None:
    """Exactly one of the two, a whole number above zero."""
    given = [v for v in (min_quantity, min_days_of_cover) if v is not None]
    if len(given) != 1:
        raise ValidationFailed(
            _("Give either a minimum quantity or a minimum number of days of cover, not both.")
            if given
            else _("Give a minimum quantity or a minimum number of days of cover.")
        )
    value = given[0]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationFailed(_("A threshold must be a whole number greater than zero."))


@transaction.atomic
def threshold_set(
    *,
    actor: User,
    site: Site,
    item: Item,
    min_quantity: int | None = None,
    min_days_of_cover: int | None = None,
) -> StockThreshold:
    """Set (or replace) when stock of `item` at `site` counts as low; the site's
    organisation only. The new threshold is checked right after commit."""
    require_site_manager(actor, site)
    threshold_validate(min_quantity=min_quantity, min_days_of_cover=min_days_of_cover)
    threshold, _created = StockThreshold.objects.update_or_create(
        site=site,
        item=item,
        defaults={
            "min_quantity": min_quantity,
            "min_days_of_cover": min_days_of_cover,
            "set_by": actor,
        },
    )
    from notifications.tasks import check_low_stock  # tasks import services

    threshold_id = threshold.pk
    transaction.on_commit(lambda: check_low_stock.delay(threshold_ids=[threshold_id]), robust=True)
    return threshold


@transaction.atomic
def threshold_remove(*, actor: User, threshold: StockThreshold) -> None:
    """Stop watching an item at a site; an alert of it still open is cleared."""
    require_site_manager(actor, threshold.site)
    AlertState.objects.filter(
        kind=NotificationKind.LOW_STOCK,
        subject=low_stock_subject(threshold.site_id, threshold.item_id),
        is_active=True,
    ).update(is_active=False, cleared_at=timezone.now())
    threshold.delete()
