from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.demo.people import demo_org_create


class Command(BaseCommand):
    help = "Load the demo company (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        demo_org_create()
        self.stdout.write("Demo company ready.")
