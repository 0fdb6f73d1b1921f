"""The demo logins, one per role, all with the password `demo`.

Users are only ever created, never updated: someone who changed a demo password on their
machine keeps it.
"""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from demo.world.organisations import CHENGDU_CENTRE
from inventory.models import Organisation, OrganisationMembership, OrganisationRole
from supply_requests.models import ServedUnit, ServedUnitMembership

DEMO_PASSWORD = "demo"
WORKER_UNIT = "cd-wuhou-yulin-beilu"  # 玉林北路社区


class Login(NamedTuple):
    username: str
    role_en: Promise
    role_zh: str
    can_do_en: Promise
    can_do_zh: str


LOGINS = [
    Login(
        "admin",
        _("Administrator"),
        "管理员",
        _("everything, including the admin site at /admin/"),
        "全部功能，包括后台管理 /admin/",
    ),
    Login(
        "coordinator",
        _("Coordinator, Chengdu Community Culture Development Centre"),
        "协调员（成都市社区文化发展中心）",
        _("approve and allocate requests fairly, dispatch, watch the distribution dashboard"),
        "审批申请、公平分配物资、安排发货、查看分配看板",
    ),
    Login(
        "staff",
        _("Staff, Chengdu Community Culture Development Centre"),
        "机构工作人员（成都市社区文化发展中心）",
        _("record donations, count stock, write off and transfer stock"),
        "登记捐赠、盘点库存、报损和调拨",
    ),
    Login(
        "worker",
        _("Community worker, Yulin North Road Community"),
        "社区工作者（玉林北路社区）",
        _("request supplies for the community, follow requests, confirm deliveries"),
        "为本社区申请物资、跟踪申请、确认收货",
    ),
]

# Extra community workers, so a coordinator sees requests from more than one place: the
# clinics and the hospital on the front line, street offices (whose workers act for the
# communities below them), a volunteer association and a rural town.
EXTRA_WORKERS = {
    "worker2": "cd-chenghua-mengzhuiwan-wangping",  # 望平社区
    "worker3": "cd-qionglai-pingle-huaqiu",  # 花楸村
    "worker4": "cd-wuhou-yulin-chc",  # 玉林社区卫生服务中心
    "worker5": "cd-qionglai-hospital",  # 邛崃市医疗中心医院
    "worker6": "cd-chenghua-mengzhuiwan-chc",  # 猛追湾街道社区卫生服务中心
    "worker7": "cd-gaoxin-xiaojiahe",  # 肖家河街道
    "worker8": "cd-gaoxin-guixi",  # 桂溪街道
    "worker9": "cd-jinniu-youth-volunteers",  # 金牛区青年志愿者协会
    "worker10": "cd-wuhou-cuqiao",  # 簇桥街道
    "worker11": "cd-dayi-anren",  # 安仁镇
}


class _PasswordHash:
    """The hash of the demo password, computed once per load: hashing costs ~0.2 s and a
    fresh database gets a dozen users. Sharing one salt between demo accounts whose
    password is printed on the screen gives nothing away."""

    def __init__(self) -> None:
        self._value = ""

    def __str__(self) -> str:
        if not self._value:
            self._value = make_password(DEMO_PASSWORD)
        return self._value


def _ensure_user(
    username: str, password_hash: _PasswordHash, *, superuser: bool = False
) -> AbstractUser:
    user_model = get_user_model()
    existing = user_model.objects.filter(username=username).first()
    if existing is not None:
        return existing
    # .invalid is a reserved domain: no mail to a demo account can reach anybody.
    email = f"{username}@demo.invalid"
    create = user_model.objects.create_superuser if superuser else user_model.objects.create_user
    user = create(username, email, None)  # no password yet: unusable until set below
    user.password = str(password_hash)
    user.save(update_fields=["password"])
    return user


def load_users(
    organisations: dict[str, Organisation], units: dict[str, ServedUnit]
) -> dict[str, AbstractUser]:
    """Create the demo logins that are missing and give each its role; returns them."""
    centre = organisations[CHENGDU_CENTRE]
    password_hash = _PasswordHash()
    users = {"admin": _ensure_user("admin", password_hash, superuser=True)}
    for username, role in (
        ("coordinator", OrganisationRole.COORDINATOR),
        ("staff", OrganisationRole.STAFF),
    ):
        users[username] = _ensure_user(username, password_hash)
        OrganisationMembership.objects.get_or_create(
            user=users[username], organisation=centre, role=role
        )
    for username, unit_code in {"worker": WORKER_UNIT, **EXTRA_WORKERS}.items():
        users[username] = _ensure_user(username, password_hash)
        ServedUnitMembership.objects.get_or_create(
            user=users[username], served_unit=units[unit_code]
        )
    return users
