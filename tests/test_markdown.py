"""The one escaping helper for typed text shown through Streamlit's Markdown."""

from __future__ import annotations

from dermadash.escaping import WORD_JOINER, escape_markdown
from tests.apptest import as_read

HOSTILE = "**bold** [x](https://evil.example) <img src=x> $x^2$ :red[hi]"


def test_every_markdown_mark_is_escaped() -> None:
    escaped = escape_markdown(HOSTILE)
    assert escaped == (
        r"\*\*bold\*\* \[x\]\(https\:"
        + WORD_JOINER
        + r"\/\/evil\.example\) \<img src\=x\> \$x\^2\$ \:red\[hi\]"
    )
    assert as_read(escaped) == HOSTILE


def test_bare_links_are_broken_by_an_invisible_joiner() -> None:
    for text, escaped in (
        ("see https://evil.example", rf"see https\:{WORD_JOINER}\/\/evil\.example"),
        ("see www.evil.example", rf"see www{WORD_JOINER}\.evil\.example"),
        ("mail a@evil.example", rf"mail a\@{WORD_JOINER}evil\.example"),
    ):
        assert escape_markdown(text) == escaped
        assert as_read(escaped) == text


def test_lines_stay_lines_and_cannot_start_blocks() -> None:
    text = "1. first\n    indented code?\n# not a heading\n==="
    escaped = escape_markdown(text)
    assert escaped == "1\\. first  \nindented code\\?  \n\\# not a heading  \n\\=\\=\\="
    assert as_read(escaped) == "1. first\nindented code?\n# not a heading\n==="


def test_plain_words_are_unchanged() -> None:
    assert escape_markdown("Left cheek 05 mm") == "Left cheek 05 mm"
    assert escape_markdown("Émilie’s roller") == "Émilie’s roller"
