"""Exporting 1 000 000 claims to CSV, beside PostgreSQL's own COPY of the same columns; peak memory.

The claims are the changelist benchmark's generated million (`generate_claims --count 1000000
--seed 1`, with its evidence, verdicts in every state and audit events). A generator that
writes no verdicts gets them here instead, in a copy: every third claim an approved verdict,
an evidence item and an audit event.

Each run times `manage.py export --format csv --include-unverified -o FILE` end to end
(process start to exit, every claim written with its evidence, verdict and audit head, the
dataset recorded with its checksum) and reads its peak RSS from the kernel (wait4, through a
small launcher: see _LAUNCHER). The
baseline, in the same runs, is `COPY (SELECT …) TO STDOUT (FORMAT csv)` of the columns the
CSV holds as stored (claim, document, claimant, the approved verdict and its approver), read
by a client. The ratio is export time / COPY time. A JSON Lines export (built in Python, not
by COPY) is timed once for its peak memory too.
"""

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from psycopg import sql

from bench import changelist, stack
from bench.harness import ROOT, BenchError, Row, Target, log, number

CLAIMS = 1_000_000
SMOKE_CLAIMS = 2_000
RUNS = 3
EDITOR = "bench-editor"
GENESIS = "0" * 64

BASELINE = """
COPY (
    SELECT c.id, c.document_id, d.title, d.url, c.sentence, c.quote, a.name, c.claimant_mention, c.side,
           c.stance, c.claim_type, c.event_date, c.time, c.locations, c.responds_to_id, c.review_state,
           c.verdict, u.username, v.decided_at, v.rationale
    FROM claims_claim c
    JOIN claims_document d ON d.id = c.document_id
    LEFT JOIN claims_actor a ON a.id = c.claimant_id
    LEFT JOIN review_verdict v ON v.claim_id = c.id AND v.state = 'approved'
    LEFT JOIN auth_user u ON u.id = v.decided_by_id
    ORDER BY c.id
) TO STDOUT (FORMAT csv)
"""

REVIEWED = [
    # Every third claim: an approved verdict by the bench editor, one evidence item, one audit event.
    """
    INSERT INTO review_verdict (claim_id, decision, rationale, state, proposed_by_id, proposed_at, claim_version,
                                decided_by_id, decided_at, decision_note)
    SELECT id, (ARRAY['confirmed', 'denied', 'unverified'])[1 + (id / 3) %% 3],
           'Two independent monitors report it; see the evidence.', 'approved', NULL, now(), 1, %(editor)s, now(), ''
    FROM claims_claim WHERE id %% 3 = 0
    """,
    """
    INSERT INTO review_evidence (claim_id, url, outlet, title, excerpt, accessed, relation, independent,
                                 added_by_id, created_at, removal_reason)
    SELECT claim_id, 'https://monitor.example/reports/' || claim_id, 'Bench Monitor', 'Report', '', current_date,
           CASE decision WHEN 'denied' THEN 'refutes' ELSE 'supports' END, true, %(editor)s, now(), ''
    FROM review_verdict
    """,
    """
    INSERT INTO review_auditevent (chain, seq, claim_id, action, username, created_at, before, after, prev_hash, hash)
    SELECT 'claim:' || claim_id, 1, claim_id, 'verdict.approved', %(username)s, now(), '{}', '{}', %(genesis)s,
           encode(sha256(('bench ' || claim_id)::bytea), 'hex')
    FROM review_verdict
    """,
    """
    UPDATE claims_claim c SET verdict = v.decision, review_state = 'approved', version = 1
    FROM review_verdict v WHERE v.claim_id = c.id
    """,
]


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    count = SMOKE_CLAIMS if smoke else CLAIMS
    runs = runs or (1 if smoke else RUNS)
    name = prepared_database(count)
    url = stack.database_url(name)
    env = stack.django_env(url, LOG_LEVEL="WARNING")
    exports, rss, copies = [], [], []
    with tempfile.TemporaryDirectory(prefix="claimdesk-bench-exports-") as scratch:
        env["MEDIA_ROOT"] = str(Path(scratch) / "media")
        output = Path(scratch) / "export.csv"
        for attempt in range(1, runs + 1):
            seconds, peak = _export(env, "csv", output)
            exports.append(seconds)
            rss.append(peak)
            copies.append(_copy(name))
            log(f"exports run {attempt}/{runs}: export {seconds:.1f}s ({peak:.0f} MB), COPY {copies[-1]:.1f}s")
        _check_rows(output, count)
        jsonl_seconds, jsonl_peak = _export(env, "jsonl", Path(scratch) / "export.jsonl")
        log(f"exports: JSON Lines {jsonl_seconds:.1f}s ({jsonl_peak:.0f} MB)")
    label = number(count)
    return [
        Row(
            name=f"CSV export of {label} claims (manage.py export)",
            unit="s",
            samples=exports,
            baseline_name="PostgreSQL COPY of the same columns",
            baseline_samples=copies,
            target=Target("<", 3.0, of="ratio"),
        ),
        Row(name=f"Peak RSS of the CSV export of {label} claims", unit="MB", samples=rss, target=Target("<", 200)),
        Row(
            name=f"Peak RSS of the JSON Lines export of {label} claims",
            unit="MB",
            samples=[jsonl_peak],
            target=Target("<", 200),
            note=f"{jsonl_seconds:.0f} s",
        ),
    ]


