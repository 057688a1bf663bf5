"""Dashboard charts: pure builders, DataFrame in, plotly Figure out (no Streamlit).

Every builder takes already-filtered frames (``queries.sessions_frame`` rows, scar
ratings, the rule engine's flags and ``area_intervals``) and returns a figure with a
title, axis titles with units, hover text and a legend in plain words. Colours are
the Okabe–Ito palette, and severity is told by marker shape as well as colour.

Every builder takes the ``Theme`` it is drawn for (``LIGHT`` or ``DARK``: the page's,
from ``st.context.theme``; reports are light); ``chart_theme`` holds the colours and
the frame, and each builder picks its marks' colours from it by name.

When there is nothing to draw, a builder still returns a figure, with the reason and
what to do next in ``empty_message(figure)``; a trend that needs more data says what
it needs in ``chart_notes(figure)``. Long histories are aggregated per week (or month)
so no chart ships thousands of points.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dermadash.dashboard.chart_theme import LIGHT, Theme, frame
from dermadash.formatting import format_day, format_mm, format_share
from dermadash.frame_rows import frame_rows
from dermadash.rules.evaluation import SEVERITY_RANK
from dermadash.rules.protocol import Protocol, load_protocol
from dermadash.timezones import local_dates

# Orange and vermillion are kept for warnings, so areas never look like a flag.
AREA_COLOURS = ("blue", "bluish_green", "reddish_purple", "sky_blue", "ink", "yellow")
AREA_SYMBOLS = ("circle", "square", "diamond", "triangle-down", "pentagon", "hexagon")
SEVERITY_STYLE = {
    "critical": ("vermillion", "x"),
    "warning": ("orange", "triangle-up"),
    "info": ("blue", "circle"),
}
SEVERITY_LABEL = {"critical": "Critical", "warning": "Warning", "info": "Note"}

MAX_POINTS = 400  # points one chart draws at most (all its areas together), else weeks, months
CHART_HEIGHT = 340
# After drawing a chart, plotly measures the room its axis labels and legend take and,
# when that is more than the margins, draws the whole chart again. Margins that already
# hold them (as Streamlit's page draws them) make one draw, and nothing moves once drawn.
MARGIN_PX = {"l": 68, "r": 28, "t": 48, "b": 84}  # y ticks and title; the last date; x ticks, title
LEGEND_ROW_PX = 22  # one legend entry per line, below the chart
DAY_MS = 24 * 60 * 60 * 1000
# Date ticks on one line at every zoom, day first like every date in dermadash (plotly's
# own put the year on a second line under the first tick: a height no margin can know).
DATE_TICKS = (
    {"dtickrange": [None, DAY_MS], "value": "%-d %b %H:%M"},
    {"dtickrange": [DAY_MS, "M1"], "value": "%-d %b"},
    {"dtickrange": ["M1", "M6"], "value": "%b %Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
)
SUBTITLE_MARGIN_PX = 76
CATEGORY_CHAR_PX = 7  # the room one character of a category tick label takes, at most
CATEGORY_PAD_PX = 12  # between a category tick label and the chart's edge
TREND_MINIMUM_RATINGS = 3
TREND_WINDOW = 3
# Needle changes are labelled on the scar chart only when the labels cannot crowd: at
# most this many, each at least this share of the time axis from the next. Otherwise the
# marker at each line's top names the change on hover.
NEEDLE_LABELS_AT_MOST = 3
NEEDLE_LABEL_GAP_SHARE = 0.2
NEEDLE_MARKER_Y = 10.3  # the top of the 0-10 axis (its range is -0.3 to 10.3)
DateRange = tuple[date, date]


@dataclass(frozen=True)
class ChartLimits:
    """The protocol's numbers the charts show (threshold lines, legend words): the same
    numbers the rules flag by, so a profile's overrides move the charts too."""

    redness_warning_hours: float
    redness_critical_hours: float
    stinging_warning_minutes: float
    too_soon_critical_fraction: float = 0.5

    @classmethod
    def from_protocol(cls, protocol: Protocol | None = None) -> ChartLimits:
        protocol = protocol or load_protocol()
        return cls(
            redness_warning_hours=protocol.value("redness-too-long.warning_hours"),
            redness_critical_hours=protocol.value("redness-too-long.critical_hours"),
            stinging_warning_minutes=protocol.value("stinging-too-long.max_minutes"),
            too_soon_critical_fraction=protocol.value("too-frequent.critical_fraction"),
        )


_META_EMPTY = "empty"
_META_NOTES = "notes"


@dataclass(frozen=True)
class AreaStyle:
    colour: str
    symbol: str


