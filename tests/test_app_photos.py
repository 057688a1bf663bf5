"""Photo pages with AppTest on both databases: attach when rating, compare, gallery,
delete everywhere, and the shared view showing photos only for a link that includes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event
from streamlit.testing.v1 import AppTest

from dermadash import photos
from dermadash.sharing import share_links
from dermadash.storage import queries, records
from dermadash.timezones import local_today
from dermadash.transfer import backup
from tests.apptest import assert_no_exception, open_app, texts
from tests.photo_helpers import add_rated_photo, heic_with_gps, jpeg_with_gps, png_bytes

RATINGS = "views/scar_ratings.py"
PHOTOS = "views/photos.py"
FIRST, LATEST = date(2026, 1, 5), date(2026, 3, 2)


def add_one_session(app_engine: Engine, me: int) -> None:
    session = records.SessionInput(
        started_at=datetime(2026, 1, 6, 20, 0, tzinfo=UTC), areas=["Chin"], needle_mm=0.25
    )
    records.add_session(app_engine, me, session)


@pytest.fixture
def chin_photos(app_engine: Engine, me: int) -> list[int]:
    """Three photos of the chin over two months, and one session (the shared view needs one)."""
    add_one_session(app_engine, me)
    return [
        add_rated_photo(app_engine, me, "Chin", day, severity)
        for day, severity in ((FIRST, 7), (date(2026, 2, 2), 6), (LATEST, 5))
    ]


def image_captions(app: AppTest) -> list[str]:
    return [caption for image in app.image for caption in image.captions]


def click(app: AppTest, label: str) -> AppTest:
    matches = [button for button in app.button if button.label == label]
    assert len(matches) == 1, f"{label!r} in {[button.label for button in app.button]}"
    return matches[0].click().run()


@contextmanager
def photo_reads() -> Iterator[list[str]]:
    """Every SQL statement that touches the photos table, from any engine, while inside."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if re.search(r"\bphotos\b", statement, re.IGNORECASE):  # not "include_photos"
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


# --- Scar ratings page ----------------------------------------------------------------


def _rate_first_area(app: AppTest, severity: int) -> None:
    app.pills(key="rate_severity_0").set_value(severity)


def test_a_photo_is_attached_when_rating(app_engine: Engine, me: int) -> None:
    app = open_app(RATINGS)
    _rate_first_area(app, 5)
    way = next(item for item in app.segmented_control if item.key.startswith("rate_photo_way_0"))
    way.set_value("upload").run()
    app.file_uploader[0].set_value(("cheek.jpg", jpeg_with_gps((4032, 3024)), "image/jpeg"))
    app.run()
    click(app, "Save ratings")
    assert_no_exception(app)
    assert "Saved 1 rating." in texts(app)
    stored = photos.photos_frame(app_engine, me)
    assert len(stored) == 1
    assert stored[["width", "height"]].iloc[0].tolist() == [1600, 1200]
    assert b"Exif" not in photos.photo_jpeg(app_engine, me, int(stored["photo_id"].iloc[0]))
    assert not app.file_uploader  # a fresh form: the uploader is gone with its photo


def test_a_camera_photo_is_attached_too(app_engine: Engine, me: int) -> None:
    app = open_app(RATINGS)
    _rate_first_area(app, 4)
    way = next(item for item in app.segmented_control if item.key.startswith("rate_photo_way_0"))
    way.set_value("camera").run()
    app.camera_input[0].set_value(("shot.jpg", jpeg_with_gps((1280, 720)), "image/jpeg"))
    app.run()
    click(app, "Save ratings")
    assert_no_exception(app)
    assert photos.photos_frame(app_engine, me)[["width", "height"]].iloc[0].tolist() == [1280, 720]


