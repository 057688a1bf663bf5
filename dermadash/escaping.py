"""Showing text a person typed inside Streamlit's Markdown exactly as it was typed.

Streamlit renders Markdown (with HTML, maths, colour directives and bare-link
detection) in ``st.markdown``, ``st.caption``, the alert boxes, titles, ``st.table``
cells and most labels (metrics, expanders, radio, pills, segmented controls, image
captions). ``escape_markdown`` is the one way typed text (notes, area and roller names,
display names, link labels, file names) goes into any of them.

Every ASCII punctuation mark gets a backslash, which CommonMark shows as the mark
itself, so no emphasis, link, image, HTML, ``$maths$``, ``:red[...]`` directive, list
or heading can start. Bare links (``https://…``, ``www.…``, ``a@b.example``) are found
after that step, in the plain text, so a word joiner (U+2060, invisible) breaks their
pattern. Leading spaces are dropped (they would start a code block) and line breaks
are kept as line breaks. ``st.dataframe`` cells and ``st.selectbox``/``st.multiselect``
options are plain text: they need (and must get) no escaping.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_BARE_LINK_STARTS = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?<=@)")
_LEADING_BLANKS = re.compile(r"^[ \t]+", flags=re.MULTILINE)


def escape_markdown(text: str) -> str:
    """``text`` made safe to show literally in any Streamlit element that renders Markdown."""
    lines = _LEADING_BLANKS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    unlinked = _BARE_LINK_STARTS.sub(WORD_JOINER, lines)
    return _ASCII_PUNCTUATION.sub(r"\\\1", unlinked).replace("\n", "  \n")
