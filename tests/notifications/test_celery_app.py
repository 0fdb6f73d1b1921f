"""The Celery app follows the environment: no broker → tasks run in-process (the embedded
default, `make run` needs no Redis); a redis:// broker → tasks go to workers. Checked in a
fresh interpreter, since the settings are read once at start-up."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "from config.celery import app; "
    "app.loader.import_default_modules(); "  # what a worker does: autodiscover tasks.py
    "print(app.conf.broker_url, app.conf.task_always_eager, app.conf.task_acks_late, "
    "app.conf.task_reject_on_worker_lost, 'notifications.tasks.check_near_expiry' in app.tasks)"
)


def probe(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PROBE}"],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_without_a_broker_tasks_run_in_process():
    assert probe() == ["memory://", "True", "True", "True", "True"]


def test_with_a_redis_broker_tasks_go_to_workers():
    url = "redis://127.0.0.1:6379/5"
    assert probe(CELERY_BROKER_URL=url) == [url, "False", "True", "True", "True"]
