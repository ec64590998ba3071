"""One review state per claim, a version for human writes, and text search.

A claim's verdict is now the decision of its approved verdict, blank until one
is approved. Claims left "unverified" by default become blank and unreviewed;
claims that carried confirmed or denied are approved (review's first
migration gives them a verdict record and an audit event).
"""

from django.db import migrations, models
from django.db.models import Q

SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_search_idx ON claims_claim USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(sentence, '') || ' ' || COALESCE(claimant_mention, '')))"
)


def default_verdicts_to_review_state(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(verdict="unverified").update(verdict="", review_state="unreviewed")
    Claim.objects.exclude(verdict="").update(review_state="approved")
    Claim.objects.filter(tags_corrected=True).update(corrected_fields=["stance", "claim_type"])
    if schema_editor.connection.vendor == "postgresql":
        # Updated rows leave deferred key checks pending, and constraints are added
        # next in this transaction, which PostgreSQL refuses while checks are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def review_state_to_default_verdicts(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(verdict="").update(verdict="unverified")


def create_search_index(apps, schema_editor):
    # GIN exists only on PostgreSQL; elsewhere claims.filters falls back to a plain match.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_search_idx")


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_conflicts")]

    operations = [
        migrations.AlterModelOptions(
            name="claim",
            options={
                "ordering": ["-id"],
                "permissions": [("correct_claim", "Can correct a claim's claimant, tags, dates and places")],
            },
        ),
        migrations.RemoveConstraint(model_name="claim", name="claim_verdict_valid"),
        migrations.AddField(
            model_name="claim",
            name="corrected_fields",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="claim",
            name="review_state",
            field=models.CharField(
                choices=[
                    ("unreviewed", "Unreviewed"),
                    ("proposed", "Proposed"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                ],
                default="unreviewed",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="version",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="claim",
            name="verdict",
            field=models.CharField(
                blank=True,
                choices=[("unverified", "Unverified"), ("confirmed", "Confirmed"), ("denied", "Denied")],
                max_length=16,
            ),
        ),
        migrations.RunPython(default_verdicts_to_review_state, review_state_to_default_verdicts),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=Q(verdict__in=["", "unverified", "confirmed", "denied"]), name="claim_verdict_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=Q(review_state__in=["unreviewed", "proposed", "approved", "rejected"]),
                name="claim_review_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=Q(review_state="approved", verdict__gt="")
                | Q(review_state__in=["unreviewed", "rejected"], verdict="")
                | Q(review_state="proposed"),
                name="claim_verdict_matches_state",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["review_state", "-id"], name="claim_review_state_idx"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["updated_at", "id"], name="claim_updated_idx"),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
