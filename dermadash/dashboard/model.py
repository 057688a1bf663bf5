"""The dashboard's filters and key figures, computed from frames (pure, no Streamlit).

The page, the shared view and the PDF report all filter the same way and show the
same key figures, so both live here: ``period_bounds`` turns a period choice into
dates, ``DashboardData.filtered`` narrows every frame to a period and an area, and
``key_figures`` gives the row of numbers a person (or their dermatologist) reads first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from dermadash.dashboard import chart_theme, figures
from dermadash.formatting import format_day, format_days, format_hours, format_mm
from dermadash.timezones import local_dates

PERIODS: dict[str, int | None] = {
    "30 days": 30,
    "90 days": 90,
    "365 days": 365,
    "All": None,
}
CUSTOM_PERIOD = "Custom"
PERIOD_CHOICES = (*PERIODS, CUSTOM_PERIOD)
ALL_AREAS = "All areas"
REDNESS_WINDOW = 4
SERIOUS_SEVERITIES = ("warning", "critical")


@dataclass(frozen=True)
class Period:
    """Local calendar days, both ends included; ``start`` None means from the beginning."""

    start: date | None
    end: date

    def describe(self) -> str:
        if self.start is None:
            return f"everything up to {format_day(self.end)}"
        return f"{format_day(self.start)} to {format_day(self.end)}"


def period_bounds(choice: str, today: date, custom: tuple[date, date] | None = None) -> Period:
    """The days a period choice covers: the last N days up to today, all, or custom."""
    if choice == CUSTOM_PERIOD:
        if custom is None:
            raise ValueError("A custom period needs a start and an end date.")
        start, end = sorted(custom)
        return Period(start, end)
    days = PERIODS[choice]
    return Period(None if days is None else today - timedelta(days=days - 1), today)


def _in_period(days: pd.Series, period: Period) -> pd.Series:
    inside = days <= period.end
    if period.start is not None:
        inside &= days >= period.start
    return inside.astype(bool)


@dataclass(frozen=True)
class DashboardData:
    """Every frame the dashboard draws, for one profile."""

    sessions: pd.DataFrame
    ratings: pd.DataFrame
    flags: pd.DataFrame
    intervals: pd.DataFrame
    next_safe: pd.DataFrame
    timezone: str
    limits: figures.ChartLimits = field(default_factory=figures.ChartLimits.from_protocol)

    def areas(self) -> list[str]:
        """Every area treated or rated, most used first."""
        return list(self._areas_by_use)

    def first_day(self) -> date | None:
        """The earliest local day with a session or a rating."""
        return self._first_day

    # Worked out once per data (the page asks on every rerun; the frames never change).
    @cached_property
    def _areas_by_use(self) -> tuple[str, ...]:
        treated = self.sessions["areas"].explode().dropna().astype(object)
        counts = pd.concat([treated, self.ratings["area"].astype(object)]).value_counts()
        return tuple(sorted(counts.index, key=lambda area: (-counts[area], area)))

    @cached_property
    def _first_day(self) -> date | None:
        days = [*local_dates(self.sessions["started_at"], self.timezone), *self.ratings["rated_on"]]
        return min(days) if days else None

    def time_axis(self, period: Period) -> tuple[date, date] | None:
        """The days every time axis spans: the period, or from the first entry when open."""
        start = period.start or self.first_day()
        return None if start is None else (start, period.end)

    def filtered(self, period: Period, area: str = ALL_AREAS) -> DashboardData:
        """The same data narrowed to a period and (unless ALL_AREAS) one area."""
        sessions = self.sessions
        if area != ALL_AREAS:
            sessions = sessions[sessions["areas"].apply(lambda areas: area in areas)]
        sessions = sessions[_in_period(local_dates(sessions["started_at"], self.timezone), period)]
        ratings = self.ratings
        if area != ALL_AREAS:
            ratings = ratings[ratings["area"] == area]
        ratings = ratings[_in_period(ratings["rated_on"], period)]
        intervals = self.intervals
        if area != ALL_AREAS:
            intervals = intervals[intervals["area"] == area]
        intervals = intervals[_in_period(intervals["local_date"], period)]
        next_safe = self.next_safe
        if area != ALL_AREAS:
            next_safe = next_safe[next_safe["area"] == area]
        return replace(
            self,
            sessions=sessions,
            ratings=ratings,
            intervals=intervals,
            flags=self._flags_for(sessions, period, area),
            next_safe=next_safe,
        )

    def _flags_for(self, sessions: pd.DataFrame, period: Period, area: str) -> pd.DataFrame:
        flags = self.flags[_in_period(self.flags["date"], period)]
        if area == ALL_AREAS:
            return flags
        # A flag about one area counts for that area; a flag about a whole session
        # counts where that session was; a flag about neither (the profile) always.
        same_area = flags["area"] == area
        no_area = flags["area"].isna()
        session_kept = flags["session"].isin(sessions["session_id"]).fillna(False)
        about_profile = flags["session"].isna()
        keep = same_area.fillna(False) | (no_area & (session_kept | about_profile))
        return flags[keep.astype(bool)]


@dataclass(frozen=True)
class KeyFacts:
    """The figures a dermatologist reads first, from ``queries.sessions_frame`` output."""

    session_count: int
    first_day: str | None
    last_day: str | None
    check_ins: int
    needle_mm: tuple[float, ...] = ()  # every length used, shortest first

    @property
    def needle_lengths(self) -> str:
        """'0.25 mm, 0.5 mm': every length used ('none' when none is known)."""
        return ", ".join(format_mm(length) for length in self.needle_mm) or "none"

    @property
    def needle_range(self) -> str:
        """'0.5 mm', or '0.25–1 mm' for several lengths: short enough for a metric."""
        if len(self.needle_mm) < 2:
            return self.needle_lengths
        return f"{self.needle_mm[0]:g}–{format_mm(self.needle_mm[-1])}"


def key_facts(sessions: pd.DataFrame, timezone: str) -> KeyFacts:
    """How many sessions and check-ins, over which days, with which needle lengths."""
    if sessions.empty:
        return KeyFacts(0, None, None, 0)
    local = sessions["started_at"].dt.tz_convert(timezone)
    return KeyFacts(
        session_count=len(sessions),
        first_day=format_day(local.min()),
        last_day=format_day(local.max()),
        check_ins=int(sessions["has_check_in"].sum()),
        needle_mm=tuple(sorted(set(sessions["needle_mm"].dropna().astype(float)))),
    )


@dataclass(frozen=True)
class KeyFigure:
    """One number on the dashboard: a label, its value, and an optional change."""

    label: str
    value: str
    delta: str | None = None
    # A change gets an arrow (green when it goes the good way); other deltas are grey text.
    delta_is_change: bool = False
    lower_is_better: bool = False
    help: str | None = None
    note: str | None = None


AREA_COLUMNS = ["Area", "Next safe session", "Scar severity", "Change since first rating"]


@dataclass(frozen=True)
class KeyFigures:
    headline: list[KeyFigure]
    # One row per area (AREA_COLUMNS): short enough to read on a phone, unlike 2 cards each.
    areas: pd.DataFrame

    def notes(self) -> list[str]:
        """What some figures need before they can be shown."""
        return [figure.note for figure in self.headline if figure.note]


def key_figures(
    everything: DashboardData, shown: DashboardData, period: Period, today: date
) -> KeyFigures:
    """The key figures: ``everything`` is area-filtered only, ``shown`` also by period."""
    return KeyFigures(
        headline=[
            sessions_in_period(shown.sessions, period),
            days_since_last_session(everything.sessions, everything.timezone, today),
            share_without_serious_flag(shown.sessions, shown.flags),
            redness_change(shown.sessions),
        ],
        areas=area_figures(shown.next_safe, shown.ratings, today),
    )


def sessions_in_period(sessions: pd.DataFrame, period: Period) -> KeyFigure:
    return KeyFigure("Sessions in the period", str(len(sessions)), help=period.describe())


def days_since_last_session(sessions: pd.DataFrame, timezone: str, today: date) -> KeyFigure:
    label = "Since the last session"
    if sessions.empty:
        return KeyFigure(label, "—", note="Days since the last session: no session logged yet.")
    last = max(local_dates(sessions["started_at"], timezone))
    days = (today - last).days
    return KeyFigure(label, "Today" if days == 0 else format_days(days))


def share_without_serious_flag(sessions: pd.DataFrame, flags: pd.DataFrame) -> KeyFigure:
    """Sessions with no warning or critical flag, as a share of the sessions shown."""
    label = "Sessions without a warning"
    if sessions.empty:
        return KeyFigure(label, "—", note="Sessions without a warning: no session in the period.")
    serious = flags[flags["severity"].isin(SERIOUS_SEVERITIES)]["session"].dropna()
    flagged = sessions["session_id"].isin(set(serious.astype("int64")))
    clean = int((~flagged).sum())
    share = round(100 * clean / len(sessions))
    return KeyFigure(
        label,
        f"{share}%",
        delta=f"{clean} of {len(sessions)} sessions",
        help="Sessions with no warning or critical safety flag.",
    )


def redness_change(sessions: pd.DataFrame) -> KeyFigure:
    """Median redness of the last four checked-in sessions against the first four."""
    label = f"Redness, last {REDNESS_WINDOW} sessions (median)"
    redness = sessions["redness_hours"].dropna().astype("float64")
    needed = 2 * REDNESS_WINDOW
    if len(redness) < needed:
        return KeyFigure(
            label,
            "—",
            note=(
                f"The redness trend needs {needed} sessions with a check-in in the period "
                f"(there are {len(redness)})."
            ),
        )
    first = round(float(redness.iloc[:REDNESS_WINDOW].median()), 1)
    last = round(float(redness.iloc[-REDNESS_WINDOW:].median()), 1)
    change = round(last - first, 1)
    return KeyFigure(
        label,
        format_hours(last),
        delta=f"{_signed(change)} h vs the first {REDNESS_WINDOW} ({format_hours(first)})",
        delta_is_change=True,
        lower_is_better=True,
        help=(
            f"How long redness lasted: the median of the last {REDNESS_WINDOW} check-ins "
            f"in the period, against the median of the first {REDNESS_WINDOW}."
        ),
    )


def next_safe_text(next_safe_date: date, today: date) -> str:
    """'Today', or 'Sun 8 Mar 2026 (in 6 days)'."""
    wait = (next_safe_date - today).days
    return "Today" if wait <= 0 else f"{format_day(next_safe_date)} (in {format_days(wait)})"


def area_figures(next_safe: pd.DataFrame, ratings: pd.DataFrame, today: date) -> pd.DataFrame:
    """Per area: the next safe session, the latest scar rating and its change since the
    first rating in the period (a dash and what is needed when there is not enough)."""
    missing = {
        "Next safe session": "— (not treated)",
        "Scar severity": "— (not rated)",
        "Change since first rating": "—",
    }
    rows: dict[str, dict[str, str]] = {}
    soonest = next_safe.sort_values(["next_safe_date", "area"])
    for area, day in zip(soonest["area"].tolist(), soonest["next_safe_date"].tolist(), strict=True):
        rows[area] = {**missing, "Next safe session": next_safe_text(day, today)}
    ordered = ratings.sort_values(["rated_on", "rating_id"])
    for area, mine in ordered.groupby("area", sort=True):
        first, latest = int(mine["severity"].iloc[0]), int(mine["severity"].iloc[-1])
        since = format_day(mine["rated_on"].iloc[0])
        signed = _signed(latest - first).replace("-", "−")
        change = f"{signed} since {since}" if len(mine) > 1 else "— (needs a second rating)"
        rows.setdefault(str(area), dict(missing)).update(
            {"Scar severity": f"{latest}/10", "Change since first rating": change}
        )
    return pd.DataFrame(
        [{"Area": area, **values} for area, values in rows.items()], columns=AREA_COLUMNS
    )


def _signed(change: float) -> str:
    if change == 0:
        return "±0"
    # An ASCII minus: Streamlit's metric reads it to point the arrow down.
    return f"{change:+g}"


def dashboard_charts(
    shown: DashboardData,
    area_order: Sequence[str],
    x_range: tuple[date, date] | None,
    theme: chart_theme.Theme = chart_theme.LIGHT,
) -> dict[str, go.Figure]:
    """The dashboard's charts, keyed by name (also drawn in the PDF and HTML reports),
    in the colours of ``theme`` (the page's; reports are light)."""
    zone = shown.timezone
    return {
        "per_week": figures.sessions_per_week_figure(
            shown.sessions, zone, x_range=x_range, theme=theme
        ),
        "intervals": figures.interval_figure(
            shown.intervals, area_order, x_range=x_range, limits=shown.limits, theme=theme
        ),
        "redness": figures.redness_figure(
            shown.sessions, zone, x_range=x_range, limits=shown.limits, theme=theme
        ),
        "stinging": figures.stinging_figure(
            shown.sessions, zone, x_range=x_range, limits=shown.limits, theme=theme
        ),
        "severity": figures.severity_figure(
            shown.ratings, shown.sessions, zone, area_order, x_range=x_range, theme=theme
        ),
        "flags": figures.flags_figure(shown.flags, x_range=x_range, theme=theme),
    }
