import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.extraction.cli import run_cli


class Command(BaseCommand):
    help = "Print the claims the engine finds in FILEs, one JSON object a line, without touching the database."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument(
            "--registry",
            default=str(settings.CLAIMDESK_REGISTRY_PATH),
            help="actor registry JSON (default: the registry the demo loads)",
        )

    def handle(self, *args, files, registry, **options):
        try:
            run_cli(files, registry, sys.stdout)
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from exc
