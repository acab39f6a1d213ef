from django.urls import path

from kam.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
]
