"""Insights: is the treatment working, and what goes with longer redness? (no Streamlit)

Two questions answered from the frames the dashboard reads (``queries.sessions_frame``
and ``queries.scar_ratings_frame``), honestly about how little data there may be:

- **Progress per area.** With at least ``MIN_RATINGS`` scar ratings spread over at least
  ``MIN_SPAN_DAYS`` days, the change since the first rating and a robust trend: the
  Theil–Sen slope (the median of the slopes between every pair of ratings) in points per
  month, with its 95 % interval. The verdict reads the interval: wholly below zero is
  "improving" (severity falls), wholly above is "worsening", spanning zero is "no clear
  change". With fewer ratings there is no number, only how many more are needed.
- **Associations.** For each factor the log holds, the median redness (and stinging) of
  sessions with it against sessions without it, counting only sessions whose check-in
  recorded that outcome. A factor is shown only when each side has at least
  ``MIN_PER_SIDE`` such sessions; the difference comes with a two-sided Mann–Whitney U
  p-value. These are things that *go with* longer redness in this person's log, not
  causes: nothing here controls for anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dermadash.formatting import format_day, format_hours, format_minutes
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile

MIN_RATINGS = 4
MIN_SPAN_DAYS = 28
DAYS_PER_MONTH = 365.25 / 12
CONFIDENCE = 0.95
MIN_PER_SIDE = 3
TOP_FEW = 3

IMPROVING = "improving"
NO_CLEAR_CHANGE = "no clear change"
WORSENING = "worsening"
NOT_ENOUGH = "not enough data yet"

NEEDLE_ABOVE_MM = 0.25
PASSES_ABOVE = 12
PAIN_FROM = 5
EVENING_FROM_HOUR = 18

GOES_WITH = "goes with"
NOT_CAUSES = (
    "“Goes with” is not “causes”: these are differences between the sessions of this log, "
    "and other things that changed at the same time (a new roller, the season, a longer "
    "needle) may explain them. Among many factors compared, about one in twenty shows p "
    "below 0.05 by chance alone."
)


def _minus(text: str) -> str:
    """A typographic minus, as people read it."""
    return text.replace("-", "−")


# --- Progress per area -------------------------------------------------------------------


@dataclass(frozen=True)
class AreaProgress:
    """One area's scar ratings: what changed, and whether the trend is clear."""

    area: str
    ratings: int
    first_day: date
    last_day: date
    first: int
    last: int
    slope_per_month: float | None
    ci_low: float | None
    ci_high: float | None
    more_ratings_needed: int
    rate_on_or_after: date | None

    @property
    def enough(self) -> bool:
        return self.slope_per_month is not None

    @property
    def change(self) -> int | None:
        return self.last - self.first if self.enough else None

    @property
    def verdict(self) -> str:
        if self.ci_low is None or self.ci_high is None:
            return NOT_ENOUGH
        if self.ci_high < 0:
            return IMPROVING
        if self.ci_low > 0:
            return WORSENING
        return NO_CLEAR_CHANGE

    def needs(self) -> str:
        """What is missing before a trend can be read, e.g. '2 more ratings, the last on
        or after Mon 30 Mar 2026'."""
        parts = []
        if self.more_ratings_needed:
            count = self.more_ratings_needed
            parts.append(f"{count} more rating{'' if count == 1 else 's'}")
        if self.rate_on_or_after is not None:
            when = format_day(self.rate_on_or_after)
            parts.append(
                f"the last on or after {when}" if parts else f"a rating on or after {when}"
            )
        return ", ".join(parts)

    def change_text(self) -> str:
        """'7/10 → 5/10 (−2) since Mon 5 Jan 2026'."""
        signed = "±0" if self.change == 0 else _minus(f"{self.change:+d}")
        return f"{self.first}/10 → {self.last}/10 ({signed}) since {format_day(self.first_day)}"

    def trend_text(self) -> str:
        """'−0.42 points a month (95 % interval −0.61 to −0.20)'."""
        if not self.enough:
            return f"needs {self.needs()}"
        slope, low, high = (
            _signed_figure(value or 0.0)
            for value in (self.slope_per_month, self.ci_low, self.ci_high)
        )
        return f"{slope} points a month (95 % interval {low} to {high})"

    def record(self) -> dict[str, object]:
        """The fields of ``python -m dermadash insights --json``."""
        return {
            "area": self.area,
            "ratings": self.ratings,
            "first": self.first,
            "last": self.last,
            "change": self.change,
            "slope_per_month": _rounded(self.slope_per_month, 3),
            "ci_low": _rounded(self.ci_low, 3),
            "ci_high": _rounded(self.ci_high, 3),
            "verdict": self.verdict if self.enough else f"{NOT_ENOUGH}: needs {self.needs()}",
        }


