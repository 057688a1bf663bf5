"""The files Streamlit Community Cloud reads: the secrets example and packages.txt.

Every secret the app reads must be in the example (a deployer copies that file and
nothing else), and every setting the example names must be one the app reads.
"""

from __future__ import annotations

import re
import tomllib

from dermadash.report import fonts
from dermadash.settings import DEFAULT_BROWSER_PATH
from tests.conftest import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / ".streamlit" / "secrets.toml.example"
SOURCES = [
    PROJECT_ROOT / "app.py",
    PROJECT_ROOT / "router.py",
    *sorted((PROJECT_ROOT / "views").glob("*.py")),
    *sorted((PROJECT_ROOT / "page_support").glob("*.py")),
]
PACKAGE_SOURCES = sorted((PROJECT_ROOT / "dermadash").rglob("*.py"))
# st.secrets["x"], st.secrets.get("x"), "x" in st.secrets, st.secrets.x
SECRET_READS = [
    re.compile(r"""st\.secrets\[\s*["']([^"']+)["']"""),
    re.compile(r"""st\.secrets\.get\(\s*["']([^"']+)["']"""),
    re.compile(r"""["']([^"']+)["']\s+in\s+st\.secrets\b"""),
    re.compile(r"""st\.secrets\.(?!get\b|to_dict\b|load_if_toml_exists\b)([A-Za-z_]\w*)"""),
]
# What Streamlit's st.login reads from [auth] for one provider (README's example too).
LOGIN_KEYS = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}


def _example() -> dict[str, object]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def _secrets_the_app_reads() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for pattern in SECRET_READS:
            found.update(pattern.findall(text))
    return found


def test_every_secret_the_app_reads_is_in_the_example() -> None:
    read = _secrets_the_app_reads()
    assert "auth" in read  # the sign-in check reads [auth]: the scan does find reads
    example = _example()
    assert read <= set(example), read - set(example)
    auth = example["auth"]
    assert isinstance(auth, dict)
    assert set(auth) >= LOGIN_KEYS
    assert str(auth["redirect_uri"]).endswith("/oauth2callback")  # Streamlit requires it


def test_the_readme_shows_the_same_auth_keys_as_the_example() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n\s*\[auth\]\n(.*?)```", readme, re.S)
    assert block is not None
    shown = set(re.findall(r"^\s*(\w+)\s*=", block.group(1), re.M))
    auth = _example()["auth"]
    assert isinstance(auth, dict)
    assert shown == set(auth)


def test_every_setting_in_the_example_is_one_the_app_reads() -> None:
    settings = {key for key, value in _example().items() if not isinstance(value, dict)}
    code = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE_SOURCES + SOURCES)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    # A hosted deployment needs at least these three.
    assert {"DERMADASH_DATABASE_URL", "DERMADASH_AUTH", "DERMADASH_PUBLIC_URL"} <= settings
    for name in settings:
        assert f'"{name}"' in code, f"{name} is not read by the app"
        assert f"| `{name}` |" in readme, f"{name} is not in the README's settings table"
    assert not str(_example()["DERMADASH_DATABASE_URL"]).startswith("sqlite")


def test_packages_txt_installs_chromium_and_the_reports_fonts() -> None:
    packages = (PROJECT_ROOT / "packages.txt").read_text(encoding="utf-8").split()
    # Community Cloud runs apt-get install on every line: Debian's Chromium lands at
    # /usr/bin/chromium (the report's default) and draws the charts' text in DejaVu; the
    # PDF's own fonts ship with the project.
    assert "chromium" in packages
    assert DEFAULT_BROWSER_PATH == "/usr/bin/chromium"
    assert "fonts-dejavu-core" in packages
    assert fonts.fonts_present()


def test_the_real_secrets_file_is_never_committed() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".streamlit/secrets.toml" in ignored
