from django.contrib.auth import views as auth_views
from django.urls import path

from kam.users import views

app_name = "users"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("views/save/", views.saved_view_save_view, name="saved_view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete_view, name="saved_view_delete"),
    path("views/<int:pk>/default/", views.saved_view_default_view, name="saved_view_default"),
]
