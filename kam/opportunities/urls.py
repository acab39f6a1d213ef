from django.urls import path

from kam.opportunities.views import processes as views

app_name = "opportunities"
urlpatterns = [
    path("processes/", views.process_list, name="processes"),
    path("processes/create/", views.process_create, name="process_create"),
    path("processes/<int:pk>/", views.process_detail, name="process"),
    path("processes/<int:pk>/edit/", views.process_edit, name="process_edit"),
    path("processes/<int:pk>/default/", views.process_set_default, name="process_set_default"),
    path("processes/<int:pk>/stages/create/", views.stage_add, name="stage_create"),
    path("processes/<int:pk>/stages/reorder/", views.reorder, name="stages_reorder"),
    path("processes/<int:pk>/stages/<int:stage_pk>/edit/", views.stage_edit, name="stage_edit"),
    path(
        "processes/<int:pk>/stages/<int:stage_pk>/move/", views.stage_move_view, name="stage_move"
    ),
    path(
        "processes/<int:pk>/stages/<int:stage_pk>/active/", views.stage_active, name="stage_active"
    ),
]
