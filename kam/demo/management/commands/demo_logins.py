from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.demo.people import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the URL and the demo logins, one per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"KAM is starting at {options['url']}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, display, role, _team, _manager in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {display:<6} {role.label}")
        self.stdout.write("")
