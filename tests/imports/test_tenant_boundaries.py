"""Shared data across tenants, attacked through the imports: the staff of one organisation
try to rename a shared catalogue item (a phishing link on everyone's dashboards), to pull
another organisation's unit under their own, and to plant units in another's tree. Each is
refused row by row, and nothing changes."""

from inventory.models import Item, ItemAlias
from supply_requests.models import ServedUnit
from tests.factories import OrganisationFactory, ServedUnitFactory
from tests.imports.conftest import csv_bytes, outcomes


def test_staff_cannot_rename_a_shared_item_but_may_propose_items_and_aliases(
    staff, catalogue, run_import
):
    rows = [
        ["编码", "品名", "英文名", "计量单位", "别名"],
        ["n95-mask", "医用防护口罩", '<a href="https://evil.example">N95</a>', "只", ""],
    ]
    job = run_import(staff, "items", "items.csv", csv_bytes(rows), skip_invalid=True)
    status, message = outcomes(job)[2]
    assert status == "error" and "catalogue curator" in message
    assert Item.objects.get(code="n95-mask").name_en == "N95 mask"

    rows = [
        ["编码", "品名", "英文名", "计量单位", "别名"],
        ["n95-mask", "医用防护口罩", "N95 mask", "只", "KN95口罩"],
        ["face-shield", "防护面屏", "Face shield", "个", ""],
    ]
    job = run_import(staff, "items", "items.csv", csv_bytes(rows))
    assert job.status == "done", job.report
    assert ItemAlias.objects.filter(item__code="n95-mask", alias="KN95口罩").exists()
    assert Item.objects.filter(code="face-shield").exists()


def test_an_administrator_may_change_an_existing_item(catalogue, run_import, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    rows = [
        ["编码", "品名", "英文名", "计量单位"],
        ["n95-mask", "医用防护口罩", "N95 respirator", "只"],
    ]
    job = run_import(admin, "items", "items.csv", csv_bytes(rows))
    assert job.status == "done", job.report
    assert Item.objects.get(code="n95-mask").name_en == "N95 respirator"


def _theirs():
    other = OrganisationFactory(code="other-org")
    street = ServedUnitFactory(code="their-street", name="他们的街道", kind="street")
    community = ServedUnitFactory(code="their-community", name="他们的社区", parent=street)
    street.organisations.add(other)
    community.organisations.add(other)
    return other, street, community


def test_a_served_unit_import_cannot_reach_into_another_organisations_tree(
    staff, organisation, unit, run_import
):
    other, street, community = _theirs()
    rows = [
        ["单位编码", "单位名称", "类型", "上级单位", "服务机构"],
        # Pull their community under our unit,
        ["their-community", "他们的社区", "community", unit.code, ""],
        # plant a unit inside their tree,
        ["planted", "新社区", "community", "their-street", ""],
        # and sign them up as serving a unit of ours.
        ["ours-too", "我们的社区", "community", "", "other-org"],
    ]
    job = run_import(
        staff,
        "served_units",
        "units.csv",
        csv_bytes(rows),
        organisation=organisation,
        skip_invalid=True,
    )
    report = outcomes(job)
    assert report[2][0] == "error" and "served by other organisations" in report[2][1]
    assert report[3][0] == "error" and "one your organisation serves" in report[3][1]
    assert report[4][0] == "error" and "only name your own organisation" in report[4][1]
    community.refresh_from_db()
    assert community.parent_id == street.pk
    assert set(community.organisations.all()) == {other}
    assert not ServedUnit.objects.filter(code__in=["planted", "ours-too"]).exists()
    assert not street.children.exists() or set(street.children.all()) == {community}