def test_an_iphone_heic_photo_is_saved_as_a_stripped_jpeg(app_engine: Engine, me: int) -> None:
    # The camera widget always hands over a JPEG the browser took; an iPhone's own
    # photos arrive as HEIC through the upload, and go through the same conversion.
    app = open_app(RATINGS)
    _rate_first_area(app, 4)
    way = next(item for item in app.segmented_control if item.key.startswith("rate_photo_way_0"))
    way.set_value("upload").run()
    app.file_uploader[0].set_value(("IMG_0001.HEIC", heic_with_gps((1600, 1200)), "image/heic"))
    app.run()
    click(app, "Save ratings")
    assert_no_exception(app)
    stored = photos.photos_frame(app_engine, me)
    assert stored[["width", "height"]].iloc[0].tolist() == [1600, 1200]
    jpeg = photos.photo_jpeg(app_engine, me, int(stored["photo_id"].iloc[0]))
    assert jpeg.startswith(b"\xff\xd8")
    assert b"Exif" not in jpeg
    assert b"PhoneMaker" not in jpeg


def test_a_text_file_named_jpg_is_refused_and_nothing_is_saved(app_engine: Engine, me: int) -> None:
    app = open_app(RATINGS)
    _rate_first_area(app, 5)
    way = next(item for item in app.segmented_control if item.key.startswith("rate_photo_way_0"))
    way.set_value("upload").run()
    app.file_uploader[0].set_value(("scar.jpg", b"my notes, not a picture\n" * 50, "image/jpeg"))
    app.run()
    click(app, "Save ratings")
    assert_no_exception(app)
    assert "This file is not a photo dermadash can read" in texts(app)
    assert queries.scar_ratings_frame(app_engine, me).empty
    assert photos.photos_frame(app_engine, me).empty


# --- Photos page ----------------------------------------------------------------------


def test_without_photos_the_page_says_what_to_do(app_engine: Engine, me: int) -> None:
    app = open_app(PHOTOS)
    assert_no_exception(app)
    assert "No photos yet" in texts(app)
    assert not app.image


def test_compare_and_gallery(app_engine: Engine, me: int, chin_photos: list[int]) -> None:
    app = open_app(PHOTOS)
    assert_no_exception(app)
    shown = texts(app)
    assert "Compare: Chin" in shown
    assert "Severity 7/10 → 5/10 over 56 days: 2 points lower (less visible)." in shown
    assert "**Before** · severity 7/10" in shown
    assert "**After** · severity 5/10" in shown
    assert image_captions(app)[:2] == ["Mon 5 Jan 2026", "Mon 2 Mar 2026"]
    assert image_captions(app)[-3:] == [
        "Mon 5 Jan 2026 · 7/10",
        "Mon 2 Feb 2026 · 6/10",
        "Mon 2 Mar 2026 · 5/10",
    ]
    assert len(app.image) == 5  # two compared, three in the gallery
    app.selectbox(key="photos_compare_Chin_before").set_value(chin_photos[1]).run()
    assert "Severity 6/10 → 5/10 over 28 days: 1 point lower" in texts(app)


def test_one_photo_of_an_area_asks_for_a_second(app_engine: Engine, me: int) -> None:
    add_rated_photo(app_engine, me, "Forehead", LATEST, 3)
    app = open_app(PHOTOS)
    assert_no_exception(app)
    assert "One photo of Forehead so far" in texts(app)
    assert len(app.image) == 1


def test_deleting_a_photo_removes_it_everywhere(
    app_engine: Engine, me: int, chin_photos: list[int]
) -> None:
    link = share_links.create_link(app_engine, me, "Dr Rivera", include_photos=True)
    gone = chin_photos[-1]
    app = open_app(PHOTOS)
    app.button(key=f"photos_gallery_delete_{gone}").click().run()
    assert_no_exception(app)
    assert "Deleted the photo." in texts(app)
    # Gallery and compare: the latest is now February's.
    assert "Mon 2 Mar 2026" not in texts(app) + "\n".join(image_captions(app))
    assert "Severity 7/10 → 6/10 over 28 days" in texts(app)
    assert len(app.image) == 4
    # Shared view, report and backup.
    shared = open_app(query={"share": link.token})
    assert "Mon 2 Mar 2026" not in "\n".join(image_captions(shared)) + texts(shared)
    assert len(photos.report_photos(app_engine, me)) == 2
    assert [photo["rating_ref"] for photo in backup.build_backup(app_engine, me)["photos"]] == [
        1,
        2,
    ]


