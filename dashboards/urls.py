from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.coordinator, name="coordinator"),
    path("stock/", views.stock, name="stock"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("figures/<slug:name>.json", views.figure_view, name="figure-json"),
    path("figures/<slug:name>.csv", views.figure_csv, name="figure-csv"),
]
