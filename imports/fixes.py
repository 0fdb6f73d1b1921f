"""Held rows fixed in the preview, row by row, without re-editing the sheet (issue 18).

The check offers, per held row, what a person may decide (`RowOutcome.offers`): the item
among the nearest catalogue items (and whether its name becomes that item's alias), the
unit the number counts or the size of the pack, or the proposed split of a cell that names
several goods. A fix is recorded on the job (`options["fixes"]`, by row number), the sheet
is checked again with it, and the import then posts the row as fixed — the same plan, the
same all-or-nothing write. Only what the check offered for that row can be chosen.
"""

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted, ValidationFailed
from imports.jobs import job_queue_check
from imports.models import ImportJob, ImportStatus
from imports.normalise import match_key
from inventory.models import Item, ItemAlias

MAX_PACK_SIZE = 1_000_000


def row_offers(job: ImportJob, number: int) -> dict:
    for row in job.report or []:
        if row[0] == number:
            return row[5] if len(row) > 5 else {}
    return {}


def _checked_fix(offers: Mapping, choice: Mapping) -> dict:
    fix: dict = {}
    if choice.get("item"):
        offered = {int(item_id) for item_id, _name, _score in offers.get("candidates", [])}
        if int(choice["item"]) not in offered:
            raise ValidationFailed(_("Choose one of the items proposed for this row."))
        fix["item"] = int(choice["item"])
    if choice.get("unit"):
        if choice["unit"] not in offers.get("units", []):
            raise ValidationFailed(_("Choose one of the units proposed for this row."))
        fix["unit"] = choice["unit"]
    if choice.get("pack_size"):
        size = int(choice["pack_size"])
        if not 0 < size <= MAX_PACK_SIZE or not offers.get("pack"):
            raise ValidationFailed(
                _("A pack holds from 1 to %(max)s base units.") % {"max": f"{MAX_PACK_SIZE:,}"}
            )
        fix["pack_size"] = size
    if choice.get("split"):
        if not offers.get("split"):
            raise ValidationFailed(_("This row has no split to accept."))
        fix["split"] = True
    if not fix:
        raise ValidationFailed(_("Choose how to fix this row."))
    return fix


def _add_alias(name: str, item_id: int) -> None:
    """The sheet's name becomes an alias of the chosen item, so later sheets match it."""
    item = Item.objects.get(pk=item_id)
    existing = ItemAlias.objects.filter(alias=name).first()
    if existing is not None and existing.item_id != item_id:
        raise ValidationFailed(
            _("“%(name)s” is already an alias of another item.") % {"name": name}
        )
    if existing is None and match_key(name) != match_key(item.name_zh):
        ItemAlias.objects.create(alias=name[:200], item=item)


def job_row_fix(
    *, actor: AbstractBaseUser, job: ImportJob, number: int, choice: Mapping, alias: bool = False
) -> ImportJob:
    """Record how row `number` is to be read, and check the sheet again with it. `choice`
    holds any of item (an offered item id), unit, pack_size and split; with `alias` the
    row's item name becomes an alias of the chosen item (the preview's "add as alias")."""
    if job.created_by_id != actor.pk:
        raise NotPermitted(_("Only the person who uploaded the sheet may change it."))
    if job.status != ImportStatus.READY:
        raise ValidationFailed(_("This import is no longer waiting for a check."))
    offers = row_offers(job, number)
    if not offers:
        raise ValidationFailed(_("Row %(row)d has nothing to fix here.") % {"row": number})
    try:
        fix = _checked_fix(offers, choice)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Give the pack size as a whole number.")) from None
    fixes = {**(job.options.get("fixes") or {}), str(number): fix}
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
        if locked.status != ImportStatus.READY:
            raise ValidationFailed(_("This import is no longer waiting for a check."))
        if alias and fix.get("item") and offers.get("name"):
            _add_alias(offers["name"], fix["item"])
        ImportJob.objects.filter(pk=job.pk).update(
            options={**locked.options, "fixes": fixes}, status=ImportStatus.CHECKING
        )
    job.refresh_from_db()
    job_queue_check(job)
    return job
