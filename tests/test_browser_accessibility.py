"""An axe-core audit in a real Chromium: every owner page and the shared view, on a
laptop and a phone, in the light and the dark theme.

axe-core comes with the ``axe-playwright-python`` package (its JavaScript is injected
into the page): nothing is fetched. One browser and one server visit the pages in a
loop, one context per theme; each page is audited at laptop size, then resized to a
phone and audited again. A serious or critical finding fails the test unless
``accessibility_allowlist.toml`` lists it, with the reason, as Streamlit's own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dermadash import demo
from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id
from tests.browser import (
    LAPTOP,
    PHONE,
    browser,  # noqa: F401  (a fixture)
    running_app,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ALLOWLIST = Path(__file__).with_name("accessibility_allowlist.toml")
OWNER_PAGES = (
    "",
    "log_session",
    "check_in",
    "scar_ratings",
    "photos",
    "history",
    "rollers",
    "share",
    "flags",
    "protocol",
    "settings",
    "your_data",
)
BLOCKING = ("serious", "critical")
WAIT_MS = 60_000
QUIET_MS = 400
# True once the fonts are in, every chart has its SVG and nothing in the page has
# changed for ``quiet`` ms (a MutationObserver, installed on the first call, keeps the
# time of the last change; a resize counts as one).
_QUIET_JS = """(quiet) => {
  if (window.__lastChange === undefined) {
    window.__lastChange = performance.now();
    const note = () => { window.__lastChange = performance.now(); };
    new MutationObserver(note).observe(document.body,
      {subtree: true, childList: true, attributes: true, characterData: true});
    window.addEventListener('resize', note);
  }
  if (document.fonts.status !== 'loaded') return false;
  const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
  if (!charts.every(chart => chart.querySelector('.main-svg'))) return false;
  return performance.now() - window.__lastChange >= quiet;
}"""
# Around and inside the failing element: Streamlit's data-testid names, which say which
# widget it belongs to (its CSS class names are hashes that change between versions).
_TESTIDS_JS = """(selector) => {
  const element = document.querySelector(selector);
  if (!element) return {within: [], contains: []};
  const within = [];
  for (let node = element; node; node = node.parentElement) {
    if (node.dataset && node.dataset.testid) within.push(node.dataset.testid);
  }
  const contains = [...element.querySelectorAll('[data-testid]')].map(n => n.dataset.testid);
  return {within, contains};
}"""


@dataclass(frozen=True)
class Finding:
    page: str
    theme: str
    size: str
    rule: str
    impact: str
    html: str
    within: tuple[str, ...]
    contains: tuple[str, ...]
    summary: str

    def __str__(self) -> str:
        return (
            f"{self.rule} ({self.impact}) on /{self.page} [{self.theme}, {self.size}]: "
            f"{self.html[:120]} within {list(self.within[:4])}: {self.summary[:200]}"
        )


def _allowed() -> list[dict[str, Any]]:
    entries = tomllib.loads(ALLOWLIST.read_text(encoding="utf-8"))["allowed"]
    for entry in entries:
        assert entry.get("reason", "").strip(), f"an allow-list entry needs a reason: {entry}"
    return entries


def _matches(entry: dict[str, Any], finding: Finding) -> bool:
    return (
        entry["rule"] == finding.rule
        and finding.theme in entry.get("themes", ("light", "dark"))
        and ("within" not in entry or entry["within"] in finding.within)
        and ("contains" not in entry or entry["contains"] in finding.contains)
    )


def _audit(axe: Any, page: Any, where: tuple[str, str, str]) -> list[Finding]:
    results = axe.run(page, options={"resultTypes": ["violations"]}).response
    findings = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            around = page.evaluate(_TESTIDS_JS, node["target"][-1])
            findings.append(
                Finding(
                    *where,
                    rule=violation["id"],
                    impact=violation["impact"],
                    html=node["html"],
                    within=tuple(around["within"]),
                    contains=tuple(around["contains"]),
                    summary=node.get("failureSummary", ""),
                )
            )
    return findings


def _settled(page: Any) -> None:
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=WAIT_MS)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)
    _quiet(page)


def _quiet(page: Any) -> None:
    """Fonts loaded, every chart drawn and the page unchanged for ``QUIET_MS``: what a
    fixed pause waited for, without waiting longer than the page needs."""
    page.wait_for_function(_QUIET_JS, arg=QUIET_MS, polling=100, timeout=WAIT_MS)


def test_no_new_serious_accessibility_finding_on_any_page(
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    profile_id = default_profile_id(engine, "Europe/London")
    demo.load_demo(engine, profile_id)
    # The fullest shared view: notes and photos included.
    token = share_links.create_link(
        engine, profile_id, "Dr Example", include_notes=True, include_photos=True
    ).token
    engine.dispose()
    pages = [*OWNER_PAGES, f"?share={token}"]
    axe = Axe()
    findings: list[Finding] = []
    audited = 0
    with running_app(database_url) as base_url:
        for theme in ("light", "dark"):
            context = browser.new_context(viewport=LAPTOP, color_scheme=theme)
            page = context.new_page()
            try:
                for path in pages:
                    name = "shared view" if path.startswith("?share") else path or "home"
                    page.set_viewport_size(LAPTOP)
                    page.goto(f"{base_url}/{path}")
                    _settled(page)
                    findings += _audit(axe, page, (name, theme, "laptop"))
                    page.set_viewport_size(PHONE)
                    _quiet(page)  # plotly redraws its charts for the new width
                    findings += _audit(axe, page, (name, theme, "phone"))
                    audited += 2
            except BaseException:
                save_screenshot(page, f"FAILED-accessibility-{theme}")
                raise
            finally:
                context.close()
    assert audited == 4 * len(pages)
    entries = _allowed()
    new = [str(finding) for finding in findings if not any(_matches(e, finding) for e in entries)]
    assert not new, "New serious accessibility findings:\n" + "\n".join(new)
    unused = [e["rule"] for e in entries if not any(_matches(e, finding) for finding in findings)]
    assert not unused, f"Allow-list entries that match nothing any more (remove them): {unused}"
