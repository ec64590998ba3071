"""Conflicts: documents, claims and actors' sides are scoped to one.

Data from before lands in one conflict, "default", whose sides are the sides
the actors had; every row keeps its id.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DEFAULT_SLUG = "default"
THIRD_PARTY = "third_party"


def into_default_conflict(apps, schema_editor):
    Actor = apps.get_model("claims", "Actor")
    ActorMembership = apps.get_model("claims", "ActorMembership")
    Conflict = apps.get_model("claims", "Conflict")
    Document = apps.get_model("claims", "Document")
    Claim = apps.get_model("claims", "Claim")
    if not (Actor.objects.exists() or Document.objects.exists()):
        return  # a new installation: conflicts come with their registries
    sides = []
    for side in Actor.objects.order_by("pk").values_list("side", flat=True):
        if side != THIRD_PARTY and side not in sides:
            sides.append(side)
    conflict = Conflict.objects.create(
        name="Default conflict", slug=DEFAULT_SLUG, sides={side: side.replace("_", " ").title() for side in sides}
    )
    ActorMembership.objects.bulk_create(
        ActorMembership(
            actor_id=actor.pk,
            conflict=conflict,
            side=actor.side,
            aliases=actor.aliases,
            is_proposed=actor.is_proposed,
        )
        for actor in Actor.objects.order_by("pk").iterator()
    )
    Document.objects.update(conflict=conflict)
    Claim.objects.update(conflict=conflict)


def out_of_conflicts(apps, schema_editor):
    """Back to one registry: each actor takes its side and aliases in its first conflict."""
    Actor = apps.get_model("claims", "Actor")
    ActorMembership = apps.get_model("claims", "ActorMembership")
    for membership in ActorMembership.objects.order_by("conflict_id").iterator():
        Actor.objects.filter(pk=membership.actor_id, side="").update(
            side=membership.side, aliases=membership.aliases, is_proposed=membership.is_proposed
        )
    Actor.objects.filter(side="").update(side=THIRD_PARTY)


side_validator = django.core.validators.RegexValidator(
    "^[a-z0-9_]+$", "A side is a lower-case slug such as 'third_party'."
)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Conflict",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True)),
                ("slug", models.SlugField(max_length=100, unique=True)),
                ("sides", models.JSONField(blank=True, default=dict)),
                ("start_date", models.DateField(blank=True, null=True)),
                ("end_date", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "members",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Users limited to this conflict.",
                        related_name="conflicts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("start_date__isnull", True),
                            ("end_date__isnull", True),
                            ("end_date__gte", models.F("start_date")),
                            _connector="OR",
                        ),
                        name="conflict_dates_ordered",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ActorMembership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("side", models.CharField(max_length=64, validators=[side_validator])),
                ("aliases", models.JSONField(blank=True, default=list)),
                ("is_proposed", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="claims.actor"
                    ),
                ),
                (
                    "conflict",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="claims.conflict"
                    ),
                ),
            ],
            options={
                "ordering": ["conflict", "actor__name"],
                "indexes": [models.Index(fields=["conflict", "side"], name="membership_conflict_side_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("conflict", "actor"), name="membership_one_per_conflict"),
                    models.CheckConstraint(condition=models.Q(("side", ""), _negated=True), name="membership_side_not_empty"),
                ],
            },
        ),
        migrations.AddField(
            model_name="actor",
            name="conflicts",
            field=models.ManyToManyField(related_name="actors", through="claims.ActorMembership", to="claims.conflict"),
        ),
        migrations.AddField(
            model_name="document",
            name="conflict",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="claims.conflict",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="conflict",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="claims.conflict",
            ),
        ),
        migrations.RunPython(into_default_conflict, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="conflict",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="claims.conflict",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="conflict",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="claims.conflict",
            ),
        ),
        migrations.RemoveConstraint(model_name="actor", name="actor_side_not_empty"),
        # Going back, sides are restored here, before the constraint returns.
        migrations.RunPython(migrations.RunPython.noop, out_of_conflicts),
        migrations.RemoveField(model_name="actor", name="aliases"),
        migrations.RemoveField(model_name="actor", name="is_proposed"),
        migrations.AlterField(
            model_name="actor",
            name="side",
            field=models.CharField(default="", max_length=64, validators=[side_validator]),
        ),
        migrations.RemoveField(model_name="actor", name="side"),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["conflict", "-id"], name="claim_conflict_idx"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["conflict", "-id"], name="document_conflict_idx"),
        ),
    ]
