"""Calibration: the PEtab likelihood, closed-form scales, recovery of known values,
identical results serial / parallel / Dask, resume, and bad input.

Mechanics run on the analytic Hill model (tests/data/analytic_hill.xml):
after a step from the basal state R = 0, R(t) = Emax*H(dose)*(1 - exp(-k t)),
H(x) = (x/EC50)^n / (1 + (x/EC50)^n).
"""
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.calibration.multistart import FitSettings, objective_for
from analysis.calibration.objective import Objective, nll_terms
from analysis.calibration.pipeline import calibrate
from analysis.calibration.problem import load_problem
from analysis.cli import main
from analysis.petab_io import parameter_table, problem_tables, write_problem
from analysis.results import read_table

DATA = Path(__file__).parent / "data"
HILL = DATA / "analytic_hill.xml"
TRUE = {"k": 0.7, "EC50": 0.8}          # SBML nominal: k 1, EC50 0.5
EMAX, N, SCALE, SIGMA = 2.0, 1.5, 50.0, 0.5


def hill_response(dose, t, k=TRUE["k"], ec50=TRUE["EC50"]):
    h = (dose / ec50) ** N / (1 + (dose / ec50) ** N)
    return EMAX * h * (1 - np.exp(-k * t))


def hill_data(seed=3, noise=SIGMA):
    rng = np.random.default_rng(seed)
    times = np.array([0.5, 1, 2, 3, 5, 7, 10])
    doses = np.array([0.0, 0.1, 0.3, 1.0, 3.0, 10.0])
    rows = [("R_obs", 1.0, t, "timecourse") for t in times]
    rows += [("R_obs", d, 5.0, "doseresponse") for d in doses]
    frame = pd.DataFrame(rows, columns=["readout", "dose", "time", "dataset"])
    clean = SCALE * hill_response(frame.dose.to_numpy(), frame.time.to_numpy())
    frame["value"] = clean + rng.normal(0, noise, len(frame))
    return frame


def write_hill_problem(folder, data=None, estimate=None, shared_scale=False):
    data = hill_data() if data is None else data
    conditions, observables, measurements, outputs = problem_tables(data, "insulin")
    if shared_scale:
        measurements["observableParameters"] = "scale_shared"
        outputs = {k: v for k, v in outputs.items() if not k.startswith("scale_")}
        outputs["scale_shared"] = ("scale", "both")
    estimate = estimate or {"k": (1.0, 0.01, 100.0), "EC50": (0.5, 0.01, 100.0)}
    parameters = parameter_table(estimate, outputs)
    return write_problem(folder, HILL, conditions, observables, measurements, parameters)


@pytest.fixture(scope="module")
def hill_problem(tmp_path_factory):
    return write_hill_problem(tmp_path_factory.mktemp("hill") / "problem")


# ------------------------------------------------------------------ likelihood


@pytest.mark.parametrize("transform", ["lin", "log", "log10"])
@pytest.mark.parametrize("distribution", ["normal", "laplace"])
def test_nll_is_the_petab_likelihood(transform, distribution):
    y = np.array([1.3, 0.7, 2.2])
    h = np.array([1.1, 0.9, 2.0])
    sigma = np.array([0.2, 0.3, 0.25])
    f = {"lin": lambda v: v, "log": np.log, "log10": np.log10}[transform]
    jac = {"lin": np.zeros(3), "log": np.log(y), "log10": np.log(y * math.log(10))}[transform]
    dist = stats.norm if distribution == "normal" else stats.laplace
    expected = -np.sum(dist.logpdf(f(y), loc=f(h), scale=sigma)) + np.sum(jac)
    assert nll_terms(y, h, sigma, transform, distribution) == pytest.approx(expected, rel=1e-12)


