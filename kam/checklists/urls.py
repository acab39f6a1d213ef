from django.urls import URLPattern, path

from kam.checklists import views

app_name = "checklists"

urlpatterns: list[URLPattern] = [
    path("gaps/", views.gaps_view, name="gaps"),
    path("settings/", views.alert_settings_view, name="settings"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_form, name="template_create"),
    path("templates/<int:pk>/", views.template_form, name="template_edit"),
    path("contract/<int:contract_id>/", views.contract_view, name="contract"),
    path("items/<int:pk>/tick/", views.item_tick, name="tick"),
    path("items/<int:pk>/untick/", views.item_untick, name="untick"),
    path("items/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_remove, name="evidence_remove"),
]
