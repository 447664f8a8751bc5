"""govsim: how Internet policy gets made, as an agent-based model for teaching and research.

Quick start::

    from govsim import GovernanceModel
    model = GovernanceModel("classroom", protocol="top_down", rng=1).run()
    model.summary()
"""

from govsim.agents import Stakeholder
from govsim.forums import LAYOUTS, Forum, Regional
from govsim.groups import Group
from govsim.measures import measure
from govsim.model import GovernanceModel
from govsim.overrides import RoundOverrides
from govsim.params import Parameters, parameter_specs
from govsim.population import GroupProfile, profile_specs
from govsim.protocols import Decision, Protocol, Table, get_protocol, protocol_names, register
from govsim.scenarios import Issue, Scenario, load_scenario, scenario_names

__version__ = "0.1.0"

__all__ = [
    "LAYOUTS",
    "Decision",
    "Forum",
    "GovernanceModel",
    "Group",
    "GroupProfile",
    "Issue",
    "Parameters",
    "Protocol",
    "Regional",
    "RoundOverrides",
    "Scenario",
    "Stakeholder",
    "Table",
    "__version__",
    "get_protocol",
    "load_scenario",
    "measure",
    "parameter_specs",
    "profile_specs",
    "protocol_names",
    "register",
    "scenario_names",
]
