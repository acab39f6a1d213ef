from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.demo.scale_csv import CHUNK_SIZE, scale_csv_export


class Command(BaseCommand):
    help = (
        "Write the accounts, people, deals and notes as CSV files (accounts.csv, people.csv, "
        "deals.csv, notes.csv), to load the same data set into another CRM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="Directory for the files.")
        parser.add_argument(
            "--chunk-size", type=int, default=CHUNK_SIZE, help="Rows read per query."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale_csv_export(options["out"], chunk_size=options["chunk_size"], out=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"CSV files written to {options['out']}."))
