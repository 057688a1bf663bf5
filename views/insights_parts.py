"""Drawing the insights (``dermadash.dashboard.insights``): on the dashboard, the shared view and
the Insights page. Only arrangement lives here; the figures and their words come from
the package."""

from __future__ import annotations

import streamlit as st

from dermadash.dashboard import insights
from dermadash.dashboard.insights import AreaProgress, Insights, Outcome
from dermadash.escaping import escape_markdown
from page_support import reads

INSIGHTS_PAGE = "views/insights.py"
VERDICT_BADGES = {
    insights.IMPROVING: ":green-badge[Improving]",
    insights.NO_CLEAR_CHANGE: ":gray-badge[No clear change]",
    insights.WORSENING: ":orange-badge[Worsening]",
    insights.NOT_ENOUGH: ":blue-badge[Not enough ratings yet]",
}
WHAT_THE_TREND_MEANS = (
    "Severity is your own rating (0 = no visible scars, 10 = the worst), so a falling "
    "trend is good. The trend is the median of the slopes between every two ratings of an "
    "area; its 95 % interval is the range the true trend most likely lies in. Only an "
    "interval wholly below zero reads as improving, wholly above as worsening."
)


# Shared, never copied: nothing changes an Insights object, and the data revision in the
# key makes it fresh after any write.
@st.cache_resource(show_spinner=False, max_entries=32)
def _insights(url: str, profile_id: int, revision: int) -> Insights:
    return insights.compute(
        reads.sessions(profile_id),
        reads.scar_ratings(profile_id),
        reads.profile(profile_id).timezone,
    )


def profile_insights(profile_id: int) -> Insights:
    return _insights(reads.database_url(), profile_id, reads.revision(profile_id))


def _progress_line(area: AreaProgress) -> str:
    name = f"**{escape_markdown(area.area)}**"
    if not area.enough:
        return (
            f"{VERDICT_BADGES[insights.NOT_ENOUGH]} {name}: {area.ratings} "
            f"rating{'' if area.ratings == 1 else 's'} so far; a trend needs {area.needs()}."
        )
    return (
        f"{VERDICT_BADGES[area.verdict]} {name}: {area.change_text()} "
        f"({area.ratings} ratings). Trend {area.trend_text()}."
    )


def progress(found: Insights) -> None:
    """One line per rated area: its verdict, change since the first rating, trend."""
    if not found.progress:
        st.info("No scar ratings yet: rate each area every week or two to see a trend here.")
        return
    st.markdown("\n\n".join(_progress_line(area) for area in found.progress))
    st.caption(WHAT_THE_TREND_MEANS)


def _top_lines(found: Insights, outcome: Outcome) -> None:
    """The outcome's name, then its largest differences as one list (one element), or
    why there are none yet."""
    heading = f"**{outcome.name.capitalize()}**"
    recorded = found.recorded(outcome)
    top = found.top(outcome) if recorded else []
    if top:
        lines = (
            f"- **{escape_markdown(item.headline())}**: {escape_markdown(item.detail())}"
            for item in top
        )
        st.markdown("\n".join((heading, "", *lines)))
        return
    st.markdown(heading)
    if not recorded:
        st.caption(f"No check-in has recorded {outcome.name} yet.")
        return
    st.caption(
        f"Not enough check-ins yet to compare: a factor is shown once at least "
        f"{insights.MIN_PER_SIDE} sessions with it and {insights.MIN_PER_SIDE} without it "
        f"have {outcome.name} recorded."
    )


def associations_digest(found: Insights) -> None:
    """The largest differences for redness and for stinging (a few of each)."""
    redness, stinging = st.columns(2)
    with redness:
        _top_lines(found, insights.REDNESS)
    with stinging:
        _top_lines(found, insights.STINGING)


def every_factor(found: Insights, key: str) -> None:
    """Every factor against redness and stinging: a table of those compared, largest
    difference first, then those still waiting for data, with their counts."""
    for outcome in insights.OUTCOMES:
        st.markdown(f"**{outcome.name.capitalize()}** (medians, in {outcome.unit})")
        if not found.recorded(outcome):
            st.caption(f"No check-in has recorded {outcome.name} yet.")
            continue
        items = found.for_outcome(outcome)
        compared = [item for item in items if item.shown]
        if compared:
            st.dataframe(
                insights.association_table(compared),
                hide_index=True,
                height="content",
                key=f"{key}_{outcome.name}",
            )
        waiting = [item for item in items if not item.shown]
        if waiting:
            st.caption(
                "; ".join(escape_markdown(item.headline()) for item in waiting)
                + f". A factor is compared once each side has {insights.MIN_PER_SIDE} sessions "
                f"with {outcome.name} recorded."
            )


def dashboard_section(
    profile_id: int, *, for_viewer: bool = False, shown: Insights | None = None
) -> None:
    """'Is it working?' and 'What goes with longer redness?', over everything logged
    (``shown``: the insights of what a share link shows, for its viewer)."""
    found = profile_insights(profile_id) if shown is None else shown
    st.subheader("Is it working?")
    st.caption(
        "Over everything this link shows, whatever the period chosen above."
        if shown is not None
        else "Over everything logged, whatever the period chosen above."
    )
    progress(found)
    st.subheader("What goes with longer redness and stinging")
    if not found.checked_in:
        st.caption("No check-ins yet: they tell how long redness and stinging lasted.")
        return
    if for_viewer:
        # Tabs, not an expander or a toggle: the shared view's expanders are its flag
        # groups, and it holds no checkbox-like control.
        largest, every = st.tabs(["The largest differences", "Every factor"])
        with largest:
            associations_digest(found)
        with every:
            every_factor(found, key="viewer_insights")
        st.caption(insights.NOT_CAUSES)
        return
    associations_digest(found)
    st.caption(insights.NOT_CAUSES)
    st.page_link(
        INSIGHTS_PAGE, label="Every factor on the Insights page", icon=":material/insights:"
    )
