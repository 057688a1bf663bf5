"""The shared view and the Share page, run for real with AppTest on both databases."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dermadash import demo
from dermadash.dashboard import typed_tables
from dermadash.escaping import escape_markdown
from dermadash.report.chromium import BROWSER_PATH_VARIABLE
from dermadash.rules import flagging
from dermadash.sharing import share_links
from dermadash.storage import erase, records
from dermadash.storage.models import ShareLinkView
from dermadash.storage.profiles import ProfileSettings, create_profile, default_profile_id
from dermadash.timezones import local_today
from dermadash.transfer import backup, file_import
from tests.apptest import (
    APP,
    as_read,
    as_signed_in_owner,
    assert_no_exception,
    open_app,
    seen_texts,
    texts,
)
from tests.photo_helpers import add_rated_photo
from views import fhir_parts, report_parts
from views.flag_parts import CRITICAL_CARDS

OWNER_PAGES = ("views/home.py", "views/share.py")


def _add_sessions(engine: Engine, profile_id: int, note: str, count: int, needle: float) -> None:
    start = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    for week in range(count):
        records.add_session(
            engine,
            profile_id,
            records.SessionInput(
                started_at=start + timedelta(weeks=week),
                areas=["cheeks"],
                needle_mm=needle,
                pain=2,
                notes=note,
            ),
        )


@pytest.fixture
def two_people(app_engine: Engine) -> tuple[int, int]:
    """Sam (3 sessions, 0.25 mm) and Alex (5 sessions, 0.5 mm), each with a secret note."""
    sam = create_profile(app_engine, ProfileSettings(display_name="Sam", timezone="UTC"))
    alex = create_profile(app_engine, ProfileSettings(display_name="Alex", timezone="UTC"))
    _add_sessions(app_engine, sam, "sam-private-note", 3, 0.25)
    _add_sessions(app_engine, alex, "alex-private-note", 5, 0.5)
    return sam, alex


def _everything_shown(app: AppTest) -> str:
    tables = "\n".join(frame.value.to_csv() for frame in app.dataframe)
    return texts(app) + "\n" + tables


def _view_count(engine: Engine, link_id: int) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(ShareLinkView)
            .where(ShareLinkView.share_link_id == link_id)
        )


def test_a_valid_link_shows_that_profile_only(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera", include_notes=True)
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    shown = _everything_shown(app)
    assert "Dermarolling progress: Sam" in shown
    assert "Read-only view shared with Dr Rivera" in shown
    assert "Mon 5 Jan 2026 to Mon 19 Jan 2026" in shown  # period covered
    assert "This link works until" in shown
    assert "Sessions logged 3" in shown
    assert "0.25 mm" in shown
    assert "sam-private-note" in shown
    assert "Alex" not in shown
    assert "alex-private-note" not in shown
    assert "0.5 mm" not in shown
    sessions_table = app.dataframe[-1].value
    assert len(sessions_table) == 3
    assert "sam-private-note" in sessions_table.to_csv()


def test_a_valid_link_shows_the_charts_and_the_flags(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera")
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    shown = seen_texts(app)
    # The whole course by default, as on the owner's dashboard with "All".
    assert app.radio(key="viewer_dash_period").value == "All"
    titles = {_chart_title(chart) for chart in app.get("plotly_chart")}
    assert {"Sessions per week", "Days between sessions on the same area"} <= titles
    assert "Sessions in the period 3" in shown  # the dashboard's key figures
    # Sam's sessions have no check-in: one info flag each, summarised and listed.
    assert "Every safety flag" in shown
    by_rule, every = _flag_tables(app)
    assert by_rule[["Severity", "Rule id", "Flags"]].values.tolist() == [
        ["Info", "check-in-missing", 3]
    ]
    assert (
        list(every["What happened"]).count("No check-in recorded more than 48 h after the session.")
        == 3
    )
    assert every["What to do"].str.startswith("Add the check-in").all()


def _download_labels(app: AppTest) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


def test_the_viewer_can_download_the_report(
    app_engine: Engine, two_people: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera")
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    # Made when asked for, with a progress bar; then downloaded.
    assert _download_labels(app) == [fhir_parts.FHIR_LABEL]
    app.button(key="viewer_report_make").click().run()
    assert_no_exception(app)
    assert app.get("status")[0].proto.label == "The report is ready to download"
    assert _download_labels(app) == [report_parts.PDF_LABEL, fhir_parts.FHIR_LABEL]
    assert app.get("progress"), "progress was shown while the report was made"
    # A second visit (nothing changed) is offered the same report at once.
    again = open_app(query={"share": new.token})
    assert _download_labels(again) == [report_parts.PDF_LABEL, fhir_parts.FHIR_LABEL]
    assert not [button for button in again.button if button.key == "viewer_report_make"]
    made = report_parts.made_reports()
    key = next(key for key in made._reports if key.profile_id == sam)
    assert made.get(key).startswith(b"%PDF")
    # Without Chromium the same report comes as one self-contained web page.
    monkeypatch.setenv(BROWSER_PATH_VARIABLE, "/nonexistent/chromium")
    app.run()
    assert _download_labels(app) == [report_parts.HTML_LABEL, fhir_parts.FHIR_LABEL]
    assert "needs Chromium" in texts(app)


def test_the_owner_can_download_the_report(app_engine: Engine) -> None:
    owner = open_app(page="views/share.py")
    assert_no_exception(owner)
    assert [button.proto.label for button in owner.button].count(report_parts.MAKE_LABEL) == 1
    owner.button(key="owner_report_make").click().run()
    assert_no_exception(owner)
    assert _download_labels(owner) == [report_parts.PDF_LABEL]


def _chart_title(chart: object) -> str:
    spec = chart.proto.spec  # type: ignore[attr-defined]  # AppTest.get() types nodes, not charts
    title: str = json.loads(spec)["layout"]["title"]["text"]
    return title


def test_the_only_page_is_the_shared_view_and_nothing_writes(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera")
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    registered = [info.get("script_path", "") for info in app._registered_pages.values()]
    assert len(registered) == 1
    assert str(registered[0]).endswith("views/shared_view.py")
    for owner_page in OWNER_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(owner_page)
    # The only inputs choose what the dashboard draws, or make the report; nothing a
    # viewer could write with.
    assert [radio.key for radio in app.radio] == ["viewer_dash_period"]
    assert [box.key for box in app.selectbox] == ["viewer_dash_area"]
    assert [button.key for button in app.button] == ["viewer_report_make"]
    assert _download_labels(app) == [fhir_parts.FHIR_LABEL]
    for kind in (
        "text_input",
        "text_area",
        "number_input",
        "checkbox",
        "toggle",
        "multiselect",
        "slider",
        "date_input",
        "time_input",
        "chat_input",
        "data_editor",
    ):
        assert len(getattr(app, kind)) == 0, kind
    assert len(app.sidebar.children) == 0


@pytest.mark.parametrize(
    "make_bad",
    ["random", "truncated", "altered", "expired", "revoked", "empty", "hash"],
)
def test_bad_links_show_one_neutral_message_and_no_data(
    app_engine: Engine, two_people: tuple[int, int], make_bad: str
) -> None:
    sam, _alex = two_people
    long_ago = datetime.now(UTC) - timedelta(days=40)
    new = share_links.create_link(app_engine, sam, "Dr Rivera", days=30, now=long_ago)
    if make_bad != "expired":
        new = share_links.create_link(app_engine, sam, "Dr Rivera")
    if make_bad == "revoked":
        share_links.revoke_link(app_engine, sam, new.link_id)
    token = {
        "random": secrets.token_urlsafe(32),
        "truncated": new.token[:-2],
        "altered": new.token[:-1] + ("A" if new.token[-1] != "A" else "B"),
        "expired": new.token,
        "revoked": new.token,
        "empty": "",
        "hash": share_links.hash_token(new.token),
    }[make_bad]
    app = open_app(query={"share": token})
    assert_no_exception(app)
    shown = _everything_shown(app)
    assert [info.value for info in app.info] == [share_links.NOT_VALID_MESSAGE]
    for secret in ("Sam", "Dr Rivera", "sam-private-note", "Sessions logged", "expired"):
        assert secret not in shown
    assert len(app.dataframe) == 0
    assert len(app.metric) == 0
    assert len(app.get("plotly_chart")) == 0
    assert "Every safety flag" not in shown
    assert "What to do" not in shown
    assert len(app.get("download_button")) == 0
    # Not even the owner's pages are reachable from a bad link.
    assert "No sessions yet" not in shown
    assert _view_count(app_engine, new.link_id) == 0


def test_each_opening_is_recorded_once_not_per_rerun(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera")
    app = open_app(query={"share": new.token})
    app.run()
    app.run()
    assert _view_count(app_engine, new.link_id) == 1
    open_app(query={"share": new.token})  # a second browser session
    assert _view_count(app_engine, new.link_id) == 2


def test_revoking_reaches_a_view_already_open(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera", include_notes=True)
    app = open_app(query={"share": new.token})
    assert "sam-private-note" in _everything_shown(app)
    share_links.revoke_link(app_engine, sam, new.link_id)
    app.run()
    assert_no_exception(app)
    shown = _everything_shown(app)
    assert [info.value for info in app.info] == [share_links.NOT_VALID_MESSAGE]
    assert "sam-private-note" not in shown
    assert "Sam" not in shown
    assert len(app.get("plotly_chart")) == 0
    assert "Every safety flag" not in shown
    assert len(app.get("download_button")) == 0


def test_the_photos_choice_reaches_the_view(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    with_photos = share_links.create_link(app_engine, sam, "A", include_photos=True)
    without = share_links.create_link(app_engine, sam, "B")
    assert "Scar photos shared" in texts(open_app(query={"share": with_photos.token}))
    assert "Scar photos not shared" in texts(open_app(query={"share": without.token}))


def test_a_profile_without_sessions_says_so(app_engine: Engine) -> None:
    empty = create_profile(app_engine, ProfileSettings(display_name="Kim"))
    new = share_links.create_link(app_engine, empty, "Dr Rivera")
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    assert "No sessions have been logged yet" in texts(app)
    assert "no sessions yet" in texts(app)


# --- The Share page ---------------------------------------------------------------


def _create_on_share_page(app: AppTest, label: str, days: int, photos: bool = False) -> str:
    app.text_input(key="share_label").input(label)
    app.number_input(key="share_days").set_value(days)
    app.checkbox(key="share_photos").set_value(photos)
    app.button(key="create_share_link").click().run()
    assert_no_exception(app)
    return str(app.code[0].value)


def test_share_page_creates_lists_and_revokes(app_engine: Engine) -> None:
    owner = open_app(page="views/share.py")
    assert_no_exception(owner)
    assert "Anyone who has the link can see" in texts(owner)
    assert "No links yet" in texts(owner)

    url = _create_on_share_page(owner, "Dr Rivera", 10)
    assert url.startswith(f"{share_links.DEFAULT_PUBLIC_URL}/?share=")
    token = url.split("share=", 1)[1]
    link = share_links.resolve_token(app_engine, token)
    assert link is not None
    assert link.profile_id == default_profile_id(app_engine)
    assert link.include_photos is False
    assert (link.expires_at - link.created_at) == timedelta(days=10)
    assert "Dr Rivera" in texts(owner)
    assert "not opened yet" in texts(owner)

    viewer = open_app(query={"share": token})
    assert "Dermarolling progress" in texts(viewer)
    owner.run()
    assert "opened 1 time, last on" in texts(owner)  # fresh, not cached
    assert len(owner.code) == 0  # the link is shown only once

    owner.button(key=f"revoke_{link.link_id}").click().run()
    assert_no_exception(owner)
    assert "is revoked" in texts(owner)
    assert not [button for button in owner.button if button.key == f"revoke_{link.link_id}"]
    viewer.run()
    assert [info.value for info in viewer.info] == [share_links.NOT_VALID_MESSAGE]


def test_share_page_lists_links_in_a_typed_table(app_engine: Engine) -> None:
    me = default_profile_id(app_engine)
    opened = share_links.create_link(app_engine, me, "Dr Rivera", days=10)
    share_links.create_link(app_engine, me, "Dr Okafor", days=90, include_photos=True)
    for _ in range(2):
        open_app(query={"share": opened.token})
    owner = open_app(page="views/share.py")
    assert_no_exception(owner)
    table = owner.dataframe[0].value
    assert list(table["Label"]) == ["Dr Okafor", "Dr Rivera"]
    assert list(table["Views"]) == [0, 2]
    assert list(table["Photos"]) == [True, False]
    # Real moments: sorting by expiry sorts by time, not by the text of a date.
    assert str(table["Expires"].dtype).startswith("datetime64")
    assert table.sort_values("Expires")["Label"].tolist() == ["Dr Rivera", "Dr Okafor"]


def test_share_page_refuses_bad_input(app_engine: Engine) -> None:
    owner = open_app(page="views/share.py")
    owner.button(key="create_share_link").click().run()
    assert_no_exception(owner)
    assert "Label is required" in texts(owner)
    assert len(owner.code) == 0
    assert share_links.list_links(app_engine, default_profile_id(app_engine)).empty


def test_share_page_photos_choice(app_engine: Engine) -> None:
    owner = open_app(page="views/share.py")
    url = _create_on_share_page(owner, "Clinic", 30, photos=True)
    link = share_links.resolve_token(app_engine, url.split("share=", 1)[1])
    assert link is not None
    assert link.include_photos is True
    assert "with photos" in texts(owner)


def test_share_page_warns_when_the_address_is_local(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(share_links.PUBLIC_URL_VARIABLE, raising=False)
    local = as_signed_in_owner(AppTest.from_file(APP, default_timeout=60))
    local.context["url"] = "http://localhost:8501/share"
    local.run()
    local.switch_page("views/share.py").run()
    assert "only works on this computer" in texts(local)
    assert "PDF report" in texts(local)

    monkeypatch.setenv(share_links.PUBLIC_URL_VARIABLE, "https://derma.example.org")
    public = open_app(page="views/share.py")
    assert "only works on this computer" not in texts(public)
    url = _create_on_share_page(public, "Dr Rivera", 30)
    assert url.startswith("https://derma.example.org/?share=")


def test_share_page_shows_a_restored_link_as_restored_and_deletes_it(app_engine: Engine) -> None:
    me = default_profile_id(app_engine)
    _add_sessions(app_engine, me, "a note", 2, 0.25)
    new = share_links.create_link(app_engine, me, "Dr Rivera")
    open_app(query={"share": new.token})  # opened once: the view history is restored too
    document = backup.build_backup(app_engine, me)
    erase.erase_profile_data(app_engine, me, erase.CONFIRMATION_WORD)
    parsed = file_import.parse_upload(backup.dumps(document).encode(), "UTC")
    file_import.apply_import(app_engine, me, parsed)

    viewer = open_app(query={"share": new.token})
    assert [info.value for info in viewer.info] == [share_links.NOT_VALID_MESSAGE]
    owner = open_app(page="views/share.py")
    assert_no_exception(owner)
    shown = texts(owner)
    assert "Dr Rivera** :violet-badge[restored from a backup: cannot be opened]" in shown
    assert "green-badge[active]" not in shown
    assert share_links.RESTORED_EXPLANATION in shown
    assert "opened 1 time" in shown
    assert "1 link was restored from a backup" in shown
    (restored,) = share_links.list_links(app_engine, me)["link_id"]
    assert not [button for button in owner.button if button.key == f"revoke_{restored}"]

    owner.button(key=f"delete_{restored}").click().run()
    assert_no_exception(owner)
    assert "Deleted the restored link for Dr Rivera." in texts(owner)
    assert share_links.list_links(app_engine, me).empty
    assert "No links yet" in texts(owner)


def test_photos_and_ratings_are_shown_before_any_session(app_engine: Engine) -> None:
    kim = create_profile(app_engine, ProfileSettings(display_name="Kim", timezone="UTC"))
    for rated_on, severity in ((date(2026, 1, 5), 7), (date(2026, 2, 2), 5)):
        add_rated_photo(app_engine, kim, "Chin", rated_on, severity)
    with_photos = share_links.create_link(app_engine, kim, "Dr Rivera", include_photos=True)
    app = open_app(query={"share": with_photos.token})
    assert_no_exception(app)
    shown = texts(app)
    assert "No sessions have been logged yet" in shown  # honest about what is missing
    assert "No sessions logged yet." in shown  # in the sessions section, no empty table
    assert not app.dataframe
    assert "No flags: no session has been logged to check yet." in shown
    assert "Scar severity (your own rating)" in {
        _chart_title(chart) for chart in app.get("plotly_chart")
    }
    assert "Scar photos" in [subheader.value for subheader in app.subheader]
    assert len(app.image) >= 2  # before and after
    assert "Severity 7/10 → 5/10 over 28 days" in shown

    without_photos = share_links.create_link(app_engine, kim, "Dr Rivera")
    app = open_app(query={"share": without_photos.token})
    assert_no_exception(app)
    assert "Scar photos" not in [subheader.value for subheader in app.subheader]
    assert not app.image


def _flag_tables(app: AppTest) -> tuple[Any, Any]:
    """The shared view's two flag tables: one row per rule, and every flag."""
    frames = [frame.value for frame in app.dataframe]
    by_rule = next(frame for frame in frames if "Flags" in frame.columns)
    every = next(frame for frame in frames if "What happened" in frame.columns)
    return by_rule, every


