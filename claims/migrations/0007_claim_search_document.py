"""Text search reads a stored document instead of computing one per row.

claim_search_idx indexed the expression to_tsvector(sentence, claimant mention),
so a search could find its rows in the index but every row a list walked in its
own order (newest first, stopping after a page of matches) recomputed the
vector to test it. The vector is now a stored generated column, kept by
PostgreSQL on every insert and update, and the GIN index is on that column:
testing a row is reading it. SQLite has neither; claims.filters falls back to a
plain match there, as before.
"""

from django.db import migrations

# The same expression the old index held, so existing searches match the same rows.
DOCUMENT = "to_tsvector('english'::regconfig, COALESCE(sentence, '') || ' ' || COALESCE(claimant_mention, ''))"

FORWARD = [
    f"ALTER TABLE claims_claim ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "DROP INDEX IF EXISTS claim_search_idx",
    "CREATE INDEX claim_search_idx ON claims_claim USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_search_idx",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_document",
    f"CREATE INDEX claim_search_idx ON claims_claim USING gin ({DOCUMENT})",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_document_lease"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
