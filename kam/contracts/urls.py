from django.urls import URLPattern, path

from kam.contracts import views

app_name = "contracts"

urlpatterns: list[URLPattern] = [
    path("", views.contract_list_view, name="list"),
    path("total/", views.contract_list_total, name="list_total"),
    path("new/", views.create, name="create"),
    path("new/account-options/", views.account_picker_options, name="account_options"),
    path(
        "from-opportunity/<int:opportunity_pk>/",
        views.create_from_opportunity,
        name="create_from_opportunity",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/delivery/", views.record_delivery, name="delivery"),
    path("<int:pk>/acceptance/", views.record_acceptance, name="acceptance"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_remove, name="attachment_remove"),
]
