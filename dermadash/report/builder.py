"""The progress report for a medical record: a PDF, or a self-contained HTML page.

Both hold the same parts: whose progress, the period covered, when it was made and the
one-line disclaimer; the dashboard's key figures and charts (over the whole course);
every safety flag by severity; a compact table of the sessions; the needle lengths
used; and scar photos when asked for.

The PDF is laid out with fpdf2; its charts are the dashboard's plotly figures turned
into images by kaleido, which drives a Chromium already installed on the machine
(``/usr/bin/chromium``, or the one named by ``BROWSER_PATH``). dermadash never
downloads a browser: without one, ``build_pdf`` raises ``ChromiumMissing`` and the HTML
report (plotly.js inlined, so it works offline) is the way to go.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Engine

from dermadash import photos, shared_scope, sharing
from dermadash.dashboard import figures, insights, model, typed_tables
from dermadash.dashboard.model import ALL_AREAS, DashboardData, KeyFigures, Period
from dermadash.formatting import format_day, format_mm, format_moment
from dermadash.report import fonts
from dermadash.report.chromium import (
    BROWSER_PATH_VARIABLE as BROWSER_PATH_VARIABLE,  # re-exported: tests and callers use it
)
from dermadash.report.chromium import (
    chromium_available,
    chromium_path,
    drawer,
    warm_up,
)
from dermadash.rules import evaluation, scheduling
from dermadash.rules.protocol import load_protocol
from dermadash.storage import queries
from dermadash.storage.profiles import DEFAULT_DISPLAY_NAME, load_profile
from dermadash.timezones import local_today

DISCLAIMER = (
    "dermadash informs; it does not diagnose. Its flags follow public dermarolling "
    "guides, not a medical examination."
)
NO_CHROMIUM_MESSAGE = (
    "The PDF report needs Chromium to draw its charts, and none is installed here "
    "(looked for {path}). The HTML report has the same content and works offline."
)
SESSION_COLUMNS = {
    "Date": "Date",
    "Areas": "Areas",
    "Needle": "Needle",
    "Passes (V/H/D)": "Passes V/H/D",
    "Pain": "Pain",
    "Redness": "Redness",
    "Stinging": "Stinging",
    "Side effect": "Side effect",
}
NEEDLE_COLUMNS = ["Needle", "Sessions", "First used", "Last used"]
RECENT_DAYS = typed_tables.RECENT_DAYS
RECENT_SESSIONS = 20
COMPLETE_LISTS = (
    "This report summarises. Every session and every flag, in full, are in the "
    "spreadsheet (CSV) and backup exports: the Your data page, or "
    "python -m dermadash export."
)
# The charts' light-theme colours (readable on white), as RGB for fpdf2.
SEVERITY_COLOURS = {
    severity: tuple(int(figures.LIGHT.colour(name)[index : index + 2], 16) for index in (1, 3, 5))
    for severity, (name, _symbol) in figures.SEVERITY_STYLE.items()
}
SEVERITY_TITLES = {"critical": "Critical", "warning": "Warnings", "info": "For information"}

# Charts are drawn 800 px wide and printed 180 mm wide: 15 px text is about 9 pt.
CHART_WIDTH_PX = 800
CHART_SCALE = 2
CHART_FONT_PX = 15


class ChromiumMissing(RuntimeError):
    """No Chromium to draw the charts with: offer the HTML report instead."""


class ChartDrawingFailed(RuntimeError):
    """Chromium is there but could not draw the charts."""


@dataclass(frozen=True)
class ReportPhoto:
    """A scar photo for the report: its caption and its JPEG bytes."""

    caption: str
    jpeg: bytes


def stored_photos(engine: Engine, profile_id: int, since: date | None = None) -> list[ReportPhoto]:
    """The profile's scar photos chosen for a report (each area's first and latest, of
    those rated since ``since`` when a share link starts there)."""
    return [
        ReportPhoto(caption, jpeg)
        for caption, jpeg in photos.report_photos(engine, profile_id, since=since)
    ]


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, already worded (no database, no layout)."""

    title: str
    person: str
    period: str
    generated: str
    generated_on: date
    session_count: int
    key_figures: KeyFigures
    charts: list[go.Figure]
    flags: pd.DataFrame
    sessions: pd.DataFrame
    needles: pd.DataFrame
    insights: insights.Insights
    rule_summary: pd.DataFrame  # one row per rule and severity, whole course
    critical_in_full: pd.DataFrame  # every critical flag of the last RECENT_DAYS days
    recent_flags: pd.DataFrame  # the other flags of the last RECENT_DAYS days, one line each
    months: pd.DataFrame  # the sessions per month
    recent_sessions: pd.DataFrame  # the RECENT_SESSIONS latest sessions in full
    made_for: str | None = None  # a share link's label, when made from one

    @property
    def footer(self) -> str:
        """'... · made for Dr Example on Mon 2 Mar 2026, 12:00 (Europe/London)'."""
        if self.made_for:
            return f"{self.title} · made for {self.made_for} on {self.generated}"
        return f"{self.title} · generated {self.generated}"

    def file_name(self, suffix: str) -> str:
        """'dermadash-report-2026-03-02.pdf'."""
        return f"dermadash-report-{self.generated_on.isoformat()}.{suffix.lstrip('.')}"


