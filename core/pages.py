"""Small helpers shared by the server-rendered pages of every app."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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


def act_then_redirect(
    request: HttpRequest, action: Callable[[], object], done: str, to: str, *args: object
) -> HttpResponse:
    """Run a service call for a page's button, then redirect to `to` (a URL name and its
    arguments) with a message: `done` when it worked, the refused rule's own message when
    not. A refused permission is a 404, so a page never confirms that something exists."""
    try:
        action()
        messages.success(request, done)
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(to, *args)


def confirm_first(
    request: HttpRequest, *, title: str, summary: list[str], confirm_label: str
) -> HttpResponse | None:
    """A confirmation page showing what will happen, unless this POST already confirms it
    (`confirmed=1`). Returns None when the action may go ahead. The page re-posts every field
    it was sent, its one-time token included, so confirming does the action exactly once."""
    if request.POST.get("confirmed") == "1":
        return None
    hidden = [
        (key, value)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "confirmed")
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "summary": summary,
            "hidden": hidden,
            "confirm_label": confirm_label,
            "action": request.path,
            "back": request.META.get("HTTP_REFERER") or request.path,
        },
    )
