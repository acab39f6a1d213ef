from django.urls import path

from kam.workcalendar import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.day_list, name="list"),
    path("add/", views.day_add, name="add"),
    path("bulk/", views.bulk_add, name="bulk"),
    path("<int:pk>/delete/", views.day_delete, name="delete"),
]
