"""Parameter declarations: one place for defaults, bounds and meaning; one-line errors."""

import pytest

from govsim import GovernanceModel, Parameters, parameter_specs, profile_specs
from govsim.scenarios import load_scenario
from govsim.settings import setting_names


@pytest.mark.parametrize("spec", parameter_specs() + profile_specs(), ids=lambda s: s.name)
def test_every_declaration_is_complete_and_its_default_in_bounds(spec):
    assert spec.low <= spec.default <= spec.high
    assert spec.doc and spec.kind in (int, float)


def test_out_of_range_names_field_value_and_range():
    with pytest.raises(ValueError) as err:
        Parameters(rho=0.9)
    message = str(err.value)
    assert "rho" in message and "0.9" in message and "[0, 0.5]" in message
    assert "\n" not in message


def test_whole_numbers_required_for_integer_fields():
    with pytest.raises(ValueError, match=r"max_rounds=2\.5 is not a whole number"):
        Parameters(max_rounds=2.5)
    assert Parameters(max_rounds=7.0).max_rounds == 7


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc", True, None])
def test_non_numbers_are_rejected(bad):
    with pytest.raises(ValueError, match="mu="):
        Parameters(mu=bad)


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match="did you mean 'rho'"):
        Parameters().replace(rhoo=0.2)
    with pytest.raises(ValueError, match="did you mean 'transparency'"):
        GovernanceModel(rng=0, transparancy=0.5)


def test_group_traits_validated_through_settings():
    scenario = load_scenario("classroom")
    changed = scenario.with_settings({"civil_society.capacity": 0.2, "rho": 0.3})
    assert changed.profile("civil_society").capacity == 0.2
    assert changed.params.rho == 0.3
    assert scenario.profile("civil_society").capacity != 0.2  # frozen: the original is untouched
    with pytest.raises(ValueError, match=r"capacity=1\.5 is out of range"):
        scenario.with_settings({"civil_society.capacity": 1.5})
    with pytest.raises(ValueError, match="unknown group 'civil'"):
        scenario.with_settings({"civil.capacity": 0.5})
    assert "civil_society.capacity" in setting_names() and "rho" in setting_names()


def test_one_number_rule_for_every_field():
    """Issue 12, item 15: numpy numbers are numbers, text and booleans never are, a whole
    number may be written 30.0 but not 30.5, in Python and in files alike."""
    import numpy as np

    params = Parameters(max_rounds=np.int64(30), rho=np.float32(0.25), meetings=2.0)
    assert (params.max_rounds, params.meetings) == (30, 2) and type(params.max_rounds) is int
    assert params.rho == 0.25 and type(params.rho) is float
    for bad in ("0.2", True, float("nan")):
        with pytest.raises(ValueError, match="rho="):
            Parameters(rho=bad)
    with pytest.raises(ValueError, match=r"max_rounds=30\.5 is not a whole number"):
        Parameters(max_rounds=30.5)


def test_model_arguments_of_the_wrong_kind_are_named():
    with pytest.raises(TypeError, match=r"params=.fast. must be a govsim\.Parameters"):
        GovernanceModel(params="fast")
    with pytest.raises(TypeError, match="scenario=3 must be a scenario name"):
        GovernanceModel(3)
    model = GovernanceModel(rng=0)
    with pytest.raises(ValueError, match="max_steps=-3 is out of range"):
        model.run(-3)
    assert model.run(0).rounds.empty