def _fingerprint(count: int) -> dict:
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return {"schema": stack.schema_fingerprint(), "bench": digest, "claims": count}


def prepared_database(count: int) -> str:
    """The generated claims, reviewed: as generate_claims made them, or with every third claim reviewed here.

    generate_claims writes evidence, verdicts in every state and audit events; when
    it does, its database is used as it is (with an editor to export as).
    """
    source, _ = changelist.prepared_database(count)
    with stack.connect(source) as conn:
        reviewed = conn.execute("SELECT count(*) FROM review_verdict WHERE state = 'approved'").fetchone()[0]
    if reviewed:
        _ensure_editor(source)
        return source
    name = f"{stack.prefix()}_exports"
    wanted = _fingerprint(count)
    found = stack.database_comment(name) or {}
    if {key: found.get(key) for key in wanted} == wanted:
        log(f"exports: reusing {name}")
        return name
    log(f"exports: copying {source} into {name} and reviewing every third claim")
    stack.drop_database(name)
    with stack.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
    try:
        editor = _ensure_editor(name)
        with stack.connect(name) as conn:
            for statement in REVIEWED:
                conn.execute(statement, {"editor": editor, "username": EDITOR, "genesis": GENESIS})
            conn.execute("VACUUM ANALYZE")
        stack.set_database_comment(name, wanted)
    except BaseException:
        stack.drop_database(name)
        raise
    return name


def _ensure_editor(name: str) -> int:
    stack.manage(
        ["shell", "-c", _EDITOR_SHELL],
        env=stack.django_env(stack.database_url(name)),
        timeout=120,
        log_name="exports-editor",
    )
    with stack.connect(name) as conn:
        return conn.execute("SELECT id FROM auth_user WHERE username = %s", [EDITOR]).fetchone()[0]


_EDITOR_SHELL = (
    "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
    f"user, _ = get_user_model().objects.get_or_create(username={EDITOR!r}, defaults={{'is_staff': True}}); "
    "user.groups.add(Group.objects.get(name='editor'))"
)


# The kernel's count of a process's peak RSS (ru_maxrss) starts, when the process execs, at
# the peak of the process it was forked from: a child of this benchmark, which holds earlier
# benchmarks' data, would report at least the benchmark's own size. This launcher forks the
# export itself, so the count starts at the launcher's few megabytes; it writes the export's
# peak RSS (KiB) to the file named first and exits with the export's status.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _export(env: dict[str, str], fmt: str, output: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `manage.py export` process."""
    command = [sys.executable, "manage.py", "export", "--format", fmt, "--user", EDITOR, "--include-unverified"]
    peak = output.with_suffix(".rss")
    started = time.perf_counter()
    with stack.log_path(f"exports-{fmt}").open("ab") as log_file:
        launched = [sys.executable, "-c", _LAUNCHER, str(peak), *command, "-o", str(output)]
        process = subprocess.Popen(launched, cwd=ROOT, env=env, stdout=log_file, stderr=log_file, process_group=0)
        try:
            process.wait()
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)  # the launcher and the export it forked
            raise
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise BenchError(f"manage.py export --format {fmt} exited {process.returncode} (see bench/results)")
    kib = int(peak.read_text())
    peak.unlink()
    return seconds, kib / 1024


def _copy(name: str) -> float:
    """Seconds for a client to read PostgreSQL's COPY of the same columns."""
    with stack.connect(name) as conn:
        started = time.perf_counter()
        size = 0
        with conn.cursor().copy(BASELINE) as copy:
            for block in copy:
                size += len(block)
        seconds = time.perf_counter() - started
    if size == 0:
        raise BenchError("the COPY baseline read nothing")
    return seconds


def _check_rows(output: Path, count: int) -> None:
    """The export holds every claim (one id per row, in order)."""
    import csv

    with output.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        rows = sum(1 for _ in reader)
    if rows != count:
        raise BenchError(f"the export has {rows} rows, not {count}")
