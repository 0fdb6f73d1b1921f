import pytest


@pytest.fixture
def client(client):
    """Pages answer in the browser's language; these tests read the English messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
