"""The inbox: a signed-in user's notifications, newest first, with mark-as-read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from notifications.selectors import notifications_for, unread_count
from notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 50


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": unread_count(request.user)},
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Someone else's notification is simply not found, like one that does not exist.
    notification = get_object_or_404(notifications_for(request.user), pk=notification_id)
    notification_mark_read(actor=request.user, notification=notification)
    if request.POST.get("open") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect(_safe_next(request, "notifications:inbox"))


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect(_safe_next(request, "notifications:inbox"))
