from django.urls import path

from kam.presales import views

app_name = "presales"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("costs/", views.costs, name="costs"),
    path("costs/export/", views.costs_export, name="costs_export"),
    path("opportunity/<int:opportunity_pk>/", views.panel, name="panel"),
    path("opportunity/<int:opportunity_pk>/create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:pk>/close/", views.close, name="close"),
    path("assignments/<int:assignment_pk>/hours/", views.log_hours, name="log_hours"),
    path("assignments/<int:assignment_pk>/hours/submit/", views.submit_hours, name="submit_hours"),
]