# --- What the report says --------------------------------------------------------------


def _dashboard_data(engine: Engine, profile_id: int, now: datetime) -> DashboardData:
    profile = load_profile(engine, profile_id)
    sessions = queries.sessions_frame(engine, profile_id)
    rollers = queries.rollers_frame(engine, profile_id)
    return DashboardData(
        sessions=sessions,
        ratings=queries.scar_ratings_frame(engine, profile_id),
        flags=evaluation.evaluate(profile, sessions, rollers, now=now),
        intervals=scheduling.area_intervals(profile, sessions),
        next_safe=scheduling.next_safe_dates(profile, sessions, now=now),
        timezone=profile.timezone,
        limits=figures.ReactionLimits.from_protocol(load_protocol().for_profile(profile)),
    )


def needle_usage(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Per needle length: how many sessions, first and last used (shortest first)."""
    known = sessions.dropna(subset=["needle_mm"])
    if known.empty:
        return pd.DataFrame(columns=NEEDLE_COLUMNS)
    days = figures.local_dates(known["started_at"], timezone)
    rows = []
    for length, mine in days.groupby(known["needle_mm"].astype(float)):
        rows.append(
            {
                "Needle": format_mm(float(length)),
                "Sessions": str(len(mine)),
                "First used": format_day(min(mine)),
                "Last used": format_day(max(mine)),
            }
        )
    return pd.DataFrame(rows, columns=NEEDLE_COLUMNS)


def compact_sessions(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The shared view's session table without sterilisation and notes, newest first."""
    table = sharing.sessions_table(sessions, timezone)
    return table[list(SESSION_COLUMNS)].rename(columns=SESSION_COLUMNS)


def report_content(
    engine: Engine,
    profile_id: int,
    now: datetime | None = None,
    *,
    options: sharing.LinkOptions | None = None,
    made_for: str | None = None,
) -> ReportContent:
    """Read and word everything the report shows, as of ``now`` (default: this moment);
    ``options``: a share link's choices (its first day, notes), ``made_for``: its label."""
    moment = now or datetime.now(UTC)
    options = options or sharing.LinkOptions(include_notes=True, include_photos=True)
    profile = load_profile(engine, profile_id)
    data = shared_scope.shown_data(_dashboard_data(engine, profile_id, moment), options)
    today = local_today(profile.timezone, moment)
    period = Period(None, today)
    everything = data.filtered(period, ALL_AREAS)
    facts = sharing.key_facts(data.sessions, profile.timezone)
    named = profile.display_name != DEFAULT_DISPLAY_NAME
    sessions = compact_sessions(data.sessions, profile.timezone)
    return ReportContent(
        title="Dermarolling progress report" + (f": {profile.display_name}" if named else ""),
        person=profile.display_name if named else "the person who logged these sessions",
        period=shared_scope.covered_period(options, facts.first_day, facts.last_day),
        generated=f"{format_moment(moment, profile.timezone)} ({profile.timezone})",
        generated_on=today,
        session_count=facts.session_count,
        key_figures=model.key_figures(everything, everything, period, today),
        charts=list(
            model.dashboard_charts(everything, data.areas(), data.time_axis(period)).values()
        ),
        flags=data.flags,
        sessions=sessions,
        needles=needle_usage(data.sessions, profile.timezone),
        insights=insights.compute(data.sessions, data.ratings, profile.timezone),
        rule_summary=_rule_summary_text(data.flags),
        critical_in_full=typed_tables.flags_to_read_in_full(data.flags, today),
        recent_flags=_recent_flags_text(_not_critical(typed_tables.flags_since(data.flags, today))),
        months=_months_text(
            typed_tables.monthly_sessions(data.sessions, data.flags, profile.timezone)
        ),
        recent_sessions=sessions.head(RECENT_SESSIONS),
        made_for=made_for,
    )


def _day_text(value: object) -> str:
    return "" if pd.isna(value) else format_day(pd.Timestamp(value))  # type: ignore[arg-type]


def _rule_summary_text(flags: pd.DataFrame) -> pd.DataFrame:
    """Per rule and severity: count, first and last date, worded for print."""
    table = typed_tables.rule_summary(flags).drop(columns=["Rule id"])
    for column in ("First", "Last"):
        table[column] = table[column].map(_day_text)
    table["Flags"] = table["Flags"].astype(str)
    return table


def _not_critical(flags: pd.DataFrame) -> pd.DataFrame:
    """Warnings and information only (the critical ones are shown in full)."""
    return flags if flags.empty else flags[flags["severity"] != "critical"]


def _recent_flags_text(flags: pd.DataFrame) -> pd.DataFrame:
    """The last months' flags, one line each: date, severity, rule, area, what happened."""
    table = typed_tables.flags_table(flags).drop(columns=["What to do", "Rule id"])
    table["Date"] = table["Date"].map(_day_text)
    return table


def _months_text(months: pd.DataFrame) -> pd.DataFrame:
    """Sessions per month worded for print: 'Mar 2026', '0.5 mm', '4 / 10', '12 h'."""
    if months.empty:
        return months

    def median(value: object, unit: str) -> str:
        return "–" if pd.isna(value) else f"{float(value):g}{unit}"  # type: ignore[arg-type]

    return pd.DataFrame(
        {
            "Month": [f"{month:%b %Y}" for month in months["Month"]],
            "Sessions": months["Sessions"].astype(str),
            "Check-ins": months["Check-ins"].astype(str),
            "Needle (mm)": months["Needle"],
            "Pain (median)": [median(value, " / 10") for value in months["Pain"]],
            "Redness (median)": [median(value, " h") for value in months["Redness"]],
            "Flags": months["Flags"].astype(str),
        }
    )


def _drawn_and_empty(charts: Sequence[go.Figure]) -> tuple[list[go.Figure], list[str]]:
    """The charts with data, and a sentence for each one without."""
    drawn, empty = [], []
    for chart in charts:
        message = figures.empty_message(chart)
        if message:
            empty.append(f"{chart.layout.title.text}: {message}")
        else:
            drawn.append(chart)
    return drawn, empty


# --- Insights (progress per area, what goes with longer redness) ------------------------

WHAT_TRENDS_MEAN = (
    "Severity is the person's own rating (0 = no visible scars, 10 = the worst). Trend: "
    "the Theil–Sen slope in points a month with its 95 % interval; only an interval wholly "
    "below zero reads as improving, wholly above as worsening."
)


def _insight_tables(
    found: insights.Insights,
) -> list[tuple[insights.Outcome, pd.DataFrame, str]]:
    """Per outcome: the factors with enough data (largest difference first) and a sentence
    naming the others."""
    parts = []
    for outcome in insights.OUTCOMES:
        items = found.for_outcome(outcome)
        shown = insights.association_table([item for item in items if item.shown])
        waiting = [item for item in items if not item.shown]
        if not found.recorded(outcome):
            sentence = f"No check-in has recorded {outcome.name} yet."
        elif waiting:
            sentence = (
                "Not enough data yet: "
                + "; ".join(
                    f"{item.subject} ({item.n_with} with, {item.n_without} without)"
                    for item in waiting
                )
                + f". Each side needs at least {insights.MIN_PER_SIDE} sessions."
            )
        else:
            sentence = ""
        parts.append((outcome, shown, sentence))
    return parts


def _html_insights(found: insights.Insights) -> list[str]:
    parts = ["<h2>Is it working? (whole course)</h2>"]
    if found.progress:
        parts += [
            _html_table(insights.progress_table(found.progress)),
            f'<p class="note">{_escape(WHAT_TRENDS_MEAN)}</p>',
        ]
    else:
        parts.append("<p>No scar ratings yet.</p>")
    for outcome, shown, waiting in _insight_tables(found):
        parts.append(f"<h3>What goes with longer {_escape(outcome.name)}</h3>")
        if not shown.empty:
            parts.append(_html_table(shown))
        if waiting:
            parts.append(f'<p class="note">{_escape(waiting)}</p>')
    parts.append(f'<p class="note">{_escape(insights.NOT_CAUSES)}</p>')
    return parts


# --- Chart images through kaleido and the system's Chromium ----------------------------


def printable_chart(chart: go.Figure) -> go.Figure:
    """A copy sized for A4: explicit width and height, larger text, white background."""
    printed = go.Figure(chart.to_dict(), _validate=False)  # a copy; the chart is valid
    height = int(chart.layout.height or figures.CHART_HEIGHT) + 40
    printed.update_layout(
        template="plotly_white",
        width=CHART_WIDTH_PX,
        height=height,
        font={"size": CHART_FONT_PX, "color": "#222222"},
        title_font_size=CHART_FONT_PX + 4,
        title_subtitle_font_size=CHART_FONT_PX - 1,
        legend_font_size=CHART_FONT_PX - 1,
    )
    for annotation in printed.layout.annotations:
        annotation.font.size = CHART_FONT_PX - 2
    return printed


ChartProgress = Callable[[int, int], None]
ReportProgress = Callable[[str, float], None]


def chart_images(charts: Sequence[go.Figure], progress: ChartProgress | None = None) -> list[bytes]:
    """Each chart as image bytes (JPEG), drawn by kaleido in the system's Chromium, kept warm
    between charts and between reports; ``progress(done, total)`` after each chart."""
    if not charts:
        return []
    if not chromium_available():
        raise ChromiumMissing(NO_CHROMIUM_MESSAGE.format(path=chromium_path()))
    printed = [printable_chart(chart) for chart in charts]
    try:
        return drawer().draw(printed, scale=CHART_SCALE, progress=progress)
    except Exception as error:
        raise ChartDrawingFailed(
            f"Chromium ({chromium_path()}) could not draw the charts "
            f"({type(error).__name__}). The HTML report has the same content."
        ) from error


# --- PDF ---------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text the PDF core font (Latin-1) can show, for machines without DejaVu fonts."""
    replaced = (
        text.replace("–", "-")
        .replace("—", "-")
        .replace("−", "-")
        .replace("→", "->")
        .replace("·", "|")
        .replace("“", '"')
        .replace("”", '"')
        .replace("’", "'")
    )
    return replaced.encode("latin-1", "replace").decode("latin-1")


class _ReportPdf:
    """An A4 document with the report's text styles (thin wrapper over fpdf2)."""

    MARGIN = 15
    GREY = (90, 90, 90)

    def __init__(self, footer: str) -> None:
        from fpdf import FPDF

        outer = self

        class Document(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                outer.font(8, colour=outer.GREY)
                self.cell(0, 5, outer.text(f"{footer} · page {self.page_no()} of {{nb}}"))

        self.pdf = Document(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_margins(self.MARGIN, self.MARGIN, self.MARGIN)
        self.pdf.set_auto_page_break(auto=True, margin=16)
        self.unicode = fonts.install_fonts(self.pdf)
        self.pdf.set_title(footer)
        self.pdf.set_creator("dermadash")
        self.pdf.add_page()

    @property
    def width(self) -> float:
        return self.pdf.epw

    def text(self, value: str) -> str:
        return value if self.unicode else _plain(value)

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.pdf.set_font(fonts.FAMILY if self.unicode else "Helvetica", style, size)
        self.pdf.set_text_color(*colour)

    def paragraph(
        self, value: str, size: float = 10, style: str = "", colour=(0, 0, 0), gap: float = 1
    ) -> None:
        self.font(size, style, colour)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def heading(self, value: str, size: float = 14, keep_with_mm: float = 30) -> None:
        """A heading kept on the same page as the first ``keep_with_mm`` of what follows."""
        self.room_for(size * 0.6 + keep_with_mm)
        self.pdf.ln(2)
        self.paragraph(value, size=size, style="B", gap=1.5)

    def room_for(self, height_mm: float) -> None:
        if self.pdf.get_y() + height_mm > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def table(
        self,
        frame: pd.DataFrame,
        widths: Sequence[float],
        size: float = 8.5,
        align: str | Sequence[str] = "LEFT",
    ) -> None:
        self.font(size)
        with self.pdf.table(
            col_widths=tuple(widths),
            width=self.width,
            text_align=align,
            line_height=size * 0.5,
            padding=(0.8, 1.2),
            headings_style=self._heading_style(),
            borders_layout="HORIZONTAL_LINES",
            repeat_headings=1,
        ) as table:
            table.row([self.text(str(column)) for column in frame.columns])
            for values in frame.itertuples(index=False):
                table.row([self.text("" if pd.isna(value) else str(value)) for value in values])
        self.pdf.ln(2)

    def plain_table(self, frame: pd.DataFrame, widths: Sequence[float], size: float = 8) -> None:
        """A table of short one-line cells, drawn cell by cell: many times faster than
        ``table`` (no line breaking), for long tables whose values are known short."""
        total = sum(widths)
        columns = [self.width * width / total for width in widths]
        height = size * 0.5 + 1.6

        def heading_row() -> None:
            self.font(size, "B")
            self.pdf.set_fill_color(235, 235, 235)
            for width, name in zip(columns, frame.columns, strict=True):
                self.pdf.cell(width, height, self.text(str(name)), border="B", fill=True)
            self.pdf.ln(height)
            self.font(size)

        heading_row()
        for values in frame.itertuples(index=False):
            if self.pdf.get_y() + height > self.pdf.page_break_trigger:
                self.pdf.add_page()
                heading_row()
            for width, value in zip(columns, values, strict=True):
                shown = "" if pd.isna(value) else str(value)
                self.pdf.cell(width, height, self.text(shown), border="B")
            self.pdf.ln(height)
        self.pdf.ln(2)

    def _heading_style(self):  # type: ignore[no-untyped-def]
        from fpdf.fonts import FontFace

        return FontFace(emphasis="BOLD", fill_color=(235, 235, 235))

    def image(self, data: bytes, width_mm: float, height_mm: float) -> None:
        self.room_for(height_mm)
        self.pdf.image(BytesIO(data), w=width_mm, h=height_mm)
        self.pdf.ln(3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a chart image (read from its header only)."""
    from PIL import Image

    with Image.open(BytesIO(data)) as picture:
        return picture.size


def _pdf_summary(document: _ReportPdf, content: ReportContent) -> None:
    document.paragraph(content.title, size=18, style="B", gap=2)
    for label, value in (
        ("Whose", content.person),
        ("Period covered", content.period),
        ("Sessions logged", str(content.session_count)),
        ("Generated", content.generated),
    ):
        document.font(10, "B")
        document.pdf.cell(34, 5.5, document.text(label))
        document.font(10)
        document.pdf.multi_cell(0, 5.5, document.text(value), new_x="LMARGIN", new_y="NEXT")
    document.pdf.ln(1.5)
    document.paragraph(DISCLAIMER, size=9.5, style="I", colour=document.GREY, gap=1)
    document.paragraph(COMPLETE_LISTS, size=9.5, colour=document.GREY, gap=2)


def _key_figure_rows(key: KeyFigures) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Figure": figure.label,
                "Value": figure.value + (f" ({figure.delta})" if figure.delta else ""),
            }
            for figure in key.headline
        ],
        columns=["Figure", "Value"],
    )


def _pdf_key_figures(document: _ReportPdf, key: KeyFigures) -> None:
    document.heading("Key figures (whole course)")
    document.table(_key_figure_rows(key), widths=(1, 1.4), size=9.5)
    for note in key.notes():
        document.paragraph(note, size=8.5, colour=document.GREY)
    if not key.areas.empty:
        document.heading("Per area", size=11, keep_with_mm=20)
        document.table(key.areas, widths=(1, 1.5, 1, 1.5), size=9)


def _pdf_charts(document: _ReportPdf, content: ReportContent, images: Sequence[bytes]) -> None:
    document.heading("Charts (whole course)", keep_with_mm=80)
    _drawn, empty = _drawn_and_empty(content.charts)
    for image in images:
        width_px, height_px = _image_size(image)
        document.image(image, document.width, document.width * height_px / width_px)
    for sentence in empty:
        document.paragraph(sentence, size=9.5, colour=document.GREY)


def _pdf_flag_in_full(document: _ReportPdf, flag: Any) -> None:
    """One flag with what happened, what to do and its source."""
    document.room_for(22)
    where = f" · {flag.area}" if isinstance(flag.area, str) else ""
    document.paragraph(
        f"{flag.title} · {format_day(flag.date)}{where}", size=9.5, style="B", gap=0.3
    )
    document.paragraph(flag.message, size=9, gap=0.3)
    document.paragraph(f"What to do: {flag.advice}", size=9, gap=0.3)
    document.paragraph(
        f"Source: {flag.source} · rule {flag.rule}", size=8, colour=document.GREY, gap=2
    )


def _pdf_flags(document: _ReportPdf, content: ReportContent) -> None:
    """Flags per rule over the whole course, the recent critical ones in full, and
    every flag of the last months one line each."""
    document.heading("Safety flags")
    flags = content.flags
    if flags.empty:
        document.paragraph("No flags: every session logged follows the safety protocol.")
        return
    counts = flags["severity"].value_counts()
    document.paragraph(
        ", ".join(
            f"{int(counts.get(severity, 0))} {severity}" for severity in evaluation.SEVERITY_ORDER
        )
        + " over the whole course.",
        size=9.5,
    )
    document.heading("Per rule (whole course)", size=11, keep_with_mm=20)
    document.plain_table(content.rule_summary, widths=(1, 2.6, 0.7, 1.5, 1.5), size=8.5)
    colour = SEVERITY_COLOURS["critical"]
    document.room_for(30)
    document.paragraph(
        f"Critical flags of the last {RECENT_DAYS} days, in full ({len(content.critical_in_full)})",
        size=11,
        style="B",
        colour=colour,
    )
    if content.critical_in_full.empty:
        document.paragraph(f"None in the last {RECENT_DAYS} days.", size=9.5)
    for flag in content.critical_in_full.itertuples(index=False):
        _pdf_flag_in_full(document, flag)
    document.heading(
        f"Warnings and notes of the last {RECENT_DAYS} days ({len(content.recent_flags)})",
        size=11,
        keep_with_mm=20,
    )
    if content.recent_flags.empty:
        document.paragraph(f"None in the last {RECENT_DAYS} days.", size=9.5)
    else:
        document.table(content.recent_flags, widths=(1.6, 1, 2, 1.2, 4.4), size=7.5)


def _pdf_insights(document: _ReportPdf, found: insights.Insights) -> None:
    document.heading("Is it working? (whole course)")
    if found.progress:
        document.table(
            insights.progress_table(found.progress), widths=(1.2, 0.7, 2.2, 2.6, 1.1), size=8
        )
        document.paragraph(WHAT_TRENDS_MEAN, size=8, colour=document.GREY)
    else:
        document.paragraph("No scar ratings yet.")
    for outcome, shown, waiting in _insight_tables(found):
        document.heading(f"What goes with longer {outcome.name}", size=11, keep_with_mm=20)
        if not shown.empty:
            document.table(shown, widths=(2.4, 1.5, 1.5, 0.9, 0.9), size=8)
        document.paragraph(waiting, size=8, colour=document.GREY)
    document.paragraph(insights.NOT_CAUSES, size=8, colour=document.GREY)


def _pdf_sessions(document: _ReportPdf, content: ReportContent) -> None:
    """The sessions per month, then the most recent ones in full."""
    document.heading("Sessions per month (newest first)")
    if content.sessions.empty:
        document.paragraph("No sessions logged yet.")
        return
    document.plain_table(content.months, widths=(1.2, 1, 1, 1.2, 1.3, 1.4, 0.8), size=7.5)
    document.heading(
        f"The {len(content.recent_sessions)} most recent sessions", size=11, keep_with_mm=20
    )
    document.table(content.recent_sessions, widths=(2.5, 2.2, 1.1, 1.3, 1, 1.1, 1.1, 1.6), size=7.5)
    document.paragraph(
        "Times are in the person's time zone. Passes: vertical / horizontal / diagonal; "
        "a dash means not recorded. Redness and stinging come from the check-in.",
        size=8,
        colour=document.GREY,
    )


def _pdf_needles(document: _ReportPdf, needles: pd.DataFrame) -> None:
    document.heading("Needle lengths used", keep_with_mm=20)
    if needles.empty:
        document.paragraph("No needle length recorded yet.")
        return
    document.table(needles, widths=(1, 1, 1.5, 1.5), size=9)


def _pdf_photos(document: _ReportPdf, photos: Sequence[ReportPhoto]) -> None:
    document.heading("Scar photos", keep_with_mm=70)
    if not photos:
        document.paragraph("No scar photos have been added.")
        return
    for photo in photos:
        from PIL import Image

        with Image.open(BytesIO(photo.jpeg)) as picture:
            width_px, height_px = picture.size
        width = min(document.width * 0.6, 110)
        height = width * height_px / width_px
        if height > 120:
            width, height = width * 120 / height, 120
        document.image(photo.jpeg, width, height)
        document.paragraph(photo.caption, size=9, colour=document.GREY, gap=3)


def build_pdf(
    engine: Engine,
    profile_id: int,
    *,
    include_photos: bool = False,
    photos: Sequence[ReportPhoto] = (),
    now: datetime | None = None,
    options: sharing.LinkOptions | None = None,
    made_for: str | None = None,
    progress: ReportProgress | None = None,
) -> bytes:
    """The report as PDF bytes (raises ``ChromiumMissing`` when no Chromium is here).

    ``options``: a share link's choices, ``made_for``: its label (named in the footer);
    ``progress(what, fraction)`` is told what is being done, for a progress bar.
    """
    tell = progress or (lambda _what, _fraction: None)
    warm_up()  # Chromium starts while the content is read and worded
    tell("Reading the log and checking it against the protocol", 0.05)
    content = report_content(engine, profile_id, now, options=options, made_for=made_for)
    drawn, _empty = _drawn_and_empty(content.charts)

    def charted(done: int, total: int) -> None:
        tell(f"Drawing the charts ({done} of {total})", 0.2 + 0.7 * done / total)

    tell("Drawing the charts", 0.2)
    images = chart_images(drawn, charted)
    tell("Laying out the pages", 0.92)
    document = _ReportPdf(footer=content.footer)
    _pdf_summary(document, content)
    _pdf_key_figures(document, content.key_figures)
    _pdf_charts(document, content, images)
    _pdf_insights(document, content.insights)
    _pdf_flags(document, content)
    _pdf_sessions(document, content)
    _pdf_needles(document, content.needles)
    if include_photos:
        _pdf_photos(document, photos)
    data = document.output()
    tell("The report is ready", 1.0)
    return data


# --- HTML --------------------------------------------------------------------------------

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


def _escape(value: object) -> str:
    return html.escape("" if value is None or pd.isna(value) else str(value))  # type: ignore[arg-type]


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_escape(column)}</th>" for column in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_escape(value)}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_charts(charts: Sequence[go.Figure]) -> list[str]:
    drawn, empty = _drawn_and_empty(charts)
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
    parts += [f'<p class="note">{_escape(sentence)}</p>' for sentence in empty]
    return parts


def _html_flag_in_full(flag: Any) -> str:
    where = f" · {flag.area}" if isinstance(flag.area, str) else ""
    return (
        '<div class="flag">'
        f"<p><strong>{_escape(flag.title)}</strong> · "
        f"{_escape(format_day(flag.date) + where)}</p>"
        f"<p>{_escape(flag.message)}</p>"
        f"<p><strong>What to do:</strong> {_escape(flag.advice)}</p>"
        f'<p class="source">Source: {_escape(flag.source)} · rule {_escape(flag.rule)}'
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
        f'<figure><img alt="{_escape(photo.caption)}" '
        f'src="data:image/jpeg;base64,{base64.b64encode(photo.jpeg).decode("ascii")}">'
        f"<figcaption>{_escape(photo.caption)}</figcaption></figure>"
        for photo in photos
    ]


def build_html(
    engine: Engine,
    profile_id: int,
    *,
    include_photos: bool = False,
    photos: Sequence[ReportPhoto] = (),
    now: datetime | None = None,
    options: sharing.LinkOptions | None = None,
    made_for: str | None = None,
) -> str:
    """The report as one self-contained HTML page (interactive charts, works offline)."""
    content = report_content(engine, profile_id, now, options=options, made_for=made_for)
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
        f"<title>{_escape(content.title)}</title><style>{_HTML_STYLE}</style></head><body>",
        f"<h1>{_escape(content.title)}</h1><dl>",
        *(f"<dt>{_escape(label)}</dt><dd>{_escape(value)}</dd>" for label, value in facts),
        f'</dl><p class="disclaimer">{_escape(DISCLAIMER)}</p>',
        f'<p class="note">{_escape(COMPLETE_LISTS)}</p>',
        "<h2>Key figures (whole course)</h2>",
        _html_table(_key_figure_rows(key)),
        *(f'<p class="note">{_escape(note)}</p>' for note in key.notes()),
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
        *(["<h2>Scar photos</h2>", *_html_photos(photos)] if include_photos else []),
        f'<footer class="note">{_escape(content.footer)}</footer>',
        "</body></html>",
    ]
    return "\n".join(parts)
