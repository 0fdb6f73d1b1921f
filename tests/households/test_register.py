"""Registering households: encryption at rest, de-duplication by keyed hash, flags across
communities, validation."""

import pytest
from django.db import connection

from core.exceptions import Conflict, NotPermitted, ValidationFailed
from households.models import DuplicateFlag, Household
from tests.households.conftest import PHONE


def raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, phone, building, unit_no, room, notes, phone_hash "
            "FROM households_household WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_personal_fields_are_encrypted_at_rest(register):
    household = register()
    row = raw_row(household.pk)
    raw = " ".join(row)
    for secret in (PHONE, "张阿姨", "401室", "3栋", "胰岛素", "2单元"):
        assert secret not in raw
    assert all(value.startswith("gAAAA") for value in row[:6])  # Fernet tokens
    assert PHONE not in row[6]  # the hash is keyed, not the number
    again = Household.objects.get(pk=household.pk)
    assert (again.phone, again.contact_name, again.address) == (PHONE, "张阿姨", "3栋 2单元 401室")


def test_same_phone_in_same_community_is_refused_with_a_pointer(register):
    first = register()
    with pytest.raises(Conflict) as refused:
        # Full-width digits, +86 and dashes are the same phone.
        register("＋86 138-1234-5678", building="5栋", room="101")
    assert f"#{first.pk}" in refused.value.message
    assert Household.objects.count() == 1


def test_same_address_in_same_community_is_refused(register):
    first = register()
    with pytest.raises(Conflict) as refused:
        register("13900000000", building=" 3栋", unit_no="2 单元", room="４０１室")
    assert f"#{first.pk}" in refused.value.message


def test_same_phone_in_another_community_is_flagged_to_both(register, sibling, sibling_worker):
    mine = register()
    theirs = register(by=sibling_worker, at=sibling, building="9栋", room="909")
    assert set(DuplicateFlag.objects.values_list("household_id", "other_id", "match")) == {
        (mine.pk, theirs.pk, "phone"),
        (theirs.pk, mine.pk, "phone"),
    }


def test_consent_is_required(register):
    with pytest.raises(ValidationFailed):
        register(consent=False)
    assert not Household.objects.exists()


def test_a_phone_or_an_address_is_needed(register):
    with pytest.raises(ValidationFailed):
        register("", building="", unit_no="", room="")


def test_outsiders_cannot_register(register, coordinator, other_worker, sibling_worker):
    for user in (coordinator, other_worker, sibling_worker):
        with pytest.raises(NotPermitted):
            register(by=user)
    assert not Household.objects.exists()


def test_street_worker_registers_for_the_community_below(register, street_worker):
    assert register(by=street_worker).pk
