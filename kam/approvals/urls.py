from django.urls import path

from kam.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("chains/", views.chains, name="chains"),
    path("chains/<slug:code>/", views.chain_edit, name="chain_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
]
