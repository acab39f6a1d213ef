"""The exit gates shipped with the two process templates (TAS+ 必填/必做/必审). Admins change
them on the process page; this only fills stages that have no gate yet."""

from django.db import migrations

ATTEST_TERMS = ("合同条款已与客户逐条确认", "Contract terms confirmed with the customer")

GATES = {
    "kam-default": {
        "qualify": (["expected_sign_date", "intent_class", "project_class", "lines"], [], ["initiation"]),
        "initiate": (["customer_lead"], ["iron_triangle_formed", "decision_maker_mapped"], []),
        "analyse": ([], ["competitors_analysed", "guide_exists", "assessment_completed"], []),
        "present": ([], ["delivery_review_done", "guide_level_2"], []),
        "bid": ([], ["bid_result_recorded"], ["bid"]),
        "negotiate": ([], [], []),
    },
    "six-stage": {
        "develop": (["expected_sign_date", "intent_class", "lines"], [], ["initiation"]),
        "initiate": (["customer_lead"], ["iron_triangle_formed", "decision_maker_mapped"], []),
        "proposal": ([], ["competitors_analysed", "delivery_review_done", "guide_level_2"], []),
        "tender": ([], ["bid_result_recorded"], ["bid"]),
        "negotiate": ([], [], []),
        "implement": ([], [], []),
    },
}  # fmt: skip


def ship(apps, schema_editor):
    Stage = apps.get_model("opportunities", "Stage")
    StageAttestation = apps.get_model("opportunities", "StageAttestation")
    for process_code, stages in GATES.items():
        for stage_code, (fields, checks, approvals) in stages.items():
            stage = Stage.objects.filter(process__code=process_code, code=stage_code).first()
            if stage is None or stage.required_fields or stage.required_checks:
                continue
            stage.required_fields = fields
            stage.required_checks = checks
            stage.required_approvals = approvals
            stage.save(update_fields=["required_fields", "required_checks", "required_approvals"])
            if stage_code == "negotiate":
                StageAttestation.objects.get_or_create(
                    stage=stage,
                    label_zh=ATTEST_TERMS[0],
                    defaults={"label_en": ATTEST_TERMS[1], "role": "account_manager"},
                )


def unship(apps, schema_editor):
    Stage = apps.get_model("opportunities", "Stage")
    StageAttestation = apps.get_model("opportunities", "StageAttestation")
    StageAttestation.objects.filter(label_zh=ATTEST_TERMS[0]).delete()
    Stage.objects.filter(process__code__in=list(GATES)).update(
        required_fields=[], required_checks=[], required_approvals=[]
    )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0003_opportunities")]
    operations = [migrations.RunPython(ship, unship)]
