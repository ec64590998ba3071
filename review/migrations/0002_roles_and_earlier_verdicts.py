"""Role groups; verdict records for verdicts set before there were any; an append-only audit table.

Claims that carried a confirmed or denied verdict before verdict records
existed get an approved Verdict with no author on file and a first audit
event saying so, so every claim's history starts where its record does.
"""

from django.db import migrations

from review.audit import GENESIS, MACHINE_USERNAME, claim_chain, event_hash

IMPORTED_RATIONALE = "Verdict set before claimdesk kept verdict records; no author, evidence or approver on file."

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION review_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    -- The only change allowed: a deleted account's link becomes NULL (the name stays).
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW.chain, NEW.seq, NEW.action, NEW.username, NEW.created_at, NEW.before, NEW.after,
            NEW.prev_hash, NEW.hash) IS NOT DISTINCT FROM
           (OLD.id, OLD.chain, OLD.seq, OLD.action, OLD.username, OLD.created_at, OLD.before, OLD.after,
            OLD.prev_hash, OLD.hash)
       AND NEW.claim_id IS NOT DISTINCT FROM OLD.claim_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused on event %)', TG_OP, OLD.id;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER review_auditevent_append_only BEFORE UPDATE OR DELETE ON review_auditevent
    FOR EACH ROW EXECUTE FUNCTION review_auditevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS review_auditevent_append_only ON review_auditevent;
DROP FUNCTION IF EXISTS review_auditevent_append_only();
"""


def create_roles(apps, schema_editor):
    from review.roles import sync_roles

    sync_roles(apps)


def record_earlier_verdicts(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Verdict = apps.get_model("review", "Verdict")
    AuditEvent = apps.get_model("review", "AuditEvent")
    earlier = Claim.objects.filter(review_state="approved", version=0).exclude(verdict="")
    for claim in earlier.order_by("pk").iterator(chunk_size=2000):
        verdict = Verdict.objects.create(
            claim_id=claim.pk,
            decision=claim.verdict,
            rationale=IMPORTED_RATIONALE,
            state="approved",
            proposed_by=None,
            proposed_at=claim.updated_at,
            claim_version=1,
            decided_at=claim.updated_at,
        )
        event = AuditEvent(
            chain=claim_chain(claim.pk),
            seq=1,
            claim_id=claim.pk,
            action="verdict.imported",
            username=MACHINE_USERNAME,
            created_at=claim.updated_at,
            before={},
            after={"review_state": "approved", "verdict": claim.verdict, "verdict_id": verdict.pk},
            prev_hash=GENESIS,
        )
        event.hash = event_hash(event)
        event.save()
        Claim.objects.filter(pk=claim.pk).update(version=1)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def not_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("claims", "0003_review_state"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(record_earlier_verdicts, migrations.RunPython.noop),
        migrations.RunPython(append_only, not_append_only),
    ]
