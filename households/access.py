"""Who may read a household's personal data, and the log of every read.

Only the community's own workers (those of the unit or of a unit above it) read names,
phones, addresses and notes. Coordinators, organisation staff, administrators, dashboards,
exports and the API summary see counts only — an administrator is not a community worker,
and a superuser flag is not a reason to read a family's phone number. (Volunteers read the
households of their own open rounds, phone masked: `households.rounds`.)
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from households.models import Household, PersonalDataRead
from inventory.permissions import User
from supply_requests.models import ServedUnit
from supply_requests.roles import roles_for


def can_read_personal(user: User, unit: ServedUnit) -> bool:
    """A community worker of this unit (or of one above it)."""
    return unit.pk in roles_for(user).worker_unit_ids


def reads_log(
    *,
    user: User,
    unit: ServedUnit,
    households: Iterable[Household],
    purpose: str,
    granted: bool = True,
) -> None:
    """One audit row per household read (one bulk insert)."""
    rows = [
        PersonalDataRead(
            user=user if user.is_authenticated else None,
            household=household,
            served_unit=unit,
            purpose=purpose,
            granted=granted,
        )
        for household in households
    ]
    PersonalDataRead.objects.bulk_create(rows)


def require_personal_access(user: User, unit: ServedUnit, *, purpose: str) -> None:
    """Refuse (and log the refusal) unless the user works for this community."""
    if can_read_personal(user, unit):
        return
    PersonalDataRead.objects.create(
        user=user if user.is_authenticated else None,
        served_unit=unit,
        purpose=purpose,
        granted=False,
    )
    raise NotPermitted(
        _("Only the workers of %(unit)s may see its households' names, phones and addresses.")
        % {"unit": unit.name}
    )
