"""The import's progress bar tells the truth (issue 19): it moves with the work, never shows
more rows than the sheet has, and reaches 100 % only when the step has ended."""

from imports import jobs
from imports.models import ImportStatus
from inventory.models import DonationLine
from tests.imports.conftest import csv_bytes


def _recorded(monkeypatch) -> list[int]:
    written: list[int] = []
    monkeypatch.setattr(jobs.Progress, "write", lambda self, done: written.append(done))
    return written


def test_the_bar_of_an_import_moves_with_its_stages_and_ends_at_the_rows(
    staff, site, catalogue, run_import, monkeypatch
):
    rows = [["捐赠方", "物资名称", "数量"]] + [["壹基金", "大米", str(n + 1)] for n in range(300)]
    content = csv_bytes(rows)
    written = _recorded(monkeypatch)
    job = run_import(staff, "donations", "rice.csv", content, site=site, confirm=False)
    assert job.status == ImportStatus.READY
    checked = list(written)
    written.clear()
    assert jobs.job_start(job)
    total = job.rows_total  # the rows of the sheet as the bar counts them while it runs
    job = jobs.job_run(job)

    assert job.status == ImportStatus.DONE and DonationLine.objects.count() == 300
    assert (
        total == 300
    )  # the check counted the rows (the upload's first count, 301, had the header)
    for seen, running_total in ((checked, 301), (written, 300)):
        # Never backwards, never the whole sheet while the step still runs.
        assert seen == sorted(seen) and seen and max(seen) < running_total
    # Planning is the first 18 % of the import's bar, the writing reaches 82 %, the
    # fingerprints and the roll-up 90 %; the commit (nothing deferred to check) and the row
    # report are the rest (the old bar counted every row twice and read 600 of 300 — 100 %
    # from half-way — and then gave the commit 40 % when it had become instant).
    planned, wrote, fingerprinted = jobs.IMPORT_STAGES
    assert any(done <= planned * total for done in written)
    assert int(wrote * total) in written and int(fingerprinted * total) in written
    assert max(written) == int(fingerprinted * total)
    # The bulk write's steps move the bar inside the writing stage, forwards only.
    steps = [done for done in written if planned * total < done < wrote * total]
    assert len(steps) >= 3
    assert (job.rows_done, job.rows_total, job.progress_percent) == (300, 300, 100)


def test_the_bar_of_a_check_ends_below_the_rows_until_the_preview_is_ready(
    staff, site, catalogue, run_import, monkeypatch
):
    content = csv_bytes([["捐赠方", "物资名称", "数量"]] + [["壹基金", "大米", "1"]] * 120)
    written = _recorded(monkeypatch)
    job = run_import(staff, "donations", "rice.csv", content, site=site, confirm=False)
    # While it ran the bar counted the upload's 121 lines (the header too): at most 120.
    assert written == sorted(written) and max(written) == 120
    assert (job.rows_done, job.rows_total, job.progress_percent) == (120, 120, 100)


def test_a_bulk_write_reports_fractions_of_its_own_stage(monkeypatch):
    """`stage(fraction)` is how much of the current stage is done, whatever share of the bar
    that stage owns: an importer never needs to know the bar's layout."""
    written = _recorded(monkeypatch)
    progress = jobs.Progress(type("Job", (), {"pk": 1})(), 1000, (0.2, 0.8, 0.9))
    progress.stage()  # planned: 20 %
    progress.stage(0.5)  # half of the writing: 20 % + 60 % / 2
    progress.stage(0.25)  # never backwards
    progress.stage(1.0)
    progress.stage()  # written
    progress.stage()  # fingerprints
    assert written == [200, 500, 800, 900]
