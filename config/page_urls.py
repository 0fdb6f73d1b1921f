"""Every page for people, in one namespace ("pages"); the views live with their app.
Every one is wrapped in `once`: a form's one-time token makes its POST happen once."""

from django.urls import path

from accounts.page_once import once
from households import round_views
from households import views as household_views
from inventory import kit_pages, stock_pages
from inventory import views as donation_views
from logistics.pages import delivery, distribution, requests, stock
from supply_requests import views as request_views

app_name = "pages"
urlpatterns = [
    path("requests/", once(request_views.request_list), name="requests"),
    path("requests/new/", once(request_views.request_new), name="request_new"),
    path("requests/queue/", once(request_views.request_queue), name="queue"),
    path("requests/<int:pk>/", once(requests.request_detail), name="request"),
    path("requests/<int:pk>/edit/", once(request_views.request_edit), name="request_edit"),
    path(
        "requests/<int:pk>/submit/", once(request_views.request_submit_view), name="request_submit"
    ),
    path(
        "requests/<int:pk>/approve/",
        once(requests.request_approve_view),
        name="request_approve",
    ),
    path(
        "requests/<int:pk>/reject/", once(request_views.request_reject_view), name="request_reject"
    ),
    path("requests/<int:pk>/cancel/", once(requests.request_cancel), name="request_cancel"),
    path("requests/<int:pk>/close/", once(requests.request_close), name="request_close"),
    path("shortages/", once(distribution.shortage_view), name="shortages"),
    path("shortages/commit/", once(distribution.plan_commit), name="plan_commit"),
    path(
        "shortages/release-expired/",
        once(distribution.release_expired),
        name="release_expired",
    ),
    path("dispatch/", once(distribution.dispatch_board), name="dispatch"),
    path("shipments/", once(distribution.tracking), name="tracking"),
    path("shipments/new/", once(distribution.shipment_new), name="shipment_new"),
    path("shipments/<int:pk>/", once(distribution.shipment_detail), name="shipment"),
    path(
        "shipments/<int:pk>/dispatch/",
        once(distribution.shipment_dispatch_view),
        name="shipment_dispatch",
    ),
    path(
        "shipments/<int:pk>/cancel/",
        once(distribution.shipment_cancel_view),
        name="shipment_cancel",
    ),
    path("shipments/<int:pk>/receive/", once(requests.shipment_receive), name="shipment_receive"),
    # Issue 22: proof of delivery at the door.
    path("shipments/code/", delivery.delivery_code_lookup, name="delivery_code"),
    path("shipments/<int:pk>/photo/", delivery.shipment_photo, name="shipment_photo"),
    path("stock/", once(stock.stock_view), name="stock"),
    path("stock/adjust/", once(stock.adjust), name="adjust"),
    path("stock/write-off-expired/", once(stock.write_off_expired), name="write_off_expired"),
    path("stock/transfer/", once(stock_pages.transfer), name="transfer"),
    path("stock/counts/start/", once(stock_pages.count_start), name="count_start"),
    path("stock/counts/<int:pk>/", once(stock_pages.count_sheet), name="count"),
    path("donations/new/", once(stock_pages.donation_new), name="donation_new"),
    path("donations/", once(donation_views.donation_list), name="donations"),
    path("donations/<int:pk>/", once(donation_views.donation_receipt), name="donation"),
    path(
        "donations/lines/<int:pk>/void/",
        once(donation_views.donation_line_void_view),
        name="donation_line_void",
    ),
    path(
        "donations/lines/<int:pk>/correct/",
        once(donation_views.donation_line_correct_view),
        name="donation_line_correct",
    ),
    # Issue 20: the household register (community workers).
    path("households/", once(household_views.household_list), name="households"),
    path("households/new/", once(household_views.household_new), name="household_new"),
    path("households/<int:pk>/edit/", once(household_views.household_edit), name="household_edit"),
    path(
        "households/<int:pk>/handover/",
        once(round_views.household_handover_view),
        name="household_handover",
    ),
    path("stock/kits/assemble/", once(kit_pages.kit_assemble_view), name="kit_assemble"),
    path("rounds/", once(round_views.round_list), name="rounds"),
    path("rounds/new/", once(round_views.round_new), name="round_new"),
    path("rounds/<int:pk>/", once(round_views.round_detail), name="round"),
    path(
        "rounds/<int:pk>/doors/<int:stop_pk>/",
        once(round_views.round_outcome),
        name="round_outcome",
    ),
    path("rounds/<int:pk>/close/", once(round_views.round_close_view), name="round_close"),
]
