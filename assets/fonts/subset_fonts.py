"""Rebuild the report's font subsets from full font files (see README.md here).

Usage: python assets/fonts/subset_fonts.py DIR, where DIR holds DejaVuSans*.ttf and
DroidSansFallbackFull.ttf (Debian: fonts-dejavu-core and fonts-droid-fallback).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
WESTERN_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x52F),  # Latin-1, Latin Extended A/B, IPA, combining marks, Greek, Cyrillic
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0x2000, 0x215F),  # punctuation, currency, letterlike symbols
    (0x2190, 0x22FF),  # arrows, mathematical operators
    (0x2460, 0x27BF),  # enclosed numbers, boxes, shapes, symbols, dingbats
    (0xFB00, 0xFB06),
    (0xFFFD, 0xFFFD),
]
CJK_EXTRAS = [(0x3000, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0xFF00, 0xFFEF)]


def _encodable(codec: str, low: int = 0x3400, high: int = 0x9FFF) -> set[int]:
    found = set()
    for code in range(low, high + 1):
        try:
            chr(code).encode(codec)
        except UnicodeEncodeError:
            continue
        found.add(code)
    return found


def _big5_level_one() -> set[int]:
    found = set()
    for code in _encodable("big5", 0x4E00, 0x9FFF):
        if 0xA440 <= int.from_bytes(chr(code).encode("big5"), "big") <= 0xC67E:
            found.add(code)
    return found


def cjk_unicodes() -> set[int]:
    ideographs = _encodable("gb2312") | _encodable("euc_jp") | _big5_level_one()
    hangul = {code for code in range(0xAC00, 0xD7A4) if chr(code).encode("euc_kr", "ignore")}
    extras = {code for low, high in CJK_EXTRAS for code in range(low, high + 1)}
    return ideographs | hangul | extras


def write_subset(source: Path, target: Path, unicodes: set[int]) -> None:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.layout_features = ["*"]
    options.hinting = False
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    font.save(target)


def main(source_dir: Path) -> None:
    western = {code for low, high in WESTERN_RANGES for code in range(low, high + 1)}
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        write_subset(source_dir / name, HERE / name, western)
    write_subset(
        source_dir / "DroidSansFallbackFull.ttf", HERE / "DroidSansFallback-CJK.ttf", cjk_unicodes()
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
