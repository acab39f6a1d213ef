import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery

# The contract statuses in which money is owed (kam.contracts.enums.BILLABLE_STATUSES, frozen
# here as migrations must not import code that may change).
BILLABLE = ["signed", "executing", "completed", "terminated"]


def copy_from_contracts(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    PaymentMilestone = apps.get_model("contracts", "PaymentMilestone")
    PaymentMilestone.objects.update(
        account_id=Subquery(
            Contract.objects.filter(pk=OuterRef("contract_id")).values("account_id")[:1]
        ),
        billable=Exists(Contract.objects.filter(pk=OuterRef("contract_id"), status__in=BILLABLE)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contracts", "0003_milestone_money"),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentmilestone",
            name="account",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.account",
            ),
        ),
        migrations.AddField(
            model_name="paymentmilestone",
            name="billable",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(copy_from_contracts, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="paymentmilestone",
            name="account",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.account",
            ),
        ),
        migrations.AddIndex(
            model_name="paymentmilestone",
            index=models.Index(
                fields=["account", "billable", "due_date", "amount", "allocated_fen"],
                name="milestone_account_money",
            ),
        ),
    ]
