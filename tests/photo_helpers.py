"""Pictures made with Pillow for the photo tests: GPS-tagged JPEGs, PNGs, phone sizes."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image
from sqlalchemy import Engine

from dermadash import photos
from dermadash.storage.records import ScarRatingInput, add_scar_rating

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
# Somewhere in Paris, as a camera writes it.
GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}


def two_tone(size: tuple[int, int]) -> Image.Image:
    """Red on the left half, blue on the right: shows which way a picture was turned."""
    image = Image.new("RGB", size, (220, 40, 40))
    image.paste((40, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_gps(size: tuple[int, int] = (800, 600), orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = GPS
    if orientation is not None:
        exif[ORIENTATION] = orientation
    output = io.BytesIO()
    two_tone(size).save(output, format="JPEG", exif=exif, quality=90)
    return output.getvalue()


def png_bytes(size: tuple[int, int] = (640, 480), transparent: bool = False) -> bytes:
    image = two_tone(size).convert("RGBA")
    if transparent:
        image.putpixel((0, 0), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def add_rating(engine: Engine, profile_id: int, area: str, rated_on: date, severity: int) -> int:
    return add_scar_rating(engine, profile_id, ScarRatingInput(rated_on, area, severity))


def add_rated_photo(
    engine: Engine, profile_id: int, area: str, rated_on: date, severity: int
) -> int:
    """A rating with one photo; returns the photo's id."""
    rating_id = add_rating(engine, profile_id, area, rated_on, severity)
    return photos.add_photo(engine, profile_id, rating_id, jpeg_with_gps((640, 480)))


def skin_picture(severity: int, size: tuple[int, int] = (1200, 900), seed: int = 1) -> bytes:
    """A JPEG that looks a little like skin with scars: more marks for a higher severity."""
    import random

    from PIL import ImageDraw, ImageFilter

    rng = random.Random(seed * 100 + severity)
    image = Image.new("RGB", size, (226, 184, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(severity * 14):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        radius = rng.randrange(6, 22)
        shade = rng.randrange(150, 190)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), (shade, shade - 45, 110))
    output = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(4)).save(output, format="JPEG", quality=90)
    return output.getvalue()


def heic_with_gps(size: tuple[int, int] = (800, 600)) -> bytes:
    """An iPhone-style HEIC (HEVC-coded HEIF) carrying a camera make and a location."""
    import pillow_heif

    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = GPS
    heif = pillow_heif.from_pillow(two_tone(size))
    output = io.BytesIO()
    heif.save(output, format="HEIF", quality=90, exif=exif.tobytes())
    return output.getvalue()
