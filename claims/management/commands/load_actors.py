from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.extraction import RegistryError, read_registry_file
from claims.services import ConflictError, actors_load


class Command(BaseCommand):
    help = (
        "Load or update a conflict's actor registry from a JSON file: a list of {name, side, aliases}, "
        "or an object with the conflict's name, slug, sides and dates and an 'actors' list. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.CLAIMDESK_REGISTRY_PATH))
        parser.add_argument(
            "--conflict",
            metavar="SLUG",
            help="the conflict to load into, made if new (default: the registry's own slug, else the only conflict)",
        )

    def handle(self, *args, path, conflict, **options):
        try:
            data = read_registry_file(path)
            loaded = actors_load(records=data, conflict=conflict)
        except (RegistryError, ConflictError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Conflict {loaded.conflict.slug}: actors {loaded.created} created, {loaded.updated} updated, "
            f"{loaded.unchanged} unchanged."
        )
