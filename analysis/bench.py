"""Speed on our own model, in one run: our pipeline beside the floor and its peers.

Every contender runs the same :class:`~analysis.protocol.Protocol` on the same
scenarios (healthy plus catalogue mechanisms at the resistant end of their
range, taken in turn so that every run settles anew):

* **dose-response**: set the scenario, settle at insulin 0, then for each of
  the protocol's doses step insulin from the settled state and read out
  ``readout_time`` min later; ms per simulation = the scenario's wall time /
  number of doses;
* **Sobol samples**: Saltelli samples over every mechanism, each one settle and
  one step to the reference dose; ms per sample.

Contenders: ``ours`` (the default backend through the analyses' code paths);
``tuned`` (a bare libroadrunner loop written here with the settings of the
floor: tolerance vector, NLEQ2 with moieties at load); ``plain`` (the same
loop with the settings the engine had before issue 12: scalar absolute
tolerance, settling by simulation); ``copasi`` and ``pysb`` (their backends).
Loading and compiling are set-up, timed apart. Medians after a warm-up pass.
Contenders are interleaved (each scenario, or block of Sobol samples, is run
by every contender in turn) and the ratios are medians of paired ratios, so
load from other processes, recorded with the results, hits all alike.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .protocol import DEFAULT, Protocol
from .resources import DEFAULT_READOUTS, DEFAULT_SBML

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .globalsa import Factor

MECHANISMS = ("IR_expression_down", "IRS1_serine_JNK", "PTEN_up", "GLUT4_translocation_defect")
CONTENDERS = ("ours", "tuned", "plain", "copasi", "pysb")
LABELS = {"ours": "(a) our pipeline (roadrunner backend)",
          "tuned": "(b) tuned bare libroadrunner loop (the floor)",
          "plain": "(c) plain libroadrunner loop (settings before issue 12)",
          "copasi": "(d) COPASI (python-copasi)",
          "pysb": "(e) PySB ScipyOdeSimulator, Cython"}
CHECK_SCENARIO, CHECK_READOUT = "healthy", "glucose_uptake"
AGREEMENT = 1e-4          # relative, on the check value (all contenders at default tolerances)
SOBOL_N, SOBOL_N_QUICK, SOBOL_FULL_N = 16, 4, 512
COLUMNS = ["item", "contender", "value", "unit", "target", "met", "note"]
# item -> (target text, test on the value)
TARGETS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "ours_over_tuned": ("ours <= 1.15x the tuned loop", lambda v: v <= 1.15),
    "plain_over_ours": ("plain loop >= 2.5x ours", lambda v: v >= 2.5),
    "copasi_over_ours": ("COPASI >= 4x ours", lambda v: v >= 4),
    "pysb_over_ours": ("PySB >= 40x ours", lambda v: v >= 40),
    "sobol_full_seconds": ("Sobol N=512, all mechanisms, 2 cores <= 20 s", lambda v: v <= 20),
    "help_seconds": ("python -m analysis --help <= 0.5 s", lambda v: v <= 0.5),
    "hypotheses_seconds": ("every single, pair and cause on 3 readouts x 8 doses, 2 cores "
                           "<= 600 s", lambda v: v <= 600),
}


@dataclass
class Timing:
    """What one contender measured on one protocol."""

    contender: str
    ms: list[float]                        # one per timed run
    outputs: dict[str, np.ndarray]         # scenario -> [dose, readout], last pass
    setup_s: float
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)


# ------------------------------------------------------------------ scenarios
def scenarios(catalogue: Catalogue | None = None,
              mechanisms: Sequence[str] = MECHANISMS) -> dict[str, dict]:
    """name -> parameters: healthy plus each mechanism at the resistant end of its range."""
    from .catalogue import load_catalogue
    from .scenarios import scenario_set
    return scenario_set(catalogue or load_catalogue(), mechanisms)


def sobol_samples(n: int, seed: int = 1,
                  settable: Sequence[str] | None = None) -> tuple[list[Factor], np.ndarray]:
    """(factors, sample matrix) of a Sobol run over every catalogue mechanism."""
    from . import globalsa
    from .catalogue import load_catalogue
    cat = load_catalogue()
    settable = settable or [t for m in cat.mechanisms.values() for t in m.targets]
    factors, _ = globalsa.factors_from_catalogue(cat, settable)
    return factors, globalsa.sample("sobol", factors, n, seed)


def paired_ratio(numerator: Timing, denominator: Timing) -> float:
    """Median over runs of numerator / denominator time, run by run: both were timed on
    the same scenario, one right after the other, so load from other processes hits
    both alike."""
    n = min(len(numerator.ms), len(denominator.ms))
    return statistics.median(a / b for a, b in zip(numerator.ms[:n], denominator.ms[:n],
                                                   strict=True))


# ------------------------------------------------------------------ bare loops
class BareLoop:
    """The protocol written directly on one RoadRunner: no checks, no tables.

    ``tuned``: moieties at load, an absolute-tolerance vector, the basal state by
    NLEQ2 (simulation if it fails), the engine's default tolerances. Otherwise the
    settings the engine had before issue 12: a scalar absolute tolerance, relative
    tolerance 1e-8 and ``settle_time`` min of simulation; states within 1e-6 of
    the absolute tolerance of 0 after settling are set to 0 (libroadrunner scales a
    scalar tolerance by each state's value, and solver round-off at a true zero,
    such as an insulin-bound receptor at insulin 0, then stalls CVODE at the step).
    """

    def __init__(self, tuned: bool, sbml: str | os.PathLike = DEFAULT_SBML,
                 readouts: Sequence[str] = DEFAULT_READOUTS, protocol: Protocol = DEFAULT,
                 rtol: float | None = None, atol: float | None = None):
        import roadrunner

        from .backends.base import SolverOptions
        engine = SolverOptions()
        rtol = rtol if rtol is not None else (engine.relative_tolerance if tuned else 1e-8)
        atol = atol if atol is not None else engine.absolute_tolerance
        self.flush = 1e-6 * atol
        options = roadrunner.LoadSBMLOptions()
        options.conservedMoieties = tuned
        self.rr = rr = roadrunner.RoadRunner(Path(sbml).read_text(encoding="utf-8"), options)
        self.tuned, self.protocol = tuned, protocol
        model = rr.model
        rr.integrator.relative_tolerance = rtol
        if tuned:
            floating = list(model.getFloatingSpeciesIds())
            volumes = model.getCompartmentVolumes()
            n = len(rr.integrator.getAbsoluteToleranceVector())
            rr.integrator.absolute_tolerance = [
                atol * volumes[model.getCompartmentIndexForFloatingSpecies(i)]
                for i in range(min(n, len(floating)))]
            solver = rr.steadyStateSolver
            for key in ("auto_moiety_analysis", "allow_presimulation", "allow_approx"):
                solver.setValue(key, False)
        else:
            rr.integrator.absolute_tolerance = atol
        rr.integrator.setValue("maximum_num_steps", 100000)
        species = set(model.getFloatingSpeciesIds()) | set(model.getBoundarySpeciesIds())
        self.readouts = list(readouts)
        rr.timeCourseSelections = [f"[{r}]" if r in species else r for r in self.readouts]

    def run(self, parameters: Mapping[str, float], doses: Sequence[float],
            time_: float) -> np.ndarray:
        rr, model, input_id = self.rr, self.rr.model, self.protocol.input_id
        rr.resetAll()
        for key, value in parameters.items():
            rr[key] = value
        rr.reset()
        rr[input_id] = 0.0
        settled = False
        if self.tuned:
            try:
                rr.steadyState()
                settled = True
            except RuntimeError:
                rr.resetAll()
                for key, value in parameters.items():
                    rr[key] = value
                rr.reset()
                rr[input_id] = 0.0
        if not settled:
            rr.simulate(0.0, self.protocol.settle_time, 2)
        state = model.getFloatingSpeciesAmounts()
        if not self.tuned:
            state[np.abs(state) < self.flush] = 0.0
        out = np.empty((len(doses), len(self.readouts)))
        for i, dose in enumerate(doses):
            model.setTime(0.0)
            model.setFloatingSpeciesAmounts(state)
            rr[input_id] = dose
            out[i] = rr.simulate(0.0, time_, 2)[-1]
        return out


# ------------------------------------------------------------------ contenders
def build(contender: str, readouts: Sequence[str] = DEFAULT_READOUTS,
          protocol: Protocol = DEFAULT) -> tuple[Any, float, str]:
    """(runner with ``run(parameters, doses, time) -> array``, setup seconds, note)."""
    t0 = time.perf_counter()
    if contender in ("tuned", "plain"):
        loop = BareLoop(contender == "tuned", readouts=readouts, protocol=protocol)
        return loop, time.perf_counter() - t0, "bare loop written in analysis/bench.py"
    from .backends import create
    name = "roadrunner" if contender == "ours" else contender
    sim = create(name, None, protocol.input_id, readouts, protocol=protocol)
    setup = time.perf_counter() - t0
    if contender == "ours":
        return _Ours(sim), setup, "backend.response (the dose-response code path, table out)"
    if contender == "pysb":
        return _Arrays(sim), setup, (f"{sim.rhs_builder}; doses as rows of one run() call; "
                                     "network generation and Cython compile in setup")
    import COPASI
    return _Arrays(sim), setup, (f"COPASI {COPASI.CVersion.VERSION.getVersion()}, "
                                 "deterministic (LSODA) task, SBML imported once")


class _Ours:
    def __init__(self, sim):
        self.sim = sim

    def run(self, parameters, doses, time_):
        return self.sim.response(parameters, doses, time_)[self.sim.readouts].to_numpy()


class _Arrays:
    def __init__(self, sim):
        self.sim = sim

    def run(self, parameters, doses, time_):
        return self.sim.response_arrays(parameters, np.asarray(doses, dtype=float), time_).values


def bench_dose_response(contenders: Sequence[str], scenario_set: Mapping[str, dict],
                        repeats: int = 5, protocol: Protocol = DEFAULT,
                        readouts: Sequence[str] = DEFAULT_READOUTS,
                        slow_repeats: int | None = None) -> dict[str, Timing]:
    """ms per simulation of the dose-response protocol, contenders interleaved: each
    scenario is run by every contender in turn (the scenarios alternate, so every
    run settles anew). ``pysb`` runs ``slow_repeats`` passes (default repeats // 5)."""
    if len(scenario_set) < 2:
        raise ValueError("give at least two scenarios, so that every run settles")
    doses = list(protocol.doses)
    built = {name: build(name, readouts, protocol) for name in contenders}
    last = list(scenario_set.values())[-1]
    for runner, _, _ in built.values():          # warm-up
        runner.run(last, doses, protocol.readout_time)
    ms: dict[str, list[float]] = {name: [] for name in contenders}
    outputs: dict[str, dict[str, np.ndarray]] = {name: {} for name in contenders}
    slow = max(1, repeats // 5) if slow_repeats is None else slow_repeats
    for repeat in range(repeats):
        for scenario, parameters in scenario_set.items():
            for name, (runner, _, _) in built.items():
                if name == "pysb" and repeat >= slow:
                    continue
                t0 = time.perf_counter()
                result = runner.run(parameters, doses, protocol.readout_time)
                ms[name].append((time.perf_counter() - t0) * 1e3 / len(doses))
                outputs[name][scenario] = np.asarray(result, dtype=float)
    return {name: Timing(name, ms[name], outputs[name], setup, note,
                         {"compile_s": setup} if name == "pysb" else {})
            for name, (_, setup, note) in built.items()}


def bench_sobol_samples(contenders: Sequence[str], samples_n: int = SOBOL_N, repeats: int = 3,
                        protocol: Protocol = DEFAULT, readouts: Sequence[str] = DEFAULT_READOUTS,
                        block: int = 64) -> dict[str, Timing]:
    """ms per Sobol sample (settle + one step to the reference dose), contenders
    interleaved block by block (``block`` samples); ours runs the Sobol chunk code
    path (:func:`analysis.globalsa.evaluate_chunk`)."""
    from . import globalsa
    factors, matrix = sobol_samples(samples_n)
    dose, time_ = protocol.reference_dose, protocol.readout_time
    blocks = [(start, matrix[start:start + block]) for start in range(0, len(matrix), block)]
    runs, setups, notes = {}, {}, {}
    for name in contenders:
        if name == "ours":
            from .backends import create
            t0 = time.perf_counter()
            sim = create("roadrunner", None, protocol.input_id, readouts, protocol=protocol)
            setups[name] = time.perf_counter() - t0
            chunks = [globalsa.make_chunks(sim.spec(), factors, rows, dose, time_, len(rows))[0]
                      for _, rows in blocks]
            runs[name] = [lambda c=c: globalsa.evaluate_chunk(c)[list(readouts)].to_numpy()
                          for c in chunks]
            notes[name] = "globalsa.evaluate_chunk (the Sobol code path)"
        else:
            runner, setups[name], notes[name] = build(name, readouts, protocol)
            runs[name] = [
                lambda rows=rows, r=runner: np.vstack(
                    [r.run(globalsa.to_parameters(factors, row), [dose], time_) for row in rows])
                for _, rows in blocks]
    for name in contenders:                       # warm-up
        runs[name][0]()
    ms = {name: [] for name in contenders}
    outputs = {name: [] for name in contenders}
    for _ in range(repeats):
        total = dict.fromkeys(contenders, 0.0)
        outputs = {name: [] for name in contenders}
        for i in range(len(blocks)):
            for name in contenders:
                t0 = time.perf_counter()
                outputs[name].append(runs[name][i]())
                total[name] += time.perf_counter() - t0
        for name in contenders:
            ms[name].append(total[name] * 1e3 / len(matrix))
    return {name: Timing(name, ms[name], {"sobol": np.vstack(outputs[name])}, setups[name],
                         notes[name], {"samples": len(matrix), "factors": len(factors)})
            for name in contenders}


# ------------------------------------------------------------------ whole runs
def sobol_full_run(n: int = SOBOL_FULL_N, workers: int = 2, chunk_size: int = 256,
                   protocol: Protocol = DEFAULT) -> dict[str, Any]:
    """Wall time of a full Sobol analysis (sample, evaluate on ``workers`` spawned
    processes into a temporary chunk folder, analyze) over every mechanism."""
    from . import globalsa
    from .backends import create
    from .catalogue import load_catalogue
    sim = create("roadrunner", protocol=protocol)
    factors, _ = globalsa.factors_from_catalogue(load_catalogue(), sim.parameter_ids())
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_sobol_") as tmp:
        problem = globalsa.GlobalSensitivity("sobol", factors, sim.spec(),
                                             chunk_size=chunk_size).sample(n)
        problem.evaluate(tmp, workers=workers).analyze()
    seconds = time.perf_counter() - t0
    return {"n": n, "samples": len(problem.samples), "factors": len(factors),
            "workers": workers, "seconds": seconds, "failed": problem.failures}


def help_seconds(repeats: int = 5) -> float:
    """Median wall time of ``python -m analysis --help`` in a fresh interpreter."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", "--help"], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def calibration_objective() -> Callable[[], Any] | None:
    """One objective evaluation of the shipped Brännmark 2010 problem at a new point
    each call (so no settled state is re-used), or None where the problem is not
    shipped (an installed package)."""
    import itertools

    from .calibration.multistart import objective_for
    from .calibration.shipped import PROBLEMS_DIR
    yaml = PROBLEMS_DIR / "brannmark2010" / "problem.yaml"
    if not yaml.is_file():
        return None
    objective = objective_for(str(yaml))
    x0 = objective.problem.x_nominal[objective.outer_index]
    count = itertools.count(1)
    return lambda: objective(x0 + 1e-4 * next(count))


def hypotheses_benchmark(workers: int = 2) -> dict[str, float]:
    """Wall time of `hypotheses` with its defaults over every single mechanism, pair
    and cause, on model-derived data of 3 readouts x 8 doses (healthy and resistant)."""
    from .catalogue import load_catalogue
    from .hypotheses import run_hypotheses, synthetic_data
    data = synthetic_data({"IR_expression_down": 0.5, "GLUT4_expression_down": 0.5})
    t0 = time.perf_counter()
    result = run_hypotheses(None, data, load_catalogue(), workers=workers, progress=False)
    return {"seconds": time.perf_counter() - t0, "hypotheses": len(result.ranked),
            "best": result.ranked.hypothesis.iloc[0]}


def time_callable(evaluate: Callable[[], Any], repeats: int = 5) -> dict[str, float]:
    """Hook for any other timing, e.g. one objective evaluation of the calibration
    problem: median and minimum ms of ``evaluate()`` after one untimed call."""
    evaluate()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        evaluate()
        ms.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": statistics.median(ms), "min_ms": min(ms), "repeats": repeats}


# ------------------------------------------------------------------ agreement
def agreement(timings: Mapping[str, Timing], readouts: Sequence[str],
              scenario: str = CHECK_SCENARIO, readout: str = CHECK_READOUT,
              doses: Sequence[float] = DEFAULT.doses, dose: float = DEFAULT.reference_dose
              ) -> dict[str, dict[str, float]]:
    """Per contender: the check value (``readout`` of ``scenario`` at ``dose``), its
    relative difference to ours, and the largest difference over every scenario, dose
    and readout (relative to that readout's largest value in the scenario)."""
    i = int(np.argmin(np.abs(np.asarray(doses) - dose)))
    j = list(readouts).index(readout)
    ours = timings["ours"].outputs
    reference = ours[scenario][i, j]
    rows = {}
    for name, timing in timings.items():
        value = timing.outputs[scenario][i, j]
        worst = 0.0
        for sc, ref in ours.items():
            scale = np.maximum(np.max(np.abs(ref), axis=0), 1e-9)
            worst = max(worst, float(np.max(np.abs(timing.outputs[sc] - ref) / scale)))
        rows[name] = {"value": float(value), "relative": abs(value - reference) / abs(reference),
                      "worst": worst}
    return rows


# ------------------------------------------------------------------ the table
def summary(dose_response: Mapping[str, Timing], agree: Mapping[str, dict],
            sobol: Mapping[str, Timing] | None = None, full: Mapping[str, Any] | None = None,
            help_s: float | None = None, extra: Mapping[str, dict] | None = None,
            protocol: Protocol = DEFAULT, *,
            hypotheses: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The bench table: one row per measurement (columns ``COLUMNS``)."""
    rows = []

    def add(item, contender, value, unit, key=None, note=""):
        target, met = ("", None)
        if key is not None:
            target, test = TARGETS[key]
            met = bool(test(value))
        rows.append({"item": item, "contender": contender, "value": float(value), "unit": unit,
                     "target": target, "met": met, "note": note})

    n = protocol.dose_count
    what = {"dose_response": f"settle + {n} doses x {protocol.readout_time:g} min, per dose",
            "sobol_sample": f"settle + 1 step to {protocol.reference_dose:g} nM, per sample"}
    for protocol_name, timings in (("dose_response", dose_response), ("sobol_sample", sobol)):
        if not timings:
            continue
        for name in CONTENDERS:
            if name in timings:
                t = timings[name]
                add(f"ms_{protocol_name}", name, t.median, "ms",
                    note=f"{what[protocol_name]}; median of {len(t.ms)} (min {min(t.ms):.3g}); "
                         f"setup {t.setup_s:.2f} s; {t.note}")
        ours = timings["ours"]
        paired = "median over runs of the paired ratio (timed back to back)"
        if "tuned" in timings:
            add(f"ratio_ours_over_tuned_{protocol_name}", "tuned",
                paired_ratio(ours, timings["tuned"]), "x", "ours_over_tuned", paired)
        for name in ("plain", "copasi", "pysb"):
            if name in timings:
                add(f"ratio_{name}_over_ours_{protocol_name}", name,
                    paired_ratio(timings[name], ours), "x", f"{name}_over_ours", paired)
    for name, a in agree.items():
        rows.append({"item": f"check_{CHECK_READOUT}_{CHECK_SCENARIO}", "contender": name,
                     "value": a["value"], "unit": "nM/min",
                     "target": f"within {AGREEMENT:g} relative of ours",
                     "met": a["relative"] <= AGREEMENT,
                     "note": f"relative difference {a['relative']:.1e}; largest over all "
                             f"scenarios, doses and readouts {a['worst']:.1e} (of the readout's "
                             "largest value)"})
    if full:
        note = (f"N={full['n']}, {full['factors']} mechanisms, {full['samples']} samples on "
                f"{full['workers']} spawned workers (start-up included); {full['failed']} failed")
        add("sobol_full_seconds", "ours", full["seconds"], "s", "sobol_full_seconds", note)
    if help_s is not None:
        add("help_seconds", "ours", help_s, "s", "help_seconds", "median of 5 fresh interpreters")
    for item, value in (extra or {}).items():
        add(item, "ours", value["median_ms"], "ms", note=f"median of {value['repeats']}")
    if hypotheses:
        add("hypotheses_seconds", "ours", hypotheses["seconds"], "s", "hypotheses_seconds",
            f"{hypotheses['hypotheses']} hypotheses fitted and ranked (3 starts each, profiles "
            f"of the best 5); best: {hypotheses['best']}")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["met"] = frame["met"].astype("object")
    return frame


def format_table(frame: pd.DataFrame) -> str:
    """The table as readable text (the notes are in the CSV)."""
    lines = []
    width = max(len(i) for i in frame["item"]) + 2
    for _, row in frame.iterrows():
        met = "" if row["met"] is None or pd.isna(row["met"]) else (
            "  MET" if row["met"] else "  MISSED")
        target = f"  [{row['target']}]" if row["target"] else ""
        lines.append(f"{row['item']:<{width}}{row['contender']:<8}{row['value']:>11.4g} "
                     f"{row['unit']:<4}{target}{met}")
    return "\n".join(lines)


def run_all(repeats: int = 5, quick: bool = False, contenders: Sequence[str] = CONTENDERS,
            full_n: int | None = SOBOL_FULL_N, workers: int = 2,
            extra: Mapping[str, Callable[[], Any]] | None = None,
            progress: Callable[[str], Any] = print, hypotheses: bool = False) -> pd.DataFrame:
    """Every measurement of ``make bench``; ``extra`` maps a row name to a callable
    timed with :func:`time_callable` (the calibration objective, once it exists)."""
    set_ = scenarios()
    protocol = DEFAULT
    progress(f"scenarios: {', '.join(set_)}; {protocol.dose_count} doses; {repeats} timed "
             "passes after a warm-up")
    dose_response = bench_dose_response(contenders, set_, repeats, protocol)
    for name, timing in dose_response.items():
        progress(f"  {LABELS[name]}: {timing.median:.3f} ms per simulation")
    agree = agreement(dose_response, list(DEFAULT_READOUTS), doses=protocol.doses)
    n = SOBOL_N_QUICK if quick else SOBOL_N
    sobol = bench_sobol_samples([c for c in ("ours", "tuned", "plain") if c in contenders], n,
                                1 if quick else 3, protocol)
    for name, timing in sobol.items():
        progress(f"  Sobol samples, {name}: {timing.median:.3f} ms per sample")
    full = None
    if full_n:
        full = sobol_full_run(full_n, workers, protocol=protocol)
        progress(f"  Sobol N={full_n} on {workers} workers: {full['seconds']:.1f} s")
    help_s = help_seconds()
    progress(f"  python -m analysis --help: {help_s:.3f} s")
    timed = {item: time_callable(fn) for item, fn in (extra or {}).items()}
    for item, value in timed.items():
        progress(f"  {item}: {value['median_ms']:.1f} ms")
    ranking = None
    if hypotheses:
        ranking = hypotheses_benchmark(workers)
        progress(f"  hypotheses, {ranking['hypotheses']} fitted: {ranking['seconds']:.0f} s")
    return summary(dose_response, agree, sobol, full, help_s, timed, protocol, hypotheses=ranking)


def machine() -> dict[str, Any]:
    """What the numbers were measured on (load average: other processes share the cores)."""
    import platform

    from .parallel import default_workers
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpu": platform.processor() or platform.machine(), "cores": default_workers(),
            "python": platform.python_version(), "load_average": load}
