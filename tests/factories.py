"""factory_boy factories for the directory and catalogue. Stock is never made by a factory:
tests receive it through `inventory.services`, as the application does."""

import factory
from django.contrib.auth import get_user_model

from inventory.models import (
    Item,
    ItemCategory,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    Site,
)
from supply_requests.models import ServedUnit, ServedUnitKind, ServedUnitMembership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name_zh = factory.Sequence(lambda n: f"社会工作组织{n}")
    name_en = factory.Sequence(lambda n: f"Social work organisation {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"仓库{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"item-{n}")
    name_zh = factory.Sequence(lambda n: f"医用防护口罩{n}")
    name_en = factory.Sequence(lambda n: f"Medical protective mask {n}")
    category = ItemCategory.PROTECTIVE
    base_unit = "只"
    expiry_tracked = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationRole.STAFF


class ServedUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServedUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"社区{n}")
    kind = ServedUnitKind.COMMUNITY
    population = 1000
    households = 400


class UnitMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServedUnitMembership

    user = factory.SubFactory(UserFactory)
    served_unit = factory.SubFactory(ServedUnitFactory)
