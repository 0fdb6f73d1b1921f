"""Register and edit households, refusing a second registration of the same door.

The same phone or address twice in one community is a `Conflict` naming the household that
holds it (the database's unique constraints are the last line, also under a race). The same
phone or address in another community is registered, and flagged to both communities —
neither sees the other's data, only that someone elsewhere shares it.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from households import crypto
from households.access import require_personal_access
from households.models import Category, DuplicateFlag, Household, HouseholdCategory
from inventory.permissions import User
from logistics.services.community_stock import community_stock_point
from supply_requests.models import ServedUnit, ServedUnitKind

REGISTER_KINDS = frozenset({ServedUnitKind.COMMUNITY, ServedUnitKind.VILLAGE})


@dataclass(frozen=True)
class HouseholdInput:
    contact_name: str
    phone: str
    building: str = ""
    unit_no: str = ""
    room: str = ""
    members: int = 1
    categories: tuple[str, ...] = ()
    isolation_from: date | None = None
    isolation_until: date | None = None
    notes: str = ""
    consent: bool = False


def _checked(data: HouseholdInput) -> HouseholdInput:
    if not data.consent:
        raise ValidationFailed(_("The household must agree to be registered."))
    phone = crypto.normalise_phone(data.phone)
    if data.phone.strip() and not 5 <= len(phone) <= 15:
        raise ValidationFailed(_("Enter a phone number of 5 to 15 digits."))
    if not phone and not (data.building.strip() or data.room.strip()):
        raise ValidationFailed(_("Give a phone number or an address (building and room)."))
    if not 1 <= data.members <= 99:
        raise ValidationFailed(_("A household has between 1 and 99 members."))
    unknown = set(data.categories) - set(Category.values)
    if unknown:
        raise ValidationFailed(
            _("Unknown categories: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if data.isolation_from and data.isolation_until and data.isolation_until < data.isolation_from:
        raise ValidationFailed(_("Isolation cannot end before it starts."))
    return data


def _hashes(data: HouseholdInput) -> tuple[str, str]:
    return (
        crypto.keyed_hash(crypto.normalise_phone(data.phone)),
        crypto.keyed_hash(crypto.normalise_address(data.building, data.unit_no, data.room)),
    )


def _refuse_same_unit(unit: ServedUnit, phone_hash: str, address_hash: str, exclude: int | None):
    same = Household.objects.filter(served_unit=unit).exclude(pk=exclude)
    if phone_hash and (found := same.filter(phone_hash=phone_hash).first()):
        raise Conflict(
            _("This phone is already registered here: household #%(id)d.") % {"id": found.pk},
            household=found.pk,
        )
    if address_hash and (found := same.filter(address_hash=address_hash).first()):
        raise Conflict(
            _("This address is already registered here: household #%(id)d.") % {"id": found.pk},
            household=found.pk,
        )


def _flag_elsewhere(household: Household) -> None:
    """Flag each household of another community that shares this phone or address, both ways."""
    matches = Q()
    if household.phone_hash:
        matches |= Q(phone_hash=household.phone_hash)
    if household.address_hash:
        matches |= Q(address_hash=household.address_hash)
    if not matches:
        return
    others = Household.objects.filter(matches).exclude(served_unit_id=household.served_unit_id)
    flags = []
    for other in others.only("pk", "phone_hash", "address_hash"):
        for match, same in (
            (
                DuplicateFlag.Match.PHONE,
                household.phone_hash and other.phone_hash == household.phone_hash,
            ),
            (
                DuplicateFlag.Match.ADDRESS,
                household.address_hash and other.address_hash == household.address_hash,
            ),
        ):
            if same:
                flags.append(DuplicateFlag(household=household, other=other, match=match))
                flags.append(DuplicateFlag(household=other, other=household, match=match))
    DuplicateFlag.objects.bulk_create(flags, ignore_conflicts=True)


def _save(household: Household, data: HouseholdInput, *, actor: User, exclude: int | None):
    phone_hash, address_hash = _hashes(data)
    _refuse_same_unit(household.served_unit, phone_hash, address_hash, exclude)
    household.contact_name = data.contact_name.strip()[:200]
    household.phone = crypto.normalise_phone(data.phone)
    household.building = data.building.strip()[:100]
    household.unit_no = data.unit_no.strip()[:50]
    household.room = data.room.strip()[:50]
    household.notes = data.notes.strip()[:1000]
    household.phone_hash, household.address_hash = phone_hash, address_hash
    household.members = data.members
    household.isolation_from, household.isolation_until = data.isolation_from, data.isolation_until
    household.consent = data.consent
    household.updated_by = actor
    try:
        # A savepoint: a concurrent registration of the same door loses on the unique index
        # and is answered like the check above, not with a 500.
        with transaction.atomic():
            household.save()
    except IntegrityError:
        _refuse_same_unit(household.served_unit, phone_hash, address_hash, exclude)
        raise
    HouseholdCategory.objects.filter(household=household).exclude(
        category__in=data.categories
    ).delete()
    HouseholdCategory.objects.bulk_create(
        [HouseholdCategory(household=household, category=c) for c in set(data.categories)],
        ignore_conflicts=True,
    )
    DuplicateFlag.objects.filter(Q(household=household) | Q(other=household)).delete()
    _flag_elsewhere(household)
    return household


@transaction.atomic
def household_register(*, actor: User, served_unit: ServedUnit, data: HouseholdInput) -> Household:
    """A community worker registers a household of her community (with its consent)."""
    require_personal_access(actor, served_unit, purpose="edit")
    if served_unit.kind not in REGISTER_KINDS:
        raise ValidationFailed(_("Households are registered in a community or a village."))
    data = _checked(data)
    # A community keeping a register has its own stock point: its deliveries go on there.
    community_stock_point(served_unit)
    household = Household(served_unit=served_unit, created_by=actor)
    return _save(household, data, actor=actor, exclude=None)


@transaction.atomic
def household_update(*, actor: User, household: Household, data: HouseholdInput) -> Household:
    """Correct a household's entry; an erased household cannot be filled in again."""
    require_personal_access(actor, household.served_unit, purpose="edit")
    household = Household.objects.select_for_update(of=("self",)).get(pk=household.pk)
    if household.erased_at is not None:
        raise ValidationFailed(_("This household's personal data was erased; register it anew."))
    return _save(household, _checked(data), actor=actor, exclude=household.pk)
