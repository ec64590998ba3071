"""Datasets (recorded exports) and the editors' permission to export them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A CSV cell as review.exports.formats.CsvWriter writes it: a spreadsheet formula
# start escaped with an apostrophe, and an empty value NULL, which COPY leaves
# unquoted (review.exports.copy). A SQL function, so the planner inlines it.
CSV_CELL = r"""
CREATE OR REPLACE FUNCTION claimdesk_csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NULLIF(
        CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r', '''') THEN '''' || value ELSE value END,
        ''
    )
$$;
"""


def csv_cell(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CSV_CELL)


def drop_csv_cell(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS claimdesk_csv_cell(text)")


def sync_roles(apps, schema_editor):
    from review.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_webhook_endpoints_and_deliveries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Dataset",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "format",
                    models.CharField(
                        choices=[("csv", "CSV"), ("jsonl", "JSON Lines"), ("claimreview", "ClaimReview (JSON-LD)")],
                        max_length=16,
                    ),
                ),
                ("filters", models.JSONField(blank=True, default=dict)),
                ("claim_ids", models.JSONField(blank=True, null=True)),
                ("include_unverified", models.BooleanField(default=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("ready", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("expected_rows", models.PositiveIntegerField(default=0)),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("row_count", models.PositiveIntegerField(blank=True, null=True)),
                ("sha256", models.CharField(blank=True, max_length=64)),
                ("size", models.PositiveBigIntegerField(blank=True, null=True)),
                ("extractor_versions", models.JSONField(blank=True, default=list)),
                ("tagger_versions", models.JSONField(blank=True, default=list)),
                ("audit_digest", models.CharField(blank=True, max_length=64)),
                ("conflict_ids", models.JSONField(blank=True, default=list)),
                ("file", models.FileField(blank=True, max_length=300, upload_to="datasets/")),
                ("error", models.TextField(blank=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="datasets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
                "permissions": [("export_dataset", "Can export datasets of claims and download them again")],
                "indexes": [
                    models.Index(
                        condition=models.Q(("sha256", ""), _negated=True), fields=["sha256"], name="dataset_sha256_idx"
                    ),
                    models.Index(fields=["created_by", "-id"], name="dataset_creator_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("format__in", ["csv", "jsonl", "claimreview"])), name="dataset_format_valid"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "queued", "running", "ready", "failed"])),
                        name="dataset_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "ready"), _negated=True),
                            models.Q(
                                models.Q(("sha256", ""), _negated=True),
                                models.Q(("file", ""), _negated=True),
                                ("row_count__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="dataset_ready_has_file",
                    ),
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        migrations.RunPython(csv_cell, drop_csv_cell),
    ]
