"""Publishing, consent and offers: each change by a member of the organisation it concerns,
in one transaction, recording who did it."""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from inventory.models import Donor, Organisation, Site
from inventory.permissions import organisation_ids_for
from inventory.services import DonationLineInput, donation_receive
from public.models import DonorConsent, Offer, OfferStatus, OrganisationPublication


def _require_member(actor: AbstractBaseUser, organisation: Organisation) -> None:
    if not (actor.is_superuser or organisation.pk in organisation_ids_for(actor)):
        raise NotPermitted(
            _("Only the staff of %(org)s can change this.") % {"org": organisation.name_zh}
        )


@transaction.atomic
def publication_set(
    *, actor: AbstractBaseUser, organisation: Organisation, published: bool
) -> OrganisationPublication:
    """Switch an organisation's public pages on or off (off until its staff say so)."""
    _require_member(actor, organisation)
    publication, _created = OrganisationPublication.objects.select_for_update(
        of=("self",)
    ).get_or_create(
        organisation=organisation, defaults={"published": published, "changed_by": actor}
    )
    publication.published, publication.changed_by = published, actor
    publication.save()
    return publication


@transaction.atomic
def donor_consent_set(
    *, actor: AbstractBaseUser, organisation: Organisation, donor: Donor, name_public: bool
) -> DonorConsent:
    """Record whether a private donor agreed to be named, for a donor of the organisation."""
    _require_member(actor, organisation)
    if not donor.donations.filter(organisation=organisation).exists():
        raise NotPermitted(_("This donor gave nothing to %(org)s.") % {"org": organisation.name_zh})
    consent, _created = DonorConsent.objects.select_for_update(of=("self",)).get_or_create(
        donor=donor, defaults={"name_public": name_public, "recorded_by": actor}
    )
    consent.name_public, consent.recorded_by = name_public, actor
    consent.save()
    return consent


def offer_create(**fields) -> Offer:
    """An offer from the public; the token is its only key for the offerer."""
    return Offer.objects.create(token=secrets.token_urlsafe(24), **fields)


def _lock_new(offer: Offer) -> Offer:
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
    if offer.status != OfferStatus.NEW:
        raise IllegalTransition(_("This offer has already been answered."))
    return offer


@transaction.atomic
def offer_accept(*, actor: AbstractBaseUser, offer: Offer, site: Site, answer: str = "") -> Offer:
    """Accept an offer as a pledge: goods expected at one of the organisation's sites."""
    _require_member(actor, site.organisation)
    offer = _lock_new(offer)
    offer.status, offer.site, offer.organisation = OfferStatus.PLEDGED, site, site.organisation
    offer.answer = answer[:300] or _("Thank you: please bring it to %(site)s.") % {
        "site": site.name
    }
    offer.decided_by, offer.decided_at = actor, timezone.now()
    offer.save()
    return offer


@transaction.atomic
def offer_decline(
    *, actor: AbstractBaseUser, offer: Offer, organisation: Organisation, reason: str
) -> Offer:
    """Decline an offer, saying why (the offerer reads it)."""
    _require_member(actor, organisation)
    if not reason.strip():
        raise ValidationFailed(_("Say why the offer is declined."))
    offer = _lock_new(offer)
    offer.status, offer.organisation, offer.answer = OfferStatus.DECLINED, organisation, reason
    offer.decided_by, offer.decided_at = actor, timezone.now()
    offer.save()
    return offer


@transaction.atomic
def offer_receive(*, actor: AbstractBaseUser, offer: Offer, quantity: int) -> Offer:
    """The pledged goods arrived: they become a donation through the ledger."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("site").get(pk=offer.pk)
    if offer.status != OfferStatus.PLEDGED:
        raise IllegalTransition(_("Only an accepted offer can be received."))
    donor = Donor.objects.filter(name=offer.name).first() or Donor.objects.create(
        name=offer.name,
        kind="individual" if offer.offerer_kind == "person" else "other",
    )
    donation = donation_receive(
        actor=actor,
        site=offer.site,
        donor=donor,
        received_at=timezone.localdate(),
        lines=[DonationLineInput(item=offer.item, quantity=quantity)],
        reference=f"offer-{offer.pk}",
    )
    offer.status, offer.donation = OfferStatus.RECEIVED, donation
    offer.save(update_fields=["status", "donation"])
    return offer
