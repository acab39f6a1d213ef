from django.urls import path

from kam.accounts import history_views, merge_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("export/", views.export, name="export"),
    path("create/", views.create, name="create"),
    path("parent-options/", views.parent_options, name="parent_options"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/history/", history_views.history, name="history"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/core-change/", views.core_change, name="core_change"),
    path("<int:pk>/grade/", views.change_grade, name="change_grade"),
    path("<int:pk>/owner/", views.change_owner, name="change_owner"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/merge/", merge_views.merge, name="merge"),
    path("<int:pk>/personnel-flag/clear/", views.personnel_flag_clear, name="personnel_flag_clear"),
]
