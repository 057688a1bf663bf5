"""What the progress report holds, already worded: no database layout, no drawing.

The PDF and the HTML report hold the same parts: whose progress, the period covered,
when it was made and the one-line disclaimer; the dashboard's key figures and charts
(over the whole course, from ``dermadash.dashboard.assembly`` as the dashboard has them);
every safety flag by severity; a compact table of the sessions; the needle lengths used;
and scar photos when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Engine

from dermadash import photos
from dermadash.dashboard import assembly, figures, insights, model, typed_tables
from dermadash.dashboard.model import KeyFigures, Period
from dermadash.formatting import format_day, format_mm, format_moment
from dermadash.sharing import link_scope
from dermadash.sharing.share_links import LinkOptions
from dermadash.storage import validation
from dermadash.storage.profiles import DEFAULT_DISPLAY_NAME, ProfileSnapshot, load_profile
from dermadash.timezones import local_dates, local_today

DISCLAIMER = (
    "dermadash informs; it does not diagnose. Its flags follow public dermarolling "
    "guides, not a medical examination."
)
# The worded sessions table's columns the report keeps, and their printed names.
COMPACT_SESSION_COLUMNS = {
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


@dataclass(frozen=True)
class ReportPhoto:
    """A scar photo for the report: its caption and its JPEG bytes."""

    caption: str
    jpeg: bytes


@dataclass(frozen=True)
class ReportRequest:
    """What one report is asked for, the same for the PDF and the HTML page."""

    now: datetime | None = None  # as of when (default: the moment it is made)
    options: LinkOptions | None = None  # a share link's choices (its first day, notes)
    made_for: str | None = None  # that link's label, named in the footer
    photos: Sequence[ReportPhoto] | None = None  # None: no photo section at all


OWNERS_REPORT = ReportRequest()  # the owner's own, whole course, as of now, no photos


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


def needle_usage(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Per needle length: how many sessions, first and last used (shortest first)."""
    known = sessions.dropna(subset=["needle_mm"])
    if known.empty:
        return pd.DataFrame(columns=NEEDLE_COLUMNS)
    days = local_dates(known["started_at"], timezone)
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


