from django.urls import path

from kam.handovers import views

app_name = "handovers"
urlpatterns = [
    path("", views.handover_list_view, name="list"),
    path("new/", views.handover_start, name="start"),
    path("user/<int:user_pk>/", views.handover_user, name="user"),
    path("user/<int:user_pk>/execute/", views.handover_execute_view, name="execute"),
    path("user/<int:user_pk>/deactivate/", views.user_deactivate_view, name="deactivate"),
    path("<int:pk>/", views.handover_detail, name="detail"),
    path("<int:pk>/reverse/", views.handover_reverse_view, name="reverse"),
]
