from django.urls import URLPattern, path

from kam.pools import views

app_name = "pools"

urlpatterns: list[URLPattern] = [
    path("", views.pool_index, name="index"),
    path("<int:pk>/", views.pool_page, name="pool"),
    path("mine/", views.mine, name="mine"),
    path("expiring/", views.expiring, name="expiring"),
    path("accounts/<int:account_pk>/claim/", views.claim, name="claim"),
    path("accounts/<int:account_pk>/release/", views.release, name="release"),
    path("accounts/<int:account_pk>/assign/", views.assign, name="assign"),
    path("settings/", views.settings_list, name="settings"),
    path("settings/new/", views.pool_edit, name="create"),
    path("settings/<int:pk>/", views.pool_edit, name="edit"),
]
