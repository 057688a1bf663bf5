"""The objects a server keeps all its life, kept out of the garbage collector's walks.

Streamlit ends every script run with a full garbage collection (``runner.postScriptGC``).
A full collection walks every object the process tracks and holds the GIL while it does:
no session's messages go out until it ends, the run's last charts included. Most of
those objects are the libraries the pages import (Streamlit, plotly's figure classes,
pandas, SQLAlchemy, scipy, pyarrow), alive as long as the server. Imported at start and
then frozen (``gc.freeze``), they are left out of every later walk, while whatever the
runs leave behind is still collected as before.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterable


def settle(modules: Iterable[str]) -> int:
    """Import ``modules`` (what the pages will import anyway), collect what start-up left
    behind, then freeze every object still alive; returns how many are frozen."""
    for name in modules:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
