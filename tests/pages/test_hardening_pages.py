"""The pages under hostile input: forged plan fields, an outside `back=`, a non-numeric
unit, another organisation's line — each refused without a 500 and without a reservation —
and the headers every page carries (a CSP the pages pass: no inline script anywhere)."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from logistics.models import Allocation, Shipment
from tests.factories import ServedUnitFactory


def test_a_malformed_qty_key_is_422_and_reserves_nothing(
    client, coordinator, site, receive, approved
):
    receive(100)
    request = approved(10)
    client.force_login(coordinator)
    line = request.lines.get().pk
    for key in ("qty-abc", f"qty-{line}", "qty-x-y-z", f"qty-{line}-no-such-site"):
        response = client.post(reverse("pages:plan_commit"), {key: "5"})
        assert response.status_code == 422, key
    assert not Allocation.objects.exists()


def test_back_only_returns_to_our_own_pages(client, coordinator, site):
    client.force_login(coordinator)
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(reverse("pages:plan_commit"), {"back": evil})
        assert response.status_code == 302
        assert response["Location"] == reverse("pages:shortages"), evil
    response = client.post(reverse("pages:plan_commit"), {"back": "/pages/shortages/?item=n95"})
    assert response["Location"] == "/pages/shortages/?item=n95"


def test_another_organisations_line_is_not_found_on_the_page(client, coordinator, site, receive):
    from supply_requests.models import SupplyRequest, SupplyRequestLine

    receive(100)
    theirs = ServedUnitFactory(name="他们的社区")
    other = SupplyRequest.objects.create(
        served_unit=theirs, requested_by=coordinator, status="approved"
    )
    line = SupplyRequestLine.objects.create(
        request=other, item=site.balances.first().item, quantity_requested=5, quantity_approved=5
    )
    client.force_login(coordinator)
    response = client.post(reverse("pages:plan_commit"), {f"qty-{line.pk}-{site.code}": "1"})
    assert response.status_code == 404
    assert "他们的社区" not in response.content.decode()
    assert not Allocation.objects.exists()


def test_a_non_numeric_unit_on_the_new_shipment_page_is_400(client, coordinator, site):
    client.force_login(coordinator)
    response = client.post(reverse("pages:shipment_new"), {"site": site.code, "unit": "abc"})
    assert response.status_code == 400
    assert not Shipment.objects.exists()


def test_every_page_carries_the_csp_and_permissions_policy(client, coordinator):
    client.force_login(coordinator)
    for url in ("/", reverse("login"), reverse("imports:index"), "/api/v1/health"):
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert (
            "unsafe-inline"
            not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        )
        assert "camera=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_handler():
    """What the CSP would block: an inline <script> body, an on…= handler, a javascript: URL."""
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    offenders = []
    for root in roots:
        for template in root.rglob("*.html"):
            text = template.read_text()
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
                offenders.append(f"{template}: inline <script>")
            if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
                offenders.append(f"{template}: inline handler")
    assert offenders == []
