"""``python -m dermadash bench``: every benchmark in one run, as one table of ratios.

Each row is a ratio (or a size) measured in this run against a baseline measured in
the same run, so the machine's speed cancels out; the machine and its load are noted
above the table, and the table is written to ``benchmarks/RESULTS.md``.

Rows (skip any by name with ``--skip``):

- ``dashboard``: the dashboard page script against the bare floor page (≤ 2×);
- ``scale-sqlite``, ``scale-postgresql``: one person's dashboard on a database of
  10,000 profiles and 1,000,000 sessions against the same person alone (≤ 1.2×);
- ``engine``: the rule engine against the row-by-row reference on 1,000,000 sessions
  (≥ 20× faster);
- ``browser``: in Chromium, time until the dashboard's charts are drawn against the
  floor page (≤ 1.5×), and the bytes the dashboard sends (≤ 1 MB);
- ``long-log``: in Chromium on the five-year log (``tests/five_year_log.py``): the
  shared view (period "All") until its charts are drawn (≤ 1.5×), the Flags page
  (≤ 1.5×), each against the floor page, and the owner's period change until the charts
  are redrawn against a rerun of the floor page (≤ 2×);
- ``report``: ``report --out x.pdf`` against ``report --out x.html`` on the five-year
  log, whole command-line runs (≤ 2×).

The ``dashboard`` row also times the shared view (period "All") and the owner's
dashboard after a period change in AppTest, each against the floor page (≤ 2×).

``--quick`` uses small sizes (a few hundred sessions, a few hundred profiles, fewer
runs): a check that everything works, not figures to compare with the targets.
"""

from __future__ import annotations

import logging
import os
import platform
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
POSTGRES_VARIABLE = "DERMADASH_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROW_NAMES = (
    "dashboard",
    "scale-sqlite",
    "scale-postgresql",
    "engine",
    "browser",
    "long-log",
    "report",
)


@dataclass(frozen=True)
class Sizes:
    dashboard_sessions: int = 1_500
    dashboard_runs: int = 5
    scale_profiles: int = 10_000
    scale_sessions_per_other: int = 100
    scale_person_sessions: int = 1_500
    scale_runs: int = 5
    engine_sessions: int = 1_000_000
    engine_sample: int = 100_000
    browser_sessions: int = 1_500
    browser_runs: int = 5
    long_log_runs: int = 5
    report_runs: int = 3


FULL = Sizes()
QUICK = Sizes(
    dashboard_sessions=300,
    dashboard_runs=2,
    scale_profiles=300,
    scale_sessions_per_other=30,
    scale_person_sessions=300,
    scale_runs=2,
    engine_sessions=50_000,
    engine_sample=5_000,
    browser_sessions=300,
    browser_runs=2,
    long_log_runs=1,
    report_runs=1,
)


@dataclass(frozen=True)
class Row:
    measure: str
    result: str
    target: str
    verdict: str  # "met", "MISSED", "skipped" or "failed"
    details: str


# --- The machine --------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def postgres_url() -> str:
    return os.environ.get(POSTGRES_VARIABLE) or DEFAULT_POSTGRES_URL


def postgres_version(url: str) -> str | None:
    """The server's version, or None when no server answers."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except Exception:
        return None
    finally:
        engine.dispose()


def measured_commit() -> str:
    """The commit the figures belong to (and whether the work tree had changes)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=RESULTS.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=RESULTS.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} with uncommitted changes" if changes else head


def machine_lines(postgres: str | None) -> list[str]:
    one, five, fifteen = os.getloadavg()
    return [
        f"- Commit measured: {measured_commit()}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres or 'not reachable'}",
        f"- Load average at start: {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)",
    ]


# --- The rows -----------------------------------------------------------------------


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def dashboard_rows(sizes: Sizes) -> list[Row]:
    from benchmarks import dashboard_vs_floor

    result = dashboard_vs_floor.measure(sizes.dashboard_sessions, sizes.dashboard_runs)
    target = dashboard_vs_floor.TARGET_RATIO
    filter_target = dashboard_vs_floor.FILTER_TARGET_RATIO
    return [
        _dashboard_cold_row(result),
        Row(
            f"Shared view (period All) / floor page, {result.sessions:,} sessions (AppTest, cold)",
            f"{result.shared_ratio:.2f}×",
            f"≤ {target:g}×",
            _verdict(result.shared_ratio <= target),
            f"cold {result.shared_cold_s * 1000:.0f} / {result.floor_cold_s * 1000:.0f} ms; "
            f"median of {result.runs}",
        ),
        Row(
            f"Dashboard warm rerun after a period change / floor warm rerun, "
            f"{result.sessions:,} sessions (AppTest)",
            f"{result.filter_ratio:.2f}×",
            f"≤ {filter_target:g}×",
            _verdict(result.filter_ratio <= filter_target),
            f"{result.dashboard_filter_s * 1000:.0f} / {result.floor_warm_s * 1000:.0f} ms; "
            f"two period changes per run, median of {result.runs}",
        ),
    ]


