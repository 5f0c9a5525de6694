"""Attribution recovers the mechanism and strength behind a synthetic observation."""
import pytest

from analysis.attribution import Observation, attribute
from analysis.catalogue import load_catalogue
from analysis.doseresponse import log_doses, simulate_doses
from analysis.errors import UserError

CANDIDATES = ["IR_expression_down", "GLUT4_expression_down", "AS160_defect", "PTEN_up",
              "GLUT4_translocation_defect"]


def test_points_of_a_known_mechanism_are_attributed_to_it(sim):
    cat = load_catalogue()
    doses = log_doses(13)
    truth = cat.scenario(mechanisms={"GLUT4_expression_down": 0.45}).parameters
    observed = simulate_doses(sim, {"observed": truth}, doses)
    observed = observed[observed.readout == "glucose_uptake"][["dose", "value"]]
    table = attribute(sim, cat, Observation(points=observed), doses=doses,
                      mechanisms=CANDIDATES)
    best = table.iloc[0]
    assert best.mechanism == "GLUT4_expression_down" and best.explains
    assert best.strength == pytest.approx(0.45, rel=0.01)
    assert table.misfit.iloc[1] > 100 * max(best.misfit, 1e-12)


def test_a_pure_sensitivity_shift_points_to_the_receptor(sim):
    cat = load_catalogue()
    table = attribute(sim, cat, Observation(ec50_ratio=2.0, emax_ratio=0.99),
                      doses=log_doses(13), mechanisms=CANDIDATES)
    assert table.iloc[0].mechanism == "IR_expression_down"
    assert table.iloc[0].ec50_ratio == pytest.approx(2.0, rel=0.02)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "give the observed"),
    ({"ec50_ratio": -1}, "must be > 0"),
    ({"points": {"dose": [1, 2], "value": [1, 2]}}, "at least 4 rows"),
])
def test_bad_observations_are_one_clear_line(kwargs, message):
    with pytest.raises(UserError, match=message):
        Observation(**kwargs)
