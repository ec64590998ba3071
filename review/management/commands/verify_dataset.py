from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from review.exports.services import dataset_verify


class Command(BaseCommand):
    help = (
        "Check an exported file: its SHA-256 is a recorded dataset's, and its claims' verdicts and audit trails "
        "are still what it shows. Exits non-zero naming each claim that changed since."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: not a file.")
        result = dataset_verify(file)
        for problem in result.problems:
            self.stderr.write(problem)
        if result.dataset is None:
            raise CommandError("Not verified.")
        for line in result.changed:
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                f"Dataset {result.dataset.pk}: {len(result.changed)} of {result.rows} claims changed since the export."
            )
        self.stdout.write(
            f"{file}: dataset {result.dataset.pk} (sha256 {result.sha256}), {result.rows} claims, "
            "unchanged since the export."
        )
