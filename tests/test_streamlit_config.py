"""The project's Streamlit settings (``.streamlit/config.toml``), as Streamlit reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

READ_OPTIONS = """
import json, sys
from streamlit import config
print(json.dumps({name: config.get_option(name) for name in sys.argv[1:]}))
"""


def _options(*names: str) -> dict[str, object]:
    """What Streamlit started in the project folder reads for ``names`` (no flags, no
    STREAMLIT_* variables: the file alone)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")
    }
    answer = subprocess.run(
        [sys.executable, "-c", READ_OPTIONS, *names],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    options: dict[str, object] = json.loads(answer.stdout.strip().splitlines()[-1])
    return options


def test_a_served_app_watches_no_source_files_and_sends_no_usage_statistics() -> None:
    options = _options("server.fileWatcherType", "server.runOnSave", "browser.gatherUsageStats")
    assert options == {
        # A watch on every module for each new browser session costs each visit time.
        "server.fileWatcherType": "none",
        "server.runOnSave": False,
        "browser.gatherUsageStats": False,
    }
