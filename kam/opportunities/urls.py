from django.urls import path

from kam.opportunities.views import (
    deal_approvals,
    gates,
    initiation,
    kanban,
    sections,
    violations,
)
from kam.opportunities.views import opportunities as opp
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
    # ---- opportunity pages ----
    path("", opp.opportunity_list, name="list"),
    path("totals/", opp.opportunity_list_totals, name="list_totals"),
    path("export/", opp.export, name="export"),
    path("create/", opp.create, name="create"),
    path("violations/", violations.report, name="violations"),
    path("violations/export/", violations.export, name="violations_export"),
    path("<int:pk>/", opp.detail, name="detail"),
    path("<int:pk>/edit/", opp.edit, name="edit"),
    path("<int:pk>/move/", opp.move, name="move"),
    path("<int:pk>/competitors/", sections.competitors, name="competitors"),
    path("<int:pk>/competitors/add/", sections.competitor_create, name="competitor_create"),
    path(
        "<int:pk>/competitors/<int:competitor_pk>/edit/",
        sections.competitor_edit,
        name="competitor_edit",
    ),
    path(
        "<int:pk>/competitors/<int:competitor_pk>/delete/",
        sections.competitor_remove,
        name="competitor_delete",
    ),
    path("<int:pk>/team/", sections.member_add, name="member_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", sections.member_remove, name="member_remove"),
    path("<int:pk>/attest/<int:attestation_pk>/", sections.attest, name="attest"),
    path("processes/<int:pk>/stages/<int:stage_pk>/gate/", gates.gate_edit, name="stage_gate"),
    path(
        "processes/<int:pk>/stages/<int:stage_pk>/attestations/",
        gates.attestation_add,
        name="stage_attestation_add",
    ),
    path(
        "processes/<int:pk>/stages/<int:stage_pk>/attestations/<int:attestation_pk>/remove/",
        gates.attestation_remove,
        name="stage_attestation_remove",
    ),
    # ---- kanban and initiation report ----
    path("board/", kanban.board, name="board"),
    path("board/closed/<int:stage_pk>/", kanban.board_closed, name="board_closed"),
    path("<int:pk>/approvals/", deal_approvals.approvals_panel, name="approvals_panel"),
    path("<int:pk>/approvals/request/", deal_approvals.approval_request, name="approval_request"),
    path("<int:pk>/board-move/", kanban.board_move, name="board_move"),
    path("<int:pk>/initiation/", initiation.initiation_detail, name="initiation"),
    path("<int:pk>/initiation/edit/", initiation.initiation_edit, name="initiation_edit"),
    path(
        "<int:pk>/initiation/submit/", initiation.initiation_submit_view, name="initiation_submit"
    ),
    path("<int:pk>/initiation/panel/", initiation.initiation_panel, name="initiation_panel"),
]