def _signed_figure(value: float) -> str:
    """'−0.42', '+0.10', '0.00': two decimals, a sign unless it rounds to zero."""
    text = f"{value:.2f}"
    if text.lstrip("-") == "0.00":
        return "0.00"
    return _minus(f"{value:+.2f}")


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def area_progress(area: str, ratings: pd.DataFrame) -> AreaProgress:
    """The progress of one area from its ratings (``scar_ratings_frame`` rows)."""
    ordered = ratings.sort_values(["rated_on", "rating_id"])
    moments = pd.to_datetime(ordered["rated_on"]).to_numpy(dtype="datetime64[D]")
    days = (moments - moments[0]).astype("int64")
    severity = ordered["severity"].to_numpy(dtype="float64")
    first_day, last_day = ordered["rated_on"].iloc[0], ordered["rated_on"].iloc[-1]
    more = max(0, MIN_RATINGS - len(ordered))
    short_span = (last_day - first_day).days < MIN_SPAN_DAYS
    slope = low = high = None
    if not more and not short_span:
        from scipy.stats import theilslopes  # scipy.stats takes a second to import: not before

        fit = theilslopes(severity, days, alpha=CONFIDENCE)
        slope, low, high = (
            float(value) * DAYS_PER_MONTH for value in (fit.slope, fit.low_slope, fit.high_slope)
        )
    return AreaProgress(
        area=area,
        ratings=len(ordered),
        first_day=first_day,
        last_day=last_day,
        first=int(severity[0]),
        last=int(severity[-1]),
        slope_per_month=slope,
        ci_low=low,
        ci_high=high,
        more_ratings_needed=more,
        rate_on_or_after=first_day + timedelta(days=MIN_SPAN_DAYS) if short_span else None,
    )


def progress_by_area(ratings: pd.DataFrame) -> list[AreaProgress]:
    """Every rated area's progress, areas by name."""
    return [area_progress(str(area), mine) for area, mine in ratings.groupby("area", sort=True)]


# --- Associations with redness and stinging ----------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a check-in measured: redness in hours or stinging in minutes."""

    name: str
    column: str
    unit: str
    format: Callable[[float], str]


REDNESS = Outcome("redness", "redness_hours", "hours", format_hours)
STINGING = Outcome("stinging", "stinging_minutes", "minutes", format_minutes)
OUTCOMES = (REDNESS, STINGING)

Presence = Callable[[pd.DataFrame, str], pd.Series]


@dataclass(frozen=True)
class Factor:
    """Something a session had or not: ``presence`` gives True/False/NA per session."""

    name: str  # as in the command line's JSON, e.g. "needle above 0.25 mm"
    subject: str  # as a sentence starts, e.g. "A needle above 0.25 mm"
    presence: Presence


def _flag(column: str) -> Presence:
    return lambda sessions, _timezone: sessions[column].astype("boolean")


def _needle_above(sessions: pd.DataFrame, _timezone: str) -> pd.Series:
    return (sessions["needle_mm"].astype("Float64") > NEEDLE_ABOVE_MM).astype("boolean")


