"""Two photos of one area made comparable: the same size, side by side or blended.

The earlier photo sets the shape: the later one is scaled and, when its proportions
differ, cropped evenly from the sides (``ImageOps.fit``), so the same spot of skin lines
up as well as two hand-held photos allow. Both come out at most ``COMPARE_SIDE_PX`` on
their longest side, as fresh JPEGs without metadata (like every stored photo).
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

COMPARE_SIDE_PX = 1000
JPEG_QUALITY = 85


def _decoded(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=JPEG_QUALITY)
    return output.getvalue()


def common_size(before: tuple[int, int], longest: int = COMPARE_SIDE_PX) -> tuple[int, int]:
    """The earlier photo's proportions, scaled so its longest side is at most ``longest``."""
    width, height = before
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def same_size_images(before: bytes, after: bytes) -> tuple[Image.Image, Image.Image]:
    """Both photos as images of one size (the earlier one's shape)."""
    first, second = _decoded(before), _decoded(after)
    size = common_size(first.size)
    return (
        first.resize(size, Image.Resampling.LANCZOS),
        ImageOps.fit(second, size, Image.Resampling.LANCZOS),
    )


def same_size(before: bytes, after: bytes) -> tuple[bytes, bytes]:
    """Both photos as JPEGs of one size, to show side by side."""
    first, second = same_size_images(before, after)
    return _jpeg(first), _jpeg(second)


def blend(before: bytes, after: bytes, share_of_after: float) -> bytes:
    """One JPEG: 0 shows the earlier photo, 1 the later one, 0.5 half of each."""
    if not 0 <= share_of_after <= 1:
        raise ValueError("share_of_after is between 0 and 1")
    first, second = same_size_images(before, after)
    return _jpeg(Image.blend(first, second, share_of_after))
