"""One list of rules everywhere: protocol file, engine, Protocol page and README agree.

A rule added to the engine but not documented (or documented but not built) fails here.
"""

from __future__ import annotations

import re

from dermadash.rules.protocol import RULE_IDS, load_protocol
from tests.apptest import assert_no_exception, open_app
from tests.conftest import PROJECT_ROOT
from tests.test_rules import every_rule_flags

README_ROW = re.compile(r"^\| `(?P<rule>[a-z-]+)` \| .+ \| (?P<severity>[a-z /]+) \| .+ \|$")


def readme_protocol_rows() -> dict[str, str]:
    """Rule id -> severity from the README's "The safety protocol" table."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The safety protocol", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = README_ROW.match(line)
        if match:
            rows[match["rule"]] = match["severity"]
    return rows


def test_protocol_file_lists_exactly_the_public_ids() -> None:
    assert tuple(spec.id for spec in load_protocol().rules) == RULE_IDS


def test_engine_raises_exactly_the_public_rules() -> None:
    assert set(every_rule_flags()["rule"]) == set(RULE_IDS)


def test_readme_table_matches_the_protocol() -> None:
    rows = readme_protocol_rows()
    assert tuple(rows) == RULE_IDS
    for spec in load_protocol().rules:
        assert rows[spec.id] == spec.severity, spec.id


def test_protocol_page_lists_exactly_the_engine_rules(app_database: str) -> None:
    app = open_app(page="views/protocol.py")
    assert_no_exception(app)
    shown = tuple(app.table[0].value.index)
    assert shown == RULE_IDS
    assert set(shown) == set(every_rule_flags()["rule"])
