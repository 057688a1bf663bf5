"""Make PostgreSQL runs visible: every test that uses a PostgreSQL database carries the
``postgres`` marker, the run ends with how many of them ran and skipped, and under
``CI=true`` a run whose PostgreSQL tests skipped fails instead of passing green."""

from __future__ import annotations

import os
from collections import Counter

import pytest

POSTGRES_FIXTURES = frozenset({"postgres_url"})
START_HINT = (
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)


def uses_postgres(item: pytest.Item) -> bool:
    """Does this test get a PostgreSQL database (directly or as a ``database_url`` case)?"""
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & POSTGRES_FIXTURES:
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("database_url") == "postgresql"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if uses_postgres(item):
            item.add_marker(pytest.mark.postgres)


class PostgresTally:
    """Counts the outcomes of PostgreSQL tests as their reports arrive (also from xdist
    workers, whose reports carry the marker among their keywords)."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if "postgres" not in report.keywords:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.outcomes[report.outcome] += 1

    @property
    def skipped(self) -> int:
        return self.outcomes["skipped"]

    @property
    def ran(self) -> int:
        return self.outcomes["passed"] + self.outcomes["failed"]

    def summary(self) -> str:
        return f"PostgreSQL tests: {self.ran} ran, {self.skipped} skipped"

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.ran or self.skipped:
            terminalreporter.write_line(self.summary())
        if self.silent_in_ci():
            terminalreporter.write_line(
                "FAILED: PostgreSQL tests skipped under CI=true. The machine has a PostgreSQL "
                f"server: {START_HINT}; `make test` points the tests at it.",
                red=True,
            )

    def silent_in_ci(self) -> bool:
        return os.environ.get("CI") == "true" and self.skipped > 0

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.silent_in_ci() and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(PostgresTally(), "postgres-tally")
