"""The fonts the PDF report embeds: any script a name or an area may be written in.

DejaVu Sans (shipped under ``assets/fonts/``) covers Latin with its extensions, Greek
and Cyrillic; a subset of Droid Sans Fallback prints Chinese, Japanese and Korean
characters DejaVu lacks. fpdf2 and fontTools log the characters a font lacks, which
would put pieces of a person's name in the server log: their loggers are quietened.
"""

from __future__ import annotations

import logging
from typing import Any

from dermadash.settings import PROJECT_ROOT

FONT_DIR = PROJECT_ROOT / "assets" / "fonts"
FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
CJK_FAMILY = "DroidSansFallback"
CJK_FILE = "DroidSansFallback-CJK.ttf"
# Loggers that name missing characters (that is, the person's own text).
QUIET_LOGGERS = ("fpdf", "fontTools")


def fonts_present() -> bool:
    return all((FONT_DIR / name).is_file() for name in [*FONT_FILES.values(), CJK_FILE])


def quieten_font_logs() -> None:
    """Keep the font libraries' warnings (which quote the text) out of every log."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def install_fonts(pdf: Any) -> bool:
    """Add the report's fonts to an ``fpdf.FPDF``; False when the font files are missing."""
    quieten_font_logs()
    if not fonts_present():
        return False
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(FONT_DIR / name))
    pdf.add_font(CJK_FAMILY, "", str(FONT_DIR / CJK_FILE))
    # Bold and italic text falls back to the regular CJK face: legible beats missing.
    pdf.set_fallback_fonts([CJK_FAMILY.lower()], exact_match=False)
    return True
