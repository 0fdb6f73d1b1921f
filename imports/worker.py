"""The embedded default's import worker (no broker): one background thread per server
process takes jobs from a bounded queue, one at a time, and runs each step in a child
process (`manage.py run_import_job`) capped in memory (RLIMIT_AS) and in time.

So a hostile sheet can only kill its own child — the web workers never parse an upload —
and a server runs at most one import at a time. A job left behind by a full queue or a
restart is ended by the sweeper (`sweep_import_jobs`) and can be retried.
"""

import logging
import queue
import subprocess
import sys
import threading

from django.conf import settings
from django.utils.translation import gettext as _

from imports.models import ImportJob

logger = logging.getLogger(__name__)

_jobs: queue.Queue[tuple[int, str]] = queue.Queue(maxsize=100)
_started = threading.Lock()
_thread: threading.Thread | None = None


def _limit_memory() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    cap = settings.IMPORTS_WORKER_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run_bounded(job_id: int, step: str) -> int:
    """Run one step in a capped child; a child killed, out of memory or out of time fails
    the job (if it is still in that step) with the reason. The child's exit code."""
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_import_job"]
    try:
        finished = subprocess.run(
            [*command, str(job_id), step],
            preexec_fn=_limit_memory,
            timeout=settings.IMPORTS_TIME_LIMIT_SECONDS,
            capture_output=True,
            check=False,
        )
        code = finished.returncode
        if code:
            logger.error(
                "import job %s: child exited %s: %s", job_id, code, finished.stderr[-2000:]
            )
    except subprocess.TimeoutExpired:
        code = -9
    if code:
        message = _(
            "The file took too long or too much memory to read; nothing was imported. Split "
            "it into smaller files and try again."
        )
        from imports.jobs import job_fail

        job = ImportJob.objects.filter(pk=job_id, status=step).first()
        if job is not None:
            job_fail(job, message)
    return code


def _loop() -> None:
    while True:
        job_id, step = _jobs.get()
        try:
            run_bounded(job_id, step)
        except Exception:  # the loop must outlive any one job
            logger.exception("import job %s could not be run", job_id)


def submit(job_id: int, step: str) -> None:
    """Queue a step; a full queue leaves the job for the sweeper (it says so, retryable)."""
    global _thread
    with _started:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="import-worker", daemon=True)
            _thread.start()
    try:
        _jobs.put_nowait((job_id, step))
    except queue.Full:
        logger.warning("import queue full; job %s waits for the sweeper", job_id)
