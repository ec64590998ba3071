import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from claims.generate import generate
from claims.services import ConflictError, conflict_resolve
from review.generate import ReviewGenerator


class Command(BaseCommand):
    help = (
        "Fill the database with realistic synthetic documents and claims, a third of them reviewed "
        "(evidence, verdicts, audit trail), for scale tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="claims to add")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same rows")
        parser.add_argument("--conflict", help="slug of the conflict to fill (default: the only one)")
        parser.add_argument(
            "--claims-only",
            action="store_true",
            help="documents and claims only: no evidence, verdicts or audit events",
        )

    def handle(self, *args, count, seed, conflict, claims_only, verbosity, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        try:
            target = conflict_resolve(slug=conflict)
        except ConflictError as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        # Its own generator, so the claims are the same rows with or without review work.
        review = ReviewGenerator(rng=random.Random(seed + 1), conflict=target, now=timezone.now())  # noqa: S311
        with tqdm(
            total=count, desc="Generating", unit="claim", unit_scale=True, file=sys.stderr, disable=verbosity == 0
        ) as bar:
            documents, claims = generate(
                count=count, seed=seed, conflict=target, progress=bar.update, on_batch=None if claims_only else review
            )
        elapsed = time.monotonic() - started
        written = review.written
        self.stdout.write(
            f"Generated {claims} claims in {documents} documents in {elapsed:.1f} s "
            f"({claims / elapsed:,.0f} claims/s), "
            f"with {written['evidence']} evidence items, {written['verdicts']} verdicts "
            f"and {written['events']} audit events."
        )
