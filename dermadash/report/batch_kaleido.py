"""kaleido with its page reloaded once per report instead of after every chart.

kaleido reloads its tab (the page and all of plotly.js) after each chart it draws: about
0.1 s each, most of the time a chart takes once Chromium is warm. A report draws its
charts one after another, and plotly.js's ``toImage`` draws each in an element of its own
that it removes afterwards, so nothing of one chart reaches the next (a test draws
charts in a row and compares each with the same chart drawn first). The page is still
reloaded, once, after each report and while nobody waits for it (``refresh``), so a
server drawing reports for weeks starts each one from a fresh page.

Imported only on the Chromium thread (``dermadash.report.chromium``): kaleido is heavy
and only the PDF needs it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import kaleido


class BatchKaleido(kaleido.Kaleido):  # type: ignore[misc]  # kaleido has no type hints
    """A kaleido session whose tabs go back to work as soon as a chart is drawn."""

    async def _return_kaleido_tab(self, tab: Any) -> None:
        """kaleido's own hands the tab back only after reloading it; this one at once."""
        await self.tabs_ready.put(tab)

    async def refresh(self) -> None:
        """Reload every tab (between reports): a fresh page for the next report."""
        tabs = [await self._get_kaleido_tab() for _ in range(self._total_tabs)]
        try:
            await asyncio.gather(*(tab.reload() for tab in tabs))
        finally:
            for tab in tabs:
                await self.tabs_ready.put(tab)


def overrides_kaleido() -> bool:
    """Whether kaleido still has the method this class replaces (a test asks, so an
    upgrade that renames it is seen rather than silently slow)."""
    return callable(getattr(kaleido.Kaleido, "_return_kaleido_tab", None)) and callable(
        getattr(kaleido.Kaleido, "_get_kaleido_tab", None)
    )
