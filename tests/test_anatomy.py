"""The anatomy of a round (notebook 02) names only settings the model declares, in the order
``GovernanceModel.step`` runs them, and its diagram draws every step."""

import matplotlib

matplotlib.use("Agg")

from govsim import parameter_specs
from govsim.anatomy import ROUND_STEPS, plot_round
from govsim.population import profile_specs


def test_every_setting_named_is_declared():
    declared = {s.name for s in parameter_specs()} | {s.name for s in profile_specs()}
    for step in ROUND_STEPS:
        assert step.settings and set(step.settings) <= declared, (step.name, set(step.settings) - declared)
        for name in step.settings:
            assert f"`{name}`" in step.rule or name in {"meetings", "capability_voice", "max_rounds"}, (
                step.name,
                name,
            )


def test_steps_follow_the_model_order():
    names = [s.name.split(". ", 1)[1] for s in ROUND_STEPS]
    assert names == ["Attendance", "Deliberation", "Lobbying", "Proposal", "Decision", "Compliance"]


def test_the_diagram_draws_every_step():
    ax = plot_round()
    texts = {t.get_text() for t in ax.texts}
    assert {s.name for s in ROUND_STEPS} <= texts


def test_the_readme_tells_the_same_round():
    """Issue 22.10: the README had five steps (lobbying inside deliberation), the notebook and
    handout six. The README's numbered steps are the anatomy's, in its order."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("One round (one `step`")[1].split("\n\n")[0]
    import re

    steps = re.findall(r"^(\d)\. \*\*(\w+)", block, re.M)
    assert [f"{n}. {name}" for n, name in steps] == [s.name for s in ROUND_STEPS]
    stubborn = next(s for s in ROUND_STEPS if "stubbornness" in s.settings)
    assert stubborn.name == "3. Lobbying"  # applied after lobbying, as model.step does
    assert "revision_step x (objectors' mean view - old text)" in ROUND_STEPS[3].rule
