from django.urls import URLPattern, path

from kam.leads import views

app_name = "leads"

urlpatterns: list[URLPattern] = [
    path("", views.lead_list_view, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/follow-ups/", views.follow_up, name="follow_up"),
    path("<int:pk>/disqualify/", views.disqualify, name="disqualify"),
    path("<int:pk>/convert/", views.convert, name="convert"),
]
