from django.urls import path

from kam.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/chain/", views.chain, name="chain"),
    path("<int:pk>/chain/add/", views.chain_add, name="chain_add"),
    path("<int:pk>/chain/add-key-people/", views.chain_add_all, name="chain_add_all"),
    path("<int:pk>/chain/<int:dc_pk>/edit/", views.chain_edit, name="chain_edit"),
    path("<int:pk>/chain/<int:dc_pk>/remove/", views.chain_remove, name="chain_remove"),
    path("<int:pk>/actions/", views.actions, name="actions"),
    path("<int:pk>/actions/<int:item_pk>/edit/", views.action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:item_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/actions/<int:item_pk>/delete/", views.action_delete, name="action_delete"),
]
