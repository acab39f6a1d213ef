"""Fill the milestones' new invoiced and allocated columns from their invoices and allocations."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kam.core.aggregates import fen_subquery


def recount(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    milestone = apps.get_model("contracts", "PaymentMilestone")
    invoice = apps.get_model("billing", "Invoice")
    allocation = apps.get_model("billing", "Allocation")
    milestone.objects.update(
        invoiced_fen=fen_subquery(
            invoice.objects.filter(status="issued"), "milestone", "amount_with_tax"
        ),
        allocated_fen=fen_subquery(
            allocation.objects.filter(reversed_at__isnull=True), "milestone", "amount"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("contracts", "0003_milestone_money"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
