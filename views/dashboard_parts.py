"""The progress dashboard, drawn for the owner (home) or a read-only viewer (shared link).

Only caching and arrangement live here: the frames come from ``page_support.reads``' cached
readers, put together by ``dermadash.dashboard.assembly`` (as the shared view and the
report put them together), the filters from ``dermadash.dashboard.model``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import plotly.graph_objects as go
import streamlit as st

from dermadash.dashboard import assembly, chart_theme, figures, insights, model
from dermadash.dashboard.model import ALL_AREAS, DashboardData, KeyFigure, Period
from dermadash.escaping import escape_markdown
from dermadash.settings import database_url
from dermadash.sharing.share_links import LinkOptions
from dermadash.timezones import local_today
from page_support import reads
from views import insights_parts

METRICS_PER_ROW = 4
CUSTOM_DEFAULT_DAYS = 90
DEFAULT_PERIOD = "90 days"
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


# Shared, never copied (cache_resource): nothing downstream mutates these objects, and a
# rerun with the same data and filters then costs nothing to rebuild. The keys hold what
# the frames depend on: the data revision (any write), the quarter hour the rule engine's
# analysis is cached for (so the flags here are the Flags page's: a check-in going
# missing shows on both at once) and, for the key figures, the person's today.
# ``scope``: a share link's choices (Streamlit hashes the dataclass's fields), or None.
@st.cache_resource(show_spinner=False, max_entries=16)
def _data(
    url: str, profile_id: int, revision: int, clock_step: str, scope: LinkOptions | None
) -> DashboardData:
    return assembly.dashboard_data(
        reads.profile(profile_id),
        reads.sessions(profile_id),
        reads.scar_ratings(profile_id),
        reads.analysis(profile_id),
        scope,
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _shown_insights(
    url: str, profile_id: int, revision: int, clock_step: str, scope: LinkOptions
) -> insights.Insights:
    """The insights of what a share link shows (its first day, never more)."""
    data = _data(url, profile_id, revision, clock_step, scope)
    return insights.compute(data.sessions, data.ratings, data.timezone)


def viewer_data(profile_id: int, options: LinkOptions) -> DashboardData:
    """The dashboard's frames as a share link shows them (cached like the owner's)."""
    return _data(database_url(), profile_id, reads.revision(profile_id), reads.clock_key(), options)


@st.cache_resource(show_spinner=False, max_entries=64)
def _view(
    url: str,
    profile_id: int,
    revision: int,
    clock_step: str,
    today: date,
    start: date | None,
    end: date,
    area: str,
    scope: LinkOptions | None,
    theme: str,
) -> assembly.DashboardView:
    data = _data(url, profile_id, revision, clock_step, scope)
    view = assembly.dashboard_view(
        data, Period(start, end), today, area, chart_theme.theme_named(theme)
    )
    for figure in view.charts.values():
        figures.for_the_page(figure)
    return view


def page_theme() -> str:
    """'light' or 'dark': the theme the browser shows the page in (light when unknown)."""
    return chart_theme.theme_named(st.context.theme.type).name


def render_dashboard(
    profile_id: int,
    *,
    for_viewer: bool = False,
    options: LinkOptions | None = None,
    still_allowed: Callable[[], bool] = lambda: True,
) -> None:
    """Filters, key figures and charts of one profile (``for_viewer``: nothing to change;
    ``options``: only what that share link shows).

    A fragment: changing the period or the area reruns only this part of the page, not
    the navigation, the shared view's tables or the owner's other sections. Such a rerun
    skips the page's own checks, so ``still_allowed`` (a share link still valid, say) is
    asked first; when it says no, the whole page runs again and says why.
    """
    _dashboard(profile_id, for_viewer, options, still_allowed)


@st.fragment
def _dashboard(
    profile_id: int,
    for_viewer: bool,
    options: LinkOptions | None,
    still_allowed: Callable[[], bool],
) -> None:
    if not still_allowed():
        st.rerun()
    url, revision, clock_step = database_url(), reads.revision(profile_id), reads.clock_key()
    data = _data(url, profile_id, revision, clock_step, options)
    today = local_today(data.timezone, reads.clock())
    if data.sessions.empty and data.ratings.empty:
        st.info(
            "Nothing has been logged here yet."
            if for_viewer
            else "Nothing to chart yet: log a session or rate your scars to fill the dashboard."
        )
        return
    chosen = _filters(
        data.areas(),
        today,
        key_prefix="viewer_dash" if for_viewer else "dash",
        # A dermatologist opens the link to see the whole course, not the last weeks.
        default_period="All" if for_viewer else DEFAULT_PERIOD,
    )
    if chosen is None:
        return
    period, area = chosen
    shown_area = area.lower() if area == ALL_AREAS else escape_markdown(area)
    st.caption(f"Showing {period.describe()}, {shown_area}.")
    view = _view(
        url,
        profile_id,
        revision,
        clock_step,
        today,
        period.start,
        period.end,
        area,
        options,
        page_theme(),
    )
    _key_figures(view.key_figures)
    shown = None
    if options is not None:
        shown = _shown_insights(url, profile_id, revision, clock_step, options)
    insights_parts.dashboard_section(profile_id, for_viewer=for_viewer, shown=shown)
    _charts(view.charts)


def _filters(
    areas: Sequence[str], today: date, key_prefix: str, default_period: str
) -> tuple[Period, str] | None:
    """The period and area pickers; None while a custom period is half chosen."""
    period_column, area_column = st.columns([3, 2])
    with period_column:
        choice = st.radio(
            "Period",
            model.PERIOD_CHOICES,
            index=model.PERIOD_CHOICES.index(default_period),
            horizontal=True,
            key=f"{key_prefix}_period",
            format_func=lambda name: name if name in ("All", "Custom") else f"Last {name}",
        )
    with area_column:
        area = st.selectbox("Area", [ALL_AREAS, *areas], key=f"{key_prefix}_area")
    custom = None
    if choice == model.CUSTOM_PERIOD:
        picked = st.date_input(
            "From – to",
            value=(today - timedelta(days=CUSTOM_DEFAULT_DAYS - 1), today),
            max_value=today,
            format="DD/MM/YYYY",
            key=f"{key_prefix}_custom",
        )
        if not isinstance(picked, tuple | list) or len(picked) != 2:
            st.info("Pick the last day of the period too.")
            return None
        custom = (picked[0], picked[1])
    return model.period_bounds(choice, today, custom), area


def _metric(item: KeyFigure) -> None:
    if item.delta is None:
        colour, arrow = "off", "off"
    elif item.delta_is_change:
        colour, arrow = ("inverse" if item.lower_is_better else "normal"), "auto"
    else:
        colour, arrow = "gray", "off"
    st.metric(
        item.label,
        item.value,
        delta=item.delta,
        delta_color=colour,  # type: ignore[arg-type]  # one of st.metric's words
        delta_arrow=arrow,  # type: ignore[arg-type]  # one of st.metric's words
        help=item.help,
        border=True,
    )


def _metric_rows(items: Sequence[KeyFigure]) -> None:
    for start in range(0, len(items), METRICS_PER_ROW):
        row = items[start : start + METRICS_PER_ROW]
        for column, item in zip(st.columns(METRICS_PER_ROW), row, strict=False):
            with column:
                _metric(item)


def _key_figures(key: model.KeyFigures) -> None:
    _metric_rows(key.headline)
    for note in key.notes():
        st.caption(note)
    if not key.areas.empty:
        # st.table renders Markdown in its cells (st.dataframe does not).
        st.table(key.areas.assign(Area=key.areas["Area"].map(escape_markdown)), hide_index=True)


def _chart(figure: go.Figure, key: str) -> None:
    """A chart, or in its place the plain-words reason it is empty."""
    message = figures.empty_message(figure)
    if message:
        st.info(f"**{figure.layout.title.text}**: {message}")
        return
    # The figure carries its own frame (``chart_theme``): Streamlit's chart theme, applied
    # again in the browser after the first draw, would make plotly draw it all twice.
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=key, theme=None)
    for note in figures.chart_notes(figure):
        st.caption(escape_markdown(note))  # notes name areas


def _charts(charts: dict[str, go.Figure]) -> None:
    st.subheader("How often")
    left, right = st.columns(2)
    with left:
        _chart(charts["per_week"], "chart_per_week")
    with right:
        _chart(charts["intervals"], "chart_intervals")
    st.subheader("How your skin reacted")
    left, right = st.columns(2)
    with left:
        _chart(charts["redness"], "chart_redness")
    with right:
        _chart(charts["stinging"], "chart_stinging")
    st.subheader("Scar severity")
    _chart(charts["severity"], "chart_severity")
    st.subheader("Safety flags")
    _chart(charts["flags"], "chart_flags")
