from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.extraction import RegistryError, read_registry_file
from claims.services import actors_load


class Command(BaseCommand):
    help = "Load or update the actor registry from a JSON file (list of {name, side, aliases})."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.CLAIMDESK_REGISTRY_PATH))

    def handle(self, *args, path, **options):
        try:
            registry = read_registry_file(path)  # the one validator: the same line as extract gives
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        created, updated = actors_load(records=registry.actors)
        unchanged = len(registry.actors) - created - updated
        self.stdout.write(f"Actors: {created} created, {updated} updated, {unchanged} unchanged.")
