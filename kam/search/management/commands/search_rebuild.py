import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search documents and the full-text index from all records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(kind: str, done: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {kind}: {done} ({elapsed:.1f}s)")

        counts = search_rebuild(batch_size=options["batch_size"], progress=progress)
        total = sum(counts.values())
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {total} documents in {elapsed:.1f}s: {counts}")
        )
