"""404, 403 and 500 pages in the reader's language, never Django's English defaults."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error


def test_a_missing_page_is_chinese(client, worker):
    client.force_login(worker)
    response = client.get(reverse("pages:request", args=[999_999]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.english
def test_a_missing_page_is_english_for_english_readers(client, worker):
    client.force_login(worker)
    response = client.get(reverse("pages:request", args=[999_999]))
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_is_chinese(worker):
    request = RequestFactory().get("/")
    request.user = worker
    with translation.override("zh-hans"):
        page = permission_denied(request, PermissionDenied())
    assert page.status_code == 403 and "无权操作" in page.content.decode()


def test_a_server_error_page_is_chinese():
    with translation.override("zh-hans"):
        page = server_error(RequestFactory().get("/"))
    assert page.status_code == 500
    assert "出错了" in page.content.decode() and "没有保存" in page.content.decode()
