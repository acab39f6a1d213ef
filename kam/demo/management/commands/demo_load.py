from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.demo.loader import demo_data_load
from kam.demo.scale import ScaleSize, demo_scale_load
from kam.demo.scale_csv import scale_csv_export


class Command(BaseCommand):
    help = (
        "Load the demo company's customer base (idempotent; --reset regenerates it), "
        "or with --scale the benchmark-size data set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo accounts first, then load."
        )
        parser.add_argument(
            "--scale", action="store_true", help="Generate the benchmark-scale data set."
        )
        parser.add_argument("--accounts", type=int, default=100_000)
        parser.add_argument("--people", type=int, default=500_000)
        parser.add_argument("--interactions", type=int, default=2_000_000)
        parser.add_argument("--opportunities", type=int, default=200_000)
        parser.add_argument("--contracts", type=int, default=50_000)
        parser.add_argument("--reps", type=int, default=200, help="Sales reps (--scale only).")
        parser.add_argument(
            "--batch-size", type=int, default=10_000, help="Rows per insert batch (--scale only)."
        )
        parser.add_argument(
            "--csv", type=Path, help="Then write the data set as CSV files here (--scale only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["csv"] and not options["scale"]:
            raise CommandError("--csv needs --scale.")
        if options["scale"]:
            size = ScaleSize(
                accounts=options["accounts"],
                people=options["people"],
                interactions=options["interactions"],
                reps=options["reps"],
                opportunities=options["opportunities"],
                contracts=options["contracts"],
            )
            demo_scale_load(
                size=size, seed=options["seed"], batch_size=options["batch_size"], out=self.say
            )
            if options["csv"]:
                scale_csv_export(options["csv"], out=self.say)
        else:
            demo_data_load(seed=options["seed"], reset=options["reset"], out=self.say)
        self.stdout.write(self.style.SUCCESS("Demo company ready."))

    def say(self, line: str) -> None:
        self.stdout.write(line)
