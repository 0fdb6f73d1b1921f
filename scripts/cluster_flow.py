"""Drive the main flow across the cluster that scripts/cluster_ci.sh started.

Everything a person does goes over HTTPS through nginx: signing in on the round-robin port,
then, to know which app server answers, on the two ports nginx pins to one app server each
(every answer there names its upstream in X-Upstream). What the people cannot see — the
alert state beat raised — is read from the database with the app's own models. Exits
non-zero, saying what differed, at the first thing that is not as it should be.

    python scripts/cluster_flow.py --main https://127.0.0.1:9143 --via-a https://127.0.0.1:9144 \
        --via-b https://127.0.0.1:9145 --ca cert.pem --worker-log worker.log --beat-log beat.log \
        --app-logs app-a.log app-b.log
"""

import argparse
import datetime as dt
import gzip
import http.cookiejar
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Failed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def upstream(self) -> str:
        return self.headers.get("x-upstream", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Browser:
    """One person's browser: a cookie jar (the session and CSRF cookies are host-wide, so the
    same session reaches every port of 127.0.0.1) over TLS checked against the CI's CA."""

    def __init__(self, name: str, context: ssl.SSLContext) -> None:
        self.name = name
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect,
        )

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def call(self, method: str, url: str, body: bytes | None = None, **headers: str) -> Answer:
        origin = re.match(r"https://[^/]+", url).group(0)
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Accept-Language", "zh-hans")
        if method != "GET":
            # What a browser sends with a form or fetch: Django checks both over HTTPS.
            request.add_header("Origin", origin)
            request.add_header("Referer", origin + "/")
            request.add_header("X-CSRFToken", self.csrf())
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, _lower(error.headers), error.read())

    def api(self, method: str, base: str, path: str, payload=None, **headers: str) -> Answer:
        body = None if payload is None else json.dumps(payload).encode()
        if body is not None:
            headers["Content_Type"] = "application/json"
        return self.call(method, f"{base}/api/v1{path}", body, **headers)

    def sign_in(self, base: str, password: str = "demo") -> None:
        page = self.call("GET", f"{base}/accounts/login/")
        expect(page.status == 200, f"login page: {page.status}")
        form = urllib.parse.urlencode(
            {"username": self.name, "password": password, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        answer = self.call(
            "POST",
            f"{base}/accounts/login/",
            form,
            Content_Type="application/x-www-form-urlencoded",
        )
        expect(answer.status == 302, f"{self.name} could not sign in: {answer.status}")
        home = self.call("GET", f"{base}/")
        expect(home.status == 200 and self.name.encode() in home.body, f"{self.name}: home page")


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def multipart(fields: dict[str, str], file_field: str, file_name: str, content: bytes):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_for(what: str, probe, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    raise Failed(f"gave up waiting for {what} after {timeout:.0f} s")


class Flow:
    def __init__(self, args: argparse.Namespace) -> None:
        context = ssl.create_default_context(cafile=args.ca)
        self.args = args
        self.main, self.a, self.b = args.main, args.via_a, args.via_b
        self.staff = Browser("staff", context)
        self.coordinator = Browser("coordinator", context)
        self.worker = Browser("worker", context)
        self.upstream_a = self.upstream_b = ""
        self.batch = f"CI-{uuid.uuid4().hex[:6].upper()}"
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        print(f"-- [{time.monotonic() - self.started:5.1f} s] {text}", flush=True)

    def on(self, answer: Answer, server: str, what: str) -> Answer:
        """The answer came from the app server pinned as `server` ("a" or "b")."""
        expect(answer.upstream, f"{what}: no X-Upstream header (pinned port?)")
        known = self.upstream_a if server == "a" else self.upstream_b
        other = self.upstream_b if server == "a" else self.upstream_a
        expect(answer.upstream == known and known != other, f"{what}: {answer.upstream}")
        return answer

    def run(self) -> None:
        self.step("health, and static files from nginx (gzip_static, cached for a year)")
        health = self.staff.call("GET", f"{self.main}/api/v1/health")
        expect(health.status == 200 and b'"ok"' in health.body, f"health: {health.body!r}")
        self.static_files()

        self.step("sign in through nginx (round robin)")
        for person in (self.staff, self.coordinator, self.worker):
            person.sign_in(self.main)
        self.upstream_a = self.staff.call("GET", f"{self.a}/api/v1/health").upstream
        self.upstream_b = self.staff.call("GET", f"{self.b}/api/v1/health").upstream
        expect(self.upstream_a and self.upstream_a != self.upstream_b, "two app servers")

        site, lot = self.donation_retried_on_the_other_server()
        self.request_submitted_on_a_approved_on_b()
        self.import_started_on_a_followed_on_b(site)
        self.beat_raises_the_alert_once(site, lot)
        self.both_servers_served_the_round_robin_port()
        print("cluster flow: every step as expected", flush=True)

    def static_files(self) -> None:
        manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
        original, hashed = next(
            (name, path)
            for name, path in manifest["paths"].items()
            if name.endswith(".js") and (ROOT / "staticfiles" / f"{path}.gz").exists()
        )
        answer = self.staff.call("GET", f"{self.main}/static/{hashed}", Accept_Encoding="gzip")
        expect(answer.status == 200, f"static {hashed}: {answer.status}")
        expect(answer.headers.get("content-encoding") == "gzip", f"{hashed} not gzip_static")
        on_disk = (ROOT / "staticfiles" / hashed).read_bytes()
        expect(gzip.decompress(answer.body) == on_disk, f"{hashed}: not the collected file")
        expect("immutable" in answer.headers.get("cache-control", ""), "hashed: no immutable")
        plain = self.staff.call("GET", f"{self.main}/static/{original}")
        expect(plain.status == 200 and "immutable" not in plain.headers.get("cache-control", ""),
               f"unhashed {original} must not be cached for a year")  # fmt: skip

    def donation_retried_on_the_other_server(self) -> tuple[dict, int]:
        """Also makes a lot expiring in ten days: beat's near-expiry check must notice it."""
        self.step("a donation posted on A, its retry with the same Idempotency-Key on B")
        sites = self.staff.api("GET", self.a, "/sites").json()["items"]
        site = next(s for s in sites if s["code"] == "cd-wuhou-wh")
        items = self.staff.api("GET", self.a, "/items?limit=200").json()["items"]
        item = next(i for i in items if i["expiry_tracked"] and not i["needs_review"])
        expiry = (dt.date.today() + dt.timedelta(days=10)).isoformat()
        body = {
            "site": site["code"],
            "donor": "集群测试捐赠人",
            "received_at": dt.date.today().isoformat(),
            "reference": f"cluster-{uuid.uuid4().hex[:8]}",
            "lines": [
                {"item": item["code"], "quantity": 700, "batch": self.batch, "expiry": expiry}
            ],
        }
        key = f"cluster-{uuid.uuid4()}"
        first = self.on(
            self.staff.api("POST", self.a, "/donations", body, Idempotency_Key=key), "a", "post"
        )
        expect(first.status == 201, f"donation: {first.status} {first.body[:300]!r}")
        retry = self.on(
            self.staff.api("POST", self.b, "/donations", body, Idempotency_Key=key), "b", "retry"
        )
        expect(retry.status == 201, f"retry: {retry.status} {retry.body[:300]!r}")
        expect(retry.headers.get("idempotent-replayed") == "true", "the retry was not replayed")
        expect(retry.json() == first.json(), "the retry answered differently")
        mine = self.staff.api("GET", self.b, f"/donations?site={site['code']}&limit=200").json()
        same = [d for d in mine["items"] if d["reference"] == body["reference"]]
        expect(len(same) == 1, f"{len(same)} donations for one idempotent retry")
        return site, first.json()["lines"][0]["lot"]

    def request_submitted_on_a_approved_on_b(self) -> None:
        self.step("a request made and submitted on A, approved on B, read back on either")
        units = self.worker.api("GET", self.a, "/served-units").json()["items"]
        items = self.worker.api("GET", self.a, "/items?limit=50").json()["items"]
        created = self.on(
            self.worker.api(
                "POST", self.a, "/requests",
                {
                    "served_unit": units[0]["id"], "priority": "high",
                    "needed_by": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
                    "people_served": 80,
                    "lines": [{"item": items[0]["code"], "quantity": 30}],
                },
            ),
            "a", "request",
        )  # fmt: skip
        expect(created.status == 201, f"request: {created.status} {created.body[:300]!r}")
        request = created.json()
        submitted = self.worker.api("POST", self.a, f"/requests/{request['id']}/submit")
        expect(submitted.json()["status"] == "submitted", f"submit: {submitted.body[:300]!r}")
        line = request["lines"][0]["id"]
        approved = self.on(
            self.coordinator.api(
                "POST", self.b, f"/requests/{request['id']}/approve",
                {"lines": [{"id": line, "quantity_approved": 30}]},
            ),
            "b", "approve",
        )  # fmt: skip
        expect(approved.status == 200, f"approve: {approved.status} {approved.body[:300]!r}")
        self.throttles_counted_by_both_servers()
        story = self.worker.api("GET", self.a, f"/requests/{request['id']}").json()
        expect(story["status"] == "approved", f"status read on A: {story['status']}")
        expect(
            [(h["to"], h["by"]) for h in story["history"]]
            == [("draft", "worker"), ("submitted", "worker"), ("approved", "coordinator")],
            f"history: {story['history']}",
        )

    def throttles_counted_by_both_servers(self) -> None:
        """The per-address write throttle holds one history for everyone behind 127.0.0.1:
        the donation, the request and its submission (A) and the approval (B) are all in it
        only if both servers count in the shared cache (CACHE_URL), not each in its own."""
        import redis
        from django.core.cache import cache

        client = redis.Redis.from_url(os.environ["CACHE_URL"])
        keys = [
            key.decode().split(":", 2)[2]  # Django's ":<version>:" before the throttle's key
            for key in client.scan_iter(match="*throttle_api-writes-address_*")
        ]
        counted = sum(len(cache.get(key) or []) for key in keys)
        expect(counted >= 4, f"the shared cache counted {counted} writes of 4 ({keys})")

    def import_started_on_a_followed_on_b(self, site: dict) -> None:
        self.step("an import uploaded on A, checked by the Celery worker, followed on B")
        self.staff.call("GET", f"{self.a}/imports/")
        today = dt.date.today().isoformat()
        sheet = (
            "捐赠单位,日期,品名,数量,单位\r\n"
            f"集群测试捐赠人,{today},84消毒液,30,瓶\r\n"
            f",{today},医用外科口罩,2000,只\r\n"
        ).encode()
        body, kind = multipart(
            {"kind": "donations", "site": str(site["id"]),
             "csrfmiddlewaretoken": self.staff.csrf()},
            "file", "集群测试.csv", sheet,
        )  # fmt: skip
        uploaded = self.on(
            self.staff.call("POST", f"{self.a}/imports/upload/", body, Content_Type=kind),
            "a", "upload",
        )  # fmt: skip
        expect(uploaded.status == 302, f"upload: {uploaded.status} {uploaded.body[:500]!r}")
        job = re.search(r"/imports/(\d+)/", uploaded.headers["location"]).group(1)

        def status_on_b(wanted: str):
            answer = self.on(
                self.staff.call("GET", f"{self.b}/imports/{job}/status/"), "b", "status"
            )
            state = answer.json()
            expect(state["status"] != "failed", f"import failed: {state}")
            return state if state["status"] == wanted else None

        checked = wait_for("the import's check", lambda: status_on_b("ready"), timeout=90)
        expect(checked["rows_total"] >= 2, f"preview: {checked}")
        confirmed = self.on(
            self.staff.call(
                "POST", f"{self.a}/imports/{job}/confirm/",
                urllib.parse.urlencode({"csrfmiddlewaretoken": self.staff.csrf()}).encode(),
                Content_Type="application/x-www-form-urlencoded",
            ),
            "a", "confirm",
        )  # fmt: skip
        expect(confirmed.status == 302, f"confirm: {confirmed.status}")
        done = wait_for("the import itself", lambda: status_on_b("done"), timeout=90)
        expect(done["percent"] == 100, f"done: {done}")
        page = self.staff.call("GET", f"{self.b}/imports/{job}/")
        expect(page.status == 200 and "84消毒液" in page.body.decode(), "job page on B")

    def beat_raises_the_alert_once(self, site: dict, lot: int) -> None:
        self.step("beat sends the near-expiry check; the worker raises the new lot's alert once")
        from celery import current_app

        from notifications.models import AlertState, Notification, NotificationKind

        subject = f"site={site['id']}:lot={lot}"
        state = wait_for(
            "beat's near-expiry alert",
            lambda: AlertState.objects.filter(
                kind=NotificationKind.NEAR_EXPIRY, subject=subject, is_active=True
            ).first(),
            timeout=100,
        )
        expect(state.crossings == 1, f"raised {state.crossings} times")
        told = Notification.objects.filter(kind=NotificationKind.NEAR_EXPIRY, params__lot=lot)
        recipients = sorted(told.values_list("recipient__username", flat=True))
        expect("staff" in recipients and "coordinator" in recipients, f"told: {recipients}")
        expect(len(recipients) == len(set(recipients)), f"someone told twice: {recipients}")
        beat_log = Path(self.args.beat_log).read_text(errors="replace")
        expect("notifications.tasks.check_near_expiry" in beat_log, "beat never sent it")

        # The same check once more (a second beat tick, a redelivery): nothing new.
        ran = _succeeded(self.args.worker_log)
        current_app.send_task("notifications.tasks.check_near_expiry")
        wait_for("the second check", lambda: _succeeded(self.args.worker_log) > ran, timeout=30)
        state.refresh_from_db()
        expect(state.crossings == 1, f"a second run raised it again ({state.crossings})")
        expect(told.count() == len(recipients), "a second run told people again")
        inbox = self.staff.call("GET", f"{self.main}/notifications/")
        expect(
            inbox.status == 200 and self.batch.encode() in inbox.body,
            "the alert is not in staff's inbox",
        )

    def both_servers_served_the_round_robin_port(self) -> None:
        self.step("nginx spread the round-robin port over both app servers")
        for log in self.args.app_logs:
            text = Path(log).read_text(errors="replace")
            expect("/accounts/login/" in text, f"{log}: no sign-in reached this app server")


def _succeeded(worker_log: str) -> int:
    text = Path(worker_log).read_text(errors="replace")
    return len(re.findall(r"notifications\.tasks\.check_near_expiry\[[^]]+\] succeeded", text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--main", required=True)
    parser.add_argument("--via-a", required=True)
    parser.add_argument("--via-b", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--worker-log", required=True)
    parser.add_argument("--beat-log", required=True)
    parser.add_argument("--app-logs", nargs=2, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()  # the app's models and cache, for what no page shows
    try:
        Flow(args).run()
    except Failed as failure:
        print(f"cluster flow FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
