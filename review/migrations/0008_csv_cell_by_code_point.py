"""claimdesk_csv_cell tests a cell's first character by its code point.

The same rule as before (review.exports.formats.FORMULA_STARTS gets an
apostrophe, an empty value is NULL), written so that a million-row COPY
compares integers: `left(value, 1) IN (...)` made a string and seven
collation-aware comparisons for every cell. Still one SQL expression, so the
planner inlines it.
"""

from django.db import migrations

# '=' '+' '-' '@' tab CR and the apostrophe; ascii('') is 0, ascii(NULL) NULL.
BY_CODE_POINT = r"""
CREATE OR REPLACE FUNCTION claimdesk_csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN ascii(value) IN (61, 43, 45, 64, 9, 13, 39) THEN '''' || value ELSE NULLIF(value, '') END
$$;
"""

BY_PREFIX = r"""
CREATE OR REPLACE FUNCTION claimdesk_csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NULLIF(
        CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r', '''') THEN '''' || value ELSE value END,
        ''
    )
$$;
"""


def by_code_point(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BY_CODE_POINT)


def by_prefix(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BY_PREFIX)


class Migration(migrations.Migration):
    dependencies = [("review", "0007_claim_verdict_sync_index")]

    operations = [migrations.RunPython(by_code_point, by_prefix, elidable=False)]
