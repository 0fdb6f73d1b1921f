"""Dashboard pages, and each figure as JSON (drawn and refreshed by dashboards.js) and CSV.

Every request builds the reader's `Scope` once (roles, sites, directory) and narrows it by
the filters in the query string; a figure reads only through it. Pages render no figure
data themselves — the browser fetches each figure, so a figure that fails does not take the
page down, and the same URL refreshes it every minute.
"""

import csv
import hashlib
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.memory import collector_paused
from dashboards.figures.chinese import localise_for_chinese
from dashboards.figures.common import figure_json
from dashboards.forms import FilterForm
from dashboards.registry import COORDINATOR_PAGE, FIGURES, STOCK_PAGE, UNIT_PAGE, FigureSpec
from dashboards.selectors import (
    WINDOW_DAYS,
    Scope,
    base_scope,
    narrow,
    unit_status,
    waiting_requests,
)

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unit_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("unit")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def _scope(request: HttpRequest, *, unit_id: int | None = None) -> tuple[Scope, FilterForm]:
    """The reader's scope narrowed by the valid filters; a unit she may not see is a 404
    (whether it exists or not)."""
    base = base_scope(request.user)
    if unit_id is not None and unit_id not in base.directory.visible:
        raise Http404
    form = FilterForm(request.GET, scope=base, unit_page=unit_id is not None)
    form.is_valid()
    return narrow(base, unit_id=unit_id, **form.filters()), form


def _querystring(request: HttpRequest, **override) -> str:
    params = {k: v for k, v in request.GET.items() if v != ""}
    params.update({k: v for k, v in override.items() if v is not None})
    return urlencode(params)


def _page(
    request: HttpRequest, *, scope: Scope, form: FilterForm, names: list[str], **context
) -> HttpResponse:
    extra = {"unit": scope.unit.pk} if scope.unit else {}
    query = _querystring(request, **extra)
    today = timezone.localdate()
    figures = [
        {
            "name": name,
            "title": FIGURES[name].title,
            "json": f"{reverse('dashboards:figure-json', args=[name])}?{query}",
            "csv": f"{reverse('dashboards:figure-csv', args=[name])}?{query}",
        }
        for name in names
        if FIGURES[name].allows(scope)
    ]
    latest = {
        "date_from": (today - timedelta(days=WINDOW_DAYS - 1)).isoformat(),
        "date_to": today.isoformat(),
    }
    return render(
        request,
        "dashboards/page.html",
        {
            "scope": scope,
            "form": form,
            "figures": figures,
            "to_today": f"?{_querystring(request, **latest)}",
            **context,
        },
    )


@login_required
@require_safe
def coordinator(request: HttpRequest) -> HttpResponse:
    """Where the stock is, who is waiting, where it went: for coordinators."""
    scope, form = _scope(request)
    if not scope.can_coordinate:
        if scope.can_see_stock:
            return redirect("dashboards:stock")
        if scope.roles.worker_unit_ids:
            return redirect("dashboards:unit", unit_id=_top_unit(scope))
        raise PermissionDenied
    return _page(
        request,
        scope=scope,
        form=form,
        names=COORDINATOR_PAGE,
        heading=_("Coordinator dashboard"),
    )


def _top_unit(scope: Scope) -> int:
    """The highest of a community worker's own units (the one her membership names)."""
    units = scope.roles.worker_unit_ids
    return min(units, key=lambda pk: (len(scope.directory.chain(pk)), pk))


@login_required
@require_safe
def stock(request: HttpRequest) -> HttpResponse:
    """The stock dashboard for organisation staff: what is there, how it moved, what
    expires, where it went."""
    scope, form = _scope(request)
    if not scope.can_see_stock:
        raise PermissionDenied
    return _page(request, scope=scope, form=form, names=STOCK_PAGE, heading=_("Stock dashboard"))


@login_required
@require_safe
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One served unit's requests and deliveries, for its community workers (and for the
    coordinators and staff who serve it)."""
    scope, form = _scope(request, unit_id=unit_id)
    return _page(
        request,
        scope=scope,
        form=form,
        names=UNIT_PAGE,
        heading=scope.unit.label,
        unit_chain=scope.directory.chain(unit_id)[:-1],
        waiting=waiting_requests(scope),
        # Issue 22: on a phone the numbers come as text first; charts load when opened.
        key_numbers=unit_status(scope),
        lazy_charts=True,
    )


def _figure(request: HttpRequest, name: str) -> tuple[FigureSpec, Scope, FilterForm]:
    """The figure and the reader's scope; a figure she may not see is refused before her
    filters are even looked at."""
    spec = FIGURES.get(name)
    if spec is None:
        raise Http404
    scope, form = _scope(request, unit_id=_unit_id(request))
    if not spec.allows(scope):
        raise PermissionDenied
    return spec, scope, form


def _bad_filters(form: FilterForm) -> JsonResponse:
    return JsonResponse({"errors": form.errors.get_json_data()}, status=400)


def _figure_cache_key(request: HttpRequest, name: str) -> str:
    """Who asks, for which figure, in which language, with which filters, on which day (the
    default window ends today): everything a figure's JSON depends on."""
    query = urlencode(sorted(request.GET.items()))
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return (
        f"dashboards:figure:{name}:{request.user.pk}:{get_language()}:"
        f"{timezone.localdate():%Y%m%d}:{digest}"
    )


@never_cache
@require_safe
def figure_view(request: HttpRequest, name: str) -> HttpResponse:
    """One figure, as Plotly JSON ({data, layout}), over the filters in the query string.

    Kept per reader and filters for the refresh interval (`DASHBOARD_FIGURE_CACHE_SECONDS`):
    a hit skips the scope and the build. The key names the reader, so nobody is ever given a
    figure drawn for someone else; a role taken away shows at the next interval."""
    key = _figure_cache_key(request, name)
    body = cache.get(key)
    if body is None:
        spec, scope, form = _figure(request, name)
        if form.errors:
            return _bad_filters(form)
        # A figure is thousands of short-lived rows, dicts and lists without cycles; the
        # cyclic collector walking them (and the whole process) was a fifth of a big
        # figure's CPU at the large tier (bench.figures_profile). As the plan endpoint does.
        with collector_paused():
            body = figure_json(localise_for_chinese(spec.draw(spec.load(scope), scope)))
        cache.set(key, body, settings.DASHBOARD_FIGURE_CACHE_SECONDS)
    return HttpResponse(body, content_type="application/json")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


@never_cache
@require_safe
def figure_csv(request: HttpRequest, name: str) -> HttpResponse:
    """One figure's numbers as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
    read the Chinese names right)."""
    spec, scope, form = _figure(request, name)
    if form.errors:
        return _bad_filters(form)
    header, rows = spec.table(spec.load(scope))
    filename = f"{name}-{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return response
