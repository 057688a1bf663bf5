"""The progress report as a PDF: the report's content laid out on A4 with fpdf2.

Its charts are the dashboard's plotly figures as images (``chart_images``), which need
the machine's Chromium: without one, ``build_pdf`` raises ``ChromiumMissing`` and the
HTML report (``html_page``) is the way to go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine

from dermadash.dashboard import chart_theme, figures, insights
from dermadash.dashboard.model import KeyFigures
from dermadash.formatting import format_day
from dermadash.report import chart_images, fonts
from dermadash.report.chromium import warm_up
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
    key_figure_rows,
    read_report,
    word_report,
)
from dermadash.rules import evaluation

if TYPE_CHECKING:
    from fpdf.fonts import FontFace  # fpdf2 is imported when a PDF is made, not before

ReportProgress = Callable[[str, float], None]
Rgb = tuple[int, int, int]


# The charts' light-theme colours (readable on white), as RGB for fpdf2.
SEVERITY_COLOURS = {
    severity: chart_theme.rgb(chart_theme.LIGHT.colour(name))
    for severity, (name, _symbol) in figures.SEVERITY_STYLE.items()
}


def latin1_text(text: str) -> str:
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
        return value if self.unicode else latin1_text(value)

    def font(self, size: float, style: str = "", colour: Rgb = (0, 0, 0)) -> None:
        self.pdf.set_font(fonts.FAMILY if self.unicode else "Helvetica", style, size)
        self.pdf.set_text_color(*colour)

    def paragraph(
        self,
        value: str,
        size: float = 10,
        style: str = "",
        colour: Rgb = (0, 0, 0),
        gap: float = 1,
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

    def _heading_style(self) -> FontFace:
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


def _pdf_key_figures(document: _ReportPdf, key: KeyFigures) -> None:
    document.heading("Key figures (whole course)")
    document.table(key_figure_rows(key), widths=(1, 1.4), size=9.5)
    for note in key.notes():
        document.paragraph(note, size=8.5, colour=document.GREY)
    if not key.areas.empty:
        document.heading("Per area", size=11, keep_with_mm=20)
        document.table(key.areas, widths=(1, 1.5, 1, 1.5), size=9)


def _pdf_charts(document: _ReportPdf, content: ReportContent, images: Sequence[bytes]) -> None:
    document.heading("Charts (whole course)", keep_with_mm=80)
    _drawn, empty = drawn_and_empty(content.charts)
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
    for outcome, shown, waiting in insight_tables(found):
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
    request: ReportRequest = OWNERS_REPORT,
    progress: ReportProgress | None = None,
) -> bytes:
    """The report as PDF bytes (raises ``ChromiumMissing`` when no Chromium is here).

    ``progress(what, fraction)`` is told what is being done, for a progress bar.
    """
    tell = progress or (lambda _what, _fraction: None)
    warm_up()  # Chromium starts while the content is read and worded
    tell("Reading the log and checking it against the protocol", 0.05)
    reading = read_report(engine, profile_id, request)
    drawn, _empty = drawn_and_empty(reading.charts)

    def charted(done: int, total: int) -> None:
        tell(f"Drawing the charts ({done} of {total})", 0.2 + 0.7 * done / total)

    tell("Drawing the charts", 0.2)
    with chart_images.drawing(drawn) as pending:
        # Chromium draws in a process of its own: the words and the pages before the
        # charts meanwhile.
        content = word_report(reading)
        document = _ReportPdf(footer=content.footer)
        _pdf_summary(document, content)
        _pdf_key_figures(document, content.key_figures)
        images = pending.images(charted)
    tell("Laying out the pages", 0.92)
    _pdf_charts(document, content, images)
    _pdf_insights(document, content.insights)
    _pdf_flags(document, content)
    _pdf_sessions(document, content)
    _pdf_needles(document, content.needles)
    if request.photos is not None:
        _pdf_photos(document, request.photos)
    data = document.output()
    tell("The report is ready", 1.0)
    return data
