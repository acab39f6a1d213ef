"""The default pool and its recall rules per grade. Accounts get their placement (and deadline)
from the services as they change, and all at once from the nightly re-derivation job."""

from django.db import migrations

SHIPPED_RULES = [
    ("A", "no_follow_up", 60),
    ("A", "no_opportunity", 180),
    ("B", "no_follow_up", 45),
    ("B", "no_opportunity", 120),
    ("C", "no_follow_up", 30),
    ("C", "not_signed", 180),
    ("D", "no_follow_up", 15),
]


def ship(apps, schema_editor):
    Pool = apps.get_model("pools", "Pool")
    RecallRule = apps.get_model("pools", "RecallRule")
    pool, created = Pool.objects.get_or_create(
        is_default=True,
        defaults={"name": "公共客户池", "description": "未匹配其他公海的客户"},
    )
    if created:
        RecallRule.objects.bulk_create(
            [RecallRule(pool=pool, grade=g, trigger=t, days=d) for g, t, d in SHIPPED_RULES]
        )


def unship(apps, schema_editor):
    apps.get_model("pools", "Pool").objects.filter(is_default=True, placements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("pools", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
