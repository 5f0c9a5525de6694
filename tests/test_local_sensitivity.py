"""Scaled local sensitivities: analytic values, roadrunner's own steady-state
control coefficients, and convergence in the step."""
from pathlib import Path

import numpy as np
import pytest

from analysis.cli import main
from analysis.engine import DEFAULT_SBML, Simulator
from analysis.errors import UserError
from analysis.local_sensitivity import (
    scaled_sensitivities,
    sensitivity_parameters,
    top_coefficients,
)
from analysis.mca import steady_state_runner

TWO_STATE = Path(__file__).parent / "data" / "two_state.xml"


def two_state_with_input(folder):
    """two_state.xml plus an unused 'insulin' parameter, so the engine's protocol runs."""
    text = TWO_STATE.read_text().replace(
        '<parameter id="kf"', '<parameter id="insulin" value="0" constant="true"/>\n'
                              '      <parameter id="kf"')
    path = Path(folder) / "two_state_input.xml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def two_state(tmp_path_factory):
    return Simulator(two_state_with_input(tmp_path_factory.mktemp("two_state")),
                     readouts=["B_frac"])


def coefficient(df, parameter, readout, measure):
    row = df[(df.parameter == parameter) & (df.readout == readout) & (df.measure == measure)]
    assert len(row) == 1
    return float(row.coefficient.iloc[0])


def test_two_state_steady_state_is_analytic(two_state):
    # B_frac = kf / (kf + kr): d ln B_frac / d ln kf = kr / (kf + kr) = 0.25, and -0.25 for kr.
    assert sensitivity_parameters(two_state) == ["kf", "kr"]
    df = scaled_sensitivities(two_state, dose=1.0)
    assert set(df.measure) == {"at_10min", "steady_state"}
    assert (df.status == "ok").all()
    assert coefficient(df, "kf", "B_frac", "steady_state") == pytest.approx(0.25, abs=1e-6)
    assert coefficient(df, "kr", "B_frac", "steady_state") == pytest.approx(-0.25, abs=1e-6)
    row = df[(df.parameter == "kf") & (df.measure == "steady_state")]
    assert row.value.iloc[0] == pytest.approx(0.75, rel=1e-9)


def test_scenario_moves_the_base_point(two_state):
    # With kf = kr = 0.2 the analytic coefficient is kr / (kf + kr) = 0.5.
    df = scaled_sensitivities(two_state, parameters=["kf"], scenario={"kf": 0.1, "kr": 0.1})
    assert coefficient(df, "kf", "B_frac", "steady_state") == pytest.approx(0.5, abs=1e-6)


def test_sensitivity_parameters_of_our_model():
    sim = Simulator(DEFAULT_SBML, readouts=["glucose_uptake"])
    params = sensitivity_parameters(sim)
    assert not {"insulin", "glucose", "TNFa", "FFA", "AMPK_activity"} & set(params)
    assert {"k_GLUT4_endocytosis", "scale_GLUT4_total", "kon_INS_site1"} <= set(params)
    assert all(sim.rr[f"init({p})"] != 0 for p in params)
    assert len(params) >= 80


SPECIES = ["GLUT4__pm", "AKT2_pT308_pS473__cyt", "IRS1_pY612__cyt"]
KINETIC = ["k_GLUT4_endocytosis", "k_AS160_phosphorylation", "k_PTEN", "koff_INS_site1",
           "k_IRS1_S636_by_S6K1"]


def test_steady_state_agrees_with_roadrunner_getCC():
    """Our central differences (settle, step, simulate 1e5 min) against libroadrunner's
    getCC (its own finite differences around steadyState() with conserved moieties)."""
    sim = Simulator(DEFAULT_SBML, readouts=SPECIES)
    df = scaled_sensitivities(sim, parameters=KINETIC, dose=1.0, doses=False)
    df = df[df.measure == "steady_state"]
    assert (df.status == "ok").all()
    rr, info = steady_state_runner(sim, dose=1.0)
    assert info["residual"] < 1e-9
    compared = 0
    for row in df.itertuples():
        reference = rr.getCC(row.readout, row.parameter)
        if abs(reference) > 1e-3:
            assert row.coefficient == pytest.approx(reference, rel=1e-3), row
            compared += 1
        else:  # small or structurally 0 (no path from the parameter to the species):
            # the same absolute accuracy (koff_INS_site1 -> GLUT4__pm is -3.98e-5 by
            # central differences of NLEQ-polished steady states; getCC -3.976e-5)
            assert abs(row.coefficient - reference) < 1e-5, row
    assert compared >= 8


def test_step_halving_changes_coefficients_little():
    sim = Simulator(DEFAULT_SBML, readouts=["glucose_uptake", "pAKT_T308", "pIRS1_Y"])
    params = ["k_PI34P2_to_PIP2", "PTP1B_total", "INSR_surface_0", "scale_AKT_activation",
              "k_GLUT4_endocytosis", "kon_INS_site1"]
    full = scaled_sensitivities(sim, parameters=params, step=1e-3)
    half = scaled_sensitivities(sim, parameters=params, step=5e-4)
    assert set(full.measure) == {"at_10min", "steady_state", "ec50", "emax"}
    assert (full.status == "ok").all() and (half.status == "ok").all()
    assert np.max(np.abs(full.coefficient.to_numpy() - half.coefficient.to_numpy())) < 1e-4


def test_zero_readout_is_nan_with_status():
    # Active AMPK is 0 without the exercise input.
    sim = Simulator(DEFAULT_SBML, readouts=["PRKAA2_pT172__cyt", "GLUT4__pm"])
    df = scaled_sensitivities(sim, parameters=["k_GLUT4_endocytosis"], doses=False)
    zero = df[df.readout == "PRKAA2_pT172__cyt"]
    assert (zero.status == "zero_readout").all() and zero.coefficient.isna().all()
    assert (df[df.readout == "GLUT4__pm"].status == "ok").all()


def test_bad_input_is_one_line(two_state):
    with pytest.raises(UserError, match="unknown parameter 'kff'"):
        scaled_sensitivities(two_state, parameters=["kff"])
    with pytest.raises(UserError, match="step"):
        scaled_sensitivities(two_state, step=0.0)
    with pytest.raises(UserError, match="dose"):
        scaled_sensitivities(two_state, dose=-1.0)


def test_top_coefficients_orders_by_magnitude(two_state):
    df = scaled_sensitivities(two_state)
    top = top_coefficients(df, "B_frac", "steady_state", 1)
    assert len(top) == 1 and abs(top.coefficient.iloc[0]) == pytest.approx(0.25, abs=1e-6)


def test_cli_on_a_user_model(tmp_path, capsys):
    sbml = two_state_with_input(tmp_path)
    out = tmp_path / "out"
    code = main(["local-sensitivity", "--sbml", str(sbml), "--readout", "B_frac",
                 "--out", str(out)])
    assert code == 0
    assert (out / "local_sensitivity.parquet").is_file()
    assert (out / "local_sensitivity_steady_state.png").is_file()
    assert "top 10" in capsys.readouterr().out
    assert main(["local-sensitivity", "--sbml", str(sbml), "--readout", "B_frac",
                 "--parameter", "nope", "--out", str(out)]) == 2
