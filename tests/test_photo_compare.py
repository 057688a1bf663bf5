"""Comparing two photos: both at one size, and a blend whose pixels are the weighted mean."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dermadash import photo_compare


def solid_jpeg(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="JPEG", quality=95)
    return output.getvalue()


def opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


BEFORE = solid_jpeg((1600, 1200), (200, 40, 40))
AFTER = solid_jpeg((900, 1600), (40, 40, 200))  # another shape: portrait


def test_both_photos_come_out_at_the_earlier_ones_shape_and_one_size() -> None:
    first, second = (opened(jpeg) for jpeg in photo_compare.same_size(BEFORE, AFTER))
    assert first.size == second.size == (1000, 750)
    assert not first.info.get("exif")
    assert not second.info.get("exif")


def test_a_small_photo_is_not_enlarged() -> None:
    first, second = (
        opened(jpeg) for jpeg in photo_compare.same_size(solid_jpeg((640, 480), (1, 2, 3)), AFTER)
    )
    assert first.size == second.size == (640, 480)


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 1.0])
def test_the_blend_is_the_weighted_mean_of_the_two(share: float) -> None:
    blended = opened(photo_compare.blend(BEFORE, AFTER, share))
    assert blended.size == (1000, 750)
    before_pixel = opened(BEFORE).getpixel((10, 10))
    after_pixel = opened(AFTER).getpixel((10, 10))
    expected = [b + (a - b) * share for b, a in zip(before_pixel, after_pixel, strict=True)]
    for got, want in zip(blended.getpixel((500, 375)), expected, strict=True):
        assert got == pytest.approx(want, abs=3)  # JPEG rounding


def test_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        photo_compare.blend(BEFORE, AFTER, 1.5)
