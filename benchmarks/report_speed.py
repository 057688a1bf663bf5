"""How much longer the PDF report takes than the HTML report, on the five-year log.

What a person waits for: ``python -m dermadash report --out x.pdf`` against
``python -m dermadash report --out x.html``, each a whole command-line process (start,
read, check, draw, lay out, write), on the same SQLite file holding the five-year log
(``tests/five_year_log.py``). One untimed run of each first (the file system's
cache, Chromium's first start), then alternating runs; the result is a ratio of medians
(target: the PDF at most 2× the HTML).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.five_year_log import import_five_year_log

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0
DEFAULT_RUNS = 3
RUN_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class ReportSpeed:
    runs: int
    pdf_seconds: float
    html_seconds: float
    pdf_pages: int

    @property
    def ratio(self) -> float:
        return self.pdf_seconds / self.html_seconds


def five_year_database(folder: Path) -> str:
    """A SQLite file under ``folder`` with the five-year log in the default profile."""
    url = f"sqlite:///{folder / 'five-years.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    import_five_year_log(engine, default_profile_id(engine), today=date.today())
    engine.dispose()
    return url


def _report_seconds(database_url: str, out: Path) -> float:
    environment = {**os.environ, "DERMADASH_DATABASE_URL": database_url}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dermadash", "report", "--out", str(out)],
        cwd=PROJECT_ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )
    return time.perf_counter() - started


def measure(runs: int = DEFAULT_RUNS, *, warm_up: bool = True) -> ReportSpeed:
    """``runs`` timed runs of each, after one untimed run each (``warm_up``; the tests,
    which check what the row measures, not its figures, leave it out)."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = five_year_database(folder)
        outputs = {"pdf": folder / "report.pdf", "html": folder / "report.html"}
        if warm_up:
            for out in outputs.values():  # untimed
                _report_seconds(url, out)
        timings: dict[str, list[float]] = {kind: [] for kind in outputs}
        for _ in range(runs):
            for kind, out in outputs.items():
                timings[kind].append(_report_seconds(url, out))
        pages = len(PdfReader(outputs["pdf"]).pages)
    return ReportSpeed(
        runs=runs,
        pdf_seconds=statistics.median(timings["pdf"]),
        html_seconds=statistics.median(timings["html"]),
        pdf_pages=pages,
    )


if __name__ == "__main__":
    result = measure()
    print(
        f"report on the five-year log: PDF {result.pdf_seconds:.2f} s ({result.pdf_pages} "
        f"pages), HTML {result.html_seconds:.2f} s, ratio {result.ratio:.2f}x"
    )
