import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.generate import generate


class Command(BaseCommand):
    help = "Fill the database with realistic synthetic documents and claims (for scale tests and benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="claims to add")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same rows")

    def handle(self, *args, count, seed, verbosity, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        started = time.monotonic()
        with tqdm(
            total=count, desc="Generating", unit="claim", unit_scale=True, file=sys.stderr, disable=verbosity == 0
        ) as bar:
            documents, claims = generate(count=count, seed=seed, progress=bar.update)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Generated {claims} claims in {documents} documents in {elapsed:.1f} s ({claims / elapsed:,.0f} claims/s)."
        )
