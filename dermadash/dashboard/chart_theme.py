"""The colours and the frame charts are drawn in: one ``Theme`` per page background.

Each theme holds the Okabe–Ito hues at a lightness with at least 3:1 contrast against its
background (WCAG's minimum for graphics; ``tests/test_figures.py`` computes it), and the
frame around the data: fonts, text, grid and hover colours, as Streamlit's page draws
its own text (a report prints on white, ``report.chart_images``).

The charts carry their frame in their layout instead of taking Streamlit's chart theme
or a plotly template. Streamlit hands plotly.js a copy of each figure right after its
first draw; plotly.js compares a template (and ``meta``) by identity and numbers sent as
typed arrays not at all, so it took each copy for a new chart and computed and drew it
again. The theme made it certain: it wraps the title in bold a second time. With the
frame in the layout, ``meta`` as text, numbers as lists and the data's fingerprint in
``datarevision`` (``figures.to_figure``), the copy changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

# Okabe & Ito (2008), "Color Universal Design"; "ink" is their black, the neutral hue.
OKABE_ITO = {
    "ink": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
ThemeName = Literal["light", "dark"]
FONT_FAMILY = '"Source Sans", sans-serif'  # the page's own font (Streamlit's)
TITLE_PX = 16
AXIS_TITLE_PX = 14
TICK_PX = 12
TRANSPARENT = "rgba(0,0,0,0)"


@dataclass(frozen=True)
class Theme:
    """The colours charts are drawn in, for the background they are drawn on."""

    name: ThemeName
    background: str
    palette: MappingProxyType[str, str]
    heading: str  # chart titles
    text: str  # legend entries
    muted: str  # ticks, axis titles, hover text
    grid: str

    def colour(self, name: str) -> str:
        return self.palette[name]

    @property
    def label_box(self) -> str:
        """A translucent box behind a label drawn over the plot (the background's colour)."""
        return _rgba(self.background, 0.8)

    @property
    def hover_border(self) -> str:
        return _rgba(self.heading, 0.2)


def rgb(colour: str) -> tuple[int, int, int]:
    """'#b34700' as (179, 71, 0)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = rgb(colour)
    return f"rgba({red},{green},{blue},{alpha})"


# On white, orange, sky blue, yellow and purple darker; on Streamlit's dark background
# (#171614), ink near-white (Okabe–Ito blue keeps 3:1 there). The frame's colours are
# Streamlit's own, but for the light ticks: darker, for 4.5:1 on white.
LIGHT = Theme(
    "light",
    "#FFFFFF",
    MappingProxyType(
        OKABE_ITO
        | {
            "orange": "#A67000",
            "sky_blue": "#1A88C6",
            "yellow": "#8E850B",
            "reddish_purple": "#C36198",
        }
    ),
    heading="#111111",
    text="#262730",
    muted="#62656F",
    grid="#E6EAF1",
)
DARK = Theme(
    "dark",
    "#171614",
    MappingProxyType(OKABE_ITO | {"ink": "#E8E8E8"}),
    heading="#EDEBE8",
    text="#FAFAFA",
    muted="#E6EAF1",
    grid="#31333F",
)
THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}


def theme_named(name: str | None) -> Theme:
    """The theme for Streamlit's theme type ('light', 'dark' or unknown: light)."""
    return THEMES.get(name or "light", LIGHT)


def frame(theme: Theme) -> dict[str, Any]:
    """The layout that draws a chart's frame in ``theme`` (a new dict each time): fonts,
    text, grid and hover colours on a transparent background (the page's shows through).
    """
    font = {"family": FONT_FAMILY, "color": theme.muted}
    axis = {
        "gridcolor": theme.grid,
        "zerolinecolor": theme.grid,
        "ticks": "",  # labels only, no tick marks
        "tickfont": {"size": TICK_PX},
        "automargin": True,
    }
    return {
        "font": font,
        "title": {
            "font": {"size": TITLE_PX, "color": theme.heading, "weight": "bold"},
            "pad": {"l": 4},
        },
        "legend": {"font": {"color": theme.text}, "borderwidth": 0},
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": TRANSPARENT,
        "xaxis": axis | {"showgrid": False, "zeroline": False, "title": _axis_title(standoff=20)},
        "yaxis": axis | {"ticklabelposition": "outside", "title": _axis_title(standoff=24)},
        "margin": {"pad": 8},
        "modebar": {"bgcolor": TRANSPARENT, "color": theme.muted, "activecolor": theme.heading},
        "hoverlabel": {
            "bgcolor": theme.background,
            "bordercolor": theme.hover_border,
            "font": dict(font),
        },
    }


def _axis_title(standoff: int) -> dict[str, Any]:
    return {"font": {"size": AXIS_TITLE_PX}, "standoff": standoff}
