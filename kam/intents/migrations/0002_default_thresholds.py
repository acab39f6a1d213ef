from django.db import migrations

DEFAULTS = {"a_days": 7, "b_days": 14, "c_days": 30, "stale_a_days": 5, "quiet_team_working_days": 3}


def create_defaults(apps, schema_editor):
    apps.get_model("intents", "IntentThresholds").objects.get_or_create(pk=1, defaults=DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("intents", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
