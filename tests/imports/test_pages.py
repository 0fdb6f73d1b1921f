"""The staff pages: upload → preview of every row → confirm → result; the three personas;
large files through Celery with a progress bar; failures that leave nothing behind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportJob, ImportStatus
from inventory.models import DonationLine, StockMovement
from tests.conftest import RECEIVED
from tests.factories import SiteFactory
from tests.imports.conftest import csv_bytes

DAY = RECEIVED.isoformat()
SHEET = [
    ["捐赠单位", "日期", "品名", "数量", "单位"],
    ["壹基金", DAY, "医用防护口罩", "5箱", ""],
    ["", "", "84消毒液", "30", "瓶"],
    ["合计", "", "", "", ""],
]


def upload(client, site, rows=SHEET, name="sheet.csv", **fields):
    data = {
        "kind": "donations",
        "site": site.pk,
        "file": SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv"),
        **fields,
    }
    return client.post(reverse("imports:upload"), data)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_sign_in_first(client, db):
    response = client.get(reverse("imports:index"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_index_offers_the_user_her_sites_and_the_exports(staff_client, site, outsider):
    SiteFactory(organisation=outsider.organisation_memberships.get().organisation, code="far")
    response = staff_client.get(reverse("imports:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert site.name in page and "far" not in page
    assert reverse("imports:export", args=["donors", "xlsx"]) in page


def test_upload_preview_confirm(staff_client, site, catalogue):
    response = upload(staff_client, site)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportStatus.READY
    assert not DonationLine.objects.exists()  # the preview writes nothing

    page = staff_client.get(response["Location"]).content.decode()
    assert "医用防护口罩 × 2,000 只 (5 箱 × 400)" in page
    assert "Same donation as row 2." in page and "Totals line" in page
    assert "Import 2 rows" in page

    response = staff_client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert DonationLine.objects.count() == 2
    # Confirming twice does nothing more.
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    assert DonationLine.objects.count() == 2


def test_rows_with_errors_must_be_skipped_on_purpose(staff_client, site, catalogue):
    upload(staff_client, site, rows=[*SHEET[:3], ["", "", "不明物资", "1", "个"]])
    job = ImportJob.objects.get()
    page = staff_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "“不明物资” is not in the catalogue" in page
    assert "Skip the rows with errors" in page
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    assert not DonationLine.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    staff_client.post(reverse("imports:confirm", args=[job.pk]), {"skip_invalid": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and DonationLine.objects.count() == 2


def test_the_preview_lists_rows_by_outcome(staff_client, site, catalogue):
    upload(staff_client, site)
    job = ImportJob.objects.get()
    page = staff_client.get(reverse("imports:job", args=[job.pk]), {"status": "skipped"})
    assert "Totals line" in page.content.decode()
    assert "医用防护口罩" not in page.content.decode().split("Every row")[1]


def test_garbage_is_a_message_not_a_500(staff_client, site):
    # Refused before it is kept: the inspection opens the zip before any reader does.
    response = upload(staff_client, site, name="sheet.xlsx")
    assert response.status_code == 400
    assert "not a readable .xlsx workbook" in response.content.decode()
    assert not ImportJob.objects.exists()
    response = staff_client.post(
        reverse("imports:upload"),
        {"kind": "donations", "site": site.pk, "file": SimpleUploadedFile("x.pdf", b"%PDF")},
    )
    assert response.status_code == 400
    assert "Upload an .xlsx or .csv file." in response.content.decode()


def test_only_into_your_own_organisations_sites(staff_client, catalogue):
    elsewhere = SiteFactory()
    response = upload(staff_client, elsewhere)
    assert response.status_code == 400  # not a choice the form offers
    assert not ImportJob.objects.exists()


def test_outsiders_never_see_another_organisations_import(client, staff, outsider, site, catalogue):
    client.force_login(staff)
    upload(client, site)
    job = ImportJob.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:job_status", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    assert job.pk not in [j.pk for j in client.get(reverse("imports:index")).context["jobs"]]


def test_a_colleague_sees_the_import_but_only_its_uploader_confirms(
    client, staff, coordinator, site, catalogue
):
    client.force_login(staff)
    upload(client, site)
    job = ImportJob.objects.get()
    client.force_login(coordinator)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 200
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    assert not DonationLine.objects.exists()


def test_community_workers_may_import_only_requests(client, worker, site):
    client.force_login(worker)
    kinds = [
        value
        for value, _label in client.get(reverse("imports:index"))
        .context["form"]
        .fields["kind"]
        .choices
    ]
    assert kinds == ["requests"]


@pytest.fixture
def large_files(settings):
    """With a broker every upload, whatever its size, goes through the Celery tasks."""
    settings.IMPORTS_WORKER = "celery"


def test_large_files_run_as_celery_tasks_with_progress(
    staff_client, site, catalogue, large_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(staff_client, site)
    assert len(queued) == 1  # the check, queued after commit
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    status = staff_client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status == {
        "status": "ready",
        "label": "Ready to import",
        "percent": 100,
        "rows_done": 3,
        "rows_total": 3,
        "finished": True,
    }
    with django_capture_on_commit_callbacks(execute=False) as queued:
        staff_client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    page = staff_client.get(response["Location"]).content.decode()
    assert job.status == ImportStatus.IMPORTING
    assert 'id="import-progress"' in page and "imports/progress.js" in page
    assert (
        staff_client.get(reverse("imports:job_status", args=[job.pk])).json()["finished"] is False
    )
    queued[0]()  # the worker picks the task up
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and DonationLine.objects.count() == 2


def test_a_failure_half_way_leaves_nothing_and_says_why(staff_client, site, catalogue, monkeypatch):
    upload(staff_client, site)
    job = ImportJob.objects.get()

    def fail_after_the_stock(plan, context):
        original(plan, context)
        raise RuntimeError("disk full")

    from imports.importers.donations import DonationImporter

    original = DonationImporter.apply.__get__(DonationImporter())
    monkeypatch.setattr(
        DonationImporter, "apply", lambda self, plan, context: fail_after_the_stock(plan, context)
    )
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "disk full" in job.error and "nothing was imported" in job.error
    assert not StockMovement.objects.exists() and not DonationLine.objects.exists()


def test_the_index_lists_what_imports_created_for_review(
    client, staff, outsider, site, catalogue, unit, receive, run_import
):
    receive(10, lot_item=catalogue["gloves"])
    rows = [["接收单位", "品名", "数量"], ["临时隔离点", "医用乳胶检查手套", "5副"]]
    run_import(
        staff, "distributions", "d.csv", csv_bytes(rows), site=site, create_missing_receivers=True
    )
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "酒精棉片", "100片"]]
    run_import(staff, "donations", "i.csv", csv_bytes(rows), site=site, create_missing_items=True)
    client.force_login(staff)
    page = client.get(reverse("imports:index")).content.decode()
    assert "临时隔离点 (review-" in page and "酒精棉片" in page
    client.force_login(outsider)
    page = client.get(reverse("imports:index")).content.decode()
    assert "临时隔离点" not in page


def test_a_sheet_without_a_date_is_asked_for_one_in_the_preview(
    staff_client, site, catalogue, staff
):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩", "100只"]]
    upload(staff_client, site, rows=rows)
    job = ImportJob.objects.get()
    page = staff_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "The sheet gives no date" in page and 'name="day"' in page
    assert "壹基金" in page  # the row as written is shown beside its outcome

    staff_client.post(reverse("imports:give_date", args=[job.pk]), {"day": "2020-01-27"})
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.totals["new"] == 1
    staff_client.post(reverse("imports:confirm", args=[job.pk]))
    line = DonationLine.objects.select_related("donation").get()
    assert str(line.donation.received_at) == "2020-01-27"
    assert StockMovement.objects.get().occurred_at.date().isoformat() == "2020-01-27"


def test_only_the_uploader_may_give_the_date(staff_client, site, catalogue, client, coordinator):
    rows = [["捐赠单位", "品名", "数量"], ["壹基金", "医用防护口罩", "100只"]]
    upload(staff_client, site, rows=rows)
    job = ImportJob.objects.get()
    client.force_login(coordinator)
    client.post(reverse("imports:give_date", args=[job.pk]), {"day": "2020-01-27"})
    job.refresh_from_db()
    assert job.options.get("received_on") is None and job.totals["review"] == 1
