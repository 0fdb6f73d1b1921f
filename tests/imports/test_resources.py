"""The django-import-export resources and their admin import: the shared base (formula
escaping, row cap, model validation really running), natural keys, and donations through
`donation_receive` only."""

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory.models import Donation, Item, Site, StockMovement
from inventory.resources import DonationLineResource, ItemResource, SafeResource, SiteResource
from inventory.selectors import ledger_mismatches
from supply_requests.models import ServedUnit
from supply_requests.resources import ServedUnitResource
from tests.conftest import RECEIVED
from tests.factories import ItemFactory, SiteFactory, UserFactory
from tests.imports.conftest import csv_bytes


def dataset(rows):
    return tablib.Dataset(*rows[1:], headers=rows[0])


def test_model_validation_really_runs_on_import(db):
    rows = [
        ["code", "name_zh", "category", "base_unit"],
        ["ok", "口罩", "protective", "只"],
        ["bad-category", "手套", "weapons", "副"],
        ["no-name", "", "protective", "只"],
    ]
    result = ItemResource(curator=True).import_data(dataset(rows), dry_run=True)
    assert [row.import_type for row in result.rows] == ["new", "invalid", "invalid"]
    assert "weapons" in str(result.invalid_rows[0].error_dict["category"])
    assert "name_zh" in result.invalid_rows[1].error_dict
    assert not Item.objects.exists()


def test_categories_by_value_or_label_in_either_language(db):
    rows = [
        ["code", "name_zh", "category", "base_unit"],
        ["m", "口罩", "Protective equipment", "只"],
    ]
    ItemResource(curator=True).import_data(dataset(rows))
    assert Item.objects.get(code="m").category == "protective"


def test_exports_escape_formulas(db):
    ItemFactory(code="evil", name_zh="=cmd|'/C calc'!A0", name_en="+1", standard="@SUM(1)")
    exported = ItemResource(curator=True).export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row["name_zh"] == "'=cmd|'/C calc'!A0"
    assert (row["name_en"], row["standard"]) == ("'+1", "'@SUM(1)")


def test_imports_are_capped(db, monkeypatch):
    monkeypatch.setattr(SafeResource, "max_rows", 2)
    rows = [
        ["code", "name_zh", "category", "base_unit"],
        *[[f"i{n}", "x", "other", "个"] for n in range(3)],
    ]
    result = ItemResource(curator=True).import_data(dataset(rows))
    assert result.has_errors() and "at most 2" in str(result.base_errors[0].error)
    assert not Item.objects.exists()


def test_natural_keys_name_sites_by_code(organisation):
    rows = [
        ["organisation", "code", "name"],
        [organisation.code, "cd-new", "新仓库"],
        ["nope", "x", "x"],
    ]
    result = SiteResource().import_data(dataset(rows))
    assert Site.objects.get(code="cd-new").organisation == organisation
    assert "No organisation with code “nope”" in str(result.invalid_rows[0].error_dict)


def test_served_unit_parents_come_first_and_organisations_are_only_added(organisation):
    other = SiteFactory().organisation
    rows = [
        ["code", "name", "kind", "parent", "served_by"],
        ["child", "社区", "community", "parent", other.code],
        ["parent", "街道", "street", "", ""],
    ]
    # An organisation's import may not name another organisation as serving (issue 17).
    result = ServedUnitResource(organisation=organisation).import_data(dataset(rows))
    assert "only name your own organisation" in str(result.invalid_rows[0].error_dict)
    assert not ServedUnit.objects.filter(code="child").exists()
    # The administrator's import (no organisation) may, and organisations are only added.
    ServedUnitResource().import_data(dataset(rows))
    child = ServedUnit.objects.get(code="child")
    assert child.parent.code == "parent"
    assert set(child.organisations.all()) == {other}
    child.organisations.add(organisation)
    rows = [["code", "name", "kind", "served_by"], ["child", "社区", "community", ""]]
    ServedUnitResource().import_data(dataset(rows))
    assert child.organisations.count() == 2


