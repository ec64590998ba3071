import io
import json
from datetime import date

from claims.extraction import DEFAULT_REGISTRY_PATH, extract
from claims.extraction.cli import run_cli
from claims.extraction.records import IdPrefixes, claim_to_record


def test_claim_to_record_has_schema_fields(registry):
    text = "=== 3 May 2031 ===\nAt 10:00, the SDF stated that it had shelled Velka; Northland issued a denial."
    claims = extract(text, registry)
    records = [claim_to_record(c, doc="x.txt", id_prefix="sx") for c in claims]
    assert records[1] == {
        "doc": "x.txt",
        "id": "sx-0002",
        "sentence": "At 10:00, the SDF stated that it had shelled Velka; Northland issued a denial.",
        "quote": "Northland issued a denial",
        "claimant_mention": "Northland",
        "claimant": "Northland government",
        "side": "northland",
        "stance": "deny",
        "claim_type": "attack",
        "event_date": "2031-05-03",
        "time": "10:00",
        "locations": [],
        "responds_to": "sx-0001",
        "start": claims[1].start,
        "end": claims[1].end,
        "confidence": claims[1].confidence,
        "claimant_known": True,
        "version": "rules-1.4",
    }
    assert records[0]["event_date"] == date(2031, 5, 3).isoformat()


def test_run_cli_writes_one_json_line_per_claim(tmp_path):
    doc = tmp_path / "042_report.txt"
    doc.write_bytes(b"date 2020-10-17 Report.\r\n\r\nAzerbaijan's defence ministry says it shot down a drone.")
    out = io.StringIO()
    count = run_cli([doc], DEFAULT_REGISTRY_PATH, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == 1
    assert [(r["doc"], r["id"], r["claimant"], r["claim_type"], r["event_date"]) for r in lines] == [
        ("042_report.txt", "s042-0001", "Azerbaijani MoD", "materiel", "2020-10-17")
    ]


def test_id_prefixes_differ_for_files_that_share_their_first_letters():
    prefixes = IdPrefixes()
    assert [prefixes.next(name) for name in ("report_a.txt", "report_b.txt", "rep2.txt", "report_a.txt")] == [
        "srep",
        "srep2",
        "srep3",
        "srep4",
    ]


def test_run_cli_gives_unique_ids_across_files(tmp_path):
    text = b"Azerbaijan's defence ministry says it shot down a drone."
    for name in ("report_a.txt", "report_b.txt"):
        (tmp_path / name).write_bytes(text)
    out = io.StringIO()
    run_cli([tmp_path / "report_a.txt", tmp_path / "report_b.txt"], DEFAULT_REGISTRY_PATH, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["doc"], r["id"]) for r in lines] == [("report_a.txt", "srep-0001"), ("report_b.txt", "srep2-0001")]
