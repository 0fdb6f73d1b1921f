"""Writes of the household register (HackSoft style: `<entity>_<action>(*, …)`)."""

from households.services.erasure import household_erase_due
from households.services.register import (
    HouseholdInput,
    household_register,
    household_update,
)

__all__ = ["HouseholdInput", "household_erase_due", "household_register", "household_update"]
