from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0002_milestone_money_backfill"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="receipt",
            index=models.Index(fields=["received_on", "status", "account", "contract", "amount"], name="receipt_day_money"),
        ),
    ]
