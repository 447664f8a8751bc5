"""govsim: how Internet policy gets made, as an agent-based model for teaching and research.

Quick start::

    from govsim import GovernanceModel
    model = GovernanceModel("classroom", protocol="top_down", rng=1).run()
    model.summary()

The names below are imported on first use (PEP 562), so ``import govsim`` and the ``govsim``
command start without loading Mesa and pandas until a model is needed. Only the seating
layouts are imported at once: they register ``regional`` where protocols are chosen.
"""

from __future__ import annotations

try:
    import govsim.forums  # noqa: F401  (registers the ``regional`` layout, chosen like a protocol)
except (
    ImportError
):  # a broken numpy must not stop ``govsim doctor`` naming it; a model import raises it again
    pass
from govsim.exports import lazy_exports

__version__ = "0.1.0"

_HOMES = {
    "Stakeholder": "govsim.agents",
    "LAYOUTS": "govsim.forums",
    "Forum": "govsim.forums",
    "Regional": "govsim.forums",
    "RoundOverrides": "govsim.overrides",
    "Group": "govsim.groups",
    "measure": "govsim.measures",
    "GovernanceModel": "govsim.model",
    "Parameters": "govsim.params",
    "parameter_specs": "govsim.params",
    "GroupProfile": "govsim.population",
    "profile_specs": "govsim.population",
    "Decision": "govsim.protocols",
    "Protocol": "govsim.protocols",
    "Table": "govsim.protocols",
    "get_protocol": "govsim.protocols",
    "protocol_names": "govsim.protocols",
    "register": "govsim.protocols",
    "registered": "govsim.registry",
    "Issue": "govsim.scenarios",
    "Scenario": "govsim.scenarios",
    "load_scenario": "govsim.scenarios",
    "scenario_names": "govsim.scenarios",
}

__all__ = sorted([*_HOMES, "__version__"])


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
