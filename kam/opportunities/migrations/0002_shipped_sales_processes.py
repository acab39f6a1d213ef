"""The two shipped sales-process templates (R-OPP-2); codes are stable, reverse deletes them."""

from django.db import migrations

# (code, name_zh, name_en, probability, kind, key milestone)
KAM_DEFAULT = [
    ("qualify", "验证商机", "Qualify", 10, "open", "准确的项目信息"),
    ("initiate", "商机立项", "Initiate", 20, "open", "售前立项（立项报告获批）"),
    ("analyse", "需求分析", "Analyse needs", 35, "open", "明确客户关键评估要素与决策链"),
    ("present", "价值呈现", "Present value", 50, "open", "方案获客户认可"),
    ("bid", "组织投标", "Bid", 70, "open", "投标或议标"),
    ("negotiate", "谈判签约", "Negotiate & sign", 90, "open", "合同审批和合同签订"),
    ("won", "赢单", "Won", 100, "won", ""),
    ("lost", "输单", "Lost", 0, "lost", ""),
]
SIX_STAGE = [
    ("develop", "客户开发", "Account development", 10, "open", "准确的项目信息"),
    ("initiate", "立项", "Initiation", 25, "open", "售前立项"),
    ("proposal", "提案", "Proposal", 45, "open", "有效的客户关系推进"),
    ("tender", "招投标", "Tender", 65, "open", "投标或议标"),
    ("negotiate", "商务谈判", "Commercial negotiation", 85, "open", "合同审批和合同签订"),
    ("implement", "工程实施", "Implementation", 95, "open", "工程验收和项目结项"),
    ("won", "赢单", "Won", 100, "won", ""),
    ("lost", "输单", "Lost", 0, "lost", ""),
]
PROCESSES = [
    ("kam-default", "默认销售流程", "Default sales process", True,
     "大客户商机的标准推进流程：从验证商机到谈判签约。", KAM_DEFAULT),
    ("six-stage", "六阶段客户销售流程", "Six-stage account sales process", False,
     "从客户开发到工程实施的六阶段项目型销售流程。", SIX_STAGE),
]  # fmt: skip


def create_processes(apps, schema_editor):
    SalesProcess = apps.get_model("opportunities", "SalesProcess")
    Stage = apps.get_model("opportunities", "Stage")
    for code, name_zh, name_en, is_default, description, stages in PROCESSES:
        if SalesProcess.objects.filter(code=code).exists():
            continue
        if is_default and SalesProcess.objects.filter(is_default=True).exists():
            is_default = False
        process = SalesProcess.objects.create(
            code=code, name_zh=name_zh, name_en=name_en, is_default=is_default,
            description=description,
        )  # fmt: skip
        Stage.objects.bulk_create(
            Stage(
                process=process, code=s_code, name_zh=s_zh, name_en=s_en, order=order,
                default_probability=probability, kind=kind, key_milestone_zh=milestone,
            )
            for order, (s_code, s_zh, s_en, probability, kind, milestone) in enumerate(
                stages, start=1
            )
        )


def delete_processes(apps, schema_editor):
    SalesProcess = apps.get_model("opportunities", "SalesProcess")
    SalesProcess.objects.filter(code__in=[p[0] for p in PROCESSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_sales_processes")]
    operations = [migrations.RunPython(create_processes, delete_processes)]
