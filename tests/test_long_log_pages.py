"""Five years of history keep every page the same shape: at most 400 elements each.

The log is the benchmarks' five-year log (``tests/five_year_log.py``: about 800
sessions on four areas with check-ins, 1,000+ flags, fortnightly ratings, monthly
photos), imported through dermadash's own import code, so the benchmark and these tests
read the same history.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dermadash.dashboard import typed_tables
from dermadash.escaping import escape_markdown
from dermadash.rules import flagging
from dermadash.sharing import share_links
from dermadash.storage import queries
from dermadash.storage.profiles import default_profile_id, load_profile
from dermadash.timezones import local_today
from tests.apptest import assert_no_exception, element_count, open_app
from tests.five_year_log import import_five_year_log
from views.flag_parts import CRITICAL_CARDS
from views.photo_parts import GALLERY_PAGE

ELEMENT_LIMIT = 400
OWNER_PAGES = ("views/home.py", "views/flags.py", "views/history.py", "views/photos.py")


@pytest.fixture
def five_years(app_engine: Engine) -> tuple[Engine, int]:
    profile_id = default_profile_id(app_engine)
    import_five_year_log(app_engine, profile_id, with_photos=True)
    return app_engine, profile_id


@pytest.mark.slow
def test_every_page_stays_under_400_elements_on_a_five_year_log(
    five_years: tuple[Engine, int],
) -> None:
    engine, profile_id = five_years
    flags = flagging.profile_flags(engine, profile_id)
    assert len(flags) >= 1000  # the log is as long as the issue's

    counts = {}
    for page in OWNER_PAGES:
        app = open_app(page)
        assert_no_exception(app)
        counts[page] = element_count(app)
        # Each page really drew its content (not a refusal or an empty state).
        drawn = {
            "views/home.py": app.get("plotly_chart"),
            "views/flags.py": app.dataframe,
            "views/history.py": app.button,
            "views/photos.py": app.image,
        }[page]
        assert len(drawn) > 0, page
    link = share_links.create_link(engine, profile_id, "Dr Rivera", include_photos=True)
    shared = open_app(query={"share": link.token})
    assert_no_exception(shared)
    counts["shared view"] = element_count(shared)
    history = open_app("views/history.py")
    history.segmented_control(key="history_layout").set_value("Table").run()
    assert_no_exception(history)
    counts["history as a table"] = element_count(history)
    table = history.dataframe[0].value
    assert len(table) == len(queries.sessions_frame(engine, profile_id))
    assert str(table["Date"].dtype).startswith("datetime64")
    assert table["Date"].is_monotonic_decreasing  # newest first, as the cards
    shared_sessions = next(
        frame.value for frame in shared.dataframe if "Passes (V/H/D)" in frame.value.columns
    )
    assert len(shared_sessions) == len(table)
    assert shared_sessions["Date"].is_monotonic_decreasing
    assert table["Pain"].dtype == "Int64"
    assert table["Needle"].dtype == "Float64"
    assert list(table.sort_values("Pain")["Pain"].dropna()) == sorted(table["Pain"].dropna())

    assert max(counts.values()) <= ELEMENT_LIMIT, counts
    assert shared.get("plotly_chart"), "the shared view still draws its charts"


def test_the_flags_page_on_five_years_lists_every_flag_and_the_recent_critical_ones(
    five_years: tuple[Engine, int],
) -> None:
    engine, profile_id = five_years
    flags = flagging.profile_flags(engine, profile_id)
    timezone = load_profile(engine, profile_id).timezone
    recent = typed_tables.flags_to_read_in_full(flags, local_today(timezone))
    assert len(recent) >= 3
    app = open_app("views/flags.py")
    assert_no_exception(app)
    by_rule, every = (frame.value for frame in app.dataframe)
    assert len(every) == len(flags)
    assert int(by_rule["Flags"].sum()) == len(flags)
    cards = [element.value for element in app.markdown if "**What to do:**" in element.value]
    messages = recent["message"].head(CRITICAL_CARDS)
    assert len(cards) == len(messages)
    for card, message in zip(cards, messages, strict=True):
        assert escape_markdown(message) in card
    # The table is typed: sorting by date sorts by the day, not by a weekday's name.
    by_date = every.sort_values("Date")
    assert list(by_date["Date"]) == sorted(every["Date"])
    assert str(every["Date"].dtype).startswith("datetime64")


def test_the_photo_gallery_shows_the_latest_photos_until_older_ones_are_asked_for(
    five_years: tuple[Engine, int],
) -> None:
    app = open_app("views/photos.py")
    assert_no_exception(app)
    shown = len(app.image)
    assert shown <= GALLERY_PAGE + 2  # the latest photos, and the two compared
    older = next(button for button in app.button if button.key == "photos_gallery_older")
    assert "more" in older.label
    older.click().run()
    assert_no_exception(app)
    assert len(app.image) > shown
