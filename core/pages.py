"""Small helpers shared by the server-rendered pages of every app."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied

from core.exceptions import DomainError, NotPermitted

T = TypeVar("T")


def attempt(form: forms.Form, action: Callable[[], T], field: str | None = None) -> T | None:
    """Run a service call for a page: a refused rule becomes a form error shown next to the
    field (or above the form), a refused permission a 403. Returns None when refused."""
    try:
        return action()
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        form.add_error(field, exc.message)
        return None
