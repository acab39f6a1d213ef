"""Take the weekly forecast snapshot now (the demo and tests; the Monday job does the same)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.forecasts.services import forecast_snapshot_take


class Command(BaseCommand):
    help = "Take the forecast snapshot of the week containing --as-of (default: today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD; the week it falls in")
        parser.add_argument(
            "--replace", action="store_true", help="take the week again if it was taken already"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError(
                    f"--as-of must be YYYY-MM-DD, not {options['as_of']!r}"
                ) from error
        outcome = forecast_snapshot_take(as_of=as_of, replace=options["replace"])
        verb = "taken" if outcome.taken else "already taken"
        self.stdout.write(
            f"forecast snapshot {outcome.week_start}: {verb}, {outcome.row_count} rows"
        )
