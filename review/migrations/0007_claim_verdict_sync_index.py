"""An index for the API's sync of verified claims: a verdict's claims in (updated_at, id) order.

`GET /api/v1/claims/?verdict=confirmed&...` walks its claims in the sync order
without reading the claims of other verdicts. The index is on the claims
table, which the claims app owns; it is made here because only the API's
reading needs it (as claims 0003 makes the search index by SQL).
"""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS claim_verdict_sync_idx ON claims_claim (verdict, updated_at, id)"
DROP = "DROP INDEX IF EXISTS claim_verdict_sync_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_claim_tombstones"),
        ("review", "0006_dashboard_snapshots"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