def _yes_no(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "yes" if bool(value) else "no"


def _with_unit(value: object, unit: str) -> str:
    if is_missing(value):
        return ""
    return f"{float(value):g} {unit}"  # type: ignore[arg-type]  # a number cell: float() takes it


def worded_sessions(
    sessions: pd.DataFrame, timezone: str, *, include_notes: bool = True
) -> pd.DataFrame:
    """The sessions as a plain table of words, newest first (without the Notes column
    when notes are not shared)."""
    if not include_notes:
        return worded_sessions(sessions, timezone).drop(columns="Notes")
    columns = typed_tables.SESSION_TABLE_COLUMNS  # the same columns, typed, for the pages
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    ordered = sessions.iloc[::-1]
    local = ordered["started_at"].dt.tz_convert(timezone)

    def passes(row: pd.Series) -> str:
        counts = [row["passes_vertical"], row["passes_horizontal"], row["passes_diagonal"]]
        return "/".join("–" if pd.isna(count) else str(int(count)) for count in counts)

    side_effects = ordered["side_effect"].map(
        lambda value: validation.SIDE_EFFECT_LABELS.get(value, "") if isinstance(value, str) else ""
    )
    return pd.DataFrame(
        {
            "Date": [f"{format_day(moment)}, {moment:%H:%M}" for moment in local],
            "Areas": [", ".join(areas) for areas in ordered["areas"]],
            "Needle": [format_mm(value) for value in ordered["needle_mm"]],
            "Passes (V/H/D)": [passes(row) for _, row in ordered.iterrows()],
            "Sterilized before": [_yes_no(value) for value in ordered["sterilized_before"]],
            "Pain": ["" if pd.isna(value) else f"{int(value)} / 10" for value in ordered["pain"]],
            "Redness": [_with_unit(value, "h") for value in ordered["redness_hours"]],
            "Stinging": [_with_unit(value, "min") for value in ordered["stinging_minutes"]],
            "Side effect": list(side_effects),
            "Notes": [value if isinstance(value, str) else "" for value in ordered["notes"]],
        },
        columns=columns,
    )


def compact_sessions(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The worded sessions without sterilisation and notes, newest first."""
    table = worded_sessions(sessions, timezone)
    return table[list(COMPACT_SESSION_COLUMNS)].rename(columns=COMPACT_SESSION_COLUMNS)


@dataclass(frozen=True)
class ReportReading:
    """What a report is made from, read and checked: the first half of ``report_content``.

    Its charts are ready here already, so the PDF can hand them to Chromium and word the
    rest (``word_report``) while they are drawn.
    """

    request: ReportRequest
    moment: datetime
    options: LinkOptions
    profile: ProfileSnapshot
    data: model.DashboardData
    today: date
    view: assembly.DashboardView

    @property
    def charts(self) -> list[go.Figure]:
        return list(self.view.charts.values())


def read_report(
    engine: Engine, profile_id: int, request: ReportRequest = OWNERS_REPORT
) -> ReportReading:
    """Read the log ``request``'s report covers, check it and build its charts."""
    moment = request.now or datetime.now(UTC)
    options = request.options or LinkOptions(include_notes=True, include_photos=True)
    profile = load_profile(engine, profile_id)
    data = assembly.read_dashboard_data(engine, profile_id, moment, options)
    today = local_today(profile.timezone, moment)
    view = assembly.dashboard_view(data, Period(None, today), today, last_day=today)
    return ReportReading(request, moment, options, profile, data, today, view)


def word_report(reading: ReportReading) -> ReportContent:
    """Word everything the report shows (its photos aside) from what was read."""
    profile, data, today = reading.profile, reading.data, reading.today
    facts = model.key_facts(data.sessions, profile.timezone)
    named = profile.display_name != DEFAULT_DISPLAY_NAME
    sessions = compact_sessions(data.sessions, profile.timezone)
    return ReportContent(
        title="Dermarolling progress report" + (f": {profile.display_name}" if named else ""),
        person=profile.display_name if named else "the person who logged these sessions",
        period=link_scope.covered_period(reading.options, facts.first_day, facts.last_day),
        generated=f"{format_moment(reading.moment, profile.timezone)} ({profile.timezone})",
        generated_on=today,
        session_count=facts.session_count,
        key_figures=reading.view.key_figures,
        charts=reading.charts,
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
        made_for=reading.request.made_for,
    )


def report_content(
    engine: Engine, profile_id: int, request: ReportRequest = OWNERS_REPORT
) -> ReportContent:
    """Read and word everything ``request``'s report shows (its photos aside)."""
    return word_report(read_report(engine, profile_id, request))


def is_missing(value: object) -> bool:
    """Whether a table cell holds nothing (None, NaN, NA or NaT), as ``pd.isna`` says."""
    return bool(pd.isna(value))  # type: ignore[call-overload]  # pandas-stubs: no isna(object)


def _day_text(value: object) -> str:
    # A date cell: pd.Timestamp takes any date, which the stubs cannot see in ``object``.
    return "" if is_missing(value) else format_day(pd.Timestamp(value))  # type: ignore[arg-type]


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
        shown = "–" if is_missing(value) else f"{float(value):g}{unit}"  # type: ignore[arg-type]  # a number cell: float() takes it
        return shown

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


def drawn_and_empty(charts: Sequence[go.Figure]) -> tuple[list[go.Figure], list[str]]:
    """The charts with data, and a sentence for each one without."""
    drawn, empty = [], []
    for chart in charts:
        message = figures.empty_message(chart)
        if message:
            empty.append(f"{chart.layout.title.text}: {message}")
        else:
            drawn.append(chart)
    return drawn, empty


WHAT_TRENDS_MEAN = (
    "Severity is the person's own rating (0 = no visible scars, 10 = the worst). Trend: "
    "the Theil–Sen slope in points a month with its 95 % interval; only an interval wholly "
    "below zero reads as improving, wholly above as worsening."
)


def insight_tables(
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


def key_figure_rows(key: KeyFigures) -> pd.DataFrame:
    """The headline key figures as a two-column table: figure and value (with its change)."""
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
