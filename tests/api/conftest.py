"""API test helpers: a client per persona, authenticated with a real personal token."""

import json

import pytest
from django.test import Client

from accounts.tokens import api_token_create


class ApiClient:
    """JSON in, JSON out, `Authorization: Bearer …` on every call."""

    def __init__(self, user=None):
        self.client = Client()
        # English, so assertions can read the messages; zh-hans is tested on its own.
        self.headers = {"Accept-Language": "en"}
        if user is not None:
            _row, token = api_token_create(actor=user, name="tests")
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body=None, headers=None):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def as_user():
    return ApiClient


@pytest.fixture
def api_staff(staff):
    return ApiClient(staff)


@pytest.fixture
def api_worker(worker):
    return ApiClient(worker)


@pytest.fixture
def api_coordinator(coordinator):
    return ApiClient(coordinator)


@pytest.fixture
def api_outsider(outsider):
    return ApiClient(outsider)


@pytest.fixture
def api_anonymous(db):
    return ApiClient()
