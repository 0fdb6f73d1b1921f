from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/status/", views.job_status, name="job_status"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/date/", views.give_date, name="give_date"),
    path("<int:pk>/rows/<int:number>/fix/", views.fix_row, name="fix_row"),
    path("export/<slug:name>.<slug:fmt>", views.export, name="export"),
]
