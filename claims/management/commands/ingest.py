import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.models import Claim, Document
from claims.services import ConflictError, IngestError, conflict_resolve, document_ingest


@dataclass
class Summary:
    new: int = 0
    known: int = 0
    failed: int = 0
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
        sources = list(_expand(paths))
        summary, created = Summary(), []
        bar = tqdm(sources, desc="Ingesting", unit="file", disable=len(sources) < 2 or verbosity == 0, file=sys.stderr)
        for name, read in bar:
            try:
                result = document_ingest(raw=read(), source_name=name, publisher=publisher, conflict=target)
            except (OSError, IngestError) as exc:
                summary.failed += 1
                self._note(self.style.ERROR(f"{name}: {_reason(exc)}"))
                continue
            if not result.created:
                summary.known += 1
                continue
            summary.new += 1
            created.append(result.document.pk)
            if result.queued is False:
                summary.deferred += 1
                self._note(
                    self.style.WARNING(f"{name}: stored; the broker is unreachable, extraction is queued for later")
                )
        bar.close()
        if wait and created:
            self._wait(created, timeout)
        self._report(summary, created)
        if summary.failed:
            raise CommandError(f"{summary.failed} of {len(sources)} inputs failed")

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
            f"Documents: {summary.new} new, {summary.known} already known, {summary.failed} failed. "
            f"Claims created: {claims}."
        )
        if failed_extractions:
            line += f" Extraction failed for {failed_extractions} documents (see the admin)."
        if summary.deferred:
            line += f" {summary.deferred} documents wait for the broker."
        self.stdout.write(line)


def _expand(paths):
    """(name, reader) for each input; directories are read recursively, sorted."""
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.buffer.read
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)):
                yield str(child), child.read_bytes
        else:
            yield str(path), path.read_bytes


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)
