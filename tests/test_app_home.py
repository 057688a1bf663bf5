"""The app starts (AppTest) on an empty and on a demo database, on both databases."""

from __future__ import annotations

from tests.apptest import assert_no_exception, open_app, texts
from tests.conftest import PROJECT_ROOT


def test_empty_database_shows_the_empty_state(app_database: str) -> None:
    app = open_app()
    assert_no_exception(app)
    assert "No sessions yet" in texts(app)
    assert app.button(key="load_demo").label == "Load example data"


def test_loading_example_data_from_home(app_database: str) -> None:
    app = open_app()
    app.button(key="load_demo").click().run()
    assert_no_exception(app)
    assert "No sessions yet" not in texts(app)
    assert "example data" in texts(app)
    app.button(key="remove_demo").click().run()
    assert_no_exception(app)
    assert "No sessions yet" in texts(app)


def test_there_is_no_pages_folder_next_to_the_router() -> None:
    """A ``pages/`` folder beside router.py puts Streamlit in its legacy pages-folder mode:
    on a fresh server, a page URL such as /history would run that page without the
    router, skipping the owner sign-in. The page scripts live in ``views/`` for that reason."""
    assert not (PROJECT_ROOT / "pages").exists()
    assert (PROJECT_ROOT / "views" / "home.py").exists()