def test_closed_form_scale_and_noise_equal_the_numerical_optimum(hill_problem):
    from scipy.optimize import minimize
    obj = Objective(load_problem(hill_problem))
    full = Objective(load_problem(hill_problem), hierarchical=False)
    assert set(obj.inner_scales) == {"scale_timecourse", "scale_doseresponse"}
    assert set(obj.inner_sigmas) == {"sigma_timecourse", "sigma_doseresponse"}
    assert full.outer_ids == obj.problem.x_ids
    x = np.log10([TRUE["k"], TRUE["EC50"]])
    ev = obj.evaluate(x)
    start = np.concatenate([x, [math.log10(40), 0.0, math.log10(40), 0.0]])
    order = [full.outer_ids.index(p) for p in obj.outer_ids + [
        "scale_timecourse", "sigma_timecourse", "scale_doseresponse", "sigma_doseresponse"]]
    x_full = np.empty(len(order))

    def f(z):
        x_full[order] = np.concatenate([x, z])
        return full(x_full)
    numeric = minimize(f, start[2:], method="Nelder-Mead",
                       options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000})
    assert ev.nll == pytest.approx(numeric.fun, abs=1e-7)
    assert math.log10(ev.inner["scale_timecourse"]) == pytest.approx(numeric.x[0], abs=1e-4)
    assert math.log10(ev.inner["sigma_doseresponse"]) == pytest.approx(numeric.x[3], abs=1e-4)


def test_a_scale_shared_by_datasets_with_their_own_noise_is_solved_jointly(tmp_path):
    from scipy.optimize import minimize_scalar
    problem = write_hill_problem(tmp_path / "p", shared_scale=True)
    obj = Objective(load_problem(problem))
    assert set(obj.inner_scales) == {"scale_shared"}
    x = np.log10([TRUE["k"], TRUE["EC50"]])
    ev = obj.evaluate(x)
    # profile over the shared scale with each dataset's noise at its optimum
    g = ev.simulated / ev.inner["scale_shared"]
    y = obj.y
    sets = [obj.problem.datasets == d for d in ("timecourse", "doseresponse")]

    def nll(s):
        return sum(nll_terms(y[m], s * g[m], np.full(m.sum(), math.sqrt(np.mean(
            (y[m] - s * g[m]) ** 2))), "lin", "normal") for m in sets)
    best = minimize_scalar(nll, bounds=(10, 100), method="bounded",
                           options={"xatol": 1e-10})
    assert ev.inner["scale_shared"] == pytest.approx(best.x, rel=1e-6)
    assert ev.nll == pytest.approx(best.fun, abs=1e-8)


def test_two_condition_runs_match_the_closed_form_whatever_ran_before():
    from analysis.backends import create
    sim = create("roadrunner", str(HILL), "insulin", ["R_obs"])
    times = np.array([0.5, 2.0, 5.0])
    order = [(0.3, 1.0), (0.7, 1.0), (0.7, 3.0), (0.7, 1.0), (0.3, 1.0)]
    for k, dose in order:
        got = sim.condition_timecourse({"k": k, "EC50": 0.8}, {"insulin": 0.0},
                                       {"insulin": dose}, times)[:, 0]
        expected = hill_response(dose, times, k=k, ec50=0.8)
        assert np.allclose(got, expected, rtol=1e-6), (k, dose)
    # a species set by the second condition starts there
    got = sim.condition_timecourse({"k": 0.7, "EC50": 0.8}, {"insulin": 0.0},
                                   {"insulin": 0.0, "R": 1.0}, times)[:, 0]
    assert np.allclose(got, np.exp(-0.7 * times), rtol=1e-6)


# ------------------------------------------------------------------ fitting


def test_calibration_recovers_known_values_of_the_analytic_model(hill_problem, tmp_path):
    result = calibrate(hill_problem, tmp_path / "fit", FitSettings(starts=4, seed=2),
                       profile=None, progress=False)
    estimates = result.parameters.set_index("parameter").estimate
    assert estimates["k"] == pytest.approx(TRUE["k"], rel=0.10)
    assert estimates["EC50"] == pytest.approx(TRUE["EC50"], rel=0.10)
    assert estimates["scale_timecourse"] == pytest.approx(SCALE, rel=0.10)
    assert (result.r2.r2 > 0.99).all()
    assert (result.starts.status == "ok").all()


