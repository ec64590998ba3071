import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from review.audit import BrokenLink, verify_chains
from review.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Recompute every audit chain (one per claim, and the pipeline's) and exit non-zero "
        "naming the first broken link of each chain that was edited, cut or reordered."
    )

    def handle(self, *args, verbosity, **options):
        broken: list[BrokenLink] = []
        checked = 0
        total = AuditEvent.objects.count()
        with tqdm(total=total, desc="Verifying", unit="event", file=sys.stderr, disable=verbosity == 0) as bar:
            for item in verify_chains():
                if isinstance(item, BrokenLink):
                    broken.append(item)
                    with tqdm.external_write_mode(file=sys.stderr):
                        self.stderr.write(self.style.ERROR(f"Broken: {item}"))
                    continue
                checked += item
                bar.update(item)
        if broken:
            raise CommandError(f"{len(broken)} audit chains are broken; the first: {broken[0]}")
        self.stdout.write(f"Audit trail intact: {checked} events checked.")
