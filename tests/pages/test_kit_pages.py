"""Issue 20: the family-kit assembly page in Chinese, for organisation staff."""

import pytest
from django.urls import reverse

from inventory.models import KitComponent, StockBalance
from tests.factories import ItemFactory


@pytest.fixture
def kit(db):
    kit = ItemFactory(code="family-kit", name_zh="居家隔离生活物资包")
    rice = ItemFactory(code="rice", name_zh="大米", base_unit="千克")
    KitComponent.objects.create(kit=kit, component=rice, quantity=5)
    return kit, rice


def test_staff_assemble_kits(client, staff, site, receive, kit):
    kit_item, rice = kit
    receive(12, lot_item=rice)
    client.force_login(staff)
    url = reverse("pages:kit_assemble")
    page = client.get(url).content.decode()
    assert "组装居家隔离物资包" in page and "大米 5千克" in page
    response = client.post(
        url, {"site": site.code, "kit": kit_item.code, "count": "２", "once": "k1"}, follow=True
    )
    assert "已在" in response.content.decode()
    assert StockBalance.objects.get(item=kit_item).on_hand == 2
    too_many = client.post(url, {"site": site.code, "kit": kit_item.code, "count": "3"})
    assert "只有 2 可用" in too_many.content.decode()
    empty = client.post(url, {"site": site.code, "kit": kit_item.code, "count": ""})
    assert empty.status_code == 200 and StockBalance.objects.get(item=kit_item).on_hand == 2


def test_community_workers_and_outsiders_keep_out(client, worker, outsider, site, kit):
    for user in (worker, outsider):
        client.force_login(user)
        response = client.get(reverse("pages:kit_assemble"))
        assert response.status_code in (403, 404) or site.name not in response.content.decode()