def _passes_above(sessions: pd.DataFrame, _timezone: str) -> pd.Series:
    passes = sessions[["passes_vertical", "passes_horizontal", "passes_diagonal"]]
    total = passes.astype("Float64").sum(axis=1, min_count=1)
    return (total > PASSES_ABOVE).astype("boolean")


def _painful(sessions: pd.DataFrame, _timezone: str) -> pd.Series:
    return (sessions["pain"].astype("Float64") >= PAIN_FROM).astype("boolean")


def _evening(sessions: pd.DataFrame, timezone: str) -> pd.Series:
    if sessions.empty:
        return pd.Series([], dtype="boolean", index=sessions.index)
    hours: pd.Series[int] = sessions["started_at"].dt.tz_convert(timezone).dt.hour
    return (hours >= EVENING_FROM_HOUR).astype("boolean")


def _treats(area: str) -> Presence:
    return lambda sessions, _timezone: (
        sessions["areas"].apply(lambda areas: area in areas).astype("boolean")
    )


SESSION_FACTORS = (
    Factor(
        f"needle above {NEEDLE_ABOVE_MM:g} mm",
        f"A needle above {NEEDLE_ABOVE_MM:g} mm",
        _needle_above,
    ),
    Factor(
        f"passes above {PASSES_ABOVE} in total",
        f"More than {PASSES_ABOVE} passes in total",
        _passes_above,
    ),
    Factor("pinpoint bleeding", "Pinpoint bleeding", _flag("pinpoint_bleeding")),
    Factor("retinoid in the 48 h before", "A retinoid in the 48 h before", _flag("retinoid_48h")),
    Factor("makeup within 48 h after", "Makeup within 48 h after", _flag("makeup_48h")),
    Factor("sun within 24 h after", "Direct sun within 24 h after", _flag("sun_24h")),
    Factor("mask applied", "A mask applied after", _flag("mask_applied")),
    Factor(f"pain {PAIN_FROM} or more", f"Pain of {PAIN_FROM} or more (of 10)", _painful),
    Factor(
        f"evening (from {EVENING_FROM_HOUR}:00)",
        f"Rolling in the evening (from {EVENING_FROM_HOUR}:00)",
        _evening,
    ),
)


def factors_for(sessions: pd.DataFrame) -> list[Factor]:
    """The fixed factors, then one per area treated (most treated first)."""
    counts = sessions["areas"].explode().dropna().astype(object).value_counts()
    areas = sorted(counts.index, key=lambda area: (-counts[area], area))
    return [
        *SESSION_FACTORS,
        *(Factor(f"area {area}", f"Treating {area}", _treats(area)) for area in areas),
    ]


@dataclass(frozen=True)
class Association:
    """One factor against one outcome: the medians with and without, and a p-value."""

    factor: str
    subject: str
    outcome: Outcome
    n_with: int
    n_without: int
    median_with: float | None
    median_without: float | None
    p_value: float | None

    @property
    def shown(self) -> bool:
        return self.n_with >= MIN_PER_SIDE and self.n_without >= MIN_PER_SIDE

    @property
    def difference(self) -> float | None:
        if self.median_with is None or self.median_without is None:
            return None
        return self.median_with - self.median_without

    def not_enough_text(self) -> str:
        return f"{NOT_ENOUGH} ({self.n_with} with, {self.n_without} without)"

    def headline(self) -> str:
        """'A needle above 0.25 mm goes with longer redness (+8 h)'."""
        if not self.shown:
            return f"{self.subject}: {self.not_enough_text()}"
        difference = self.difference or 0.0
        if difference == 0:
            return f"{self.subject} {GOES_WITH} no difference in {self.outcome.name}"
        longer = "longer" if difference > 0 else "shorter"
        size = signed_amount(difference, self.outcome.format)
        return f"{self.subject} {GOES_WITH} {longer} {self.outcome.name} ({size})"

    def detail(self) -> str:
        """'median 14 h with it (10 sessions), 6 h without (8); p = 0.003'."""
        if not self.shown:
            return self.not_enough_text()
        with_it = self.outcome.format(round(self.median_with or 0.0, 1))
        without = self.outcome.format(round(self.median_without or 0.0, 1))
        return (
            f"median {with_it} with it ({self.n_with} sessions), {without} without "
            f"({self.n_without}); {p_text(self.p_value)}"
        )

    def record(self) -> dict[str, object]:
        """The fields of ``python -m dermadash insights --json``."""
        return {
            "factor": self.factor,
            "outcome": self.outcome.name,
            "n_with": self.n_with,
            "n_without": self.n_without,
            "median_with": _rounded(self.median_with, 2),
            "median_without": _rounded(self.median_without, 2),
            "difference": _rounded(self.difference, 2),
            "p_value": None if self.p_value is None else float(f"{self.p_value:.3g}"),
            "shown": self.shown,
        }


