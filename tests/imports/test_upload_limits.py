"""Hostile uploads, built here byte by byte: each is refused at the upload page with a
message, before any reader opens it, and leaves no job and no stock behind."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports import worker
from imports.importers.base import ImportOptions
from imports.jobs import job_create, job_retry, job_start, job_sweep
from imports.models import ImportedRow, ImportJob, ImportStatus
from imports.tasks import run_import
from imports.upload_limits import inspect_upload
from inventory.models import DonationLine, StockMovement
from tests.conftest import RECEIVED
from tests.imports.conftest import csv_bytes, xlsx_bytes

ROWS = [["品名", "数量", "捐赠方"], ["N95口罩", "400", "壹基金"]]


def rewrite_sheet(content: bytes, change) -> bytes:
    """The workbook with its first worksheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(member.filename, data)
    return out.getvalue()


def post(client, site, name: str, content: bytes):
    return client.post(
        reverse("imports:upload"),
        {"kind": "donations", "site": site.pk, "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def assert_refused(response, words: str) -> None:
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not DonationLine.objects.exists() and not StockMovement.objects.exists()


def test_a_tiny_workbook_merging_a_million_rows_is_refused(staff_client, site):
    small = xlsx_bytes([*ROWS, ["", "", ""]], merged=["D3:E4"])
    bomb = rewrite_sheet(small, lambda xml: xml.replace(b'"D3:E4"', b'"D3:XFD1048576"'))
    assert len(bomb) < 10_000
    assert_refused(post(staff_client, site, "bomb.xlsx", bomb), "unmerge ranges that large")


def test_a_zip_that_expands_a_thousandfold_is_refused(staff_client, site):
    padded = rewrite_sheet(
        xlsx_bytes(ROWS), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000)
    )
    assert len(padded) < 100_000
    assert_refused(post(staff_client, site, "zip.xlsx", padded), "expands to more than")


def test_a_sheet_claiming_a_huge_dimension_is_refused(staff_client, site):
    lying = rewrite_sheet(
        xlsx_bytes(ROWS),
        lambda xml: xml.replace(b'<dimension ref="A1:C2" />', b'<dimension ref="A1:C1048576" />'),
    )
    assert_refused(post(staff_client, site, "dim.xlsx", lying), "rows; at most")


def test_an_xml_entity_bomb_is_refused(staff_client, site):
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>'
    bomb = rewrite_sheet(xlsx_bytes(ROWS), lambda xml: laughs)
    assert_refused(post(staff_client, site, "dtd.xlsx", bomb), "not a readable .xlsx")


def test_a_csv_cell_of_200000_characters_is_refused(staff_client, site):
    content = csv_bytes([*ROWS, ["N95口罩", "1", "x" * 200_000]])
    assert_refused(post(staff_client, site, "long.csv", content), "more than 32767 characters")


def test_rows_are_counted_by_the_csv_reader_even_when_split_by_cr_alone(staff_client, site):
    rows = "\r".join(["品名,数量,捐赠方"] + ["N95口罩,1,壹基金"] * 250_000)
    content = rows.encode()
    assert b"\n" not in content
    assert_refused(post(staff_client, site, "cr.csv", content), "rows; at most")
    assert inspect_upload(b"a,b\rc,d\re,f", "x.csv") == 3


def test_a_small_sheet_still_passes_the_inspection(staff, site, catalogue):
    assert inspect_upload(xlsx_bytes(ROWS, merged=["D1:E2"]), "ok.xlsx") == 2
    job = job_create(
        actor=staff, kind="donations", file_name="ok.csv", content=csv_bytes(ROWS), site=site
    )
    assert job.rows_total == 2 and job.step_started_at is not None


def test_the_bounded_worker_fails_a_job_whose_child_dies(staff, site, monkeypatch, settings):
    job = job_create(
        actor=staff, kind="donations", file_name="ok.csv", content=csv_bytes(ROWS), site=site
    )
    # A child that blows its memory cap exits non-zero, as this one does.
    settings.BASE_DIR = settings.BASE_DIR / "no-such-dir"
    assert worker.run_bounded(job.pk, ImportStatus.CHECKING) != 0
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "too much memory" in job.error
    assert not DonationLine.objects.exists()


def test_a_stuck_job_is_swept_retried_and_imported_exactly_once(staff, site, catalogue):
    job = job_create(
        actor=staff,
        kind="donations",
        file_name="d.csv",
        content=csv_bytes(ROWS),
        site=site,
        # The sheet has no date of its own (issue 18: never a silent "today").
        options=ImportOptions(received_on=RECEIVED),
    )
    # Its worker died mid-check long ago: the job still says "checking".
    ImportJob.objects.filter(pk=job.pk).update(step_started_at=timezone.now() - timedelta(hours=2))
    assert job_sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.retryable
    assert job_sweep() == []  # a failed job is not swept twice

    assert job_retry(job, actor=staff)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert job_start(job)
    assert run_import(job.pk) == ImportStatus.DONE
    assert DonationLine.objects.count() == 1

    # The worker died after the import committed but before it said so: the sweeper sees
    # the rows it wrote and calls it done; a late redelivery writes nothing again.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, step_started_at=timezone.now() - timedelta(hours=2)
    )
    assert job_sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not job.retryable
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    assert run_import(job.pk) == ImportStatus.DONE
    assert DonationLine.objects.count() == 1
    assert ImportedRow.objects.filter(job=job).count() == 1


def test_only_the_uploader_may_retry(staff, coordinator, site, catalogue):
    job = job_create(
        actor=staff, kind="donations", file_name="d.csv", content=csv_bytes(ROWS), site=site
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, retryable=True)
    assert not job_retry(job, actor=coordinator)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_any_reader_exception_fails_the_job_with_its_reason(staff, site, monkeypatch):
    from imports import runner
    from imports.jobs import job_check

    job = job_create(
        actor=staff, kind="donations", file_name="d.csv", content=csv_bytes(ROWS), site=site
    )

    def explode(*args, **kwargs):
        raise KeyError("sheet1")

    monkeypatch.setattr(runner.DonationImporter, "read", explode)
    job = job_check(job)
    assert job.status == ImportStatus.FAILED and "sheet1" in job.error


def test_the_retry_button_checks_a_swept_job_again(staff_client, staff, site, catalogue):
    job = job_create(
        actor=staff, kind="donations", file_name="d.csv", content=csv_bytes(ROWS), site=site
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, retryable=True)
    assert (
        "Check the file again"
        in staff_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    )
    response = staff_client.post(reverse("imports:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and not job.retryable
    # Once only: a second press finds nothing to retry.
    assert staff_client.post(reverse("imports:retry", args=[job.pk])).status_code == 404


def test_the_child_command_checks_a_job(staff, site, catalogue):
    from django.core.management import call_command

    job = job_create(
        actor=staff, kind="donations", file_name="d.csv", content=csv_bytes(ROWS), site=site
    )
    call_command("run_import_job", job.pk, "checking")
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
