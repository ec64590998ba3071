"""A claim's identity: its document and what it is (span, stance, claimant), not its row.

Claims stored before get theirs from their current values, in document order,
the way claims.storing names new ones. A claim whose claimant or stance a person
had corrected gets the corrected values (the engine's are not kept): the next
re-extraction may not find it again, and then keeps it, flagged stale.
"""

from collections import Counter

from django.db import migrations, models

BATCH = 2000


def name_claims(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    rows = (
        Claim.objects.order_by("document_id", "index", "pk")
        .values_list("pk", "document_id", "start", "end", "stance", "claimant__name", "claimant_mention")
        .iterator(chunk_size=BATCH)
    )
    seen, document, batch = Counter(), None, []
    for pk, document_id, start, end, stance, claimant, mention in rows:
        if document_id != document:
            seen, document = Counter(), document_id
        key = f"{start}-{end}:{stance}:{(claimant or mention or '')[:200]}"
        seen[key] += 1
        batch.append(Claim(pk=pk, identity=key if seen[key] == 1 else f"{key}#{seen[key]}"))
        if len(batch) >= BATCH:
            Claim.objects.bulk_update(batch, ["identity"])
            batch = []
    if batch:
        Claim.objects.bulk_update(batch, ["identity"])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_claim_tombstones"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="identity",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(name_claims, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("identity", ""), _negated=True),
                fields=("document", "identity"),
                name="claim_identity_unique",
            ),
        ),
    ]
