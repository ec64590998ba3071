import sys
import time
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from claims.models import Claim, Document
from claims.reading import InputBatch
from claims.services import ConflictError, IngestError, conflict_resolve, document_ingest


@dataclass
class Summary:
    new: int = 0
    known: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0


class Command(BaseCommand):
    help = "Store documents (files, directories, or - for stdin) and queue their claim extraction."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, directories (read recursively) or - for stdin")
        parser.add_argument("--publisher", default="")
        parser.add_argument(
            "--conflict", metavar="SLUG", help="the conflict the documents report on (default: the only one)"
        )
        parser.add_argument("--wait", action="store_true", help="wait until workers have extracted and pre-tagged")
        parser.add_argument("--timeout", type=float, default=600, help="seconds --wait waits at most")

    def handle(self, *args, paths, publisher, conflict, wait, timeout, verbosity, **options):
        try:
            target = conflict_resolve(slug=conflict)
        except ConflictError as exc:
            raise CommandError(str(exc)) from exc
        batch = InputBatch(
            paths,
            error=lambda line: self._note(self.style.ERROR(line)),
            warning=lambda line: self._note(self.style.WARNING(line)),
        )
        summary, created = Summary(), []
        show = len(batch.sources) >= 2 and verbosity > 0
        bar = tqdm(total=len(batch.sources), desc="Ingesting", unit="file", disable=not show, file=sys.stderr)
        batch.progress = bar.update
        with logging_redirect_tqdm():  # lines logged by tasks run in-process go above the bar
            for source, raw in batch:
                try:
                    result = document_ingest(raw=raw, source_name=source.name, publisher=publisher, conflict=target)
                except IngestError as exc:
                    batch.fail(source, exc)
                    continue
                self._count(source, result, summary, created)
        bar.close()
        if wait and created:
            self._wait(created, timeout)
        summary.failed, summary.skipped = batch.failed, batch.skipped
        self._report(summary, created)
        if batch.failed:
            raise CommandError(batch.failure_summary())

    def _count(self, source, result, summary, created):
        if not result.created:
            summary.known += 1
            return
        summary.new += 1
        created.append(result.document.pk)
        if result.queued is False:
            summary.deferred += 1
            message = f"{source.name}: stored; the broker is unreachable, extraction is queued for later"
            self._note(self.style.WARNING(message))

    def _note(self, message: str) -> None:
        """A line on stderr that does not break the progress bar."""
        with tqdm.external_write_mode(file=sys.stderr):
            self.stderr.write(message)

    def _wait(self, document_ids, timeout):
        documents = Document.objects.filter(pk__in=document_ids)
        done_states = [Document.Status.EXTRACTED, Document.Status.FAILED]
        deadline = time.monotonic() + timeout
        with tqdm(total=len(document_ids), desc="Extracting", unit="doc", file=sys.stderr) as bar:
            while time.monotonic() < deadline:
                done = documents.filter(status__in=done_states).count()
                untagged = Claim.objects.filter(document__in=document_ids, tagger_version="").exists()
                bar.update(done - bar.n)
                if done == len(document_ids) and not untagged:
                    return
                time.sleep(0.2)
        raise CommandError(f"timed out after {timeout:.0f}s waiting for the workers")

    def _report(self, summary, created):
        claims = Claim.objects.filter(document__in=created).count() if created else 0
        failed_extractions = Document.objects.filter(pk__in=created, status=Document.Status.FAILED).count()
        line = (
            f"Documents: {summary.new} new, {summary.known} already known, {summary.failed} failed"
            + (f", {summary.skipped} skipped" if summary.skipped else "")
            + f". Claims created: {claims}."
        )
        if failed_extractions:
            line += f" Extraction failed for {failed_extractions} documents (see the admin)."
        if summary.deferred:
            line += f" {summary.deferred} documents wait for the broker."
        self.stdout.write(line)
