"""The backends: the same numbers from libroadrunner, COPASI and PySB (conformance);
the default engine equals the settings it replaced; conserved totals stay
consistent; what a backend cannot do, or cannot load, is one line."""
import sys
from pathlib import Path

import numpy as np
import pytest
import roadrunner

from analysis import bench
from analysis.backends import REGISTRY, create
from analysis.backends.base import SolverOptions
from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.errors import UserError
from analysis.resources import DEFAULT_SBML

# well-conditioned readouts (none passes through zero) at doses on both sides of the EC50s
READOUTS = ["glucose_uptake", "pAKT_T308", "pIRS1_Y", "GLUT4_membrane_fraction", "pERK",
            "GLUT4__pm"]
DOSES = [0.1, 1.0, 100.0]
TIMES = [0.0, 2.0, 10.0, 30.0]
TIGHT = SolverOptions(relative_tolerance=1e-10, absolute_tolerance=1e-14)
CONFORMANCE = 1e-6
DATA = Path(__file__).parent / "data"


def scenario_set():
    cat = load_catalogue()
    return {"healthy": {},
            "IR_expression_down": cat.scenario(mechanisms={"IR_expression_down": 0.2}).parameters,
            "type2_diabetes_adipocyte": cat.scenario(cause="type2_diabetes_adipocyte").parameters}


@pytest.fixture(scope="module")
def results():
    """Each backend's dose responses, time courses and steady states."""
    out = {}
    for name in REGISTRY:
        sim = create(name, readouts=READOUTS, options=TIGHT)
        for scenario, parameters in scenario_set().items():
            out[name, scenario, "response"] = sim.response(parameters, DOSES)[READOUTS].to_numpy()
            # after t = 0: pIRS1_Y and pERK are 0 in the basal state
            out[name, scenario, "timecourse"] = sim.timecourse(parameters, 100.0,
                                                               TIMES).to_numpy()[1:]
            out[name, scenario, "steady"] = np.array(
                list(sim.stimulated_steady_state(parameters, 1.0).values()))
    return out


@pytest.mark.parametrize("backend", ["copasi", "pysb"])
@pytest.mark.parametrize("what", ["response", "timecourse", "steady"])
def test_backends_agree_with_roadrunner(results, backend, what):
    worst = 0.0
    for scenario in scenario_set():
        ours, theirs = results["roadrunner", scenario, what], results[backend, scenario, what]
        worst = max(worst, float(np.max(np.abs(theirs - ours) / np.abs(ours))))
    assert worst <= CONFORMANCE, (backend, what, worst)


def test_scenarios_really_differ(results):
    healthy = results["roadrunner", "healthy", "response"]
    for scenario in ("IR_expression_down", "type2_diabetes_adipocyte"):
        assert np.max(np.abs(results["roadrunner", scenario, "response"] / healthy - 1)) > 0.05


def test_default_engine_equals_the_settings_it_replaced():
    """Tolerance vector and NLEQ2 settling against a scalar tolerance and 1e5 min of
    simulation (bench's plain loop): the dose-response protocol within 1e-7."""
    set_ = bench.scenarios(mechanisms=("IR_expression_down", "PTEN_up", "IRS1_serine_JNK"))
    sim = create("roadrunner")
    plain = bench.BareLoop(tuned=False, readouts=sim.readouts)
    doses = sim.protocol.doses
    for parameters in set_.values():
        ours = sim.response(parameters, doses)[sim.readouts].to_numpy()
        before = plain.run(parameters, doses, sim.protocol.readout_time)
        floor = 1e-9 * np.max(np.abs(before), axis=0)    # round-off zeros (pIR at dose 0)
        assert np.max(np.abs(ours - before) / np.maximum(np.abs(before), floor)) <= 1e-7
        assert sim.settle_method == "solver"


def _totals(sim):
    matrix = sim.rr.getConservationMatrix()
    amounts = dict(zip(sim.rr.model.getFloatingSpeciesIds(),
                       sim.rr.model.getFloatingSpeciesAmounts(), strict=True))
    return (np.asarray(matrix) @ np.array([amounts[c] for c in matrix.colnames]),
            np.asarray(sim.rr.model.getConservedMoietyValues()))


