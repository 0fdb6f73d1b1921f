from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("thresholds/", views.threshold_save, name="threshold_save"),
    path("thresholds/<int:threshold_id>/delete/", views.threshold_delete, name="threshold_delete"),
]
