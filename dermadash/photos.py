"""Progress photos: one or more per scar rating, re-encoded and stripped of metadata.

Every photo is stored as a fresh JPEG (longest side at most ``MAX_SIDE_PX``), made
upright from its EXIF orientation first; the new file carries no EXIF (so no location,
no camera, no time), no XMP, no comment and no colour profile (colours are converted
to sRGB first). The bytes live in the database, so every app replica sees them.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from dermadash.formatting import format_day
from dermadash.frame_rows import frame_rows
from dermadash.storage import validation
from dermadash.storage.db import transaction
from dermadash.storage.models import Photo, ScarRating
from dermadash.storage.profiles import mark_changed
from dermadash.storage.records import RecordNotFound, ScarRatingInput, insert_scar_rating
from dermadash.storage.validation import ValidationError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
# Decoding a picture takes about 4 bytes per pixel: 60 megapixels (a 48-megapixel phone
# photo fits) caps that near 240 MB, and refuses "decompression bombs" far earlier than
# Pillow's own limit would.
MAX_PIXELS = 60_000_000
MAX_SIDE_PX = 1600
JPEG_QUALITY = 85
# JPEG includes MPO (many phone cameras); HEIF is the iPhone camera's own format (HEIC).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif"]
FIELD = "photo"

NOT_AN_IMAGE = "This file is not a photo dermadash can read. Use a JPEG, PNG, WebP or HEIC picture."
TOO_LARGE = f"This photo is larger than {MAX_UPLOAD_MB} MB. Choose a smaller one."
TOO_MANY_PIXELS = (
    f"This picture has more than {MAX_PIXELS // 1_000_000} megapixels. "
    "Take it at a lower resolution, or shrink it first."
)
PHOTO_COLUMNS = [
    "photo_id",
    "rating_id",
    "area",
    "rated_on",
    "severity",
    "width",
    "height",
    "created_at",
]


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: JPEG bytes without metadata, and their size in pixels."""

    jpeg: bytes
    width: int
    height: int


pillow_heif.register_heif_opener()


def _refuse(message: str) -> ValidationError:
    return ValidationError.single(FIELD, message)


def _open(raw: bytes) -> Image.Image:
    """The picture in ``raw``, header read only; ValidationError when it is none."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise _refuse(TOO_LARGE)
    Image.init()  # registers every format plugin; open() with ``formats`` needs them
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombWarning as error:
        raise _refuse(TOO_MANY_PIXELS) from error
    except Image.DecompressionBombError as error:
        raise _refuse(TOO_MANY_PIXELS) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _refuse(NOT_AN_IMAGE) from error
    if image.width * image.height > MAX_PIXELS:
        raise _refuse(TOO_MANY_PIXELS)
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """The picture in sRGB (phones often shoot Display P3), or unchanged when unsure."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent parts become white, not black."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def prepare_photo(raw: bytes) -> PreparedPhoto:
    """Check and re-encode an uploaded picture; ValidationError in plain words when unfit.

    The result is upright (EXIF orientation applied), at most ``MAX_SIDE_PX`` on its
    longest side, and carries no metadata at all.
    """
    if not raw:
        raise _refuse("The photo file is empty.")
    image = _open(raw)
    try:
        # JPEG can decode straight at a fraction of its size: cheap for phone photos.
        image.draft("RGB", (MAX_SIDE_PX, MAX_SIDE_PX))
        image.load()
        upright = ImageOps.exif_transpose(image)
        picture = _flatten(_to_srgb(upright))
        picture.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
        output = io.BytesIO()
        # A new image object: nothing of the original's info (EXIF, XMP, ICC, comments)
        # travels with it, and save() is given no metadata.
        clean = Image.new("RGB", picture.size)
        clean.paste(picture)
        clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _refuse(NOT_AN_IMAGE) from error
    return PreparedPhoto(output.getvalue(), clean.width, clean.height)


# --- writing ------------------------------------------------------------------------


def insert_photo(session: Session, profile_id: int, rating_id: int, photo: PreparedPhoto) -> int:
    """Attach a prepared photo to one of the profile's ratings, in the caller's transaction."""
    rating = session.get(ScarRating, rating_id)
    if rating is None or rating.profile_id != profile_id:
        raise RecordNotFound(f"ScarRating {rating_id}")
    record = Photo(
        profile_id=profile_id,
        scar_rating_id=rating_id,
        jpeg=photo.jpeg,
        width=photo.width,
        height=photo.height,
    )
    session.add(record)
    mark_changed(session, profile_id)
    session.flush()
    return record.id


def add_photo(engine: Engine, profile_id: int, rating_id: int, raw: bytes) -> int:
    """Check, re-encode and store an uploaded photo of a rating; returns its id."""
    photo = prepare_photo(raw)  # before the transaction: nothing is written when refused
    with transaction(engine) as session:
        return insert_photo(session, profile_id, rating_id, photo)


def add_ratings_with_photos(
    engine: Engine,
    profile_id: int,
    ratings: Sequence[ScarRatingInput],
    raw_photos: Sequence[bytes | None],
) -> list[int]:
    """Store ratings and their photos (``raw_photos[i]`` for ``ratings[i]``, or None)
    in one transaction: every photo is checked first, and all is saved or nothing."""
    if len(raw_photos) != len(ratings):
        raise ValueError("one photo (or None) per rating")
    if not ratings:
        raise ValidationError.single("severity", "Choose a severity for at least one area.")
    areas = [validation.normalise_area(rating.area) for rating in ratings]
    if len(set(areas)) != len(areas):
        raise ValidationError.single("area", "Rate each area only once per date.")
    prepared = [_prepared_for(rating, raw) for rating, raw in zip(ratings, raw_photos, strict=True)]
    with transaction(engine) as session:
        ids = []
        for rating, photo in zip(ratings, prepared, strict=True):
            rating_id = insert_scar_rating(session, profile_id, rating)
            if photo is not None:
                insert_photo(session, profile_id, rating_id, photo)
            ids.append(rating_id)
        return ids


