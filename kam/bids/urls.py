from django.urls import path

from kam.bids import views

app_name = "bids"
urlpatterns = [
    path("opportunity/<int:opportunity_pk>/", views.panel, name="panel"),
    path("opportunity/<int:opportunity_pk>/create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/submitted/", views.mark_submitted, name="mark_submitted"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/documents/", views.document_request, name="document_request"),
    path("<int:pk>/reviews/", views.review_request, name="review_request"),
    path("<int:pk>/negotiations/", views.negotiation, name="negotiation"),
]
