"""The dashboard model built in one place: for the dashboard, the shared view and the report.

``dashboard_data`` puts a profile's frames and the rule engine's analysis together (and
narrows them to what a share link shows); ``read_dashboard_data`` reads them from the
database first (the report, the command line); ``dashboard_view`` is what one choice of
period and area shows: the key figures and the charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Engine

from dermadash.dashboard import chart_theme, figures, model
from dermadash.dashboard.model import ALL_AREAS, DashboardData, KeyFigures, Period
from dermadash.rules import evaluation
from dermadash.rules.protocol import load_protocol
from dermadash.sharing import link_scope
from dermadash.sharing.share_links import LinkOptions
from dermadash.storage import queries
from dermadash.storage.profiles import ProfileSettings, load_profile


def dashboard_data(
    profile: ProfileSettings,
    sessions: pd.DataFrame,
    ratings: pd.DataFrame,
    analysis: evaluation.Analysis,
    options: LinkOptions | None = None,
) -> DashboardData:
    """Every frame the dashboard draws, as the owner sees it, or (``options``) as a
    share link shows it."""
    data = DashboardData(
        sessions=sessions,
        ratings=ratings,
        flags=analysis.flags,
        intervals=analysis.intervals,
        next_safe=analysis.next_safe,
        timezone=profile.timezone,
        limits=figures.ChartLimits.from_protocol(load_protocol().for_profile(profile)),
    )
    return data if options is None else link_scope.shown_data(data, options)


def read_dashboard_data(
    engine: Engine, profile_id: int, now: datetime, options: LinkOptions | None = None
) -> DashboardData:
    """``dashboard_data`` read from the database, the flags found as of ``now``."""
    profile = load_profile(engine, profile_id)
    sessions = queries.sessions_frame(engine, profile_id)
    rollers = queries.rollers_frame(engine, profile_id)
    return dashboard_data(
        profile,
        sessions,
        queries.scar_ratings_frame(engine, profile_id),
        evaluation.analyse(profile, sessions, rollers, now=now),
        options,
    )


@dataclass(frozen=True)
class DashboardView:
    """What one choice of period and area shows: the key figures and the charts."""

    key_figures: KeyFigures
    charts: dict[str, go.Figure]


def dashboard_view(
    data: DashboardData,
    period: Period,
    today: date,
    area: str = ALL_AREAS,
    theme: chart_theme.Theme = chart_theme.LIGHT,
    *,
    last_day: date = date.max,
) -> DashboardView:
    """The key figures and charts of ``period`` and ``area``; figures about the whole
    course (days since the last session) count entries up to ``last_day``."""
    everything = data.filtered(Period(None, last_day), area)
    shown = data.filtered(period, area)
    return DashboardView(
        model.key_figures(everything, shown, period, today),
        model.dashboard_charts(shown, data.areas(), data.time_axis(period), theme),
    )
