"""Dates on Chinese pages: every date box is written as ISO yyyy-mm-dd (the only value a
browser's date input accepts), so what the person saw is what the next submit sends."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from supply_requests.models import SupplyRequest

LANGUAGES = ["zh-hans", "en"]


def value_of(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_donation_form_prefills_today_in_iso(client, staff, site, language):
    client.force_login(staff)
    page = client.get(reverse("pages:donation_new"), HTTP_ACCEPT_LANGUAGE=language)
    assert value_of(page.content.decode(), "received_at") == timezone.localdate().isoformat()


@pytest.mark.parametrize("language", LANGUAGES)
def test_editing_a_draft_keeps_its_needed_by(client, worker, make_request, item, language):
    needed = timezone.localdate() + dt.timedelta(days=3)
    draft = make_request(40, needed_by=needed)
    client.force_login(worker)
    page = client.get(reverse("pages:request_edit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert value_of(html, "needed_by") == needed.isoformat()
    # Send back exactly what the browser shows, as a person saving the draft would.
    response = client.post(
        reverse("pages:request_edit", args=[draft.pk]),
        {
            "served_unit": draft.served_unit_id,
            "priority": draft.priority,
            "people_served": value_of(html, "people_served"),
            "needed_by": value_of(html, "needed_by"),
            "reason": "",
            "action": "draft",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "30",
            "lines-0-item": item.code,
            "lines-0-quantity": value_of(html, "lines-0-quantity"),
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    assert SupplyRequest.objects.get().needed_by == needed


@pytest.mark.parametrize("language", LANGUAGES)
def test_typed_dates_survive_an_error_elsewhere_on_the_form(client, staff, site, language):
    client.force_login(staff)
    page = client.post(
        reverse("pages:donation_new"),
        {
            "site": site.code,
            "donor": "",
            "received_at": "2020-01-30",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": "不存在的物资",
            "lines-0-quantity": "5",
            "lines-0-expiry": "2021-06-30",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert value_of(html, "received_at") == "2020-01-30"
    assert value_of(html, "lines-0-expiry") == "2021-06-30"


def test_the_chinese_form_also_reads_the_chinese_slash_format(client, staff, site, item):
    client.force_login(staff)
    response = client.post(
        reverse("pages:donation_new"),
        {
            "site": site.code,
            "donor": "成都市慈善总会",
            "received_at": "2020/01/30",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": item.code,
            "lines-0-quantity": "5",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 302
    assert site.donations.get().received_at == dt.date(2020, 1, 30)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_and_import_dates_render_in_iso(client, coordinator, staff, language):
    client.force_login(coordinator)
    page = client.get(
        reverse("dashboards:coordinator"),
        {"date_from": "2020-01-28", "date_to": "2020-02-28"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = page.content.decode()
    assert value_of(html, "date_from") == "2020-01-28"
    assert value_of(html, "date_to") == "2020-02-28"
