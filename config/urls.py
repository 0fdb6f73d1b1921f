from django.contrib import admin
from django.urls import include, path

from accounts.views import ThrottledPasswordResetView
from config.api import api
from core import pwa
from dashboards.home import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("config.page_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the auth URLs: the same name and path, throttled.
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("imports/", include("imports.urls")),
    path("notifications/", include("notifications.urls")),
    # Issue 22: the installable app (manifest, service worker, offline page).
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("public/", include("public.urls")),  # issue 21: public accountability
]