def _dashboard_cold_row(result: object) -> Row:
    from benchmarks import dashboard_vs_floor

    assert isinstance(result, dashboard_vs_floor.BenchResult)
    return Row(
        f"Owner's dashboard (default period) / floor page, {result.sessions:,} sessions "
        "(AppTest, cold)",
        f"{result.cold_ratio:.2f}×",
        f"≤ {dashboard_vs_floor.TARGET_RATIO:g}×",
        _verdict(result.cold_ratio <= dashboard_vs_floor.TARGET_RATIO),
        f"cold {result.dashboard_cold_s * 1000:.0f} / {result.floor_cold_s * 1000:.0f} ms; "
        f"warm rerun {result.dashboard_warm_s * 1000:.0f} / {result.floor_warm_s * 1000:.0f} ms "
        f"({result.warm_ratio:.2f}×); median of {result.runs}",
    )


def _scale_row(result: object) -> Row:
    from benchmarks import scale

    assert isinstance(result, scale.ScaleResult)
    return Row(
        f"Dashboard on {result.profiles:,} profiles / {result.total_sessions:,} sessions vs "
        f"the same person alone ({result.backend})",
        f"{result.ratio:.2f}×",
        f"≤ {scale.TARGET_RATIO:g}×",
        _verdict(result.ratio <= scale.TARGET_RATIO),
        f"page (cold) {result.large_page_seconds * 1000:.0f} / "
        f"{result.small_page_seconds * 1000:.0f} ms; reads alone "
        f"{result.large_reads_seconds * 1000:.1f} / {result.small_reads_seconds * 1000:.1f} ms "
        f"({result.reads_ratio:.2f}×); person has {result.person_sessions:,} sessions",
    )


def _scale_sizes(sizes: Sizes) -> dict[str, int]:
    return {
        "profiles": sizes.scale_profiles,
        "sessions_per_other": sizes.scale_sessions_per_other,
        "person_sessions": sizes.scale_person_sessions,
        "runs": sizes.scale_runs,
    }


def scale_sqlite_row(sizes: Sizes) -> Row:
    from benchmarks import scale

    with tempfile.TemporaryDirectory() as folder:
        return _scale_row(scale.measure_sqlite(Path(folder), **_scale_sizes(sizes)))


def scale_postgres_row(sizes: Sizes, server_url: str) -> Row:
    from benchmarks import scale

    return _scale_row(scale.measure_postgres(server_url, **_scale_sizes(sizes)))


def engine_row(sizes: Sizes) -> Row:
    from benchmarks import engine_vs_reference

    result = engine_vs_reference.run(sizes.engine_sessions, sizes.engine_sample)
    reference = (
        f"reference extrapolated from {result.reference_sessions:,} sessions"
        if result.extrapolated
        else "reference timed on all sessions"
    )
    return Row(
        f"Rule engine vs row-by-row reference, {result.sessions:,} sessions (times faster)",
        f"{result.ratio:.1f}×",
        "≥ 20×",
        _verdict(result.ratio >= 20),
        f"engine {result.engine_seconds:.2f} s, reference "
        f"{result.reference_estimated_seconds:.1f} s ({reference}); {result.flags:,} flags; "
        f"median of {result.runs} runs each after one warm-up",
    )


def browser_rows(sizes: Sizes) -> list[Row]:
    from benchmarks import browser_load

    result = browser_load.measure(sizes.browser_sessions, sizes.browser_runs)
    return [
        Row(
            f"Chromium: time until the charts are drawn, dashboard / floor page, "
            f"{result.sessions:,} sessions",
            f"{result.ratio:.2f}×",
            f"≤ {browser_load.TARGET_RATIO:g}×",
            _verdict(result.ratio <= browser_load.TARGET_RATIO),
            f"{result.dashboard_seconds:.2f} / {result.floor_seconds:.2f} s, fresh browser "
            f"context, warm server; median of {result.runs}",
        ),
        Row(
            f"Chromium: data the dashboard sends over its WebSocket, {result.sessions:,} sessions",
            f"{result.dashboard_bytes / 1_000_000:.2f} MB",
            f"≤ {browser_load.TARGET_BYTES / 1_000_000:g} MB",
            _verdict(result.dashboard_bytes <= browser_load.TARGET_BYTES),
            f"{result.dashboard_bytes:,} bytes until all charts were drawn (floor page: "
            f"{result.floor_bytes:,})",
        ),
    ]


