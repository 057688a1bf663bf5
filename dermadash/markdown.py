"""Showing text from a person's file inside Streamlit's Markdown without it acting as Markdown.

Every mark that starts Markdown, HTML, maths or a Streamlit directive gets a backslash,
so links, images (which a browser would fetch), emphasis, colour directives and HTML in
a cell show as the plain text they are. Harmless marks (, . ' " = / ; ?) stay readable.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#!|<>~$:&+\-])")


def escape_markdown(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)
