"""The workshop role-play: teams in the room play stakeholder groups against the simulation.

The package is a layer above the model and the screen; it imports downward only. Its rooms:

- :mod:`~govsim.roleplay.session` — moves, a session (:class:`RolePlay`), save and load;
- :mod:`~govsim.roleplay.plan` — the session plan: issues, round budget, declared fallback;
- :mod:`~govsim.roleplay.cards` — role cards and move descriptions, generated from the scenario;
- :mod:`~govsim.roleplay.debrief` — each team against all-simulated runs, the printable sheet;
- :mod:`~govsim.roleplay.page` — the printable page shell shared by cards, debrief and server;
- :mod:`~govsim.roleplay.panel` — the hot-seat panel: one notebook screen for the whole room;
- :mod:`~govsim.roleplay.store`, :mod:`~govsim.roleplay.room` — the served session's SQLite
  store and its state machine (phases, secret moves, reveal);
- :mod:`~govsim.roleplay.screens`, :mod:`~govsim.roleplay.pages`, :mod:`~govsim.roleplay.serve` —
  the served pages (one per team, the facilitator's, the projector's) and the server.

A new page for devices goes in ``pages.py`` (its HTML fragments in ``screens.py``) and its route
in ``serve.py``. The names below are imported on first use (PEP 562).
"""

from __future__ import annotations

from govsim.exports import lazy_exports

_HOMES = {
    "CONCEDE_SHARE": "govsim.roleplay.session",
    "LOBBY_BOOST": "govsim.roleplay.session",
    "MOVE_OVERRIDES": "govsim.roleplay.session",
    "Move": "govsim.roleplay.session",
    "RolePlay": "govsim.roleplay.session",
    "fixed_strategies": "govsim.roleplay.session",
    "move_overrides": "govsim.roleplay.session",
    "Fallback": "govsim.roleplay.plan",
    "SessionPlan": "govsim.roleplay.plan",
    "role_card": "govsim.roleplay.cards",
    "role_cards": "govsim.roleplay.cards",
    "build_roleplay_panel": "govsim.roleplay.panel",
}

__all__ = sorted(_HOMES)

__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