def signed_amount(value: float, fmt: Callable[[float], str]) -> str:
    """'+8 h', '−3.5 min', '±0 h' (rounded to a tenth)."""
    rounded = round(value, 1)
    sign = "±" if rounded == 0 else ("+" if rounded > 0 else "−")
    return sign + fmt(abs(rounded))


def p_text(p_value: float | None) -> str:
    if p_value is None:
        return "no test"
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def associate(
    factor: Factor, outcome: Outcome, values: np.ndarray, present: np.ndarray
) -> Association:
    """The factor's sessions (``present`` 1) against the others (0), on the sessions that
    recorded the outcome (``values`` not NaN); NaN in either is on neither side."""
    known = ~np.isnan(values)
    with_values = values[known & (present == 1)]
    without_values = values[known & (present == 0)]
    n_with, n_without = len(with_values), len(without_values)
    if n_with < MIN_PER_SIDE or n_without < MIN_PER_SIDE:
        return Association(
            factor.name, factor.subject, outcome, n_with, n_without, None, None, None
        )
    from scipy.stats import mannwhitneyu  # scipy.stats takes a second to import: not before

    test = mannwhitneyu(with_values, without_values, alternative="two-sided")
    p_value = float(test.pvalue)
    return Association(
        factor=factor.name,
        subject=factor.subject,
        outcome=outcome,
        n_with=n_with,
        n_without=n_without,
        median_with=float(np.median(with_values)),
        median_without=float(np.median(without_values)),
        p_value=None if np.isnan(p_value) else p_value,
    )


def _as_numbers(column: pd.Series) -> np.ndarray:
    """A nullable column as floats, NA as NaN (True/False as 1/0)."""
    return column.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _by_size(associations: Sequence[Association]) -> list[Association]:
    """Shown ones by size of the difference (largest first), then the rest in factor order."""
    shown = [item for item in associations if item.shown]
    rest = [item for item in associations if not item.shown]
    return sorted(shown, key=lambda item: -abs(item.difference or 0.0)) + rest


def associations(sessions: pd.DataFrame, timezone: str) -> list[Association]:
    """Every factor against redness, then against stinging, each sorted by size."""
    # Each column as plain numbers once: a pair is then only numpy masks and a test.
    presence = [
        (factor, _as_numbers(factor.presence(sessions, timezone)))
        for factor in factors_for(sessions)
    ]
    found: list[Association] = []
    for outcome in OUTCOMES:
        values = _as_numbers(sessions[outcome.column])
        found += _by_size(
            [associate(factor, outcome, values, present) for factor, present in presence]
        )
    return found


# --- Both together -----------------------------------------------------------------------


@dataclass(frozen=True)
class Insights:
    progress: list[AreaProgress]
    associations: list[Association]
    checked_in: int  # sessions with a check-in

    def for_outcome(self, outcome: Outcome) -> list[Association]:
        return [item for item in self.associations if item.outcome == outcome]

    def recorded(self, outcome: Outcome) -> bool:
        """Whether any session's check-in recorded this outcome."""
        return any(item.n_with + item.n_without for item in self.for_outcome(outcome))

    def top(self, outcome: Outcome, count: int = TOP_FEW) -> list[Association]:
        """The largest differences with enough data on both sides."""
        return [item for item in self.for_outcome(outcome) if item.shown][:count]

    def records(self) -> dict[str, list[dict[str, object]]]:
        """What ``python -m dermadash insights --json`` prints."""
        return {
            "areas": [area.record() for area in self.progress],
            "factors": [item.record() for item in self.associations],
        }


