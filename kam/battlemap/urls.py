from django.urls import URLPattern, path

from kam.battlemap import views

app_name = "battlemap"

urlpatterns: list[URLPattern] = [
    path("", views.battle_map_view, name="map"),
    path("export/", views.battle_map_export, name="export"),
]
