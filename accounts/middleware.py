"""Remember the language each signed-in user reads the site in (for her e-mails)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.languages import user_language_remember

_SESSION_KEY = "remembered_language"


class RememberLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: one write when the language a
    user reads in changes, none otherwise (the session says what was stored last).

    A call with an API token is a script, not someone reading the site (the phone's outbox
    sends with the session, so it is still remembered there), and it carries no session:
    remembering made a new session row and a language write on every call (7 of a token
    submission's 23 statements; issue 19)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", "")
        if (
            user is not None
            and getattr(request, "api_token", None) is None
            and user.is_authenticated
            and language
            and hasattr(request, "session")
            and request.session.get(_SESSION_KEY) != language
        ):
            user_language_remember(user_id=user.pk, language=language)
            request.session[_SESSION_KEY] = language
        return response
