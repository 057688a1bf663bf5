"""Progress photos on both databases: re-encoded without metadata, refusals, owner scope."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import Engine, func, select

from dermadash import photos
from dermadash.storage import erase, queries
from dermadash.storage.db import transaction
from dermadash.storage.models import Photo
from dermadash.storage.profiles import ProfileSettings, create_profile, data_revision
from dermadash.storage.records import RecordNotFound, ScarRatingInput, delete_scar_rating
from dermadash.storage.validation import ValidationError
from dermadash.transfer import backup
from tests.photo_helpers import (
    GPS_IFD,
    add_rated_photo,
    add_rating,
    heic_with_gps,
    jpeg_with_gps,
    png_bytes,
)

DAY = date(2026, 3, 2)


def photo_count(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Photo)) or 0


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_gps_tagged_jpeg_is_stored_without_any_metadata(engine: Engine, profile_id: int) -> None:
    raw = jpeg_with_gps((800, 600))
    assert opened(raw).getexif().get_ifd(GPS_IFD)  # the upload really carries a location
    rating_id = add_rating(engine, profile_id, "Left cheek", DAY, 5)
    photo_id = photos.add_photo(engine, profile_id, rating_id, raw)

    stored = photos.photo_jpeg(engine, profile_id, photo_id)
    image = opened(stored)
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert [marker for marker, _ in image.applist] == ["APP0"]  # JFIF header only
    assert b"Exif" not in stored
    assert b"PhoneMaker" not in stored


def test_the_exif_orientation_is_applied_before_it_is_dropped(
    engine: Engine, profile_id: int
) -> None:
    # Orientation 6: the camera was held upright, the pixels are stored on their side.
    raw = jpeg_with_gps((800, 600), orientation=6)
    rating_id = add_rating(engine, profile_id, "Chin", DAY, 4)
    image = opened(
        photos.photo_jpeg(engine, profile_id, photos.add_photo(engine, profile_id, rating_id, raw))
    )
    assert image.size == (600, 800)
    # Turned 90° clockwise: the red left half is now on top, the blue right half below.
    red, _, blue = image.getpixel((300, 100))
    assert red > 150 > blue
    red, _, blue = image.getpixel((300, 700))
    assert blue > 150 > red


@pytest.mark.parametrize(
    ("raw", "expected_size"),
    [
        (png_bytes((640, 480)), (640, 480)),
        (png_bytes((640, 480), transparent=True), (640, 480)),
        (jpeg_with_gps((4032, 3024)), (1600, 1200)),
        (jpeg_with_gps((3024, 4032)), (1200, 1600)),
    ],
    ids=["png", "png-with-transparency", "phone-landscape", "phone-portrait"],
)
def test_pngs_and_phone_photos_are_accepted_and_at_most_1600_px(
    engine: Engine, profile_id: int, raw: bytes, expected_size: tuple[int, int]
) -> None:
    rating_id = add_rating(engine, profile_id, "Forehead", DAY, 6)
    photo_id = photos.add_photo(engine, profile_id, rating_id, raw)
    image = opened(photos.photo_jpeg(engine, profile_id, photo_id))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == expected_size
    frame = photos.photos_frame(engine, profile_id)
    assert frame[["width", "height"]].iloc[0].tolist() == list(expected_size)


def _oversized() -> bytes:
    return jpeg_with_gps((64, 64)) + b"\0" * (photos.MAX_UPLOAD_BYTES + 1)


def _bomb() -> bytes:
    output = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(output, format="PNG")  # 400 megapixels in ~50 kB
    return output.getvalue()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"Just some notes, saved as scar.jpg\n" * 20, "not a photo dermadash can read"),
        (_oversized(), "larger than 15 MB"),
        (_bomb(), "more than 60 megapixels"),
        (jpeg_with_gps((640, 480))[:2000], "not a photo dermadash can read"),
        (b"", "empty"),
        (b"GIF89a" + b"\0" * 100, "not a photo dermadash can read"),
    ],
    ids=["text-renamed-jpg", "over-15-mb", "decompression-bomb", "truncated", "empty", "gif"],
)
def test_what_is_not_a_usable_photo_is_refused_and_nothing_is_written(
    engine: Engine, profile_id: int, raw: bytes, message: str
) -> None:
    rating_id = add_rating(engine, profile_id, "Left cheek", DAY, 5)
    revision = data_revision(engine, profile_id)
    with pytest.raises(ValidationError, match=message) as refused:
        photos.add_photo(engine, profile_id, rating_id, raw)
    assert refused.value.field == "photo"
    assert photo_count(engine) == 0
    assert data_revision(engine, profile_id) == revision


def test_ratings_with_photos_are_saved_together_or_not_at_all(
    engine: Engine, profile_id: int
) -> None:
    ratings = [ScarRatingInput(DAY, "Left cheek", 5), ScarRatingInput(DAY, "Chin", 3)]
    with pytest.raises(ValidationError, match="Photo for Chin: This file is not a photo"):
        photos.add_ratings_with_photos(engine, profile_id, ratings, [png_bytes(), b"not a photo"])
    assert queries.scar_ratings_frame(engine, profile_id).empty
    assert photo_count(engine) == 0

    ids = photos.add_ratings_with_photos(engine, profile_id, ratings, [png_bytes(), None])
    frame = photos.photos_frame(engine, profile_id)
    assert frame["rating_id"].tolist() == [ids[0]]
    assert frame["area"].tolist() == ["Left cheek"]


def test_photos_frame_lists_ratings_and_never_bytes(engine: Engine, profile_id: int) -> None:
    later = add_rated_photo(engine, profile_id, "Chin", date(2026, 3, 9), 3)
    earlier = add_rated_photo(engine, profile_id, "Chin", date(2026, 2, 2), 6)
    frame = photos.photos_frame(engine, profile_id)
    assert list(frame.columns) == photos.PHOTO_COLUMNS
    assert frame["photo_id"].tolist() == [earlier, later]
    assert frame["severity"].tolist() == [6, 3]
    assert frame["rated_on"].tolist() == [date(2026, 2, 2), date(2026, 3, 9)]
    assert frame["created_at"].iloc[0].tzinfo is not None


def test_photos_belong_to_their_owner_only(engine: Engine, profile_id: int) -> None:
    mine = add_rated_photo(engine, profile_id, "Chin", DAY, 3)
    other = create_profile(engine, ProfileSettings(display_name="Other"))
    others_rating = add_rating(engine, other, "Chin", DAY, 2)
    with pytest.raises(RecordNotFound):
        photos.photo_jpeg(engine, other, mine)
    with pytest.raises(RecordNotFound):
        photos.delete_photo(engine, other, mine)
    with pytest.raises(RecordNotFound):
        photos.add_photo(engine, profile_id, others_rating, png_bytes())
    assert photos.photos_frame(engine, other).empty
    assert photos.photo_jpeg(engine, profile_id, mine)


def test_writes_refresh_cached_reads(engine: Engine, profile_id: int) -> None:
    before = data_revision(engine, profile_id)
    photo_id = add_rated_photo(engine, profile_id, "Chin", DAY, 3)
    after_add = data_revision(engine, profile_id)
    photos.delete_photo(engine, profile_id, photo_id)
    assert before < after_add < data_revision(engine, profile_id)


def test_a_deleted_photo_is_gone_everywhere(engine: Engine, profile_id: int) -> None:
    kept = add_rated_photo(engine, profile_id, "Chin", date(2026, 2, 2), 6)
    gone = add_rated_photo(engine, profile_id, "Chin", DAY, 4)
    photos.delete_photo(engine, profile_id, gone)
    assert photos.photos_frame(engine, profile_id)["photo_id"].tolist() == [kept]
    with pytest.raises(RecordNotFound):
        photos.photo_jpeg(engine, profile_id, gone)
    assert [caption for caption, _ in photos.report_photos(engine, profile_id)] == [
        "Chin, Mon 2 Feb 2026, severity 6/10"
    ]
    document = backup.build_backup(engine, profile_id)
    assert len(document["photos"]) == 1
    assert len(queries.scar_ratings_frame(engine, profile_id)) == 2  # the rating stays


def test_deleting_a_rating_deletes_its_photos(engine: Engine, profile_id: int) -> None:
    add_rated_photo(engine, profile_id, "Chin", DAY, 4)
    rating_id = int(photos.photos_frame(engine, profile_id)["rating_id"].iloc[0])
    photos.add_photo(engine, profile_id, rating_id, png_bytes())  # a second angle
    assert photo_count(engine) == 2
    delete_scar_rating(engine, profile_id, rating_id)
    assert photo_count(engine) == 0


def test_erasing_the_profile_data_deletes_its_photos_only(engine: Engine, profile_id: int) -> None:
    add_rated_photo(engine, profile_id, "Chin", DAY, 4)
    other = create_profile(engine, ProfileSettings(display_name="Other"))
    add_rated_photo(engine, other, "Chin", DAY, 2)
    counts = erase.erase_profile_data(engine, profile_id, "DELETE")
    assert counts.photos == 1
    assert "1 photo" in counts.describe()
    assert photos.photos_frame(engine, profile_id).empty
    assert len(photos.photos_frame(engine, other)) == 1
    assert photo_count(engine) == 1


def test_report_photos_give_each_areas_first_and_latest(engine: Engine, profile_id: int) -> None:
    for day, severity in ((date(2026, 1, 5), 7), (date(2026, 2, 2), 6), (DAY, 5)):
        add_rated_photo(engine, profile_id, "Left cheek", day, severity)
    add_rated_photo(engine, profile_id, "Chin", DAY, 3)
    chosen = photos.report_photos(engine, profile_id)
    assert [caption for caption, _ in chosen] == [
        "Chin, Mon 2 Mar 2026, severity 3/10",
        "Left cheek, Mon 5 Jan 2026, severity 7/10",
        "Left cheek, Mon 2 Mar 2026, severity 5/10",
    ]
    assert all(opened(data).format == "JPEG" for _, data in chosen)
    assert len(photos.report_photos(engine, profile_id, limit=2)) == 2
    assert photos.report_photos(engine, create_profile(engine, ProfileSettings())) == []


def test_an_iphone_heic_is_stored_as_a_clean_srgb_jpeg(engine: Engine, profile_id: int) -> None:
    raw = heic_with_gps((1200, 900))
    assert raw[4:12] == b"ftypheic"  # a real HEIC file, as an iPhone writes it
    assert opened(raw).getexif().get_ifd(GPS_IFD)  # carrying a location
    assert b"PhoneMaker" in raw
    rating_id = add_rating(engine, profile_id, "Left cheek", DAY, 5)
    photo_id = photos.add_photo(engine, profile_id, rating_id, raw)

    stored = photos.photo_jpeg(engine, profile_id, photo_id)
    image = opened(stored)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1200, 900))
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert [marker for marker, _ in image.applist] == ["APP0"]
    assert b"Exif" not in stored
    assert b"PhoneMaker" not in stored
    left, right = image.getpixel((100, 450)), image.getpixel((1100, 450))
    assert left[0] > 150 > left[2]  # still red on the left
    assert right[2] > 150 > right[0]  # and blue on the right
    assert "heic" in photos.UPLOAD_TYPES


def test_ratings_without_photos_are_saved_all_or_none(engine: Engine, profile_id: int) -> None:
    day = date(2026, 3, 2)
    with pytest.raises(ValidationError, match="Scar severity must be between 0 and 10"):
        photos.add_ratings_with_photos(
            engine,
            profile_id,
            [ScarRatingInput(day, "Chin", 4), ScarRatingInput(day, "Nose", 11)],
            [None, None],
        )
    assert queries.scar_ratings_frame(engine, profile_id).empty
    with pytest.raises(ValidationError, match="at least one area"):
        photos.add_ratings_with_photos(engine, profile_id, [], [])
    with pytest.raises(ValidationError, match="only once"):
        photos.add_ratings_with_photos(
            engine,
            profile_id,
            [ScarRatingInput(day, "Chin", 4), ScarRatingInput(day, "chin", 5)],
            [None, None],
        )
    ids = photos.add_ratings_with_photos(
        engine,
        profile_id,
        [ScarRatingInput(day, "chin", 4), ScarRatingInput(day, "Nose", 2)],
        [None, None],
    )
    frame = queries.scar_ratings_frame(engine, profile_id)
    assert frame["rating_id"].tolist() == ids
    assert frame["area"].tolist() == ["Chin", "Nose"]