@pytest.mark.slow
def test_profile_intervals_cover_the_truth_and_flag_an_unidentifiable_parameter(tmp_path):
    # n is not identifiable from the time course alone at one dose: its profile is flat
    data = hill_data()
    data = data[data.dataset == "timecourse"]
    problem = write_hill_problem(tmp_path / "p", data, {
        "k": (1.0, 0.01, 100.0), "n": (1.5, 0.1, 10.0)})
    result = calibrate(problem, tmp_path / "fit", FitSettings(starts=3), progress=False)
    table = result.parameters.set_index("parameter")
    assert table.loc["k", "ci_lower"] < TRUE["k"] < table.loc["k", "ci_upper"]
    assert table.loc["k", "identifiable"] == "identifiable"
    assert table.loc["n", "identifiable"].startswith("not identifiable")


def test_serial_parallel_and_dask_give_the_same_tables(hill_problem, tmp_path):
    from distributed import Client, LocalCluster
    settings = FitSettings(starts=3, seed=5)
    serial = calibrate(hill_problem, tmp_path / "a", settings, profile=None, progress=False)
    local = calibrate(hill_problem, tmp_path / "b", settings, profile=None, workers=2,
                      progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask = calibrate(hill_problem, tmp_path / "c", settings, profile=None, client=client,
                         progress=False)
    columns = [c for c in serial.starts if c != "seconds"]
    pd.testing.assert_frame_equal(serial.starts[columns], local.starts[columns])
    pd.testing.assert_frame_equal(serial.starts[columns], dask.starts[columns])
    pd.testing.assert_frame_equal(serial.parameters, dask.parameters)


def test_resume_redoes_only_missing_starts(hill_problem, tmp_path):
    out = tmp_path / "fit"
    args = ["calibrate", str(hill_problem), "--starts", "4", "--no-profile", "--workers", "1",
            "--out", str(out)]
    assert main(args) == 0
    first, _ = read_table(out / "starts.parquet")
    chunks = sorted((out / "starts" / "chunks").glob("chunk_*.parquet"))
    assert len(chunks) == 4
    chunks[1].unlink()
    chunks[3].unlink()
    kept = {c: c.stat().st_mtime_ns for c in (chunks[0], chunks[2])}
    assert main(args) == 2                      # a folder holding a run needs --resume
    assert main(args + ["--resume"]) == 0
    assert all(c.stat().st_mtime_ns == t for c, t in kept.items())
    again, _ = read_table(out / "starts.parquet")
    columns = [c for c in first if c != "seconds"]
    pd.testing.assert_frame_equal(first[columns], again[columns])


def test_cli_writes_tables_figures_and_applies_to_a_parameter_table(hill_problem, tmp_path):
    table = tmp_path / "hill_parameters.csv"
    table.write_text("name,value,unit,source,description\n"
                     "k,1,1/min,assumed,relaxation rate\nEC50,0.5,nM,assumed,half-maximal\n"
                     "n,1.5,dimensionless,assumed,Hill coefficient\n")
    out = tmp_path / "fit"
    assert main(["calibrate", str(hill_problem), "--starts", "2", "--workers", "1",
                 "--apply", "--parameter-table", str(table), "--out", str(out)]) == 0
    for name in ("starts", "estimates", "fit", "r2", "profiles", "curves"):
        assert (out / f"{name}.parquet").is_file() and (out / f"{name}.csv").is_file()
    for name in ("waterfall", "fits", "profiles"):
        assert (out / f"{name}.png").stat().st_size > 10_000
    params, meta = read_table(out / "estimates.parquet")
    assert meta["analysis"] == "calibrate" and meta["seed"] == 1
    k = params.set_index("parameter").loc["k"]
    assert k.ci_lower < k.estimate < k.ci_upper
    applied = pd.read_csv(out / "parameters.csv").set_index("name")
    assert float(applied.loc["k", "value"]) == pytest.approx(k.estimate, rel=1e-3)
    assert applied.loc["k", "source"].startswith("fitted: problem (timecourse, doseresponse), "
                                                 "95 % interval [")
    assert applied.loc["n", "source"] == "assumed"


# ------------------------------------------------------------------ bad input


def _problem_copy(hill_problem, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(Path(hill_problem).parent, folder)
    return folder


def _edit(folder, table, edit):
    path = folder / f"{table}.tsv"
    frame = pd.read_csv(path, sep="\t")
    edit(frame)
    frame.to_csv(path, sep="\t", index=False)


BAD = {
    "lint": (lambda f: _edit(f, "measurements", lambda m: m.__setitem__(
        "observableId", "undefined_observable")), "fails lint"),
    "unknown id": (lambda f: _edit(f, "observables", lambda o: o.__setitem__(
        "observableFormula", "observableParameter1_" + o.observableId + " * nosuch")),
        "nosuch"),
    "condition column": (lambda f: _edit(f, "conditions", lambda c: c.__setitem__("R_obs", 1.0)),
                         "R_obs"),
    "negative time": (lambda f: _edit(f, "measurements", lambda m: m.loc.__setitem__(
        (0, "time"), -1.0)), "time"),
    "text value": (lambda f: _edit(f, "measurements", lambda m: m.__setitem__(
        "measurement", m.measurement.astype(object).where(m.index != 2, "n/a"))), "measurement"),
    "bounds": (lambda f: _edit(f, "parameters", lambda p: p.loc.__setitem__(
        (p.parameterId == "k", "lowerBound"), 500.0)), "upperBound"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_problem_is_one_line_and_writes_nothing(case, hill_problem, tmp_path, capsys):
    folder = _problem_copy(hill_problem, tmp_path)
    edit, words = BAD[case]
    edit(folder)
    out = tmp_path / "out"
    assert main(["calibrate", str(folder / "problem.yaml"), "--starts", "1", "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and words in err[0], err
    assert not out.exists() or not any(out.rglob("*.parquet"))


def test_zero_starts_and_a_missing_problem_are_refused(hill_problem, tmp_path, capsys):
    assert main(["calibrate", str(hill_problem), "--starts", "0", "--out",
                 str(tmp_path / "o")]) == 2
    assert "--starts 0" in capsys.readouterr().err
    assert main(["calibrate", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "not found" in capsys.readouterr().err


def test_every_start_failing_writes_no_result_table(tmp_path, capsys):
    # fails_at_two.xml cannot be simulated at insulin = 2
    data = hill_data()
    data = data.assign(dose=2.0, time=data.time.where(data.dataset == "timecourse", 5.0))
    conditions, observables, measurements, outputs = problem_tables(data, "insulin")
    parameters = parameter_table({"k": (1.0, 0.01, 100.0)}, outputs)
    problem = write_problem(tmp_path / "p", DATA / "fails_at_two.xml", conditions, observables,
                            measurements, parameters)
    out = tmp_path / "out"
    assert main(["calibrate", str(problem), "--starts", "2", "--no-profile", "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err
    assert "every start failed (2 of 2)" in err
    assert not list(out.glob("*.parquet"))


def test_resume_on_another_problem_names_what_differs(hill_problem, tmp_path, capsys):
    out = tmp_path / "fit"
    assert main(["calibrate", str(hill_problem), "--starts", "1", "--no-profile", "--out",
                 str(out)]) == 0
    other = write_hill_problem(tmp_path / "other", hill_data(seed=9))
    assert main(["calibrate", str(other), "--starts", "1", "--no-profile", "--resume",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "resume refused" in err and "problem_sha256" in err


def test_petab_lint_passes_on_every_written_problem(hill_problem):
    from analysis.calibration.problem import lint, read_problem
    assert lint(read_problem(hill_problem)) == []
    obj = objective_for(str(hill_problem))
    assert obj.problem.readouts == ("R_obs",)


def test_a_finite_difference_step_past_a_zero_bound_is_evaluated_at_the_bound(tmp_path):
    """Lin-scale bounds at 0 (a mechanism range [0, 1]): central differences at the
    bound ask for a negative value, which the model refuses; it is clipped."""
    yaml = write_hill_problem(tmp_path / "p")
    table = pd.read_csv(yaml.parent / "parameters.tsv", sep="\t")
    table.loc[table.parameterId == "k", ["parameterScale", "lowerBound", "upperBound"]] = \
        ["lin", 0.0, 10.0]
    table.to_csv(yaml.parent / "parameters.tsv", sep="\t", index=False)
    objective = Objective(load_problem(yaml))
    x = np.array(objective.problem.x_nominal, dtype=float)[objective.outer_index]
    k = objective.outer_ids.index("k")
    at, below = x.copy(), x.copy()
    at[k], below[k] = 0.0, -5e-5
    assert math.isfinite(objective(at))
    assert objective(below) == objective(at)
