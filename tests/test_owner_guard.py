"""Every owner page the router declares is refused without sign-in (password and OIDC
modes) and cannot be reached from a share link. The page list is read from the router,
so a page added later is covered without touching this file."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dermadash import auth
from dermadash.sharing import share_links
from dermadash.storage import records
from dermadash.storage.profiles import default_profile_id, profile_id_for_identity
from tests.apptest import APP, TIMEOUT_SECONDS, assert_no_exception, texts

SECRET_NOTE = "guarded-note-7f3a"
SECRET_AREA = "guardedarea"
PAGE_DECLARATION = re.compile(r"""st\.Page\(\s*["'](views/[a-z_]+\.py)["']""")
SHARED_VIEW = "views/shared_view.py"
# What every owner page does first (page_support.owner_guard), after its imports and any
# constants: a constant's value may not call anything, so nothing is drawn or read before.
GUARD = "profile_id = owner_guard.current_profile_id()"


def declared_owner_pages() -> list[str]:
    """Every page script the router declares, but the shared view."""
    router = Path(APP).read_text(encoding="utf-8")
    return sorted(set(PAGE_DECLARATION.findall(router)) - {SHARED_VIEW})


OWNER_PAGES = declared_owner_pages()


def test_the_router_declares_every_owner_page_file() -> None:
    """The scan is not blind: views/ holds pages and *_parts pieces only (helpers live in
    page_support/), and each script that is not a piece or the shared view is declared."""
    views = Path(APP).parent / "views"
    scripts = {f"views/{path.name}" for path in views.glob("*.py")}
    pieces = {script for script in scripts if script.endswith("_parts.py")}
    assert len(OWNER_PAGES) >= 12
    assert scripts - pieces - {SHARED_VIEW} == set(OWNER_PAGES)


def _is_constant(statement: ast.stmt) -> bool:
    """An assignment to UPPER_CASE names of a value that calls nothing."""
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return False
    names = [name for target in targets for name in ast.walk(target)]
    named = all(not isinstance(n, ast.Name) or n.id.isupper() for n in names)
    return named and not any(isinstance(node, ast.Call) for node in ast.walk(value))


def first_statement(page: str) -> str:
    """A page script's first statement past its docstring, imports and constants."""
    tree = ast.parse((Path(APP).parent / page).read_text(encoding="utf-8"))
    for statement in tree.body:
        docstring = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        imports = isinstance(statement, ast.Import | ast.ImportFrom)
        if not (docstring or imports or _is_constant(statement)):
            return ast.unparse(statement)
    return ""


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_every_owner_page_starts_with_the_owner_guard(page: str) -> None:
    assert first_statement(page) == GUARD


def test_the_guard_check_sees_a_page_that_reads_first() -> None:
    """The check can fail: a page whose first act is a read, or a constant that calls
    something, is not taken for a guarded one."""
    assert first_statement(SHARED_VIEW) != GUARD
    reads_first = ast.parse("import x\nCSV = 'text/csv'\nME = reads.profile(1)\n" + GUARD)
    assert not _is_constant(reads_first.body[2])
    assert _is_constant(reads_first.body[1])


@pytest.fixture
def owner_data(app_engine: Engine) -> Engine:
    """The default profile with one session whose area and note are recognisable."""
    records.add_session(
        app_engine,
        default_profile_id(app_engine),
        records.SessionInput(
            started_at=datetime.now(UTC) - timedelta(days=1),
            areas=[SECRET_AREA],
            needle_mm=0.25,
            notes=SECRET_NOTE,
        ),
    )
    return app_engine


def everything_sent(app: AppTest) -> str:
    """Every element the run produced, as its protobuf text (tables, charts included)."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(app._tree)
    return "\n".join(parts).lower()  # area names are stored capitalised


def open_unsigned(page: str, user: dict[str, object] | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
    app.context["timezone"] = "Europe/London"
    if user is not None:
        app.user = user
    app.run()
    app.switch_page(page).run()
    return app


def assert_refused(app: AppTest) -> None:
    assert_no_exception(app)
    sent = everything_sent(app)
    assert SECRET_NOTE not in sent
    assert SECRET_AREA not in sent


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_password_mode_refuses_every_owner_page(
    page: str, owner_data: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "password")
    monkeypatch.setenv(auth.PASSWORD_HASH_VARIABLE, auth.hash_password("owner passphrase"))
    app = open_unsigned(page)
    assert_refused(app)
    assert app.text_input(key="owner_password").label == "Password"


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_oidc_mode_refuses_every_owner_page(
    page: str, owner_data: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.AUTH_VARIABLE, "oidc")
    app = open_unsigned(page, user={"is_logged_in": False})
    assert_refused(app)
    assert "Sign in" in texts(app) or "[auth] section" in texts(app)


def test_the_guard_check_sees_owner_data_when_signed_in(
    owner_data: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal tests can fail: signed in, History sends the note and the area."""
    monkeypatch.setenv(auth.AUTH_VARIABLE, "oidc")
    signed_in = {"is_logged_in": True, "sub": "owner-sub", "email": "o@example.com"}
    mine = profile_id_for_identity(owner_data, "owner-sub", "Owner")
    records.add_session(
        owner_data,
        mine,
        records.SessionInput(
            started_at=datetime.now(UTC) - timedelta(days=1),
            areas=[SECRET_AREA],
            needle_mm=0.25,
            notes=SECRET_NOTE,
        ),
    )
    app = open_unsigned("views/history.py", user=signed_in)
    assert_no_exception(app)
    assert SECRET_AREA in everything_sent(app)


@pytest.mark.parametrize("token_kind", ["valid", "revoked", "unknown"])
def test_no_owner_page_is_reachable_from_a_share_link(owner_data: Engine, token_kind: str) -> None:
    profile_id = default_profile_id(owner_data)
    link = share_links.create_link(owner_data, profile_id, "Dr Rivera")
    if token_kind == "revoked":
        share_links.revoke_link(owner_data, profile_id, link.link_id)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT_SECONDS)
    app.query_params["share"] = "not-a-token" if token_kind == "unknown" else link.token
    app.run()
    assert_no_exception(app)
    if token_kind != "valid":
        assert_refused(app)
    for page in OWNER_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)