def area_styles(areas: Iterable[str], theme: Theme = LIGHT) -> dict[str, AreaStyle]:
    """A stable colour and marker per area (pass every known area so filters keep them)."""
    return {
        area: AreaStyle(
            theme.colour(AREA_COLOURS[index % len(AREA_COLOURS)]),
            AREA_SYMBOLS[index % len(AREA_SYMBOLS)],
        )
        for index, area in enumerate(dict.fromkeys(areas))
    }


def empty_message(figure: go.Figure) -> str | None:
    """Why a figure has nothing to show and what to do next, or None when it has data."""
    message: str | None = _meta(figure).get(_META_EMPTY)
    return message


def chart_notes(figure: go.Figure) -> list[str]:
    """Plain-words notes about what a chart cannot show yet (e.g. a trend needs more)."""
    return list(_meta(figure).get(_META_NOTES, []))


def for_the_page(figure: go.Figure) -> go.Figure:
    """``figure`` without a template, as Streamlit's page draws it (its frame is in its
    layout): plotly.js compares a template by identity, so a copy of the figure would
    count as a new chart and be drawn again (see ``chart_theme``). Changes ``figure``."""
    figure.layout.template = None  # None, not absent: absent, plotly adds its default
    return figure


def _meta(figure: go.Figure) -> dict[str, Any]:
    """What a builder noted about its figure (``to_figure`` stores it as JSON text)."""
    meta = figure.layout.meta
    return json.loads(meta) if isinstance(meta, str) else {}


class _Draft:
    """A figure being assembled as plain dicts, made a plotly ``Figure`` once at the end.

    Plotly validates every incremental change (``add_scatter``, ``add_hline``...), which
    costs tens of milliseconds per chart; building dicts and validating once is ~10x
    faster. The method names mirror plotly's for the few calls the builders make.
    """

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.data: list[dict[str, Any]] = []
        self.layout: dict[str, Any] = {"shapes": [], "annotations": [], **frame(theme)}

    def add_scatter(self, **trace: Any) -> None:
        self.data.append({"type": "scatter", **trace})

    def add_bar(self, **trace: Any) -> None:
        self.data.append({"type": "bar", **trace})

    def update_layout(self, **changes: Any) -> None:
        _merge_magic(self.layout, changes)

    def update_xaxes(self, **changes: Any) -> None:
        _merge_magic(self.layout["xaxis"], changes)

    def update_yaxes(self, **changes: Any) -> None:
        _merge_magic(self.layout["yaxis"], changes)

    def add_annotation(self, **annotation: Any) -> None:
        self.layout["annotations"].append(annotation)

    def add_hline(
        self, y: float, line: dict[str, Any], label: str, label_font: dict[str, Any]
    ) -> None:
        self.layout["shapes"].append(
            {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y}
            | {"line": line}
        )
        self.add_annotation(
            text=label,
            font=label_font,
            xref="paper",
            x=0,
            xanchor="left",
            yref="y",
            y=y,
            yanchor="bottom",
            showarrow=False,
        )

    def add_vline_only(self, x: object, line: dict[str, Any]) -> None:
        """A vertical line across the plot at ``x``, without a label."""
        self.layout["shapes"].append(
            {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "xref": "x", "x0": x, "x1": x}
            | {"line": line}
        )

    def add_vline(
        self, x: object, line: dict[str, Any], label: str, label_font: dict[str, Any]
    ) -> None:
        self.add_vline_only(x, line)
        self.add_annotation(
            text=label,
            font=label_font,
            bgcolor=self.theme.label_box,
            xref="x",
            x=x,
            xanchor="left",
            yref="paper",
            y=1,
            yanchor="top",
            showarrow=False,
        )

    def colour(self, name: str) -> str:
        return self.theme.colour(name)

    @property
    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = self.layout["meta"]
        return meta

    def to_figure(self) -> go.Figure:
        """The plotly figure, built without plotly's per-property validation.

        Validation is most of what building a figure costs, and the builders only ever
        set the same known properties: ``tests/test_figures.py`` validates every
        builder's output on real data (empty, daily, weekly and monthly) instead.
        """
        for trace in self.data:
            for name in ("x", "y", "customdata"):
                if name in trace:
                    trace[name] = _plain_array(trace[name])
        layout = _without_empty(self.layout)
        # Plotly.js compares an object here by identity: each copy Streamlit hands it
        # would count as new, and the chart be drawn again (see ``chart_theme``).
        layout["meta"] = json.dumps(layout["meta"])
        layout["datarevision"] = data_fingerprint(self.data)
        # Not None: with none set, plotly deep-copies its default template (thousands of
        # objects) into the figure, which the page (``for_the_page``) and the report
        # (``report.chart_images``) then replace anyway.
        layout.setdefault("template", {})
        return go.Figure({"data": self.data, "layout": layout}, _validate=False)


