"""The social-work organisations of the demo, their warehouses and the donors who gave."""

from typing import NamedTuple

from inventory.models import Donor, Organisation, Site

CHENGDU_CENTRE = "cd-culture"
CHENGDU_SOCIAL_WORK = "cd-social-work"
WUHAN_ASSOCIATION = "wuhan-swa"


class OrganisationRow(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    city: str


class SiteRow(NamedTuple):
    organisation: str
    code: str
    name: str
    address: str


ORGANISATIONS = [
    OrganisationRow("csf", "中国社会工作联合会", "China Social Work Federation", "北京"),
    OrganisationRow(
        CHENGDU_CENTRE,
        "成都市社区文化发展中心",
        "Chengdu Community Culture Development Centre",
        "成都",
    ),
    OrganisationRow(
        CHENGDU_SOCIAL_WORK,
        "成都市社会工作服务中心",
        "Chengdu Social Work Service Centre",
        "成都",
    ),
    OrganisationRow("gz-swa", "广州市社会工作协会", "Guangzhou Social Work Association", "广州"),
    OrganisationRow(
        "sh-swa", "上海市社会工作者协会", "Shanghai Social Workers Association", "上海"
    ),
    OrganisationRow(
        WUHAN_ASSOCIATION, "武汉市社会工作协会", "Wuhan Social Work Association", "武汉"
    ),
]

SITES = [
    SiteRow("csf", "csf-beijing-wh", "北京物资中转仓", "北京市西城区"),
    SiteRow(CHENGDU_CENTRE, "cd-wuhou-wh", "武侯区物资仓库", "成都市武侯区玉林北路"),
    SiteRow(CHENGDU_CENTRE, "cd-gaoxin-wh", "高新区物资分发点", "成都市高新区芳草街"),
    SiteRow(CHENGDU_SOCIAL_WORK, "cd-jinniu-dp", "金牛区物资分发点", "成都市金牛区抚琴西路"),
    SiteRow("gz-swa", "gz-tianhe-wh", "广州天河物资仓库", "广州市天河区"),
    SiteRow("sh-swa", "sh-jingan-wh", "上海静安物资仓库", "上海市静安区"),
    SiteRow(WUHAN_ASSOCIATION, "wuhan-jianghan-wh", "武汉江汉区物资仓库", "武汉市江汉区"),
    SiteRow(WUHAN_ASSOCIATION, "wuhan-tangjiadun-dp", "唐家墩街道分发点", "武汉市江汉区唐家墩"),
]

# (name, kind). Companies and individuals are made up; the charities are the ones that were
# prominent in the 2020 response.
DONORS = [
    ("成都市慈善总会", "foundation"),
    ("深圳壹基金公益基金会", "foundation"),
    ("腾讯公益慈善基金会", "foundation"),
    ("成都市民政局", "government"),
    ("旅美四川同乡联谊会", "other"),
    ("四川安泰医疗用品有限公司", "company"),
    ("成都和美超市连锁有限公司", "company"),
    ("成都锦程粮油有限公司", "company"),
    ("广州南粤物流有限公司", "company"),
    ("张先生（匿名捐赠）", "individual"),
    ("李女士", "individual"),
    ("王先生", "individual"),
    ("赵女士", "individual"),
]


def load_organisations() -> tuple[dict[str, Organisation], dict[str, Site]]:
    """Upsert organisations and sites; returns both by code."""
    organisations = {}
    for row in ORGANISATIONS:
        organisations[row.code], _created = Organisation.objects.update_or_create(
            code=row.code,
            defaults={"name_zh": row.name_zh, "name_en": row.name_en, "city": row.city},
        )
    sites = {}
    for row in SITES:
        sites[row.code], _created = Site.objects.update_or_create(
            code=row.code,
            defaults={
                "organisation": organisations[row.organisation],
                "name": row.name,
                "address": row.address,
            },
        )
    return organisations, sites


def load_donors() -> dict[str, Donor]:
    donors = {}
    for name, kind in DONORS:
        donors[name], _created = Donor.objects.update_or_create(name=name, defaults={"kind": kind})
    return donors
