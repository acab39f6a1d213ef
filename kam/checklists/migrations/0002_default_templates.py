"""The shipped 情理法 checklist: what should be done, per kind of milestone, before it falls due.
Admins edit or switch them off later; the reverse removes exactly these rows."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

QING, LI, FA = "qing", "li", "fa"
BILLED = ["down_payment", "delivery", "acceptance", "warranty"]
# (category, label, milestone kinds (empty: all), needs evidence, lead days, position)
DEFAULTS = [
    (QING, "回款前与付款经办人确认付款流程和时间", [], False, 7, 90),
    (QING, "签约后回访关键人", ["down_payment"], False, 3, 10),
    (LI, "合同原件归档", ["down_payment"], False, 3, 10),
    (LI, "按合同约定开具发票并送达", BILLED, False, 5, 80),
    (FA, "签字盖章合同扫描件", ["down_payment"], True, 3, 10),
    (QING, "到货前与使用部门确认收货安排", ["delivery"], False, 7, 20),
    (LI, "到货清点", ["delivery"], False, 3, 20),
    (FA, "到货签收单", ["delivery"], True, 3, 20),
    (QING, "使用部门满意度回访", ["acceptance"], False, 7, 30),
    (LI, "验收问题清单全部关闭", ["acceptance"], False, 5, 30),
    (FA, "验收报告/验收证书", ["acceptance"], True, 5, 30),
    (FA, "会议纪要签字版", ["acceptance"], True, 5, 31),
    (QING, "质保期内定期回访", ["warranty"], False, 30, 40),
    (LI, "质保期服务记录", ["warranty"], False, 14, 40),
    (FA, "质保期满确认函", ["warranty"], True, 7, 40),
]


def add_defaults(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    template = apps.get_model("checklists", "ChecklistTemplate")
    template.objects.bulk_create(
        template(
            category=category,
            label=label,
            milestone_kinds=kinds,
            needs_evidence=evidence,
            lead_days=lead_days,
            position=position,
        )
        for category, label, kinds, evidence, lead_days, position in DEFAULTS
    )


def remove_defaults(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    template = apps.get_model("checklists", "ChecklistTemplate")
    for category, label, _kinds, _evidence, _lead_days, position in DEFAULTS:
        template.objects.filter(category=category, label=label, position=position).delete()


class Migration(migrations.Migration):
    dependencies = [("checklists", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
