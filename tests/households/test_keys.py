"""Key rotation with MultiFernet: a new key first, households_rotate_keys, old key dropped."""

from cryptography.fernet import Fernet
from django.core.management import call_command

from households.models import Household
from tests.households.conftest import PHONE
from tests.households.test_register import raw_row


def test_rotation_reencrypts_under_the_new_key(register, settings):
    household = register()
    old = list(settings.HOUSEHOLDS_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    settings.HOUSEHOLDS_ENCRYPTION_KEYS = [new, *old]
    call_command("households_rotate_keys")
    settings.HOUSEHOLDS_ENCRYPTION_KEYS = [new]
    assert Household.objects.get(pk=household.pk).phone == PHONE
    token = raw_row(household.pk)[1]
    assert Fernet(new.encode()).decrypt(token.encode()).decode() == PHONE
