"""The home page and every admin page render; the ledger is read-only in the admin."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from inventory.admin import ReadOnlyAdmin
from inventory.models import StockMovement
from tests.factories import ItemFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_home_page_counts_items_and_lots_by_category_never_adds_quantities(client, receive, item):
    receive(1200)
    receive(300)
    gloves = ItemFactory(code="gloves", name_zh="手套", base_unit="副", category=item.category)
    receive(50, lot_item=gloves)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r"<tr><td>Protective equipment</td>(.*?)</tr>", html).group(1)
    # Two items (masks and pairs of gloves) in three lots; never "1,550".
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "3"]
    assert "1,550" not in html and "1,500" not in html


def test_every_admin_list_and_add_page_renders(admin_client, receive):
    receive(10)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        # django-axes' records (failed sign-ins, lockouts) are read-only in its own admin.
        read_only = isinstance(model_admin, ReadOnlyAdmin) or meta.app_label == "axes"
        expected = 403 if read_only else 200
        assert admin_client.get(add).status_code == expected, add


def test_ledger_rows_cannot_be_edited_in_the_admin(admin_client, receive):
    receive(10)
    movement = StockMovement.objects.get()
    url = reverse("admin:inventory_stockmovement_change", args=[movement.pk])
    response = admin_client.post(url, {"quantity": 1000})
    assert response.status_code == 403
    assert StockMovement.objects.get().quantity == 10
