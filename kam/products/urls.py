from django.urls import path

from kam.products import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("export/", views.export, name="export"),
    path("create/", views.create, name="create"),
    path("lines/create/", views.line_create, name="line_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/active/", views.set_active, name="set_active"),
]