def _markdown_in(block: Any) -> list[str]:
    return [element.value for element in block.markdown]


def test_the_shared_view_shows_recent_critical_flags_in_full_and_every_flag_in_tables(
    app_engine: Engine,
) -> None:
    me = default_profile_id(app_engine, "Europe/London")
    demo.load_demo(app_engine, me)
    flags = flagging.profile_flags(app_engine, me)
    today = local_today("Europe/London")
    recent_critical = typed_tables.flags_to_read_in_full(flags, today)
    assert len(recent_critical) >= 1  # the example data ends today, with critical slips
    new = share_links.create_link(app_engine, me, "Dr Rivera")
    app = open_app(query={"share": new.token})
    assert_no_exception(app)

    cards = [text for text in _markdown_in(app) if "**What to do:**" in text]
    assert len(cards) == min(len(recent_critical), CRITICAL_CARDS)
    for card, flag in zip(cards, recent_critical.head(CRITICAL_CARDS).itertuples(), strict=True):
        assert escape_markdown(flag.message) in card
        assert f"**What to do:** {escape_markdown(flag.advice)}" in card
    by_rule, every = _flag_tables(app)
    # One row per (severity, rule): how many, first and last date; critical first.
    expected = {
        (severity.capitalize(), rule): (len(group), group["date"].min(), group["date"].max())
        for (severity, rule), group in flags.groupby(["severity", "rule"])
    }
    shown = {
        (severity, rule): (count, first.date(), last.date())
        for severity, rule, count, first, last in by_rule[
            ["Severity", "Rule id", "Flags", "First", "Last"]
        ].itertuples(index=False)
    }
    assert shown == expected
    assert by_rule["Severity"].iloc[0] == "Critical"
    # Every flag is a row of the table, critical first.
    assert sorted(every["What happened"]) == sorted(flags["message"])
    severities = list(every["Severity"])
    assert severities == sorted(severities, key=["Critical", "Warning", "Info"].index)


