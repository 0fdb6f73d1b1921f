"""Each user's language is remembered from the pages she reads, for what she is sent."""

from accounts.languages import languages_of
from accounts.models import UserLanguage


def test_the_language_a_user_reads_in_is_remembered_once(client, worker):
    client.force_login(worker)
    client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert languages_of([worker.pk]) == {worker.pk: "zh-hans"}
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert UserLanguage.objects.get(user=worker).language == "en"
    assert UserLanguage.objects.count() == 1


def test_anonymous_visitors_leave_nothing(client, db):
    client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert not UserLanguage.objects.exists()
