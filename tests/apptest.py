"""Helpers for driving the real app with Streamlit's AppTest."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from dermadash.escaping import WORD_JOINER
from page_support.owner_guard import OWNER_SIGNED_IN_KEY
from tests.conftest import PROJECT_ROOT

APP = str(PROJECT_ROOT / "router.py")  # the st.navigation router (app.py wraps it)
TIMEOUT_SECONDS = 60


def as_signed_in_owner(app: AppTest) -> AppTest:
    """AppTest runs have no HTTP request, so nothing can prove them "this computer"
    (``DERMADASH_AUTH=none``). They come in the one way a served app also has: a session
    signed in by password (``app_database`` sets ``DERMADASH_AUTH=password``), which only
    the right password makes in a served app."""
    app.session_state[OWNER_SIGNED_IN_KEY] = True
    return app


def new_app(timezone: str = "Europe/London") -> AppTest:
    """The router script in AppTest, not yet run, as the signed-in owner."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
    app.context["timezone"] = timezone
    return as_signed_in_owner(app)


def open_app(
    page: str | None = None, query: dict[str, str] | None = None, timezone: str = "Europe/London"
) -> AppTest:
    """Run the app as a browser would open it, optionally switching to one page."""
    app = new_app(timezone)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def texts(app: AppTest) -> str:
    """Every piece of text on the page, joined, for assertions about wording."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "text",
    ):
        parts.extend(str(element.value) for element in getattr(app, kind))
    parts.extend(f"{metric.label} {metric.value}" for metric in app.metric)
    return "\n".join(parts)


def as_read(markdown: str) -> str:
    """Markdown source as a reader sees it: each backslash-escape shows the mark alone."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "").replace("  \n", "\n")


def seen_texts(app: AppTest) -> str:
    """``texts(app)`` as the reader sees it (typed text is escaped in the source)."""
    return as_read(texts(app))


def assert_no_exception(app: AppTest) -> None:
    assert not app.exception, [item.value for item in app.exception]
    assert "Something went wrong" not in texts(app)


def element_count(app: AppTest) -> int:
    """Every node of the page's element tree: blocks (containers, columns, tabs...) and
    the elements inside them, collapsed or not."""

    def count(node: object) -> int:
        children = getattr(node, "children", None) or {}
        return 1 + sum(count(child) for child in children.values())

    return count(app._tree)
