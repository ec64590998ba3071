import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import services, tagging
from claims.models import Claim


class Command(BaseCommand):
    help = (
        "Run pre-tagging again, e.g. after a tagger upgrade. By default only claims tagged by another tagger "
        "version; never claims whose tags a person corrected or that have a verdict."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every untouched claim, whatever its tagger version")
        parser.add_argument(
            "--document",
            type=int,
            action="append",
            dest="documents",
            metavar="ID",
            help="only claims of this document (repeatable)",
        )
        parser.add_argument("--side", help="only claims of this side")
        parser.add_argument("--conflict", help="only claims of this conflict (slug)")
        parser.add_argument("--sync", action="store_true", help="tag in this process instead of queueing batches")

    def handle(self, *args, all, documents, side, conflict, sync, verbosity, **options):
        claims = Claim.objects.all()
        if conflict:
            claims = claims.filter(conflict__slug=conflict)
        if not all:
            claims = claims.exclude(tagger_version=tagging.TAGGER_VERSION)
        if documents:
            claims = claims.filter(document__in=documents)
        if side:
            claims = claims.filter(side=side)
        eligible = claims.untouched()
        with tqdm(
            total=eligible.count(),
            desc="Re-tagging" if sync else "Queueing",
            unit="claim",
            file=sys.stderr,
            disable=verbosity == 0,
        ) as bar:
            try:
                done = services.claims_retag(claims=claims, sync=sync, progress=bar.update)
            except services.RetagError as exc:
                raise CommandError(str(exc)) from exc
        verb = "re-tagged" if sync else "queued for pre-tagging"
        self.stdout.write(f"{done} claims {verb} (tagger {tagging.TAGGER_VERSION}).")
