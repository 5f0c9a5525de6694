"""Calibration on the project's own model (not the analytic test model).

- Our objective is the PEtab likelihood: on the shipped Brännmark 2010 problem
  it equals what pyPESTO's own roadrunner importer computes.
- Known parameter values are recovered (within 10 %) from synthetic,
  MODEL-DERIVED data: the model with two rate constants changed generates
  time courses and a dose-response, with 1 % noise; the fit starts from the
  nominal values (a factor 2 away) and Latin-hypercube points.
"""
import numpy as np
import pandas as pd
import pytest

from analysis.backends import create
from analysis.calibration.multistart import FitSettings
from analysis.calibration.objective import Objective
from analysis.calibration.pipeline import calibrate
from analysis.calibration.problem import load_problem
from analysis.calibration.shipped import model_values, write_brannmark2010
from analysis.petab_io import parameter_table, problem_tables, write_problem
from analysis.resources import DEFAULT_SBML

# GLUT4 traffic (minutes) is resolved by these samples; AS160 (de)phosphorylation,
# the earlier pair, equilibrates within a second in the calibrated model (75 /min), so
# such data identify only the ratio of its two rate constants
READOUT = "GLUT4_membrane_fraction"
TRUTH_FACTOR = {"k_GLUT4_exocytosis_AS160": 2.0, "k_GLUT4_endocytosis": 0.5}


@pytest.mark.slow
def test_our_likelihood_is_pypesto_roadrunner_importers(tmp_path):
    import petab
    from pypesto.objective.roadrunner import PetabImporterRR
    yaml = write_brannmark2010(tmp_path / "b10")
    ours = load_problem(yaml)
    objective = Objective(ours, hierarchical=False)
    theirs = PetabImporterRR(petab.Problem.from_yaml(yaml)).create_problem().objective
    x = np.array(ours.x_nominal, dtype=float)
    for shift in (0.0, 0.05):                 # nominal, and every parameter x 1.12
        point = x + shift
        assert objective(point[objective.outer_index]) == pytest.approx(
            theirs(point), rel=1e-6)


def synthetic(truth, seed=11, relative_sd=0.01):
    sim = create("roadrunner", str(DEFAULT_SBML), "insulin", [READOUT])
    rows = []
    times = np.array([0, 0.5, 1, 2, 3, 5, 10, 20, 30])
    for dose in (1.0, 100.0):
        course = sim.timecourse(truth, dose, times)
        rows += [(READOUT, dose, t, float(course.loc[t, READOUT]), f"tc_{dose:g}nM")
                 for t in times]
    doses = np.logspace(-3, 2, 9)
    response = sim.response(truth, doses, 10.0)
    rows += [(READOUT, d, 10.0, float(v), "dr_10min")
             for d, v in zip(response.dose, response[READOUT], strict=True)]
    data = pd.DataFrame(rows, columns=["readout", "dose", "time", "clean", "dataset"])
    data["sd"] = relative_sd * data.clean.max()
    rng = np.random.default_rng(seed)
    data["value"] = data.clean + rng.normal(0, 1, len(data)) * data.sd
    return data.drop(columns="clean")


@pytest.mark.slow
def test_calibration_recovers_known_rate_constants_of_the_model(tmp_path):
    nominal = model_values(DEFAULT_SBML, TRUTH_FACTOR)
    truth = {k: nominal[k] * f for k, f in TRUTH_FACTOR.items()}
    conditions, observables, measurements, outputs = problem_tables(synthetic(truth), "insulin")
    bounds = {k: (v, v / 30, v * 30) for k, v in nominal.items()}
    yaml = write_problem(tmp_path / "problem", DEFAULT_SBML, conditions, observables,
                         measurements, parameter_table(bounds, outputs))
    result = calibrate(yaml, tmp_path / "fit", FitSettings(starts=4, seed=2), None,
                       progress=False)
    fitted = result.parameters.set_index("parameter").estimate
    for pid, value in truth.items():
        assert fitted[pid] == pytest.approx(value, rel=0.10), pid
    assert (result.r2.r2 > 0.99).all()


def test_the_committed_problem_is_what_petab_problem_writes_now(tmp_path):
    """data/petab/brannmark2010 follows the data and the current SBML (`make petab`)."""
    from analysis.calibration.problem import lint
    from analysis.calibration.shipped import PROBLEMS_DIR
    committed = PROBLEMS_DIR / "brannmark2010"
    fresh = write_brannmark2010(tmp_path / "b10").parent
    for name in ("conditions.tsv", "observables.tsv", "measurements.tsv", "parameters.tsv",
                 "problem.yaml", "model.xml"):
        assert (committed / name).read_bytes() == (fresh / name).read_bytes(), (
            f"{committed / name} is stale: run `make petab`")
    import petab
    assert lint(petab.Problem.from_yaml(committed / "problem.yaml")) == []
