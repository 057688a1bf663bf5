"""Every setting the app reads from its environment is in the README's settings table."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_ROOT

SETTING = re.compile(r"\b(DERMADASH_[A-Z][A-Z0-9_]*|BROWSER_PATH)\b")
TABLE_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)`", re.MULTILINE)
APP_CODE = ("dermadash", "views", "app.py")


def settings_read_by_the_app() -> set[str]:
    names: set[str] = set()
    for place in APP_CODE:
        path = PROJECT_ROOT / place
        for source in [path] if path.is_file() else sorted(path.rglob("*.py")):
            names |= set(SETTING.findall(source.read_text(encoding="utf-8")))
    return names


def settings_in_the_readme_table() -> set[str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return set(TABLE_ROW.findall(readme))


def test_the_scan_finds_the_settings_known_to_exist() -> None:
    assert {"DERMADASH_DATABASE_URL", "DERMADASH_AUTH", "BROWSER_PATH"} <= (
        settings_read_by_the_app()
    )


def test_every_setting_is_documented() -> None:
    missing = settings_read_by_the_app() - settings_in_the_readme_table()
    assert not missing, f"Settings read by the app but not in README's table: {sorted(missing)}"