def _prepared_for(rating: ScarRatingInput, raw: bytes | None) -> PreparedPhoto | None:
    if raw is None:
        return None
    try:
        return prepare_photo(raw)
    except ValidationError as error:
        area = validation.normalise_area(rating.area) or "the new area"
        raise ValidationError.single(FIELD, f"Photo for {area}: {error}") from error


def delete_photo(engine: Engine, profile_id: int, photo_id: int) -> None:
    """Delete one of the profile's photos for good."""
    with transaction(engine) as session:
        deleted = session.execute(
            delete(Photo).where(Photo.id == photo_id, Photo.profile_id == profile_id)
        )
        if not deleted.rowcount:  # type: ignore[attr-defined]  # a DELETE returns a CursorResult
            raise RecordNotFound(f"Photo {photo_id}")
        mark_changed(session, profile_id)


# --- reading ------------------------------------------------------------------------


def photos_frame(engine: Engine, profile_id: int) -> pd.DataFrame:
    """The profile's photos with their rating (area, date, severity), oldest first; no bytes."""
    statement = (
        select(
            Photo.id.label("photo_id"),
            Photo.scar_rating_id.label("rating_id"),
            ScarRating.area,
            ScarRating.rated_on,
            ScarRating.severity,
            Photo.width,
            Photo.height,
            Photo.created_at,
        )
        .join(ScarRating, ScarRating.id == Photo.scar_rating_id)
        .where(Photo.profile_id == profile_id)
        .order_by(ScarRating.rated_on, ScarRating.area, Photo.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=PHOTO_COLUMNS)
    for name in ("photo_id", "rating_id", "severity", "width", "height"):
        frame[name] = frame[name].astype("int64")
    return frame


def photo_jpeg(engine: Engine, profile_id: int, photo_id: int) -> bytes:
    """The stored JPEG of one of the profile's photos; RecordNotFound for anyone else's."""
    with engine.connect() as connection:
        data = connection.scalar(
            select(Photo.jpeg).where(Photo.id == photo_id, Photo.profile_id == profile_id)
        )
    if data is None:
        raise RecordNotFound(f"Photo {photo_id}")
    return bytes(data)


def caption(area: str, rated_on: date, severity: int) -> str:
    """E.g. "Left cheek, Mon 3 Mar 2026, severity 5/10"."""
    return f"{area}, {format_day(rated_on)}, severity {severity}/10"


def report_choice(photos: pd.DataFrame, limit: int) -> pd.DataFrame:
    """For a report: per area its first and its latest photo, areas by name, at most ``limit``."""
    if photos.empty or limit <= 0:
        return photos.iloc[0:0]
    by_area = photos.sort_values(["area", "rated_on", "photo_id"]).groupby("area", sort=True)
    chosen = pd.concat([by_area.head(1), by_area.tail(1)]).drop_duplicates("photo_id")
    return chosen.sort_values(["area", "rated_on", "photo_id"]).head(limit)


def rated_since(photo_list: pd.DataFrame, since: date | None) -> pd.DataFrame:
    """The photos of ratings made on or after ``since`` (all of them when None)."""
    if since is None:
        return photo_list
    return photo_list[(photo_list["rated_on"] >= since).astype(bool)]


def report_photos(
    engine: Engine, profile_id: int, limit: int = 8, since: date | None = None
) -> list[tuple[str, bytes]]:
    """Captions and JPEG bytes for the PDF report: each area's first and latest photo
    (of those rated on or after ``since``, when given)."""
    chosen = report_choice(rated_since(photos_frame(engine, profile_id), since), limit)
    return [
        (
            caption(row.area, row.rated_on, row.severity),
            photo_jpeg(engine, profile_id, row.photo_id),
        )
        for row in frame_rows(chosen)
    ]


# --- for the pages ------------------------------------------------------------------


def photo_label(rated_on: date, severity: int) -> str:
    """E.g. "Mon 3 Mar 2026 · 5/10", to pick a photo from a list."""
    return f"{format_day(rated_on)} · {severity}/10"


def area_photos(photos: pd.DataFrame, area: str) -> pd.DataFrame:
    """One area's photos, oldest first."""
    return photos[photos["area"] == area].sort_values(["rated_on", "photo_id"])


def areas_latest_first(photos: pd.DataFrame) -> list[str]:
    """The areas that have photos, the one photographed most recently first."""
    latest = photos.groupby("area")["rated_on"].max().reset_index()
    return latest.sort_values(["rated_on", "area"], ascending=[False, True])["area"].tolist()


def describe_change(before: pd.Series, after: pd.Series) -> str:
    """How the rating changed between two photos, in plain words."""
    days = (after["rated_on"] - before["rated_on"]).days
    span = f"{days} day{'' if abs(days) == 1 else 's'}"
    difference = int(after["severity"]) - int(before["severity"])
    if difference < 0:
        trend = f"{-difference} point{'' if difference == -1 else 's'} lower (less visible)"
    elif difference > 0:
        trend = f"{difference} point{'' if difference == 1 else 's'} higher (more visible)"
    else:
        trend = "unchanged"
    return f"Severity {before['severity']}/10 → {after['severity']}/10 over {span}: {trend}."