def long_log_rows(sizes: Sizes) -> list[Row]:
    from benchmarks import long_log_browser as long_log

    result = long_log.measure(sizes.long_log_runs)
    size = f"five-year log ({result.sessions:,} sessions, {result.flags:,} flags)"
    common = f"fresh browser context, warm server; median of {result.runs}"
    return [
        Row(
            f"Chromium: shared view (period All) until charts drawn / floor page, {size}",
            f"{result.shared_ratio:.2f}×",
            f"≤ {long_log.SHARED_TARGET:g}×",
            _verdict(result.shared_ratio <= long_log.SHARED_TARGET),
            f"{result.shared_seconds:.2f} / {result.floor_seconds:.2f} s, {common}",
        ),
        Row(
            f"Chromium: Flags page until its tables are drawn / floor page, {size}",
            f"{result.flags_ratio:.2f}×",
            f"≤ {long_log.FLAGS_TARGET:g}×",
            _verdict(result.flags_ratio <= long_log.FLAGS_TARGET),
            f"{result.flags_page_seconds:.2f} / {result.floor_seconds:.2f} s, {common}",
        ),
        Row(
            f"Chromium: owner changes the period until charts redrawn / floor page rerun, {size}",
            f"{result.filter_ratio:.2f}×",
            f"≤ {long_log.FILTER_TARGET:g}×",
            _verdict(result.filter_ratio <= long_log.FILTER_TARGET),
            f"{result.filter_seconds:.2f} / {result.floor_rerun_seconds:.2f} s; page already "
            f"open, two changes per visit; median of {result.runs}",
        ),
    ]


def report_row(sizes: Sizes) -> Row:
    from benchmarks import report_speed

    result = report_speed.measure(sizes.report_runs)
    return Row(
        "`report` PDF / HTML, five-year log (whole command-line runs)",
        f"{result.ratio:.2f}×",
        f"≤ {report_speed.TARGET_RATIO:g}×",
        _verdict(result.ratio <= report_speed.TARGET_RATIO),
        f"{result.pdf_seconds:.2f} / {result.html_seconds:.2f} s; the PDF has "
        f"{result.pdf_pages} pages; median of {result.runs} after one untimed run each",
    )


# --- The table ----------------------------------------------------------------------


def _guarded(name: str, work: Callable[[], list[Row]]) -> list[Row]:
    """A row that fails says so in the table; the other rows still run."""
    try:
        return work()
    except Exception as error:
        return [Row(name, "—", "—", "failed", f"{type(error).__name__}: {error}"[:300])]


def run_all(
    sizes: Sizes = FULL,
    skip: Sequence[str] = (),
    out: Path | None = RESULTS,
    note: str = "",
    progress: Callable[[str], None] = print,
) -> str:
    """Run every row not skipped; return the Markdown report (and write it to ``out``)."""
    unknown = set(skip) - set(ROW_NAMES)
    if unknown:
        raise ValueError(f"unknown benchmark rows: {', '.join(sorted(unknown))}")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    server = postgres_url()
    version = postgres_version(server)
    header = machine_lines(version)
    started = time.monotonic()
    plan: list[tuple[str, Callable[[], list[Row]]]] = [
        ("dashboard", lambda: dashboard_rows(sizes)),
        ("scale-sqlite", lambda: [scale_sqlite_row(sizes)]),
        ("scale-postgresql", lambda: [scale_postgres_row(sizes, server)]),
        ("engine", lambda: [engine_row(sizes)]),
        ("browser", lambda: browser_rows(sizes)),
        ("long-log", lambda: long_log_rows(sizes)),
        ("report", lambda: [report_row(sizes)]),
    ]
    rows: list[Row] = []
    for name, work in plan:
        if name in skip:
            rows.append(Row(name, "—", "—", "skipped", "skipped with --skip"))
            continue
        if name == "scale-postgresql" and version is None:
            shown = make_url(server).render_as_string(hide_password=True)
            rows.append(Row(name, "—", "—", "skipped", f"no PostgreSQL answers at {shown}"))
            continue
        progress(f"bench: {name}…")
        rows.extend(_guarded(name, work))
    minutes = (time.monotonic() - started) / 60
    report = render(rows, header, sizes, minutes, note)
    if out is not None:
        out.write_text(report, encoding="utf-8")
    return report


def render(
    rows: Sequence[Row], header: Sequence[str], sizes: Sizes, minutes: float, note: str
) -> str:
    size_name = "full" if sizes == FULL else "quick" if sizes == QUICK else "custom"
    lines = [
        "# Benchmark results",
        "",
        f"`python -m dermadash bench` ({size_name} sizes), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {minutes:.1f} minutes.",
        "Every figure is a ratio (or a size) measured in this one run, so the machine's speed",
        "cancels out; timings are medians of alternating runs. See `benchmarks/run_all.py`.",
        "",
        *header,
    ]
    if note:
        lines += ["", note]
    lines += [
        "",
        "| Measure | Result | Target | Verdict | Details |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        cells = (row.measure, row.result, row.target, row.verdict, row.details)
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
