"""`manage.py load_demo`: the 2020 Chengdu demo world, told with today as its last day.

Safe to run again the same day (nothing changes). On a later day it leaves the world as it
is and says how to start over (`--reset`); `--as-of 2020-02-09` tells the story on its
historical dates.
"""

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from demo.world.loader import DemoConflict, DemoOutOfDate, DemoReport, demo_reset, load_demo
from demo.world.users import DEMO_PASSWORD, EXTRA_WORKERS, LOGINS


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r}: give a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    # Help texts stay untranslated, like Django's own commands: argparse formats them early.
    help = (
        "Load the demo world of the 2020 response in Chengdu (organisations, catalogue, "
        "served units, donations, stock, requests and demo logins), with today as the "
        "story's last day. Running it again the same day changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (never on a production server).",
        )
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="The story's last day (YYYY-MM-DD); 2020-02-09 gives the historical dates. "
            "Default: today.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the WHOLE database first (every row, demo or not), then load.",
        )
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="HOST:PORT the server will listen on, for the sign-in address printed.",
        )

    def handle(
        self,
        *args: object,
        force: bool = False,
        as_of: date | None = None,
        reset: bool = False,
        address: str = "127.0.0.1:8000",
        **options: object,
    ) -> None:
        # Demo logins with the password "demo" on a live server would be an open door.
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Refusing to load the demo: DEBUG is off, so this looks like a production "
                    "server, and the demo creates logins whose password is “%(password)s”. "
                    "Use --force if this really is a demo machine."
                )
                % {"password": DEMO_PASSWORD}
            )
        if as_of is not None and as_of > timezone.localdate():
            raise CommandError(_("--as-of cannot be later than today."))
        started = time.monotonic()
        if reset:
            demo_reset()
            self.stdout.write(_("Database emptied. / 数据库已清空。"))
        try:
            report = load_demo(as_of=as_of)
        except DemoConflict as error:
            raise CommandError(str(error)) from error
        except DemoOutOfDate as stale:
            # Not an error: `make run` goes on serving the world as it is.
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The demo world here is from %(then)s, not %(day)s: its waits and "
                        "expiries are that day's. To start over with a fresh story (this "
                        "empties the whole database): manage.py load_demo --reset, or "
                        "make demo-reset."
                    )
                    % {"then": stale.world_as_of.isoformat(), "day": stale.as_of.isoformat()}
                )
            )
        else:
            self._write_report(report, time.monotonic() - started)
        self._write_logins(f"http://{address}/")

    def _write_report(self, report: DemoReport, seconds: float) -> None:
        created = report.created
        if not created:
            self.stdout.write(
                _("Demo world already loaded: nothing to add. / 演示数据已存在，无需重复加载。")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo world loaded in %(seconds).1f s. / 演示数据已加载。") % {"seconds": seconds}
            )
        )
        for name, total in report.after.items():
            self.stdout.write(
                _("  %(name)s: %(total)d (%(new)d new)")
                % {"name": name, "total": total, "new": created.get(name, 0)}
            )

    def _write_logins(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                f"演示账号（密码 {DEMO_PASSWORD}）/ Demo logins (password “{DEMO_PASSWORD}”)"
            )
        )
        # Each role once in Chinese and once in English, whatever language is active.
        with translation.override("en"):
            english = {
                login.username: (str(login.role_en), str(login.can_do_en)) for login in LOGINS
            }
        for login in LOGINS:
            role_en, can_do_en = english[login.username]
            self.stdout.write(f"  {login.username:<12} {login.role_zh}：{login.can_do_zh}")
            self.stdout.write(f"  {'':<12} {role_en}: {can_do_en}")
        self.stdout.write(
            f"  其他社区工作者账号，密码相同 / more community workers, same password: "
            f"{', '.join(EXTRA_WORKERS)}"
        )
        self.stdout.write("")
        self.stdout.write(f"打开 {url} 登录。/ Open {url} and sign in.")
