"""Replicas starting at once on one database: exactly one migrates, none fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from dermadash.storage import db
from tests.conftest import PROJECT_ROOT

REPLICAS = 4
WAIT_SECONDS = 120


def _upgrade_at_once(database_url: str, go_file: Path) -> list[list[str]]:
    """Start REPLICAS processes that each run ``db.upgrade`` when ``go_file`` appears;
    the revisions each one applied."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.workers", "upgrade", database_url, "0", str(go_file)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )
        for _ in range(REPLICAS)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    go_file.touch()
    applied = []
    for process in processes:
        output, errors = process.communicate(timeout=WAIT_SECONDS)
        assert process.returncode == 0, errors
        applied.append(json.loads(output.strip().splitlines()[-1]))
    return applied


@pytest.mark.slow
@pytest.mark.parametrize("starting_revision", [None, "previous"])
def test_replicas_upgrading_at_once_migrate_exactly_once(
    database_url: str, tmp_path: Path, starting_revision: str | None
) -> None:
    engine = db.make_engine(database_url)
    expected = [db.head_revision()]
    if starting_revision == "previous":
        db.upgrade(engine)
        db.downgrade(engine, "-1")
        behind = db.current_revision(engine)
        assert behind is not None
        assert behind != db.head_revision()
    else:
        expected = db.upgrade(db.make_engine(f"sqlite:///{tmp_path / 'count.db'}"))
    applied = _upgrade_at_once(database_url, tmp_path / "go")
    assert sorted(applied, key=len) == [[]] * (REPLICAS - 1) + [expected]
    assert db.current_revision(engine) == db.head_revision()
    assert "profiles" in inspect(engine).get_table_names()
    engine.dispose()
