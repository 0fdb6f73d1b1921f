"""django-axes' lockout check, for sign-ins that come with a request (the web pages and
the admin). `authenticate()` called without one — a management command, a test, a script
on the server itself — is not a password guesser at the door, and axes would refuse it with
an exception; it goes straight to the next backend instead."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