# --- Links the owner shapes: notes, first day, passcode --------------------------------


def test_notes_are_not_shared_unless_the_owner_chose_them(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera")  # notes off by default
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    shown = _everything_shown(app)
    assert "Sessions logged 3" in shown
    assert "sam-private-note" not in shown
    assert "without notes" in shown
    assert "Notes" not in app.dataframe[-1].value.columns


def test_a_link_since_a_day_shows_that_day_on_only(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people  # sessions on Mon 5, 12 and 19 Jan 2026
    new = share_links.create_link(app_engine, sam, "Dr Rivera", since=date(2026, 1, 12))
    app = open_app(query={"share": new.token})
    assert_no_exception(app)
    shown = _everything_shown(app)
    assert "Period covered: since Mon 12 Jan 2026 (sessions Mon 12 Jan 2026 to Mon 19 Jan" in (
        as_read(shown)
    )
    assert "Sessions logged 2" in shown
    assert len(app.dataframe[-1].value) == 2
    assert "Mon 5 Jan 2026" not in shown
    _by_rule, every = _flag_tables(app)  # flags of the period only
    assert len(every) == 2
    assert min(every["Date"]) >= pd.Timestamp(2026, 1, 12)
    assert "Since Mon 12 Jan 2026, whatever the period chosen above" in seen_texts(app)


def test_a_passcode_is_asked_once_per_browser_session(
    app_engine: Engine, two_people: tuple[int, int]
) -> None:
    sam, _alex = two_people
    new = share_links.create_link(app_engine, sam, "Dr Rivera", passcode=True)
    assert new.passcode is not None
    viewer = open_app(query={"share": new.token})
    assert_no_exception(viewer)
    assert "protected with a passcode" in texts(viewer)
    assert "Sam" not in _everything_shown(viewer)  # nothing of the person before it
    assert _view_count(app_engine, new.link_id) == 0

    viewer.text_input(key="share_passcode_input").input("WRONG-CODE")
    viewer.button(key="share_passcode_open").click().run()
    assert "That passcode is not right. 9 tries left" in texts(viewer)
    assert "Sam" not in _everything_shown(viewer)

    viewer.text_input(key="share_passcode_input").input(new.passcode.lower())
    viewer.button(key="share_passcode_open").click().run()
    assert_no_exception(viewer)
    assert "Dermarolling progress: Sam" in texts(viewer)
    viewer.run()  # a rerun (any click) keeps it open
    assert "Dermarolling progress: Sam" in texts(viewer)
    assert _view_count(app_engine, new.link_id) == 1
    other_browser = open_app(query={"share": new.token})
    assert "protected with a passcode" in texts(other_browser)


def test_ten_wrong_passcodes_switch_the_link_off_and_the_owner_sees_why(
    app_engine: Engine,
) -> None:
    owner = open_app(page="views/share.py")
    me = default_profile_id(app_engine)
    new = share_links.create_link(app_engine, me, "Dr Rivera", passcode=True)
    viewer = open_app(query={"share": new.token})
    for _ in range(share_links.MAX_PASSCODE_FAILURES - 1):
        share_links.check_passcode(app_engine, new.link_id, "WRONG-CODE")
    viewer.text_input(key="share_passcode_input").input("STILL-WRONG")
    viewer.button(key="share_passcode_open").click().run()
    assert "that was the last try: the link is switched off" in texts(viewer)
    viewer.run()
    assert [info.value for info in viewer.info] == [share_links.NOT_VALID_MESSAGE]
    owner.run()
    assert_no_exception(owner)
    assert "switched off: too many wrong passcodes" in texts(owner)
    assert "10 wrong passcodes were entered" in texts(owner)


def test_share_page_shapes_the_link_and_shows_it_in_a_dialog_until_closed(
    app_engine: Engine,
) -> None:
    owner = open_app(page="views/share.py")
    owner.text_input(key="share_label").input("Dr Okafor")
    owner.date_input(key="share_since").set_value(date(2026, 1, 12))
    owner.checkbox(key="share_notes").set_value(True)
    owner.checkbox(key="share_passcode").set_value(True)
    owner.button(key="create_share_link").click().run()
    assert_no_exception(owner)
    url, passcode = (str(block.value) for block in owner.code)
    assert "shown once" in texts(owner)
    assert "with notes · without photos · since Mon 12 Jan 2026" in seen_texts(owner)
    link = share_links.resolve_token(app_engine, url.split("share=", 1)[1])
    assert link is not None
    assert link.options == share_links.LinkOptions(True, False, date(2026, 1, 12))
    assert link.needs_passcode
    assert share_links.check_passcode(app_engine, link.link_id, passcode).accepted
    owner.button(key="close_new_link").click().run()
    assert_no_exception(owner)
    assert len(owner.code) == 0  # closed by the owner, and never shown again
    assert "needs a passcode" in texts(owner)


def test_the_shared_view_names_the_needle_range_and_lists_every_length_in_its_help(
    app_engine: Engine,
) -> None:
    me = default_profile_id(app_engine, "Europe/London")
    for needle in (0.25, 1.0, 0.5):
        _add_sessions(app_engine, me, "", 1, needle)
    link = share_links.create_link(app_engine, me, "Dr Rivera")
    app = open_app(query={"share": link.token})
    assert_no_exception(app)
    (needles,) = [metric for metric in app.metric if metric.label == "Needle lengths used"]
    assert needles.value == "0.25–1 mm"  # short enough for its column: nothing cut off
    assert needles.proto.help == "Every length used: 0.25 mm, 0.5 mm, 1 mm."