def test_a_served_unit_cannot_become_its_own_descendant(organisation):
    rows = [
        ["code", "name", "kind", "parent"],
        ["a", "A", "street", ""],
        ["b", "B", "community", "a"],
    ]
    ServedUnitResource().import_data(dataset(rows))
    result = ServedUnitResource().import_data(dataset([rows[0], ["a", "A", "street", "b"]]))
    assert "own descendant" in str(result.invalid_rows[0].error_dict["parent"])
    assert ServedUnit.objects.get(code="a").parent is None


DONATION_ROWS = [
    ["site", "donor", "received_at", "reference", "item", "quantity", "pack_name", "pack_count"],
    ["cd-wh", "壹基金", RECEIVED.isoformat(), "", "n95", "800", "箱", "2"],
    ["cd-wh", "壹基金", RECEIVED.isoformat(), "", "n95", "50", "", ""],
    ["cd-wh", "腾讯公益", RECEIVED.isoformat(), "R-7", "n95", "10", "", ""],
]


def test_donation_rows_go_through_donation_receive(staff, site, item):
    resource = DonationLineResource()
    preview = resource.import_data(dataset(DONATION_ROWS), dry_run=True, user=staff)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert not StockMovement.objects.exists()

    DonationLineResource().import_data(dataset(DONATION_ROWS), user=staff)
    donations = {d.donor.name: d for d in Donation.objects.all()}
    assert donations["腾讯公益"].reference == "R-7"
    assert donations["壹基金"].reference.startswith("sheet-")
    assert sorted(donations["壹基金"].lines.values_list("quantity", "pack_count")) == [
        (50, None),
        (800, 2),
    ]
    assert ledger_mismatches() == []
    again = DonationLineResource().import_data(dataset(DONATION_ROWS), user=staff)
    assert [row.import_type for row in again.rows] == ["skip", "skip", "skip"]
    assert Donation.objects.count() == 2


def test_donation_rows_for_another_organisations_site_are_invalid(outsider, site, item):
    result = DonationLineResource().import_data(dataset(DONATION_ROWS), user=outsider)
    assert result.has_validation_errors()
    assert "site you manage" in str(result.invalid_rows[0].error_dict["site"])
    assert not Donation.objects.exists()


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def csv_format_index(model):
    formats = admin.site._registry[model].get_import_formats()
    return next(str(i) for i, fmt in enumerate(formats) if fmt().get_title() == "csv")


def test_admin_import_of_donations_previews_then_posts_through_the_service(
    admin_client, site, item
):
    response = admin_client.post(
        reverse("admin:inventory_donation_import"),
        {
            "resource": "0",
            "format": csv_format_index(Donation),
            "import_file": SimpleUploadedFile("d.csv", csv_bytes(DONATION_ROWS)),
        },
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None and not StockMovement.objects.exists()  # a preview only
    response = admin_client.post(
        reverse("admin:inventory_donation_process_import"), confirm.initial
    )
    assert response.status_code == 302
    assert Donation.objects.count() == 2
    assert sum(m.quantity for m in StockMovement.objects.all()) == 860
    assert ledger_mismatches() == []


def test_admin_import_of_the_catalogue(admin_client):
    rows = [["code", "name_zh", "category", "base_unit", "packs", "aliases"]]
    rows.append(["goggles", "护目镜", "protective", "副", "箱=100", "防护眼镜"])
    response = admin_client.post(
        reverse("admin:inventory_item_import"),
        {
            "resource": "0",
            "format": csv_format_index(Item),
            "import_file": SimpleUploadedFile("items.csv", csv_bytes(rows)),
        },
    )
    confirm = response.context["confirm_form"]
    admin_client.post(reverse("admin:inventory_item_process_import"), confirm.initial)
    goggles = Item.objects.get(code="goggles")
    assert list(goggles.packs.values_list("name", "quantity")) == [("箱", 100)]
    assert list(goggles.aliases.values_list("alias", flat=True)) == ["防护眼镜"]
