from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_verification_by_approval"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="account",
            name="account_updated",
        ),
        migrations.AddIndex(
            model_name="account",
            index=models.Index(fields=["-updated_at", "-id", "owner"], name="account_updated_owner"),
        ),
    ]
