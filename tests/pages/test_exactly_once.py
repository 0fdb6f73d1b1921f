"""Exactly once: a page form's one-time token makes a double tap or a resubmit after the
back button return the first result instead of a second record."""

from django.urls import reverse

from inventory.models import Donation, StockBalance
from supply_requests.models import SupplyRequest
from tests.pages.test_bad_input_zh import ZH, donation_post, request_post


def test_a_request_sent_twice_with_one_token_is_one_request(client, worker, unit, item):
    client.force_login(worker)
    data = request_post(unit, [{"item": item.code, "quantity": "12"}], once="tap-1")
    first = client.post(reverse("pages:request_new"), data, **ZH)
    second = client.post(reverse("pages:request_new"), data, **ZH)
    assert SupplyRequest.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_donation_sent_twice_is_received_once(client, staff, site, item):
    client.force_login(staff)
    data = donation_post(site, [{"item": item.code, "quantity": "50"}], once="tap-2")
    client.post(reverse("pages:donation_new"), data, **ZH)
    client.post(reverse("pages:donation_new"), data, **ZH)
    assert Donation.objects.count() == 1
    assert StockBalance.objects.get().on_hand == 50


def test_a_form_shown_again_with_errors_can_be_corrected_and_sent(client, worker, unit, item):
    client.force_login(worker)
    bad = request_post(unit, [{"item": item.code, "quantity": "²"}], once="tap-3")
    assert client.post(reverse("pages:request_new"), bad, **ZH).status_code == 200
    good = request_post(unit, [{"item": item.code, "quantity": "2"}], once="tap-3")
    assert client.post(reverse("pages:request_new"), good, **ZH).status_code == 302
    assert SupplyRequest.objects.count() == 1


def test_new_forms_get_a_fresh_token(client, worker, unit, item):
    client.force_login(worker)
    first = client.get(reverse("pages:request_new"), **ZH).context["once_token"]
    second = client.get(reverse("pages:request_new"), **ZH).context["once_token"]
    assert first and first != second


def test_the_token_is_per_user(client, worker, unit, item, coordinator):
    client.force_login(worker)
    data = request_post(unit, [{"item": item.code, "quantity": "12"}], once="shared")
    client.post(reverse("pages:request_new"), data, **ZH)
    client.force_login(coordinator)
    # Another person's token is not a replay of her page (and she may not even ask here).
    response = client.post(reverse("pages:request_new"), data, **ZH)
    assert response.status_code == 404
    assert SupplyRequest.objects.count() == 1


def test_the_submit_script_is_served_from_our_static_files(client, worker):
    client.force_login(worker)
    html = client.get(reverse("pages:request_new"), **ZH).content.decode()
    assert "js/forms.js" in html and "data-enter-moves" in html


def test_enter_without_scripts_only_checks_the_donation(client, staff, site, item):
    client.force_login(staff)
    data = donation_post(site, [{"item": item.code, "quantity": "50"}], action="check")
    page = client.post(reverse("pages:donation_new"), data, **ZH)
    assert page.status_code == 200 and not Donation.objects.exists()
    assert 'value="50"' in page.content.decode()


def test_enter_without_scripts_saves_a_request_as_a_draft(client, worker, unit, item):
    client.force_login(worker)
    html = client.get(reverse("pages:request_new"), **ZH).content.decode()
    first_button = html[html.index("<button", html.index('name="once"')) :].split(">", 1)[0]
    assert 'value="draft"' in first_button  # the button Enter presses
