"""Each user's language: remembered from the pages she reads, used for what she is sent."""

from collections.abc import Collection

from django.conf import settings

from accounts.models import UserLanguage


def user_language_remember(*, user_id: int, language: str) -> None:
    """Store the language a user reads the site in (one row per user, replaced)."""
    UserLanguage.objects.update_or_create(user_id=user_id, defaults={"language": language})


def languages_of(user_ids: Collection[int]) -> dict[int, str]:
    """Each user's remembered language; users with none are left out."""
    known = {code for code, _name in settings.LANGUAGES}
    return {
        user_id: language
        for user_id, language in UserLanguage.objects.filter(
            user_id__in=list(user_ids)
        ).values_list("user_id", "language")
        if language in known
    }
