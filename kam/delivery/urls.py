from django.urls import URLPattern, path

from kam.delivery import views

app_name = "delivery"

urlpatterns: list[URLPattern] = [
    path("contract/<int:contract_id>/", views.chain, name="chain"),
    path("contract/<int:contract_id>/add/", views.member_add, name="member_add"),
    path("contract/<int:contract_id>/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path(
        "contract/<int:contract_id>/<int:pk>/sign-off/",
        views.member_signoff,
        name="member_signoff",
    ),
    path("contract/<int:contract_id>/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
