import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.services import RegistryError, actors_load


class Command(BaseCommand):
    help = "Load or update the actor registry from a JSON file (list of {name, side, aliases})."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.CLAIMDESK_REGISTRY_PATH))

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                records = json.load(handle)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read: {exc.strerror}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: not valid JSON: {exc}") from exc
        try:
            created, updated = actors_load(records=records)
        except RegistryError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"Actors: {created} created, {updated} updated, {len(records) - created - updated} unchanged."
        )
