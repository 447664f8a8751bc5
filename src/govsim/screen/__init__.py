"""What the room sees: the dashboard, its browser-drawn run view, and the static plots.

A layer above the model: everything here reads the model's public interface (views, snapshots,
the measure registry) and never reaches into its arrays. Its rooms:

- :mod:`~govsim.screen.plotting` — matplotlib figures for notebooks, exports and handouts;
- :mod:`~govsim.screen.panels` — the dashboard's panels, one registry entry each (static and live);
- :mod:`~govsim.screen.replay` — a run recorded round by round for the browser;
- :mod:`~govsim.screen.run_view` and ``static/run_view.js`` — the browser-drawn run view;
- :mod:`~govsim.screen.display` — showing widgets with a static fallback picture;
- :mod:`~govsim.screen.dashboard` — the notebook dashboard built from the declared parameters.

From a notebook: ``from govsim.screen import build_dashboard; build_dashboard()``.
The names below are imported on first use (PEP 562).
"""

from __future__ import annotations

from govsim.exports import lazy_exports

_HOMES = {
    "Dashboard": "govsim.screen.dashboard",
    "build_dashboard": "govsim.screen.dashboard",
    "Line": "govsim.screen.panels",
    "Panel": "govsim.screen.panels",
    "line_panel": "govsim.screen.panels",
    "panel_names": "govsim.screen.panels",
    "register_panel": "govsim.screen.panels",
}

__all__ = sorted(_HOMES)

__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
