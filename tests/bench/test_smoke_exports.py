"""The exports benchmark on tiny data, so that it keeps working between full runs."""

import pytest

from bench import exports
from tests.bench.test_smoke import bench_postgres  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres


def test_exports_smoke(bench_postgres):  # noqa: F811
    rows = exports.run(smoke=True)

    assert [(row.unit, row.baseline_name) for row in rows] == [
        ("s", "PostgreSQL COPY of the same columns"),
        ("MB", ""),
        ("MB", ""),
    ]
    assert rows[0].name == "CSV export of 2 000 claims (manage.py export)"
    for row in rows:
        assert row.samples and all(value > 0 for value in row.samples), row
        assert row.target is not None
    assert rows[0].ratio > 0  # and the export held every claim (the benchmark counts its rows)
