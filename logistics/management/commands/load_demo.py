"""`manage.py load_demo`: the 2020 Chengdu demo world, safe to run again and again."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from demo.world.loader import DemoConflict, DemoReport, load_demo
from demo.world.users import DEMO_PASSWORD, EXTRA_WORKERS, LOGINS

SITE_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    # Help texts stay untranslated, like Django's own commands: argparse formats them early.
    help = (
        "Load the demo world of the 2020 response in Chengdu (organisations, catalogue, "
        "served units, donations, stock and demo logins). Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (never on a production server).",
        )

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
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
        started = time.monotonic()
        try:
            report = load_demo()
        except DemoConflict as error:
            raise CommandError(str(error)) from error
        self._write_report(report, time.monotonic() - started)
        self._write_logins()

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

    def _write_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _("Demo logins (password “%(password)s”) / 演示账号（密码 %(password)s）")
                % {"password": DEMO_PASSWORD}
            )
        )
        for login in LOGINS:
            self.stdout.write(f"  {login.username:<12} {login.role_en} / {login.role_zh}")
            self.stdout.write(f"  {'':<12} {login.can_do_en}")
            self.stdout.write(f"  {'':<12} {login.can_do_zh}")
        self.stdout.write(
            _("  More community workers, same password: %(usernames)s / 其他社区工作者账号")
            % {"usernames": ", ".join(EXTRA_WORKERS)}
        )
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and sign in. / 打开 %(url)s 登录。") % {"url": SITE_URL})
