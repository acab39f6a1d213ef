from django.urls import path

from kam.interactions import views

app_name = "interactions"
urlpatterns = [
    path("", views.list, name="list"),
    path("export/", views.export, name="export"),
    path("create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_remove, name="attachment_delete"),
    path("for_account/<int:account_pk>/", views.for_account, name="for_account"),
]
