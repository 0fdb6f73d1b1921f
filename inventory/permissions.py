"""Who may change stock where. The rule lives here once; services call it.

Staff and coordinators act for their own organisation's sites; administrators
(superusers) for all. Community workers hold no stock and may change none.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from inventory.models import OrganisationMembership, Site

User = AbstractBaseUser | AnonymousUser


def organisation_ids_for(user: User, roles: tuple[str, ...] | None = None) -> set[int]:
    """Ids of the organisations the user works for, optionally only in the given roles."""
    if not user.is_authenticated:
        return set()
    memberships = OrganisationMembership.objects.filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organisation_id", flat=True))


def can_manage_site(user: User, site: Site) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return site.organisation_id in organisation_ids_for(user)


def require_site_manager(user: User, site: Site) -> None:
    if not can_manage_site(user, site):
        raise NotPermitted(
            _("You may not change stock at %(site)s: it belongs to another organisation.")
            % {"site": site.name}
        )


def may_curate_catalogue(user: User) -> bool:
    """The item catalogue is shared by every organisation: anyone on staff may propose new
    items and aliases, but only administrators and catalogue curators (the `change_item`
    permission, given in the admin) change an item that exists."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("inventory.change_item"))
