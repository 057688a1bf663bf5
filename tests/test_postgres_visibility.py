"""The suite's PostgreSQL runs are visible, and under CI=true they cannot skip silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SUITE = """
import pytest

@pytest.fixture
def postgres_url():
    if not {available}:
        pytest.skip("no server")
    return "postgresql://"

@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return "sqlite://"

def test_direct(postgres_url):
    assert postgres_url

def test_both(database_url):
    assert database_url

def test_unrelated():
    assert True
"""


def run_suite(tmp_path: Path, *, available: bool, ci: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SUITE.format(available=available))
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.plugins.postgres_runs",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_counts_the_postgresql_tests_that_ran(tmp_path: Path) -> None:
    result = run_suite(tmp_path, available=True, ci=True)
    assert result.returncode == 0, result.stdout
    assert "PostgreSQL tests: 2 ran, 0 skipped" in result.stdout


def test_a_skip_outside_ci_is_counted_not_fatal(tmp_path: Path) -> None:
    result = run_suite(tmp_path, available=False, ci=False)
    assert result.returncode == 0, result.stdout
    assert "PostgreSQL tests: 0 ran, 2 skipped" in result.stdout


def test_a_skip_under_ci_fails_the_run_plainly(tmp_path: Path) -> None:
    result = run_suite(tmp_path, available=False, ci=True)
    assert result.returncode == 1, result.stdout
    assert "PostgreSQL tests skipped under CI=true" in result.stdout
    assert "pg_ctlcluster" in result.stdout


def test_this_suites_postgresql_cases_carry_the_marker(
    database_url: str, request: pytest.FixtureRequest
) -> None:
    marked = request.node.get_closest_marker("postgres") is not None
    assert marked == database_url.startswith("postgresql")