def test_a_photo_can_be_added_to_an_earlier_rating(app_engine: Engine, me: int) -> None:
    rating = records.add_scar_rating(
        app_engine, me, records.ScarRatingInput(local_today("Europe/London"), "Nose", 2)
    )
    app = open_app(PHOTOS)
    assert "No photos yet" in texts(app)
    app.file_uploader(key="photos_add_file_0").set_value(("nose.png", png_bytes(), "image/png"))
    app.run()
    click(app, "Add photo")
    assert_no_exception(app)
    assert "Added the photo to Nose" in texts(app)
    assert photos.photos_frame(app_engine, me)["rating_id"].tolist() == [rating]
    assert "One photo of Nose so far" in texts(app)


# --- Shared view ----------------------------------------------------------------------


def test_a_link_without_photos_never_reads_or_shows_one(
    app_engine: Engine, me: int, chin_photos: list[int]
) -> None:
    link = share_links.create_link(app_engine, me, "Dr Okafor")
    with photo_reads() as reads:
        app = open_app(query={"share": link.token})
    assert_no_exception(app)
    assert "Scar photos not shared" in texts(app)
    assert not app.image
    assert reads == []


def test_a_link_with_photos_shows_them(app_engine: Engine, me: int, chin_photos: list[int]) -> None:
    link = share_links.create_link(app_engine, me, "Dr Okafor", include_photos=True)
    with photo_reads() as reads:
        app = open_app(query={"share": link.token})
    assert_no_exception(app)
    assert "Scar photos shared" in texts(app)
    assert "Severity 7/10 → 5/10 over 56 days" in texts(app)
    assert len(app.image) == 5
    assert reads


def test_a_link_with_photos_but_none_taken_says_so(app_engine: Engine, me: int) -> None:
    add_one_session(app_engine, me)
    link = share_links.create_link(app_engine, me, "Dr Okafor", include_photos=True)
    app = open_app(query={"share": link.token})
    assert_no_exception(app)
    assert "No scar photos have been added yet" in texts(app)


# --- Blend ----------------------------------------------------------------------------


def _blend_caption(app: AppTest) -> str:
    (caption,) = [text for text in image_captions(app) if "%" in text]
    return caption


def test_two_dates_can_be_blended_with_a_slider(
    app_engine: Engine, me: int, chin_photos: list[int]
) -> None:
    app = open_app(PHOTOS)
    assert app.segmented_control(key="photos_compare_Chin_way").value == "Side by side"
    app.segmented_control(key="photos_compare_Chin_way").set_value("Blend").run()
    assert_no_exception(app)
    assert _blend_caption(app) == "50 % Mon 5 Jan 2026 (7/10), 50 % Mon 2 Mar 2026 (5/10)"
    assert len(app.image) == 4  # one blend, three in the gallery
    app.slider(key="photos_compare_Chin_blend").set_value(80).run()
    assert_no_exception(app)
    assert _blend_caption(app) == "20 % Mon 5 Jan 2026 (7/10), 80 % Mon 2 Mar 2026 (5/10)"
    # The blend follows the dates chosen.
    app.selectbox(key="photos_compare_Chin_before").set_value(chin_photos[1]).run()
    assert _blend_caption(app).startswith("20 % Mon 2 Feb 2026 (6/10)")


def test_a_shared_view_with_photos_blends_them_too(
    app_engine: Engine, me: int, chin_photos: list[int]
) -> None:
    link = share_links.create_link(app_engine, me, "Dr Okafor", include_photos=True)
    app = open_app(query={"share": link.token})
    app.segmented_control(key="shared_compare_Chin_way").set_value("Blend").run()
    assert_no_exception(app)
    assert _blend_caption(app) == "50 % Mon 5 Jan 2026 (7/10), 50 % Mon 2 Mar 2026 (5/10)"
