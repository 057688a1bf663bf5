"""``python -m dermadash check [--json]`` in a real subprocess on a real database."""

from __future__ import annotations

import json
from datetime import date

from dermadash import demo
from dermadash.rules.protocol import RULE_IDS
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.test_cli_foundation import run_cli


def test_check_on_an_empty_database_says_all_is_well(database_url: str) -> None:
    result = run_cli(database_url, "check")
    assert result.returncode == 0, result.stderr
    assert "No flags" in result.stdout
    as_json = run_cli(database_url, "check", "--json")
    assert json.loads(as_json.stdout) == []


def test_check_lists_the_demo_flags_as_a_table_and_as_json(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    demo.load_demo(engine, default_profile_id(engine))
    engine.dispose()

    table = run_cli(database_url, "check")
    assert table.returncode == 0, table.stderr
    assert "critical" in table.stdout
    assert "not-sterilized" in table.stdout
    assert "What to do:" in table.stdout

    result = run_cli(database_url, "check", "--json")
    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout)
    assert flags
    for flag in flags:
        assert {"rule", "severity", "date", "session", "area", "message"} <= set(flag)
        assert flag["rule"] in RULE_IDS
        assert flag["severity"] in ("info", "warning", "critical")
        date.fromisoformat(flag["date"])
        assert flag["session"] is None or isinstance(flag["session"], int)
        assert flag["area"] is None or isinstance(flag["area"], str)
        assert flag["message"]
        assert flag["advice"]
        assert flag["source"]
    assert {"not-sterilized", "too-frequent", "side-effect"} <= {flag["rule"] for flag in flags}
    assert [flag["date"] for flag in flags] == sorted(flag["date"] for flag in flags)
