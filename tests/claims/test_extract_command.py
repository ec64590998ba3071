"""`manage.py extract`: claim ids across the documents of one run."""

import json
from io import StringIO

from django.core.management import call_command

from tests.conftest import REGISTRY

REPORT = "Azerbaijan's defence ministry says it shot down a drone; Armenia issued a denial.\n"


def test_extract_gives_unique_ids_and_links_across_files(tmp_path):
    for name in ("report_a.txt", "report_b.txt"):
        (tmp_path / name).write_text(REPORT, encoding="utf-8")
    out = StringIO()
    call_command(
        "extract",
        str(tmp_path / "report_a.txt"),
        str(tmp_path / "report_b.txt"),
        "--registry",
        str(REGISTRY),
        stdout=out,
        stderr=StringIO(),
    )
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["doc"], r["id"], r["responds_to"]) for r in rows] == [
        ("report_a.txt", "srep-0001", None),
        ("report_a.txt", "srep-0002", "srep-0001"),
        ("report_b.txt", "srep2-0001", None),
        ("report_b.txt", "srep2-0002", "srep2-0001"),
    ]
