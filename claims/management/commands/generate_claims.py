import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.generate import generate
from claims.services import ConflictError, conflict_resolve


class Command(BaseCommand):
    help = "Fill the database with realistic synthetic documents and claims (for scale tests and benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="claims to add")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same rows")
        parser.add_argument("--conflict", help="slug of the conflict to fill (default: the only one)")

    def handle(self, *args, count, seed, conflict, verbosity, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        try:
            target = conflict_resolve(slug=conflict)
        except ConflictError as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        with tqdm(
            total=count, desc="Generating", unit="claim", unit_scale=True, file=sys.stderr, disable=verbosity == 0
        ) as bar:
            documents, claims = generate(count=count, seed=seed, conflict=target, progress=bar.update)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Generated {claims} claims in {documents} documents in {elapsed:.1f} s ({claims / elapsed:,.0f} claims/s)."
        )
