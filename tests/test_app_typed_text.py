"""Typed text (notes, names, areas, labels) is shown literally on every page (AppTest).

One person whose every free-text field holds Markdown, HTML, maths and a Streamlit
colour directive: no page may hand any of it to Streamlit's Markdown unescaped, and the
sessions table (plain cells, no Markdown) still shows the text exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dermadash.escaping import escape_markdown
from dermadash.sharing import share_links
from dermadash.storage import records
from dermadash.storage.entry_defaults import local_moment
from dermadash.storage.profiles import ProfileSettings, default_profile_id, update_settings
from dermadash.timezones import local_today
from tests.apptest import assert_no_exception, open_app, texts
from tests.photo_helpers import add_rated_photo

TIMEZONE = "Europe/London"
HOSTILE = "**bold** [x](https://evil.example) <img src=x> $x^2$ :red[hi]"
NAME = f"Sam {HOSTILE}"
NOTE = f"note {HOSTILE}"
CHECK_IN_NOTE = f"check-in {HOSTILE}"
ROLLER = f"roller {HOSTILE}"
LABEL = f"Dr {HOSTILE}"
AREA = "**chin** [x](https://e.example) <img src=x> $x$ :red[a]"  # 58 of 60 characters
# What would act as Markdown if any of the texts above were shown unescaped.
RAW_MARKS = ("**bold**", "**chin**", "](https://", "<img", "$x^2$", "$x$", ":red[hi]", ":red[a]")


@dataclass(frozen=True)
class Person:
    profile_id: int
    session_ids: tuple[int, int]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """A real SQLite file only, which the app (AppTest runs in this process) opens too."""
    return sqlite_url


@pytest.fixture
def person(app_engine: Engine) -> Person:
    """Two sessions two days apart on AREA (a critical too-frequent flag naming it) with a
    shared roller (a critical roller-shared flag naming it), a check-in, a rated photo."""
    profile_id = default_profile_id(app_engine, TIMEZONE)
    update_settings(app_engine, profile_id, ProfileSettings(display_name=NAME, timezone=TIMEZONE))
    roller_id = records.add_roller(
        app_engine, profile_id, records.RollerInput(name=ROLLER, needle_mm=0.25, shared=True)
    )
    today = local_today(TIMEZONE)
    session_ids = tuple(
        records.add_session(
            app_engine,
            profile_id,
            records.SessionInput(
                started_at=local_moment(today - timedelta(days=days_ago), time(21, 0), TIMEZONE),
                areas=[AREA],
                needle_mm=0.25,
                roller_id=roller_id,
                sterilized_before=True,
                notes=NOTE,
            ),
        )
        for days_ago in (6, 4)
    )
    records.save_check_in(
        app_engine,
        profile_id,
        session_ids[0],
        records.CheckInInput(redness_hours=2, notes=CHECK_IN_NOTE),
    )
    add_rated_photo(app_engine, profile_id, AREA, today - timedelta(days=3), 6)
    return Person(profile_id, session_ids)  # type: ignore[arg-type]  # two sessions above


def markdown_sources(app: AppTest) -> str:
    """Every value on the page that Streamlit renders as Markdown."""
    parts = [texts(app)]
    parts += [expander.label for expander in app.expander]
    parts += [str(cell) for table in app.table for cell in table.value.to_numpy().ravel()]
    parts += [option for pills in app.pills for option in pills.options]
    parts += [tab.label for tab in app.tabs]
    return "\n".join(parts)


def assert_shown_literally(app: AppTest, *typed: str) -> None:
    assert_no_exception(app)
    shown = markdown_sources(app)
    for text in typed:
        assert escape_markdown(text) in shown, text
    unescaped_only = re.sub(r"\\.", "", shown, flags=re.DOTALL)  # drop every \x escape
    for mark in RAW_MARKS:
        assert mark not in unescaped_only, mark


ROLLER_SHARED_MESSAGE = f"Rolled with {ROLLER}, which is shared with another person."


def test_history_shows_notes_areas_and_roller_names_literally(person: Person) -> None:
    app = open_app("views/history.py", timezone=TIMEZONE)
    assert_shown_literally(app, NOTE, AREA, ROLLER, ROLLER_SHARED_MESSAGE)


def test_flags_page_escapes_the_names_in_flag_messages(person: Person) -> None:
    app = open_app("views/flags.py", timezone=TIMEZONE)
    assert_shown_literally(app, AREA, ROLLER_SHARED_MESSAGE)
    assert any(
        escape_markdown(f"{AREA} was rolled 2 days after its previous session") in value.value
        for value in app.markdown
    )


def test_rollers_check_in_and_ratings_pages(person: Person) -> None:
    assert_shown_literally(open_app("views/rollers.py", timezone=TIMEZONE), ROLLER)
    check_in = open_app("views/check_in.py", timezone=TIMEZONE)
    assert_shown_literally(check_in, ROLLER)
    # A selectbox option is plain text: the session's title keeps the area as typed.
    assert any(AREA in option for option in check_in.selectbox[0].options)
    assert_shown_literally(open_app("views/scar_ratings.py", timezone=TIMEZONE), AREA)


def test_home_photos_and_your_data_pages(person: Person) -> None:
    home = open_app("views/home.py", timezone=TIMEZONE)
    assert_shown_literally(home, AREA)
    assert escape_markdown(AREA) in list(home.table[0].value["Area"])
    photos = open_app("views/photos.py", timezone=TIMEZONE)
    assert_shown_literally(photos, AREA)
    your_data = open_app("views/your_data.py", timezone=TIMEZONE)
    assert_shown_literally(your_data)
    assert escape_markdown(NAME) in your_data.text_input(key="erase_confirm_0").label


def test_share_page_shows_the_label_literally(person: Person, app_engine: Engine) -> None:
    share_links.create_link(app_engine, person.profile_id, LABEL)
    assert_shown_literally(open_app("views/share.py", timezone=TIMEZONE), LABEL)


def test_shared_view_escapes_everything_but_the_sessions_table(
    person: Person, app_engine: Engine
) -> None:
    new = share_links.create_link(
        app_engine, person.profile_id, LABEL, include_photos=True, include_notes=True
    )
    app = open_app(query={"share": new.token}, timezone=TIMEZONE)
    assert_shown_literally(app, NAME, LABEL, AREA, ROLLER_SHARED_MESSAGE)
    assert escape_markdown(NAME) in app.title[0].value
    assert any(escape_markdown(AREA) in expander.label for expander in app.expander)
    # The sessions table's cells are not Markdown: the notes are there exactly as typed.
    (sessions_table,) = [frame.value for frame in app.dataframe if "Notes" in frame.value]
    assert list(sessions_table["Notes"]) == [NOTE, NOTE]
