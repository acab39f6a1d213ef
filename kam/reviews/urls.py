from django.urls import URLPattern, path

from kam.reviews import views

app_name = "reviews"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("sheets/<int:pk>/file/", views.file_sheet, name="file"),
    path("sheets/<int:pk>/comments/", views.comment, name="comment"),
    path("sheets/<int:rep_id>/<str:day>/", views.sheet_view, name="sheet"),
    path("items/<int:pk>/note/", views.item_note, name="item_note"),
    path("team/", views.team, name="team"),
    path("present/", views.present, name="present"),
    path("coaching/", views.coaching_list, name="coaching"),
    path("coaching/new/", views.coaching_create, name="coaching_create"),
    path("coaching/<int:pk>/", views.coaching_detail, name="coaching_detail"),
    path("coaching/<int:pk>/edit/", views.coaching_edit, name="coaching_edit"),
]
