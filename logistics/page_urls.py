"""Every page for people, in one namespace ("pages"); the views live with their app."""

from django.urls import path

from logistics.pages import distribution, requests, stock
from supply_requests import views as request_views

app_name = "pages"
urlpatterns = [
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/queue/", request_views.request_queue, name="queue"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/edit/", request_views.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", request_views.request_submit_view, name="request_submit"),
    path("requests/<int:pk>/approve/", request_views.request_approve_view, name="request_approve"),
    path("requests/<int:pk>/reject/", request_views.request_reject_view, name="request_reject"),
    path("requests/<int:pk>/cancel/", requests.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/close/", requests.request_close, name="request_close"),
    path("shortages/", distribution.shortage_view, name="shortages"),
    path("shortages/commit/", distribution.plan_commit, name="plan_commit"),
    path("shortages/release-expired/", distribution.release_expired, name="release_expired"),
    path("dispatch/", distribution.dispatch_board, name="dispatch"),
    path("shipments/", distribution.tracking, name="tracking"),
    path("shipments/new/", distribution.shipment_new, name="shipment_new"),
    path("shipments/<int:pk>/", distribution.shipment_detail, name="shipment"),
    path(
        "shipments/<int:pk>/dispatch/",
        distribution.shipment_dispatch_view,
        name="shipment_dispatch",
    ),
    path("shipments/<int:pk>/cancel/", distribution.shipment_cancel_view, name="shipment_cancel"),
    path("shipments/<int:pk>/receive/", requests.shipment_receive, name="shipment_receive"),
    path("stock/", stock.stock_view, name="stock"),
    path("stock/adjust/", stock.adjust, name="adjust"),
    path("stock/write-off-expired/", stock.write_off_expired, name="write_off_expired"),
    path("stock/transfer/", stock.transfer, name="transfer"),
    path("stock/counts/start/", stock.count_start, name="count_start"),
    path("stock/counts/<int:pk>/", stock.count_sheet, name="count"),
    path("donations/new/", stock.donation_new, name="donation_new"),
]
