"""``python -m dermadash bench``: the machinery runs end to end on tiny sizes.

Only the shape of the report is checked; its figures belong to the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import run_all
from dermadash import cli

pytestmark = pytest.mark.slow
TINY = run_all.Sizes(
    dashboard_sessions=30,
    dashboard_runs=1,
    scale_profiles=4,
    scale_sessions_per_other=5,
    scale_person_sessions=30,
    scale_runs=1,
    engine_sessions=2_000,
    engine_sample=500,
    browser_sessions=30,
    browser_runs=1,
)


def test_every_row_runs_and_the_table_is_written(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    skipped = ["browser", "long-log", "report"]  # Chromium rows: tests/test_bench_rows.py
    report = run_all.run_all(TINY, skip=skipped, out=out, progress=lambda _: None)
    assert out.read_text(encoding="utf-8") == report
    assert "- CPU: " in report
    assert "Load average at start: " in report
    assert "Commit measured: " in report
    table = [line for line in report.splitlines() if line.startswith("| ")][1:]
    verdicts = {row.split(" | ")[0].lstrip("| "): row.split(" | ")[3] for row in table}
    assert len(table) == 9
    assert "failed" not in verdicts.values(), report
    assert [verdicts[name] for name in skipped] == ["skipped"] * 3
    assert sum(verdict in ("met", "MISSED") for verdict in verdicts.values()) >= 3


def test_an_unknown_row_name_is_refused_in_plain_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status = cli.main(["bench", "--skip", "everything", "--out", str(tmp_path / "r.md")])
    assert status == 2
    assert "unknown benchmark rows: everything" in capsys.readouterr().err
    assert not (tmp_path / "r.md").exists()