def test_species_set_in_a_scenario_moves_its_conserved_total_not_its_partners():
    # AKT2__cyt is independent; with moieties on, setting it alone would push the
    # dependent AKT2_pT308_pS473__cyt to -1.9 nM (libroadrunner keeps the total).
    sim = create("roadrunner", readouts=["pAKT_T308", "AKT2_pT308_pS473__cyt", "AKT2__cyt"])
    assert sim.rr.model.getNumConservedMoieties() > 0
    sim._apply({"AKT2__cyt": 2.0})
    computed, kept = _totals(sim)
    assert np.allclose(computed, kept, rtol=1e-12, atol=1e-12)
    assert sim.rr["[AKT2__cyt]"] == pytest.approx(2.0)
    assert abs(sim.rr["[AKT2_pT308_pS473__cyt]"]) < 1e-12
    # the whole protocol against a RoadRunner without moieties, set the plain way
    rr = roadrunner.RoadRunner(str(DEFAULT_SBML))
    rr.integrator.relative_tolerance, rr.integrator.absolute_tolerance = 1e-10, 1e-14
    rr["[AKT2__cyt]"] = 2.0
    rr.simulate(0.0, 1e5, 2)
    # round-off at true zeros (insulin-bound receptor at insulin 0) to 0: libroadrunner
    # scales the scalar tolerance by each state's value, and CVODE stalls at the step
    amounts = rr.model.getFloatingSpeciesAmounts()
    amounts[np.abs(amounts) < 1e-20] = 0.0
    rr.model.setFloatingSpeciesAmounts(amounts)
    rr["insulin"] = 1.0
    expected = rr.simulate(0.0, 10.0, 2, selections=["pAKT_T308"])[-1, 0]
    got = sim.response({"AKT2__cyt": 2.0}, [1.0]).pAKT_T308.iloc[0]
    assert got == pytest.approx(expected, rel=1e-6)


def test_restoring_the_basal_state_keeps_the_conserved_totals():
    sim = create("roadrunner")
    sim.settle({"scale_PTEN_activity": 3.0})
    _, basal = _totals(sim)
    sim.response({"scale_PTEN_activity": 3.0}, [1.0, 100.0])
    sim.settle({"scale_PTEN_activity": 3.0})       # cached: restores the basal state
    computed, kept = _totals(sim)
    assert np.allclose(kept, basal, rtol=1e-12) and np.allclose(computed, kept, rtol=1e-9)


def test_moiety_totals_are_not_parameters():
    sim = create("roadrunner")
    assert not [p for p in sim.parameter_ids() + sim.model.parameters() if p.startswith("_")]
    assert any(p.startswith("_CSUM") for p in sim.rr.model.getGlobalParameterIds())


def test_a_model_without_reactions_settles_by_simulation():
    sim = create("roadrunner", DATA / "analytic_hill.xml", readouts=["R_obs"])
    sim.settle({})
    assert sim.settle_method == "simulation"


@pytest.mark.parametrize("argv, message", [
    (["simulate", "--backend", "nope"],
     "unknown backend 'nope'; accepted: roadrunner, copasi, pysb"),
    (["simulate", "--rtol", "0"], "relative tolerance 0.0 is not accepted; give a number from"),
    (["dose-response", "--rtol", "0.5"], "is not accepted; give a number from 1e-14 to 0.001"),
    (["mca", "--backend", "pysb"], "the pysb backend cannot do metabolic control analysis; "
                                   "backends that can: roadrunner"),
    (["simulate", "--backend", "pysb", "--sbml", str(DATA / "two_state.xml"), "--readout", "B"],
     "the pysb backend cannot do a user SBML"),
])
def test_bad_backend_input_is_one_line(argv, message, capsys, tmp_path):
    assert main(argv + ["--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert not (tmp_path / "o").exists()


def test_a_missing_backend_package_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "COPASI", None)    # import COPASI now raises ImportError
    with pytest.raises(UserError, match=r"needs python-copasi.*pip install python-copasi"):
        create("copasi")
    assert main(["simulate", "--backend", "copasi", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "pip install python-copasi" in err and "\n" not in err


def test_species_scenarios_are_refused_by_pysb_in_one_line():
    sim = create("pysb", readouts=["glucose_uptake"])
    with pytest.raises(UserError, match="the pysb backend cannot do setting species 'GLUT4__pm'"):
        sim.response({"GLUT4__pm": 1.0}, [1.0])


def test_cli_backend_option_and_rtol_reach_the_metadata(tmp_path):
    import json
    out = tmp_path / "s"
    assert main(["simulate", "--backend", "copasi", "--rtol", "1e-7", "--end", "10",
                 "--points", "11", "--out", str(out)]) == 0
    meta = json.loads((out / "metadata.json").read_text())["readouts"]["settings"]
    assert meta["backend"] == "copasi"
    assert meta["solver_options"]["relative_tolerance"] == 1e-7
    assert meta["protocol"]["readout_time"] == 10.0 and meta["protocol"]["input_id"] == "insulin"


def test_results_do_not_depend_on_what_ran_before_bit_for_bit():
    # serial, parallel and Dask runs give each process another history; restoring a
    # cached basal state used to shift the conserved totals by round-off (found by
    # tests/test_doseresponse.py::test_dose_response_on_two_workers_equals_serial)
    from analysis.doseresponse import log_doses, simulate_doses
    from analysis.scans import scan_2d
    cat = load_catalogue()
    scenarios = {"healthy": {}, "PTEN_up": cat.scenario(mechanisms={"PTEN_up": 3.0}).parameters}
    fresh = simulate_doses(create("roadrunner"), scenarios, log_doses(9))
    used = create("roadrunner")
    scan_2d(used, cat, "IR_expression_down", [0.3], "GLUT4_expression_down", [0.5], log_doses(9))
    used.steady_state({}, 1.0)
    again = simulate_doses(used, scenarios, log_doses(9))
    assert np.array_equal(again.value.to_numpy(), fresh.value.to_numpy())
