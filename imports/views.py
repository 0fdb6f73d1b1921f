"""Pages for imports and exports: upload → preview of every row → confirm → result.

Thin: parse the request, call `imports.jobs` / `imports.exports`, render. Every job lookup
goes through `jobs_for`, so another organisation's job is a 404, and domain errors become
form errors, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from imports.exports import EXPORTS, FORMATS, response
from imports.fixes import job_row_fix
from imports.forms import ListDateForm, RowFixForm, UploadForm, kinds_for
from imports.jobs import (
    job_create,
    job_date_give,
    job_queue_check,
    job_queue_run,
    job_retry,
    job_start,
)
from imports.models import ImportJob, ImportStatus, RowStatus
from imports.selectors import jobs_for, to_review

PREVIEW_PAGE_ROWS = 200


def _index(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "may_import": bool(kinds_for(request.user)),
        # The list shows a summary of each job; its row report can be tens of MB (issue 19).
        "jobs": jobs_for(request.user).defer("report", "totals", "options")[:20],
        "exports": [(name, export.title) for name, export in EXPORTS.items()],
        "formats": FORMATS,
        "to_review": to_review(request.user),
    }
    return render(request, "imports/index.html", context, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, UploadForm(user=request.user))


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _index(request, form, status=400)
    data = form.cleaned_data
    try:
        job = job_create(
            actor=request.user,
            kind=data["kind"],
            file_name=data["file"].name,
            content=data["file"].read(),
            organisation=data["organisation"],
            site=data["site"],
            options=form.options(),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _index(request, form, status=403 if isinstance(error, NotPermitted) else 400)
    job_queue_check(job)
    return redirect("imports:job", pk=job.pk)


def _status(job: ImportJob) -> dict:
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "percent": job.progress_percent,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "finished": job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING),
    }


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    shown = request.GET.get("status", "")
    # [number, status, message, summary, cells, offers]; older reports lack the last two.
    rows = [
        (*row[:4], row[4] if len(row) > 4 else [], row[5] if len(row) > 5 else {})
        for row in job.report
        if not shown or row[1] == shown
    ]
    page = Paginator(rows, PREVIEW_PAGE_ROWS).get_page(request.GET.get("page"))
    totals = job.totals or {}
    context = {
        "job": job,
        "page": page,
        "shown": shown,
        "statuses": [(value, label, totals.get(value, 0)) for value, label in RowStatus.choices],
        "labels": dict(RowStatus.choices),
        "totals": totals,
        "quantities": sorted((totals.get("quantities") or {}).items()),
        "running": not _status(job)["finished"],
        "may_confirm": job.status == ImportStatus.READY and job.created_by_id == request.user.pk,
        "may_retry": job.retryable and job.created_by_id == request.user.pk,
        "has_errors": bool(totals.get("error")),
        "to_import": totals.get("new", 0) + totals.get("merged", 0),
        "asks_date": bool(totals.get("asks_date")) and job.status == ImportStatus.READY,
        "date_form": ListDateForm(),
    }
    return render(request, "imports/job.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The little JSON the progress bar polls."""
    job = get_object_or_404(jobs_for(request.user).defer("report", "content"), pk=pk)
    return JsonResponse(_status(job))


@login_required
@require_POST
def give_date(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview asked for the list's date (none in the sheet): set it and check again."""
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    form = ListDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date as 2020-01-29."))
        return redirect("imports:job", pk=job.pk)
    try:
        job_date_give(actor=request.user, job=job, day=form.cleaned_data["day"])
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def fix_row(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A held row fixed in the preview (item, alias, unit, pack size, split): check again."""
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    form = RowFixForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("imports:job", pk=job.pk)
    data = form.cleaned_data
    try:
        job_row_fix(
            actor=request.user,
            job=job,
            number=number,
            choice={key: data[key] for key in ("item", "unit", "pack_size", "split")},
            alias=data["alias"],
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Row %(row)d fixed; the sheet is checked again.") % {"row": number}
        )
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    if job.created_by_id != request.user.pk:
        raise Http404
    if job.status == ImportStatus.READY and (job.totals or {}).get("error"):
        if not request.POST.get("skip_invalid"):
            messages.error(
                request, _("Some rows have errors: choose to skip them, or fix the sheet.")
            )
            return redirect("imports:job", pk=job.pk)
        job.options = {**job.options, "skip_invalid": True}
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(options=job.options)
    if not job_start(job):
        messages.info(request, _("This import has already been confirmed."))
        return redirect("imports:job", pk=job.pk)
    job_queue_run(job)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a job the sweeper ended (its worker died) again, from the start."""
    job = get_object_or_404(jobs_for(request.user), pk=pk)
    if not job_retry(job, actor=request.user):
        raise Http404
    return redirect("imports:job", pk=job.pk)


@login_required
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if name not in EXPORTS or fmt not in FORMATS:
        raise Http404
    return response(name, fmt, request.user)
