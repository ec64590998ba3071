import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.extraction import Registry, RegistryError, extract, read_registry_file
from claims.extraction.records import IdPrefixes, claim_to_record
from claims.reading import IngestError, InputBatch, document_text


class Command(BaseCommand):
    help = (
        "Print the claims the engine finds in documents (files, directories, or - for stdin), "
        "one JSON object a line, without touching the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, directories (read recursively) or - for stdin")
        parser.add_argument(
            "--registry",
            default=str(settings.CLAIMDESK_REGISTRY_PATH),
            help="actor registry JSON (default: the registry the demo loads)",
        )

    def handle(self, *args, paths, registry, **options):
        try:
            actors = Registry.from_data(read_registry_file(registry))
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        # The same reading, limits and messages as `ingest`.
        batch = InputBatch(
            paths,
            error=lambda line: self.stderr.write(self.style.ERROR(line)),
            warning=lambda line: self.stderr.write(self.style.WARNING(line)),
        )
        documents = claims = 0
        prefixes = IdPrefixes()  # claim ids stay unique across the documents of one run
        for source, raw in batch:
            try:
                text = document_text(raw).text
            except IngestError as exc:
                batch.fail(source, exc)
                continue
            documents += 1
            doc = os.path.basename(source.name)
            claims += self._write_claims(text, actors, doc=doc, prefix=prefixes.next(doc))
        skipped = f", {batch.skipped} skipped" if batch.skipped else ""
        self.stderr.write(f"Documents: {documents} read, {batch.failed} failed{skipped}. Claims found: {claims}.")
        if batch.failed:
            raise CommandError(batch.failure_summary())

    def _write_claims(self, text: str, actors: Registry, *, doc: str, prefix: str) -> int:
        found = extract(text, actors)
        for claim in found:
            self.stdout.write(json.dumps(claim_to_record(claim, doc=doc, id_prefix=prefix), ensure_ascii=False))
        return len(found)
