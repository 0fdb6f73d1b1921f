"""Issue 20's part of the demo: the family kit (居家隔离生活物资包) with its components, one
per household per 7 days, and a volunteer of 玉林北路社区 (login "volunteer", password
"demo"). No household is made: people's data is entered by the community, not invented."""

from django.contrib.auth.models import AbstractUser

from demo.world.users import WORKER_UNIT, _ensure_user, _PasswordHash
from households.models import Entitlement, Volunteer
from inventory.models import Item, ItemCategory, KitComponent
from supply_requests.models import ServedUnit

KIT_CODE = "family-kit"
# Per kit, in each component's base unit (the demo catalogue's codes).
KIT_RECIPE = {
    "rice": 5,
    "cooking-oil": 1,
    "eggs": 10,
    "dried-noodles": 2,
    "toilet-paper": 2,
}


def load_last_mile(*, items: dict[str, Item], units: dict[str, ServedUnit]) -> AbstractUser:
    kit, _created = Item.objects.update_or_create(
        code=KIT_CODE,
        defaults={
            "name_zh": "居家隔离生活物资包",
            "name_en": "Home-isolation family kit",
            "category": ItemCategory.ISOLATION_NECESSITY,
            "base_unit": "包",
        },
    )
    for code, quantity in KIT_RECIPE.items():
        if code in items:
            KitComponent.objects.update_or_create(
                kit=kit, component=items[code], defaults={"quantity": quantity}
            )
    Entitlement.objects.update_or_create(item=kit, defaults={"period_days": 7})
    volunteer = _ensure_user("volunteer", _PasswordHash())
    Volunteer.objects.get_or_create(user=volunteer, served_unit=units[WORKER_UNIT])
    return volunteer
