from django.urls import path

from public import offers, views

app_name = "public"
urlpatterns = [
    path("needs/", views.needs_board, name="needs"),
    path("donors/<int:pk>/", views.donor_page, name="donor"),
    path("donations/<int:pk>/", views.donation_page, name="donation"),
    path("lists/<str:kind>/", views.published_list, name="list"),
    path("offers/new/", offers.offer_new, name="offer_new"),
    path("offers/<str:token>/", offers.offer_status, name="offer"),
    path("manage/offers/", offers.offers_manage, name="offers_manage"),
    path("manage/publishing/", offers.publishing_manage, name="publishing_manage"),
]
