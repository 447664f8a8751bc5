"""README, EXTENDING THE MODEL, done from outside the package: a protocol is one class in one file
(this one), a scenario is one TOML file (here in a temporary folder). Nothing else is touched,
and both are found everywhere a protocol or a scenario is chosen."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest

from govsim import Decision, GovernanceModel, Protocol, protocol_names, register
from govsim.cli import main as govsim_main
from govsim.protocols import PROTOCOLS
from govsim.testing import check_protocol


class Supermajority(Protocol):
    """Adopt when at most a tenth of those at the table object (a 90 % supermajority)."""

    name = "test_supermajority"
    label = "Supermajority (90 %)"

    def decide(self, table, y):
        objecting = table.objecting(y)
        n = int(table.attending.sum())
        adopted = n > 0 and 10 * int(objecting.sum()) <= n
        return Decision(bool(adopted), objecting, table.attending)


@pytest.fixture
def supermajority():
    register(Supermajority)
    try:
        yield Supermajority
    finally:
        PROTOCOLS.pop(Supermajority.name)


def test_a_protocol_is_one_class_in_one_file(supermajority):
    check_protocol(supermajority)
    assert "test_supermajority" in protocol_names()  # CLI help, dashboard and sweep menus read this
    model = GovernanceModel("classroom", protocol="test_supermajority", rng=3).run()
    assert model.summary()["protocol"] == "test_supermajority"
    assert len(model.outcomes) == len(model.setup.agenda)


SCENARIO = """
name = "my_room"
title = "My room: six stakeholders, one issue"
description = "A test room written outside the package."
event = "None: a made-up room."
illustrates = "That a scenario is one file."
protocol = "bottom_up"
dimensions = ["openness"]

[groups.government]
count = 3

[groups.civil_society]
count = 3

[[agenda]]
name = "One issue"
status_quo = [0.4]
draft = [0.6]
"""


def test_a_scenario_is_one_toml_file(tmp_path, capsys, supermajority):
    path = tmp_path / "my_room.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    model = GovernanceModel(path, rng=1).run()
    assert model.n == 6 and model.setup.dimensions == ("openness",)
    assert model.outcomes["name"].tolist() == ["One issue"]
    assert np.isfinite(model.summary()["mean_rounds"])
    code = govsim_main(["run", "--scenario", str(path), "--protocol", "test_supermajority", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["scenario"], out["protocol"], out["stakeholders"]) == ("my_room", "test_supermajority", 6)


def test_the_readme_example_runs_as_written():
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### EXTENDING THE MODEL") :]
    code = section[
        section.index("```python") + len("```python") : section.index("```\n", section.index("```python") + 9)
    ]
    module = types.ModuleType("readme_example")  # importable, as a notebook's __main__ is
    sys.modules[module.__name__] = module
    try:
        exec(compile(code, "README.md", "exec"), vars(module))
        assert PROTOCOLS["supermajority"] is module.Supermajority
        model = GovernanceModel("classroom", protocol="supermajority", rng=0, max_rounds=5).run()
        assert model.summary()["protocol"] == "supermajority"
    finally:
        PROTOCOLS.pop("supermajority", None)
        del sys.modules[module.__name__]


def test_the_readme_dashboard_panel_shows_live_and_static():
    """README, EXTENDING THE MODEL: a dashboard panel is one function; run as written, from
    outside the package, it is in the recording the browser draws and in the static picture."""
    from pathlib import Path

    from govsim.screen.panels import panel_names, unregister_panel

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**A dashboard panel") :]
    start = section.index("```python") + len("```python")
    code = section[start : section.index("```\n", start)]
    module = types.ModuleType("readme_panel")
    sys.modules[module.__name__] = module
    try:
        exec(compile(code, "README.md", "exec"), vars(module))
        dash = module.dash
        assert "text_moves" in panel_names()
        live = {p["name"]: p for p in dash.view.data["panels"]}
        assert live["text_moves"]["kind"] == "lines", "drawn live in the browser"
        values = live["text_moves"]["lines"][0]["values"]
        assert len(values) == len(dash.model.rounds) and values[0] is None
        assert any(v is not None and v > 0 for v in values), "the text moves in some round"
        assert "How far the text moved" in [ax.get_title() for ax in dash.figure.axes], "and in the picture"
    finally:
        unregister_panel("text_moves")
        del sys.modules[module.__name__]
