import contextlib
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from review.exports import services
from review.models import Dataset


class Command(BaseCommand):
    help = (
        "Export claims as CSV, JSON Lines or ClaimReview JSON-LD, filtered like the admin, workspace and API; "
        "the export is recorded as a dataset (checksum, audit digest) and its file kept."
    )
    # Like the worker that builds the same datasets, the command skips the system
    # checks: they import every URLconf and view (half a second of a timed export)
    # and belong to deploys and the server.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=Dataset.Format.values)
        parser.add_argument(
            "--user", required=True, help="the editor the dataset is recorded for (their role and conflicts apply)"
        )
        parser.add_argument(
            "--include-unverified",
            action="store_true",
            help="also claims without an approved verdict, marked as not verified",
        )
        parser.add_argument("-o", "--output", help="write the file here too (default: standard output; - for it)")
        filters = parser.add_argument_group("filters (the claims FilterSet)")
        for key in services.filter_keys():
            filters.add_argument(f"--{key.replace('_', '-')}", dest=f"filter_{key}", metavar="VALUE")

    def handle(self, *args, format, user, include_unverified, output, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}.")
        params = {key[len("filter_") :]: value for key, value in options.items() if key.startswith("filter_")}
        params = {key: value for key, value in params.items() if value is not None}
        try:
            dataset = services.dataset_export(
                user=account, params=params, format=format, include_unverified=include_unverified, background=False
            )
            to_file = bool(output and output != "-")
            # The file is kept (MEDIA_ROOT) and written here as it is made, in one pass.
            with open(output, "wb") if to_file else contextlib.nullcontext(sys.stdout.buffer) as target:
                for block in services.dataset_stream(dataset=dataset):
                    target.write(block)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        dataset.refresh_from_db()
        self.stderr.write(
            f"Dataset {dataset.pk}: {dataset.row_count} claims, {dataset.get_format_display()}, "
            f"sha256 {dataset.sha256}, kept as {dataset.file.name}."
        )