def data_fingerprint(traces: Sequence[dict[str, Any]]) -> str:
    """A digest of everything in ``traces``, their data arrays included.

    Set as ``datarevision``, it tells plotly in the browser whether the data changed.
    Without it, plotly takes each copy of the same arrays for new data (Streamlit hands
    it a copy right after the first draw) and computes and draws the chart again.
    """
    digest = hashlib.blake2b(digest_size=12)
    for trace in traces:
        _digest_into(digest, trace)
    return digest.hexdigest()


def _digest_into(digest: Any, value: object) -> None:
    if isinstance(value, np.ndarray):
        digest.update(str(value.dtype).encode())
        digest.update(value.tobytes() if value.dtype != object else repr(value.tolist()).encode())
    elif isinstance(value, dict):
        for key in sorted(value):
            digest.update(f"\x1e{key}=".encode())
            _digest_into(digest, value[key])
    elif isinstance(value, list | tuple):
        digest.update(f"\x1d{len(value)}[".encode())
        if any(isinstance(item, dict | list | tuple | np.ndarray) for item in value):
            for item in value:
                _digest_into(digest, item)
        else:  # plain values: one repr is exact and much quicker than one per value
            digest.update(repr(value).encode())
    else:
        digest.update(f"{type(value).__name__}:{value!r}\x1f".encode())


def _plain_array(values: object) -> object:
    """Trace data in the form plotly handles best: numbers as lists, the rest as NumPy.

    Plotly sends NumPy numbers to the browser as base64 typed arrays, and plotly.js
    cannot tell two copies of those apart by ``datarevision``: it would compute and
    draw each chart again when Streamlit hands it a copy. Dates and text stay NumPy
    arrays, which plotly validates much faster than pandas objects or nested lists.
    """
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.tolist()
    if isinstance(values, list) and values and isinstance(values[0], list):
        return np.array(values, dtype=object)
    return values


def _without_empty(layout: dict[str, Any]) -> dict[str, Any]:
    """The layout without unset values and empty lists or settings (plotly's validation
    drops them)."""
    cleaned: dict[str, Any] = {}
    for key, value in layout.items():
        if isinstance(value, dict) and key != "meta":
            value = _without_empty(value)
        if value is None or (isinstance(value, list | dict) and not value):
            continue
        cleaned[key] = value
    return cleaned


