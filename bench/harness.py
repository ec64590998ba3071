"""Benchmark rows, their statistics, the Markdown table and the machine they ran on."""

import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_started = time.monotonic()


def log(message: str) -> None:
    """A progress line on stderr: benchmarks take minutes and should say what they do."""
    elapsed = time.monotonic() - _started
    print(f"[bench {elapsed:7.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """A benchmark could not produce its figures; the message says why."""


@dataclass(frozen=True)
class Target:
    """What a row must reach: its figure, or its ratio to the baseline, compared with a bound."""

    op: str  # ">=" or "<"
    value: float
    of: str = "figure"  # or "ratio"

    def met(self, figure: float, ratio: float | None) -> bool:
        measured = figure if self.of == "figure" else ratio
        if measured is None:
            return False
        return measured >= self.value if self.op == ">=" else measured < self.value

    def render(self, unit: str) -> str:
        sign = "≥" if self.op == ">=" else "<"
        if self.of == "ratio":
            return f"ratio {sign} {number(self.value)}"
        return f"{sign} {number(self.value)} {unit}"


@dataclass
class Row:
    """One figure: several measured samples, and the baseline measured beside them."""

    name: str
    unit: str
    samples: list[float]
    baseline_name: str = ""
    baseline_samples: list[float] = field(default_factory=list)
    target: Target | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline_samples) if self.baseline_samples else None

    @property
    def ratio(self) -> float | None:
        base = self.baseline_median
        return self.median / base if base else None

    def passed(self) -> bool | None:
        """None when the row has no target (or its samples are missing)."""
        if self.target is None or not self.samples:
            return None
        return self.target.met(self.median, self.ratio)


def number(value: float) -> str:
    """Readable figures: 1 234 567 for large ones, three significant digits for small ones."""
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", " ")
    if value == 0:
        return "0"
    return f"{value:.3g}"


DASH = "\u2013"  # en dash, for ranges
HEADER = ("Figure", "Median", f"Min{DASH}max", "Runs", "Baseline (same run)", "Ratio", "Target", "Result")


def render_table(rows: list[Row], *, smoke: bool = False) -> str:
    """A Markdown table, one line per row; smoke runs have no pass/fail."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---"] * len(HEADER)) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_cells(row, smoke=smoke)) + " |")
    return "\n".join(lines)


def _cells(row: Row, *, smoke: bool) -> list[str]:
    if not row.samples:
        return [
            row.name,
            "—",
            "—",
            "0",
            "—",
            "—",
            row.target.render(row.unit) if row.target else "—",
            f"error: {row.note}",
        ]
    spread = f"{number(min(row.samples))}{DASH}{number(max(row.samples))}"
    baseline = "—"
    if row.baseline_samples:
        baseline = f"{row.baseline_name}: {number(row.baseline_median)} {row.unit}"
    ratio = f"{row.ratio:.2f}" if row.ratio is not None else "—"
    verdict = {None: "—", True: "pass", False: "**FAIL**"}[None if smoke else row.passed()]
    name = f"{row.name} ({row.note})" if row.note else row.name
    return [
        name,
        f"{number(row.median)} {row.unit}",
        spread,
        str(len(row.samples)),
        baseline,
        ratio,
        row.target.render(row.unit) if row.target else "—",
        verdict,
    ]


def machine() -> dict[str, str]:
    """The machine and the servers the figures were measured on."""
    from bench import stack

    return {
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count()),
        "Memory": _memory(),
        "OS": f"{_os_name()}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "PostgreSQL": stack.postgres_version(),
        "Redis": stack.redis_version(),
        "claimdesk": _revision(),
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _revision() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{commit} (with uncommitted changes)" if dirty else commit


def render_document(rows: list[Row], *, described: dict[str, str], about: list[tuple[str, str]], seconds: float) -> str:
    """docs/benchmarks.md: the table, the machine, and what each row measures."""
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); run it again rather than editing this file. "
        "Each figure is the median of several runs on the real stack (PostgreSQL, Redis, Celery workers, "
        "gunicorn, `wrk` over loopback); the baseline is measured in the same run, on the same data.",
        "",
        render_table(rows),
        "",
        f"The whole run took {seconds / 60:.1f} minutes.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in described.items()],
        "",
        "## What each row measures",
        "",
    ]
    for title, text in about:
        parts += [f"### {title}", "", text.strip(), ""]
    return "\n".join(parts)
