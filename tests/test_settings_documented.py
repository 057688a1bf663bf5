"""Every setting the app reads from its environment is in the README's settings table.

The settings module is the one place that reads the environment (``settings.SETTINGS``
names what it reads), so a new setting added there and not to the README fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from dermadash import settings
from tests.conftest import PROJECT_ROOT

SETTING = re.compile(r"\b(DERMADASH_[A-Z][A-Z0-9_]*|BROWSER_PATH)\b")
READS_ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\b|\benviron\[")
TABLE_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)`", re.MULTILINE)
APP_CODE = ("dermadash", "views", "app.py", "router.py")
SETTINGS_MODULE = PROJECT_ROOT / "dermadash" / "settings.py"


def app_sources() -> list[Path]:
    sources: list[Path] = []
    for place in APP_CODE:
        path = PROJECT_ROOT / place
        sources += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return sources


def settings_named_by_the_app() -> set[str]:
    names: set[str] = set()
    for source in app_sources():
        names |= set(SETTING.findall(source.read_text(encoding="utf-8")))
    return names


def settings_in_the_readme_table() -> set[str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return set(TABLE_ROW.findall(readme))


def test_the_settings_module_names_the_settings_known_to_exist() -> None:
    assert {"DERMADASH_DATABASE_URL", "DERMADASH_AUTH", "BROWSER_PATH"} <= set(settings.SETTINGS)


def test_every_setting_is_documented() -> None:
    missing = set(settings.SETTINGS) - settings_in_the_readme_table()
    assert not missing, f"Settings read by the app but not in README's table: {sorted(missing)}"


def test_every_setting_the_app_names_is_one_the_settings_module_reads() -> None:
    unknown = settings_named_by_the_app() - set(settings.SETTINGS)
    assert not unknown, f"Named in the app but not in settings.SETTINGS: {sorted(unknown)}"


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = [
        str(source.relative_to(PROJECT_ROOT))
        for source in app_sources()
        if source != SETTINGS_MODULE
        and READS_ENVIRONMENT.search(source.read_text(encoding="utf-8"))
    ]
    assert not readers, f"Read the environment outside dermadash/settings.py: {readers}"
    assert READS_ENVIRONMENT.search(SETTINGS_MODULE.read_text(encoding="utf-8"))
