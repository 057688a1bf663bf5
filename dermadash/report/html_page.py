"""The progress report as one self-contained HTML page: interactive charts, offline.

plotly.js is inlined once, with the first chart, and photos are data URLs: the page
needs no network and no Chromium where it is made.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Engine

from dermadash.dashboard import insights
from dermadash.formatting import format_day
from dermadash.report.content import (
    COMPLETE_LISTS,
    DISCLAIMER,
    OWNERS_REPORT,
    RECENT_DAYS,
    WHAT_TRENDS_MEAN,
    ReportContent,
    ReportPhoto,
    ReportRequest,
    drawn_and_empty,
    insight_tables,
    is_missing,
    key_figure_rows,
    report_content,
)
from dermadash.rules import evaluation

_HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
.disclaimer, .note, .source { color: #555; font-size: .9rem; }
.disclaimer { font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; }
th { background: #f0f0f0; }
.flag { border: 1px solid #ddd; border-radius: .4rem; padding: .5rem .8rem; margin: .5rem 0; }
.flag p { margin: .2rem 0; }
.critical { color: #b34700; } .warning { color: #8a5d00; } .info { color: #005a8c; }
figure { margin: 1rem 0; } figure img { max-width: 100%; }
@media print { .chart { break-inside: avoid; } }
"""


def escape_html(value: object) -> str:
    """A value as HTML text (empty for None and NA)."""
    return html.escape("" if is_missing(value) else str(value))


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape_html(column)}</th>" for column in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape_html(value)}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_charts(charts: Sequence[go.Figure]) -> list[str]:
    drawn, empty = drawn_and_empty(charts)
    parts = []
    for index, chart in enumerate(drawn):
        # plotly.js itself is inlined once, with the first chart: no network needed.
        parts.append(
            '<div class="chart">'
            + chart.to_html(
                full_html=False,
                include_plotlyjs=index == 0,
                include_mathjax=False,
                config={"displaylogo": False, "responsive": True},
                default_width="100%",
            )
            + "</div>"
        )
    parts += [f'<p class="note">{escape_html(sentence)}</p>' for sentence in empty]
    return parts


def _html_insights(found: insights.Insights) -> list[str]:
    parts = ["<h2>Is it working? (whole course)</h2>"]
    if found.progress:
        parts += [
            _html_table(insights.progress_table(found.progress)),
            f'<p class="note">{escape_html(WHAT_TRENDS_MEAN)}</p>',
        ]
    else:
        parts.append("<p>No scar ratings yet.</p>")
    for outcome, shown, waiting in insight_tables(found):
        parts.append(f"<h3>What goes with longer {escape_html(outcome.name)}</h3>")
        if not shown.empty:
            parts.append(_html_table(shown))
        if waiting:
            parts.append(f'<p class="note">{escape_html(waiting)}</p>')
    parts.append(f'<p class="note">{escape_html(insights.NOT_CAUSES)}</p>')
    return parts


def _html_flag_in_full(flag: Any) -> str:
    where = f" · {flag.area}" if isinstance(flag.area, str) else ""
    return (
        '<div class="flag">'
        f"<p><strong>{escape_html(flag.title)}</strong> · "
        f"{escape_html(format_day(flag.date) + where)}</p>"
        f"<p>{escape_html(flag.message)}</p>"
        f"<p><strong>What to do:</strong> {escape_html(flag.advice)}</p>"
        f'<p class="source">Source: {escape_html(flag.source)} · rule {escape_html(flag.rule)}'
        "</p></div>"
    )


def _html_flags(content: ReportContent) -> list[str]:
    """The same parts as the PDF: per rule, recent critical in full, recent ones listed."""
    if content.flags.empty:
        return ["<p>No flags: every session logged follows the safety protocol.</p>"]
    counts = content.flags["severity"].value_counts()
    total = ", ".join(
        f"{int(counts.get(severity, 0))} {severity}" for severity in evaluation.SEVERITY_ORDER
    )
    return [
        f"<p>{total} over the whole course.</p>",
        "<h3>Per rule (whole course)</h3>",
        _html_table(content.rule_summary),
        f'<h3 class="critical">Critical flags of the last {RECENT_DAYS} days, in full '
        f"({len(content.critical_in_full)})</h3>",
        *(
            [_html_flag_in_full(flag) for flag in content.critical_in_full.itertuples()]
            or [f"<p>None in the last {RECENT_DAYS} days.</p>"]
        ),
        f"<h3>Warnings and notes of the last {RECENT_DAYS} days ({len(content.recent_flags)})</h3>",
        _html_table(content.recent_flags)
        if not content.recent_flags.empty
        else f"<p>None in the last {RECENT_DAYS} days.</p>",
    ]


def _html_sessions(content: ReportContent) -> list[str]:
    if content.sessions.empty:
        return ["<h2>Sessions</h2>", "<p>No sessions logged yet.</p>"]
    return [
        "<h2>Sessions per month (newest first)</h2>",
        _html_table(content.months),
        f"<h3>The {len(content.recent_sessions)} most recent sessions</h3>",
        _html_table(content.recent_sessions),
        '<p class="note">Times are in the person\'s time zone. Passes: vertical / '
        "horizontal / diagonal.</p>",
    ]


def _html_photos(photos: Sequence[ReportPhoto]) -> list[str]:
    if not photos:
        return ["<p>No scar photos have been added.</p>"]
    return [
        f'<figure><img alt="{escape_html(photo.caption)}" '
        f'src="data:image/jpeg;base64,{base64.b64encode(photo.jpeg).decode("ascii")}">'
        f"<figcaption>{escape_html(photo.caption)}</figcaption></figure>"
        for photo in photos
    ]


def build_html(engine: Engine, profile_id: int, request: ReportRequest = OWNERS_REPORT) -> str:
    """The report as one self-contained HTML page (interactive charts, works offline)."""
    content = report_content(engine, profile_id, request)
    photos = request.photos
    key = content.key_figures
    facts = [
        ("Whose", content.person),
        ("Period covered", content.period),
        ("Sessions logged", str(content.session_count)),
        ("Generated", content.generated),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape_html(content.title)}</title><style>{_HTML_STYLE}</style></head><body>",
        f"<h1>{escape_html(content.title)}</h1><dl>",
        *(f"<dt>{escape_html(label)}</dt><dd>{escape_html(value)}</dd>" for label, value in facts),
        f'</dl><p class="disclaimer">{escape_html(DISCLAIMER)}</p>',
        f'<p class="note">{escape_html(COMPLETE_LISTS)}</p>',
        "<h2>Key figures (whole course)</h2>",
        _html_table(key_figure_rows(key)),
        *(f'<p class="note">{escape_html(note)}</p>' for note in key.notes()),
        *(["<h3>Per area</h3>", _html_table(key.areas)] if not key.areas.empty else []),
        "<h2>Charts (whole course)</h2>",
        *_html_charts(content.charts),
        *_html_insights(content.insights),
        "<h2>Safety flags</h2>",
        *_html_flags(content),
        *_html_sessions(content),
        "<h2>Needle lengths used</h2>",
        _html_table(content.needles)
        if not content.needles.empty
        else "<p>No needle length recorded yet.</p>",
        *(["<h2>Scar photos</h2>", *_html_photos(photos)] if photos is not None else []),
        f'<footer class="note">{escape_html(content.footer)}</footer>',
        "</body></html>",
    ]
    return "\n".join(parts)
