from django.urls import path

from kam.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list_view, name="list"),
    path("export/", views.export, name="export"),
    path("create/", views.create, name="create"),
    path("for_account/<int:account_pk>/", views.for_account, name="for_account"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/scores/", views.scores, name="scores"),
    path("<int:pk>/chain-row/", views.chain_row, name="chain_row"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/guide-costs/", views.guide_cost, name="guide_cost"),
    path("<int:pk>/plans/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_pk>/touches/", views.touch_record, name="touch_record"),
    path("plans/<int:plan_pk>/deactivate/", views.plan_deactivate, name="plan_deactivate"),
]