def _merge_magic(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """Merge plotly-style keyword changes ('title_text' means title.text) into a dict."""
    for key, value in changes.items():
        *parents, leaf = key.split("_")
        node = target
        for parent in parents:
            node = node.setdefault(parent, {})
        if isinstance(value, dict) and isinstance(node.get(leaf), dict):
            _deep_update(node[leaf], value)
        else:
            node[leaf] = value


def _deep_update(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """Settings in ``changes`` over those in ``target``, nested settings merged."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value


def _base_figure(
    title: str, x_title: str, y_title: str, theme: Theme, height: int = CHART_HEIGHT
) -> _Draft:
    figure = _Draft(theme)
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        height=height,
        margin=dict(MARGIN_PX),
        font={"size": 13},
        # Below the chart, one entry per line: the room it takes does not depend on the
        # width of the screen, so ``_finish`` can reserve it.
        legend={
            "orientation": "v",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "font": {"size": 12},
            "tracegroupgap": 0,
        },
        hoverlabel={"font": {"size": 13}},
        hovermode="closest",
        showlegend=True,
        meta={_META_EMPTY: None, _META_NOTES: []},
    )
    figure.update_xaxes(title_text=x_title, tickformatstops=[dict(stop) for stop in DATE_TICKS])
    figure.update_yaxes(title_text=y_title, rangemode="tozero")
    return figure


def _finish(figure: _Draft, x_range: DateRange | None = None) -> go.Figure:
    """Show the whole period on the time axis; grow the chart and its bottom margin with
    its legend (drawn below it), so the plot keeps its height and the legend its room."""
    if x_range is not None:
        start, end = (pd.Timestamp(day) for day in x_range)
        figure.update_xaxes(range=[start - pd.Timedelta(days=1), end + pd.Timedelta(days=1)])
    entries = sum(1 for item in figure.data if item.get("showlegend") is not False)
    if figure.layout.get("showlegend") is not False and entries:
        legend_px = LEGEND_ROW_PX * entries
        figure.update_layout(
            height=figure.layout["height"] + legend_px,
            margin_b=figure.layout["margin"]["b"] + legend_px,
        )
    return figure.to_figure()


def _mark_empty(figure: _Draft, message: str) -> go.Figure:
    figure.meta[_META_EMPTY] = message
    figure.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14},
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure.to_figure()


def _add_note(figure: _Draft, note: str) -> None:
    figure.meta[_META_NOTES].append(note)


def _threshold_line(figure: _Draft, value: float, label: str, colour_name: str) -> None:
    figure.add_hline(
        value,
        line={"color": figure.colour(colour_name), "dash": "dash", "width": 2},
        label=label,
        label_font={"color": figure.colour(colour_name), "size": 12},
    )


# --- Aggregation --------------------------------------------------------------------


def bucket_for(
    days: pd.Series, groups: pd.Series | None = None, max_points: int = MAX_POINTS
) -> str:
    """'day' when the chart's points (one per date) fit in ``max_points``, else 'week'
    when one point per group and week fits, else 'month'.

    The budget is the chart's, not each group's: four areas of five years each within
    the budget would still draw four times as many points as a phone can show.
    """
    if len(days) <= max_points:
        return "day"
    weeks = pd.to_datetime(days).dt.to_period("W-SUN")
    keys = weeks if groups is None else pd.DataFrame({"group": groups, "week": weeks})
    return "week" if len(keys.drop_duplicates()) <= max_points else "month"


def bucket_start(days: pd.Series, bucket: str) -> pd.Series:
    """The first day of each date's bucket: the day itself, its Monday or its 1st."""
    stamps = pd.to_datetime(days)
    if bucket == "day":
        return stamps.dt.normalize()
    period = "W-SUN" if bucket == "week" else "M"
    return stamps.dt.to_period(period).dt.start_time


@lru_cache(maxsize=8192)
def _phrase(bucket: str, start: date) -> str:
    if bucket == "week":
        return f"week of {format_day(start)}"
    if bucket == "month":
        return f"{start:%B %Y}"
    return format_day(start)


def _bucket_phrases(bucket: str, starts: Iterable[object]) -> list[str]:
    """How each bucket is named in hover text ('Mon 3 Mar 2026', 'week of ...')."""
    stamps = pd.DatetimeIndex(starts)  # type: ignore[arg-type]  # dates of any kind
    if stamps.tz is not None:
        stamps = stamps.tz_localize(None)  # the wall-clock day
    # NumPy turns datetime64 days into dates in one loop; pandas makes a Timestamp each.
    days = stamps.to_numpy().astype("datetime64[D]").astype(object)
    return [_phrase(bucket, day) for day in days]


def _day_labels(days: Iterable[object]) -> list[str]:
    return _bucket_phrases("day", days)


def plotly_literal(text: str) -> str:
    """Typed text (an area name, a flag message) as plotly shows it: literally.

    Plotly draws legends and hover labels from a subset of HTML (links included) and
    fills ``%{...}`` placeholders in hover templates; both are escaped here.
    """
    return html.escape(text, quote=False).replace("%{", "%&#123;")


def _areas_text(areas: list[str] | tuple[str, ...] | str | float | None) -> str:
    """The areas, comma-separated, escaped for plotly (see ``plain``)."""
    if isinstance(areas, list | tuple):
        return _joined_areas(tuple(areas))
    return plotly_literal(str(areas)) if areas is not None and not pd.isna(areas) else "no area"


@lru_cache(maxsize=1024)
def _joined_areas(areas: tuple[str, ...]) -> str:
    """A session's areas as one text (a long log repeats a few combinations)."""
    return plotly_literal(", ".join(str(area) for area in areas)) or "no area"


# --- Frequency ----------------------------------------------------------------------


def sessions_per_week_figure(
    sessions: pd.DataFrame,
    timezone: str,
    *,
    x_range: DateRange | None = None,
    theme: Theme = LIGHT,
) -> go.Figure:
    """Bars of sessions per calendar week (Monday start), empty weeks included."""
    figure = _base_figure("Sessions per week", "Week starting (Monday)", "Sessions (count)", theme)
    if sessions.empty:
        return _mark_empty(figure, "No sessions in this period: log a session to see it here.")
    days = local_dates(sessions["started_at"], timezone)
    bucket = (
        "week" if pd.to_datetime(days).dt.to_period("W-SUN").nunique() <= MAX_POINTS else "month"
    )
    counts = bucket_start(days, bucket).value_counts().sort_index()
    frequency = "W-MON" if bucket == "week" else "MS"
    every = pd.date_range(counts.index.min(), counts.index.max(), freq=frequency)
    counts = counts.reindex(every, fill_value=0)
    labels = _bucket_phrases(bucket, counts.index)
    figure.add_bar(
        x=counts.index,
        y=counts.to_numpy(),
        name="Sessions that week" if bucket == "week" else "Sessions that month",
        marker={"color": figure.colour("blue")},
        customdata=labels,
        hovertemplate="%{customdata}: %{y} session(s)<extra></extra>",
    )
    if bucket == "month":
        figure.update_layout(title_text="Sessions per month")
        figure.update_xaxes(title_text="Month")
        figure.update_yaxes(title_text="Sessions (count)")
    figure.update_layout(showlegend=False, bargap=0.15)
    figure.update_yaxes(dtick=1 if counts.max() <= 6 else None)
    return _finish(figure, x_range)


def interval_figure(
    intervals: pd.DataFrame,
    area_order: Sequence[str] = (),
    *,
    x_range: DateRange | None = None,
    limits: ChartLimits | None = None,
    theme: Theme = LIGHT,
) -> go.Figure:
    """Days between consecutive sessions on each area, against the minimum interval."""
    figure = _base_figure(
        "Days between sessions on the same area",
        "Session date",
        "Gap since the last session (days)",
        theme,
    )
    rows = intervals.dropna(subset=["days_since_previous"]) if not intervals.empty else intervals
    if rows.empty:
        message = (
            "No repeat sessions in this period: the gap between sessions shows from the "
            "second session on an area."
        )
        return _mark_empty(figure, message)
    rows = rows.assign(
        days=rows["days_since_previous"].astype("float64"),
        day=pd.to_datetime(rows["local_date"]),
    )
    bucket = bucket_for(rows["day"], rows["area"])
    rows = rows.assign(bucket=bucket_start(rows["day"], bucket))
    # When aggregated, each point is the shortest gap of its bucket: the one that matters.
    # (One aggregation per column: pandas' named aggregation costs several times more.)
    grouped = rows.groupby(["area", "bucket"], sort=False)
    points = (
        pd.DataFrame(
            {
                "days": grouped["days"].min(),
                "sessions": grouped.size(),
                "minimum": grouped["minimum_days"].max(),
                "too_frequent": grouped["too_frequent"].any(),
                "critical": grouped["critical"].any(),
            }
        )
        .reset_index()
        .sort_values("bucket", kind="stable")
    )
    per_area = {str(area): mine for area, mine in points.groupby("area", sort=False)}
    styles = area_styles([*area_order, *sorted(per_area)], figure.theme)
    for area in [name for name in styles if name in per_area]:
        mine = per_area[area]
        style = styles[area]
        figure.add_scatter(
            x=mine["bucket"],
            y=mine["days"],
            mode="markers",
            name=plotly_literal(area),
            marker={"color": style.colour, "symbol": style.symbol, "size": 9},
            customdata=[
                [phrase, count, minimum]
                for phrase, count, minimum in zip(
                    _bucket_phrases(bucket, mine["bucket"]),
                    mine["sessions"],
                    mine["minimum"],
                    strict=True,
                )
            ],
            hovertemplate=(
                f"<b>{plotly_literal(area)}</b><br>%{{customdata[0]}}<br>"
                + ("Shortest gap: " if bucket != "day" else "Gap: ")
                + "%{y} days (minimum %{customdata[2]} days)"
                + ("<br>%{customdata[1]} session(s)" if bucket != "day" else "")
                + "<extra></extra>"
            ),
        )
    minimum = points.groupby("bucket")["minimum"].max().sort_index()
    figure.add_scatter(
        x=minimum.index,
        y=minimum.to_numpy(),
        mode="lines",
        name="Minimum interval",
        line={"color": figure.colour("orange"), "dash": "dash", "width": 2, "shape": "hv"},
        hovertemplate="Minimum interval: %{y} days<extra></extra>",
    )
    _overlay_marks(
        figure,
        points[points["too_frequent"] & ~points["critical"]],
        "Too soon (under the minimum)",
        "warning",
    )
    fraction = (limits or ChartLimits.from_protocol()).too_soon_critical_fraction
    _overlay_marks(
        figure,
        points[points["critical"]],
        f"Far too soon (under {format_share(fraction)} of the minimum)",
        "critical",
    )
    return _finish(figure, x_range)


def _overlay_marks(figure: _Draft, points: pd.DataFrame, name: str, severity: str) -> None:
    if points.empty:
        return
    colour_name, symbol = SEVERITY_STYLE[severity]
    figure.add_scatter(
        x=points["bucket"],
        y=points["days"],
        mode="markers",
        name=name,
        marker={
            "color": figure.colour(colour_name),
            "symbol": f"{symbol}-open" if symbol != "x" else "x-thin-open",
            "size": 16,
            "line": {"width": 3, "color": figure.colour(colour_name)},
        },
        customdata=[plotly_literal(area) for area in points["area"]],
        hovertemplate=f"{name}<br>%{{customdata}}: %{{y}} days<extra></extra>",
    )


# --- Skin reaction: redness and stinging ---------------------------------------------


@dataclass(frozen=True)
class _Threshold:
    value: float
    label: str
    severity: str


def _reaction_figure(
    sessions: pd.DataFrame,
    timezone: str,
    *,
    column: str,
    title: str,
    y_title: str,
    unit: str,
    noun: str,
    thresholds: Sequence[_Threshold],
    x_range: DateRange | None,
    theme: Theme,
) -> go.Figure:
    figure = _base_figure(title, "Session date", y_title, theme)
    known = sessions.dropna(subset=[column]) if not sessions.empty else sessions
    if known.empty:
        message = (
            f"No {noun} recorded in this period: add a check-in after a session "
            f"(how long the {noun} lasted) to see it here."
        )
        return _mark_empty(figure, message)
    for threshold in thresholds:
        _threshold_line(
            figure, threshold.value, threshold.label, SEVERITY_STYLE[threshold.severity][0]
        )
    rows = pd.DataFrame(
        {
            "day": pd.to_datetime(local_dates(known["started_at"], timezone)),
            "value": known[column].astype("float64").to_numpy(),
            "areas": [_areas_text(areas) for areas in known["areas"]],
        }
    )
    bucket = bucket_for(rows["day"])
    if bucket == "day":
        figure.add_scatter(
            x=rows["day"],
            y=rows["value"],
            mode="lines+markers",
            name=f"{noun.capitalize()} per session",
            line={"color": figure.colour("blue"), "width": 1.5},
            marker={"color": figure.colour("blue"), "symbol": "circle", "size": 7},
            customdata=[
                [label, areas]
                for label, areas in zip(_day_labels(rows["day"]), rows["areas"], strict=True)
            ],
            hovertemplate=(
                "%{customdata[0]}<br>%{customdata[1]}<br>"
                f"{noun.capitalize()}: %{{y}} {unit}<extra></extra>"
            ),
        )
    else:
        grouped = rows.assign(bucket=bucket_start(rows["day"], bucket)).groupby("bucket")["value"]
        medians = grouped.median()
        figure.add_scatter(
            x=medians.index,
            y=medians.to_numpy(),
            mode="lines+markers",
            name=f"Median {noun} per {bucket}",
            line={"color": figure.colour("blue"), "width": 1.5},
            marker={"color": figure.colour("blue"), "symbol": "circle", "size": 6},
            customdata=[
                [phrase, count]
                for phrase, count in zip(
                    _bucket_phrases(bucket, medians.index), grouped.size(), strict=True
                )
            ],
            hovertemplate=(
                f"%{{customdata[0]}}<br>Median {noun}: %{{y}} {unit}"
                "<br>%{customdata[1]} session(s)<extra></extra>"
            ),
        )
    # Sessions over a threshold are always drawn one by one: they are few and they matter.
    bounds = [threshold.value for threshold in thresholds] + [float("inf")]
    for threshold, upper in zip(thresholds, bounds[1:], strict=True):
        over = rows[(rows["value"] > threshold.value) & (rows["value"] <= upper)]
        if over.empty:
            continue
        colour_name, symbol = SEVERITY_STYLE[threshold.severity]
        figure.add_scatter(
            x=over["day"],
            y=over["value"],
            mode="markers",
            name=f"Over {threshold.value:g} {unit} ({SEVERITY_LABEL[threshold.severity].lower()})",
            marker={
                "color": figure.colour(colour_name),
                "symbol": symbol,
                "size": 13,
                "line": {"width": 1, "color": figure.theme.background},
            },
            customdata=[
                [label, areas]
                for label, areas in zip(_day_labels(over["day"]), over["areas"], strict=True)
            ],
            hovertemplate=(
                "%{customdata[0]}<br>%{customdata[1]}<br>"
                f"{noun.capitalize()}: %{{y}} {unit}<extra></extra>"
            ),
        )
    return _finish(figure, x_range)


def redness_figure(
    sessions: pd.DataFrame,
    timezone: str,
    *,
    x_range: DateRange | None = None,
    limits: ChartLimits | None = None,
    theme: Theme = LIGHT,
) -> go.Figure:
    """How long redness lasted after each session, with the warning (24 h) and critical
    (72 h) lines."""
    limits = limits or ChartLimits.from_protocol()
    warning, critical = limits.redness_warning_hours, limits.redness_critical_hours
    return _reaction_figure(
        sessions,
        timezone,
        column="redness_hours",
        title="How long redness lasted",
        y_title="Redness (hours)",
        unit="h",
        noun="redness",
        thresholds=(
            _Threshold(warning, f"{warning:g} h: longer is a warning", "warning"),
            _Threshold(critical, f"{critical:g} h: longer, see a dermatologist", "critical"),
        ),
        x_range=x_range,
        theme=theme,
    )


def stinging_figure(
    sessions: pd.DataFrame,
    timezone: str,
    *,
    x_range: DateRange | None = None,
    limits: ChartLimits | None = None,
    theme: Theme = LIGHT,
) -> go.Figure:
    """How long stinging lasted after each session, with the warning (30 min) line."""
    warning = (limits or ChartLimits.from_protocol()).stinging_warning_minutes
    return _reaction_figure(
        sessions,
        timezone,
        column="stinging_minutes",
        title="How long stinging lasted",
        y_title="Stinging (minutes)",
        unit="min",
        noun="stinging",
        thresholds=(_Threshold(warning, f"{warning:g} min: longer is a warning", "warning"),),
        x_range=x_range,
        theme=theme,
    )


# --- Scar severity -------------------------------------------------------------------


def needle_changes(sessions: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The sessions where the needle length differs from the session before."""
    columns = ["day", "before_mm", "after_mm"]
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    ordered = sessions.sort_values(["started_at", "session_id"])
    previous = ordered["needle_mm"].shift()
    changed = previous.notna() & (ordered["needle_mm"] != previous)
    return pd.DataFrame(
        {
            "day": pd.to_datetime(local_dates(ordered.loc[changed, "started_at"], timezone)),
            "before_mm": previous[changed].to_numpy(),
            "after_mm": ordered.loc[changed, "needle_mm"].to_numpy(),
        },
        columns=columns,
    ).reset_index(drop=True)


def severity_figure(
    ratings: pd.DataFrame,
    sessions: pd.DataFrame,
    timezone: str,
    area_order: Sequence[str] = (),
    *,
    x_range: DateRange | None = None,
    theme: Theme = LIGHT,
) -> go.Figure:
    """Self-rated scar severity per area, a smoothed trend and the needle changes."""
    figure = _base_figure(
        "Scar severity (your own rating)", "Rating date", "Severity (0–10)", theme
    )
    figure.update_layout(
        title_subtitle_text="0 = no visible scars, 10 = worst", margin_t=SUBTITLE_MARGIN_PX
    )
    if ratings.empty:
        message = (
            "No scar ratings in this period: rate each area every week or two "
            "(0 = no visible scars, 10 = worst) to see a trend."
        )
        return _mark_empty(figure, message)
    rows = ratings.assign(day=pd.to_datetime(ratings["rated_on"])).sort_values(["day", "rating_id"])
    bucket = bucket_for(rows["day"], rows["area"])
    rows = rows.assign(bucket=bucket_start(rows["day"], bucket))
    points = (
        rows.groupby(["area", "bucket"], sort=False)["severity"]
        .mean()
        .reset_index()
        .sort_values("bucket", kind="stable")
    )
    per_area = {str(area): mine for area, mine in points.groupby("area", sort=False)}
    styles = area_styles([*area_order, *sorted(per_area)], figure.theme)
    too_few: list[str] = []
    for area in [name for name in styles if name in per_area]:
        mine = per_area[area]
        style = styles[area]
        change = mine["severity"].iloc[-1] - mine["severity"].iloc[0]
        label = plotly_literal(area)
        legend = f"{label} ({_signed(change)} since first rating)" if len(mine) > 1 else label
        figure.add_scatter(
            x=mine["bucket"],
            y=mine["severity"],
            mode="markers",
            name=legend,
            legendgroup=label,
            marker={"color": style.colour, "symbol": style.symbol, "size": 9},
            customdata=_bucket_phrases(bucket, mine["bucket"]),
            hovertemplate=(
                f"<b>{label}</b><br>%{{customdata}}<br>Severity: %{{y:.1f}} of 10<extra></extra>"
            ),
        )
        if len(mine) < TREND_MINIMUM_RATINGS:
            too_few.append(f"{area} has {len(mine)}")
            continue
        trend = mine["severity"].rolling(TREND_WINDOW, center=True, min_periods=1).mean()
        figure.add_scatter(
            x=mine["bucket"],
            y=trend.round(2),
            mode="lines",
            name=f"{label} trend",
            legendgroup=label,
            showlegend=False,
            line={"color": style.colour, "width": 3, "shape": "spline"},
            hovertemplate=f"<b>{label}</b> trend: %{{y:.1f}} of 10<extra></extra>",
        )
    if too_few:
        _add_note(
            figure,
            f"A trend line needs at least {TREND_MINIMUM_RATINGS} ratings of an area "
            f"({'; '.join(too_few)}): keep rating every week or two.",
        )
    _mark_needle_changes(figure, needle_changes(sessions, timezone), rows["day"], x_range)
    figure.update_yaxes(range=[-0.3, 10.3], dtick=2, rangemode="normal")
    return _finish(figure, x_range)


def needle_labels_fit(days: pd.Series, span_days: int) -> bool:
    """Whether the needle changes can be labelled on the chart without their labels
    running into each other: a few, each a fair share of the time axis from the next."""
    if len(days) > NEEDLE_LABELS_AT_MOST:
        return False
    gaps = days.sort_values().diff().dropna().dt.days
    return bool((gaps >= span_days * NEEDLE_LABEL_GAP_SHARE).all())


def _mark_needle_changes(
    figure: _Draft, changes: pd.DataFrame, rated: pd.Series, x_range: DateRange | None
) -> None:
    """A dotted line on each day the needle length changed, a marker at its top that
    names the change on hover (or tap), and a label beside the line when labels fit."""
    if changes.empty:
        return
    days = changes["day"]
    if x_range is not None:
        start, end = (pd.Timestamp(day) for day in x_range)
    else:
        start, end = min(days.min(), rated.min()), max(days.max(), rated.max())
    labelled = needle_labels_fit(days, max((end - start).days, 1))
    line = {"color": figure.colour("ink"), "dash": "dot", "width": 1.5}
    texts = [
        f"{format_mm(change.before_mm)} → {format_mm(change.after_mm)}"
        for change in frame_rows(changes)
    ]
    for day, text in zip(days, texts, strict=True):
        if labelled:
            figure.add_vline(day, line=line, label=f"Needle {text}", label_font={"size": 11})
        else:
            figure.add_vline_only(day, line=line)
    figure.add_scatter(
        x=days,
        y=[NEEDLE_MARKER_Y] * len(days),
        mode="markers",
        name="Needle length changed (dotted line)",
        # Not an area's symbol (AREA_SYMBOLS): a pointer down the dotted line.
        marker={"color": figure.colour("ink"), "symbol": "star-triangle-down", "size": 11},
        cliponaxis=False,
        customdata=[
            f"{format_day(day)}: needle {text}" for day, text in zip(days, texts, strict=True)
        ],
        hovertemplate="%{customdata}<extra></extra>",
    )


def _signed(change: float) -> str:
    if abs(change) < 0.05:
        return "no change"
    text = f"{change:+.1f}"
    return text.removesuffix(".0").replace("-", "−")


# --- Flags -----------------------------------------------------------------------------


def _rule_label(rule: str) -> str:
    return rule.replace("-", " ").capitalize()


def flags_figure(
    flags: pd.DataFrame, *, x_range: DateRange | None = None, theme: Theme = LIGHT
) -> go.Figure:
    """Each flag on a timeline, one row per rule, severity by marker shape and colour."""
    figure = _base_figure("Safety flags over time", "Date", "Rule", theme)
    if flags.empty:
        return _mark_empty(figure, "No safety flags in this period: nothing broke the protocol.")
    # Only the columns drawn: a long log has thousands of flags, each with long texts.
    rules = flags["rule"]
    rows = pd.DataFrame(
        {
            "day": pd.to_datetime(flags["date"]),
            "label": rules.map({rule: _rule_label(rule) for rule in rules.unique()}),
            "severity": flags["severity"],
            "rank": flags["severity"].map(SEVERITY_RANK).fillna(len(SEVERITY_RANK)),
        }
    )
    bucket = bucket_for(rows["day"], rows["label"] + " " + rows["severity"])
    rows["bucket"] = bucket_start(rows["day"], bucket)
    # Rows top to bottom: rules whose worst flag is most severe first.
    order = rows.groupby("label")["rank"].min().sort_values(kind="stable")
    labels = sorted(order.index, key=lambda label: (order[label], label))
    for severity in SEVERITY_RANK:
        chosen = (rows["severity"] == severity).to_numpy()
        mine = rows[chosen]
        if mine.empty:
            continue
        colour_name, symbol = SEVERITY_STYLE[severity]
        if bucket == "day":
            x, y = mine["day"], mine["label"]
            customdata = [
                [label, _areas_text(area), plotly_literal(message)]
                for label, area, message in zip(
                    _day_labels(mine["day"]),
                    flags["area"][chosen],
                    flags["message"][chosen],
                    strict=True,
                )
            ]
            hover = "%{customdata[0]} · %{customdata[1]}<br>%{customdata[2]}<extra></extra>"
        else:
            grouped = mine.groupby(["bucket", "label"]).size().reset_index(name="count")
            x, y = grouped["bucket"], grouped["label"]
            customdata = [
                [phrase, count]
                for phrase, count in zip(
                    _bucket_phrases(bucket, grouped["bucket"]), grouped["count"], strict=True
                )
            ]
            hover = "%{customdata[0]}: %{customdata[1]} flag(s)<extra></extra>"
        figure.add_scatter(
            x=x,
            y=y,
            mode="markers",
            name=SEVERITY_LABEL[severity],
            marker={
                "color": figure.colour(colour_name),
                "symbol": symbol,
                "size": 12,
                "line": {"width": 1, "color": figure.theme.background},
            },
            customdata=customdata,
            hovertemplate=f"<b>{SEVERITY_LABEL[severity]}</b>: %{{y}}<br>" + hover,
        )
    figure.update_yaxes(
        title_text=None,
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(labels)),
        rangemode="normal",
        automargin=True,
    )
    longest = max(len(label) for label in labels)
    figure.update_layout(
        height=max(CHART_HEIGHT - 80, 140 + 34 * len(labels)),
        margin_l=max(MARGIN_PX["l"], CATEGORY_PAD_PX + CATEGORY_CHAR_PX * longest),
    )
    return _finish(figure, x_range)
