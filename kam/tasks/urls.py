from django.urls import URLPattern, path

from kam.tasks import views

app_name = "tasks"

# Included at the site root: "my day" has its own short address next to /tasks/.
urlpatterns: list[URLPattern] = [
    path("my-day/", views.my_day, name="my_day"),
    path("tasks/", views.task_list_view, name="list"),
    path("tasks/new/", views.create, name="create"),
    path("tasks/quick-add/", views.quick_add, name="quick_add"),
    path("tasks/sync/", views.sync, name="sync"),
    path("tasks/<int:pk>/", views.edit, name="edit"),
    path("tasks/<int:pk>/complete/", views.complete, name="complete"),
    path("tasks/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("tasks/<int:pk>/delete/", views.delete, name="delete"),
    path("tasks/webhooks/", views.webhooks, name="webhooks"),
    path("tasks/webhooks/<int:pk>/", views.webhook_edit, name="webhook_edit"),
    path("tasks/webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
]
