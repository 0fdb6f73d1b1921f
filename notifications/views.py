"""The inbox: a signed-in user's notifications, newest first, with mark-as-read; and the
low-stock thresholds staff set from the stock page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.exceptions import DomainError, NotPermitted
from inventory.models import Item, Site
from notifications.models import StockThreshold
from notifications.selectors import notifications_for, unread_count
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    threshold_remove,
    threshold_set,
)

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


class ThresholdForm(forms.Form):
    """A minimum on hand for an item at a site, set from the stock page."""

    site = forms.CharField(widget=forms.HiddenInput)
    item = forms.ModelChoiceField(
        queryset=Item.objects.order_by("category", "code"),
        label=gettext_lazy("Item"),
        to_field_name="code",
    )
    min_quantity = forms.IntegerField(
        label=gettext_lazy("Minimum on hand (base units)"), min_value=1
    )


def _stock_page(site_code: str) -> str:
    return f"{reverse('pages:stock')}?{urlencode({'site': site_code})}"


@require_POST
@login_required
def threshold_save(request: HttpRequest) -> HttpResponse:
    """Set (or replace) an item's low-stock threshold at a site; its organisation's staff."""
    form = ThresholdForm(request.POST)
    site_code = request.POST.get("site", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_stock_page(site_code))
    site = get_object_or_404(Site, code=form.cleaned_data["site"])
    item = form.cleaned_data["item"]
    try:
        threshold_set(
            actor=request.user,
            site=site,
            item=item,
            min_quantity=form.cleaned_data["min_quantity"],
        )
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Low-stock alert set: %(item)s below %(quantity)d %(unit)s.")
            % {
                "item": item.name_zh,
                "quantity": form.cleaned_data["min_quantity"],
                "unit": item.base_unit,
            },
        )
    return redirect(_stock_page(site.code))


@require_POST
@login_required
def threshold_delete(request: HttpRequest, threshold_id: int) -> HttpResponse:
    threshold = get_object_or_404(StockThreshold.objects.select_related("site"), pk=threshold_id)
    try:
        threshold_remove(actor=request.user, threshold=threshold)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("Low-stock alert removed."))
    return redirect(_stock_page(threshold.site.code))