def compute(sessions: pd.DataFrame, ratings: pd.DataFrame, timezone: str) -> Insights:
    """Progress per area and every association, over everything in the frames."""
    return Insights(
        progress=progress_by_area(ratings),
        associations=associations(sessions, timezone),
        checked_in=int(sessions["has_check_in"].sum()) if not sessions.empty else 0,
    )


def profile_insights(engine: Engine, profile_id: int) -> Insights:
    """The insights of one profile, read from the database (command line, report)."""
    profile = load_profile(engine, profile_id)
    return compute(
        queries.sessions_frame(engine, profile_id),
        queries.scar_ratings_frame(engine, profile_id),
        profile.timezone,
    )


# --- Worded for tables (pages, report, command line) ------------------------------------

PROGRESS_COLUMNS = ["Area", "Ratings", "Change", "Trend", "Verdict"]
ASSOCIATION_COLUMNS = ["Factor", "With", "Without", "Difference", "Test"]


def _sessions(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


def progress_table(progress: Sequence[AreaProgress]) -> pd.DataFrame:
    """One row per area, worded: what changed, the trend and its reading."""
    rows = [
        {
            "Area": item.area,
            "Ratings": str(item.ratings),
            "Change": item.change_text() if item.enough else "—",
            "Trend": item.trend_text(),
            "Verdict": item.verdict,
        }
        for item in progress
    ]
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def association_table(items: Sequence[Association]) -> pd.DataFrame:
    """One row per factor, worded: medians and counts each side, difference, test."""
    rows = []
    for item in items:
        if item.shown:
            fmt = item.outcome.format
            difference = item.difference or 0.0
            rows.append(
                {
                    "Factor": item.subject,
                    "With": f"{fmt(round(item.median_with or 0.0, 1))} ({_sessions(item.n_with)})",
                    "Without": (
                        f"{fmt(round(item.median_without or 0.0, 1))} ({_sessions(item.n_without)})"
                    ),
                    "Difference": signed_amount(difference, fmt),
                    "Test": p_text(item.p_value),
                }
            )
        else:
            rows.append(
                {
                    "Factor": item.subject,
                    "With": _sessions(item.n_with),
                    "Without": _sessions(item.n_without),
                    "Difference": item.not_enough_text(),
                    "Test": "—",
                }
            )
    return pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS)


def as_text(found: Insights) -> str:
    """The insights as plain text, for the command line."""
    lines = ["Progress per area (scar severity 0-10, lower is better):"]
    if not found.progress:
        lines.append("  No scar ratings yet: rate your scars every week or two.")
    for area in found.progress:
        if area.enough:
            lines.append(
                f"  {area.area}: {area.verdict}. {area.change_text()}, {area.ratings} ratings; "
                f"{area.trend_text()}"
            )
        else:
            lines.append(
                f"  {area.area}: {NOT_ENOUGH} ({area.ratings} rating"
                f"{'' if area.ratings == 1 else 's'}); needs {area.needs()}"
            )
    for outcome in OUTCOMES:
        lines += [
            "",
            f"What {GOES_WITH} longer or shorter {outcome.name} (medians, in {outcome.unit}):",
        ]
        if not found.recorded(outcome):
            lines.append(f"  No check-in has recorded {outcome.name} yet.")
            continue
        for item in found.for_outcome(outcome):
            lines.append(
                f"  {item.headline()}: {item.detail()}" if item.shown else f"  {item.headline()}"
            )
    lines += ["", NOT_CAUSES]
    return "\n".join(lines)
