"""The Your data page (AppTest): import with preview and problems, restore, export, delete."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dermadash.storage import db, queries
from dermadash.storage.profiles import default_profile_id
from tests.apptest import as_read, assert_no_exception, open_app
from tests.apptest import seen_texts as texts

PAGE = "views/your_data.py"
GOOD = (
    b"date,area,needle_mm,roller,pain\n"
    b"2026-01-05 21:00,Left cheek;Right cheek,0.5,Titanium,3\n"
    b"2026-01-12,Chin,0.5,Titanium,\n"
)
BAD = b"date,area,needle_mm,pain\n2026-01-05,Chin,0.5,lots\n2026-13-05,,0.5,\n"
FIXTURE_V1 = Path(__file__).parent / "data" / "backup_v1.json"


def sessions_in(url: str) -> int:
    engine = db.make_engine(url)
    try:
        return queries.session_count(engine, default_profile_id(engine))
    finally:
        engine.dispose()


def upload(app: AppTest, key: str, name: str, data: bytes) -> AppTest:
    app.file_uploader(key=key).set_value((name, data, "text/csv")).run()
    assert_no_exception(app)
    flow = key.split("_file_")[0]
    assert not list(app.dataframe), "parsed before the person checked the file"
    app.button(key=f"{flow}_check").click().run()
    assert_no_exception(app)
    return app


def test_empty_page_explains_each_section(app_database: str) -> None:
    app = open_app(page=PAGE)
    assert_no_exception(app)
    shown = texts(app)
    assert "Your data" in shown
    assert [tab.label for tab in app.tabs] == ["Import", "Backup & restore", "Export", "Delete"]
    assert "Nothing to export yet" in shown
    assert "date, area and needle_mm" in shown
    assert app.button(key="erase_go").disabled


def test_import_shows_a_preview_then_writes_and_is_idempotent(app_database: str) -> None:
    app = upload(open_app(page=PAGE), "import_file_0", "log.csv", GOOD)
    shown = texts(app)
    assert "a spreadsheet of sessions" in shown
    assert "Ready: 2 new, 0 already there; new rollers: Titanium." in shown
    assert sessions_in(app_database) == 0  # nothing written before the click
    assert app.dataframe[0].value["Areas"].tolist() == ["Left cheek, Right cheek", "Chin"]
    app.button(key="import_go").click().run()
    assert_no_exception(app)
    assert "2 new sessions, 0 already there; new rollers: Titanium." in texts(app)
    assert sessions_in(app_database) == 2
    app = upload(app, "import_file_1", "log.csv", GOOD)
    assert "already there" in texts(app)
    assert not [button for button in app.button if button.key == "import_go"]


def test_problems_are_listed_and_nothing_is_written(app_database: str) -> None:
    app = upload(open_app(page=PAGE), "import_file_0", "bad.csv", BAD)
    assert "3 problems found, so nothing was imported" in texts(app)
    problems = app.table[0].value
    assert problems["Row"].tolist() == [2, 3, 3]
    assert problems["Column"].tolist() == ["pain", "date", "area"]
    assert "Pain must be a number between 0 and 10" in problems["What is wrong"].iloc[0]
    assert not [button for button in app.button if button.key == "import_go"]
    assert sessions_in(app_database) == 0


def test_restore_a_backup_then_delete_everything(app_database: str) -> None:
    app = upload(open_app(page=PAGE), "restore_file_0", "backup.json", FIXTURE_V1.read_bytes())
    assert "a dermadash backup" in texts(app)
    app.button(key="restore_go").click().run()
    assert_no_exception(app)
    assert "Restored the backup: 3 sessions, 2 scar ratings" in texts(app)
    assert sessions_in(app_database) == 3
    # Restoring again is refused: the profile is no longer empty.
    app = upload(app, "restore_file_1", "backup.json", FIXTURE_V1.read_bytes())
    assert "only be restored into an empty profile" in texts(app)
    # Export offers the files now there is data.
    assert {"export_sessions", "export_ratings"} <= {button.key for button in app.download_button}
    app.text_input(key="erase_confirm_0").set_value("delete").run()
    assert app.button(key="erase_go").disabled
    app.text_input(key="erase_confirm_0").set_value("DELETE").run()
    assert not app.button(key="erase_go").disabled
    app.button(key="erase_go").click().run()
    assert_no_exception(app)
    assert "Deleted 3 sessions, 2 scar ratings, 2 rollers and 2 share links." in texts(app)
    assert sessions_in(app_database) == 0
    assert app.text_input(key="erase_confirm_1").value == ""


def test_a_hostile_backup_is_refused_on_the_page_in_words(app_database: str) -> None:
    document = json.loads(FIXTURE_V1.read_text())
    document["sessions"][0]["notes"] = "\ud800"
    document["sessions"][1]["import_key"] = "k" * 65
    data = json.dumps(document).encode()  # the surrogate as an ASCII escape, \ud800
    app = upload(open_app(page=PAGE), "restore_file_0", "backup.json", data)
    shown = texts(app)
    assert "2 problems found, so nothing was imported" in shown
    # The table shows them Markdown-escaped, so they read literally.
    problems = [text.replace("\\", "") for text in app.table[0].value["What is wrong"]]
    assert problems[0].startswith("Session 1, notes: holds a broken character")
    assert problems[1] == "Session 2, import_key: must be at most 64 characters (it has 65)."
    assert "Ready" not in shown
    assert not [button for button in app.button if button.key == "restore_go"]
    assert sessions_in(app_database) == 0


def test_a_checked_backup_is_kept_as_counts_and_the_uploaded_bytes(app_database: str) -> None:
    app = upload(open_app(page=PAGE), "restore_file_0", "backup.json", FIXTURE_V1.read_bytes())
    _file_id, parsed = app.session_state["restore_parsed"]
    assert parsed.backup.counts["sessions"] == 3
    assert set(vars(parsed.backup)) == {"source_version", "data", "counts"}
    app.button(key="restore_go").click().run()
    assert "restore_parsed" not in app.session_state


def test_preview_says_the_encoding_and_offers_date_order_and_encoding(app_database: str) -> None:
    # ISO-8859-2 puts "ą" where Windows-1250 has "±": the guess is wrong, the person fixes it.
    ambiguous = "date,area,needle_mm,notes\n02/03/2026,Chin,0.5,ustąpiło\n04/03/2026,Chin,0.5,\n"
    app = upload(open_app(page=PAGE), "import_file_0", "pl.csv", ambiguous.encode("iso8859-2"))
    shown = texts(app)
    assert "--dates dmy" in as_read(app.table[0].value["What is wrong"].iloc[0])
    assert "Read as Windows-1250 (Central European) text." in shown
    app.selectbox(key="import_dates").set_value("dmy").run()
    assert app.dataframe[0].value["Notes"].tolist()[0] == "ust±piło"
    app.selectbox(key="import_encoding").set_value("ISO-8859-2 (Central European)").run()
    assert_no_exception(app)
    shown = texts(app)
    assert "Read as ISO-8859-2 (Central European) text; dates day first" in shown
    assert app.dataframe[0].value["Notes"].tolist()[0] == "ustąpiło"
    assert "Ready: 2 new, 0 already there." in shown
    app.button(key="import_go").click().run()
    engine = db.make_engine(app_database)
    try:
        notes = queries.sessions_frame(engine, default_profile_id(engine))["notes"].tolist()
    finally:
        engine.dispose()
    assert "ustąpiło" in notes
