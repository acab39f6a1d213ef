from django.urls import path

from kam.billing import views, views_dashboard

app_name = "billing"

urlpatterns = [
    path("", views.receipt_list_view, name="receipts"),
    path("receipts/new/", views.receipt_create, name="receipt_create"),
    path("receipts/new/accounts/", views.receipt_accounts, name="receipt_accounts"),
    path("receipts/new/contracts/", views.receipt_contracts, name="receipt_contracts"),
    path("receipts/<int:pk>/", views.receipt_detail, name="receipt"),
    path("receipts/<int:pk>/allocate/", views.receipt_allocate_view, name="receipt_allocate"),
    path("receipts/<int:pk>/reverse/", views.receipt_reverse_view, name="receipt_reverse"),
    path("invoices/", views.invoice_list_view, name="invoices"),
    path("invoices/new/<int:milestone_pk>/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/void/", views.invoice_void_view, name="invoice_void"),
    path("aging/", views.aging_view, name="aging"),
    path("dashboard/", views_dashboard.dashboard_view, name="dashboard"),
]
