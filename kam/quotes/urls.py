from django.urls import path

from kam.quotes import views

app_name = "quotes"
urlpatterns = [
    path("opportunity/<int:opportunity_pk>/", views.for_opportunity, name="for_opportunity"),
    path("opportunity/<int:opportunity_pk>/create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path(
        "<int:pk>/<str:name>/",
        views.action,
        name="action",
    ),
]
