"""Speed on our own model: our pipeline beside its peers, in one run.

Every contender runs the SAME protocol on the SAME scenarios (healthy plus a few
catalogue mechanisms at the resistant end of their range, taken in turn so that
every dose-response really settles):

1. set the scenario's parameter values and settle at insulin 0 for
   ``SETTLE_TIME`` (1e5 min, as the engine does);
2. for each of 25 log-spaced insulin doses (1e-3..1e3 nM), from the settled
   state: step insulin to the dose, simulate 10 min, keep the readouts (the
   engine's default readouts) at 10 min.

*ms per simulation* = wall time of one scenario's whole dose-response (steps 1
and 2) / 25, median over scenarios x repeats, after one untimed warm-up pass.
Loading and compiling a model are set-up, timed apart and not included.

Contenders, all at the engine's tolerances (relative 1e-8, absolute 1e-12):

* ``ours``: :meth:`analysis.engine.Simulator.response`;
* ``roadrunner``: a bare loop on one ``roadrunner.RoadRunner`` written here;
* ``pysb``: ``pysb.simulator.ScipyOdeSimulator(compiler='cython')`` (LSODA) on
  the PySB model of ``models.model.build_model``; the 25 doses go in one
  ``run`` call (rows of ``initials`` / ``param_values``);
* ``copasi``: COPASI 4 (python-copasi, loaded through ``analysis.copasi``),
  its deterministic (LSODA) time-course task driven directly: the settle runs
  from the initial values, each dose from the saved settled state.

Global sensitivity throughput runs the real Sobol code path
(:mod:`analysis.globalsa` chunks through :func:`analysis.parallel.execute`
into a temporary :class:`~analysis.parallel.ChunkStore`); its wall time
includes starting the worker processes and loading the model in each.
"""
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engine import DEFAULT_SBML, SETTLE_TIME, Simulator

DOSES = tuple(float(d) for d in np.logspace(-3, 3, 25))
READOUT_TIME = 10.0
MECHANISMS = ("IR_expression_down", "IRS1_serine_JNK", "PTEN_up", "GLUT4_translocation_defect")
CONTENDERS = ("ours", "roadrunner", "pysb", "pysb_per_dose", "copasi")
LABELS = {"ours": "(a) our pipeline (Simulator.response)",
          "roadrunner": "(b) bare libroadrunner loop",
          "pysb": "(c) PySB ScipyOdeSimulator, Cython",
          "pysb_per_dose": "(c') the same, one run() per dose",
          "copasi": "(d) COPASI (python-copasi/basico)"}
CHECK_SCENARIO, CHECK_DOSE, CHECK_READOUT = "healthy", 1.0, "glucose_uptake"
AGREEMENT = 1e-3          # relative, on the check value
SOBOL_N, SOBOL_N_QUICK, SOBOL_FULL_N = 64, 16, 512
# target: (description, test on the value)
TARGETS = {
    "pysb_over_ours": ("ours >= 50x faster than (c)", lambda v: v >= 50),
    "copasi_over_ours": ("ours >= 4x faster than (d)", lambda v: v >= 4),
    "roadrunner_over_ours": ("ours <= 15 % slower than (b): ratio >= 0.870",
                             lambda v: v >= 1 / 1.15),
    "sobol_speedup_2": ("2 workers >= 1.6x one", lambda v: v >= 1.6),
    "sobol_full_seconds": ("Sobol N=512, all mechanisms, 2 cores <= 60 s", lambda v: v <= 60),
}
COLUMNS = ["item", "contender", "value", "unit", "target", "met", "note"]


@dataclass
class Timing:
    """What one contender measured."""
    contender: str
    ms_per_sim: list                       # one per (repeat, scenario)
    outputs: dict                          # scenario -> (n_doses, n_readouts), last repeat
    setup_s: float
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def median(self):
        return statistics.median(self.ms_per_sim)


# ------------------------------------------------------------------ scenarios
def scenarios(catalogue=None, mechanisms=MECHANISMS):
    """name -> parameters: healthy plus each mechanism at the resistant end of its range."""
    from .catalogue import load_catalogue
    cat = catalogue or load_catalogue()
    out = {"healthy": {}}
    for name in mechanisms:
        mech = cat.mechanisms[name]
        low, high = mech.range
        end = low if abs(low - mech.healthy) > abs(high - mech.healthy) else high
        s = cat.scenario(mechanisms={name: end})
        out[s.name] = dict(s.parameters)
    return out


def _timed(run, scenario_set, repeats, doses, convert=None):
    """Warm up on the last scenario, then time ``repeats`` passes over all of them.
    Scenarios alternate, so no run re-uses the previous scenario's settled state.
    ``convert`` (outside the timed region) turns a run's result into an array."""
    if len(scenario_set) < 2:
        raise ValueError("give at least two scenarios, so that every run settles")
    convert = convert or (lambda result: result)
    run(list(scenario_set.values())[-1])
    samples, outputs = [], {}
    for _ in range(repeats):
        for name, parameters in scenario_set.items():
            t0 = time.perf_counter()
            result = run(parameters)
            samples.append((time.perf_counter() - t0) * 1e3 / len(doses))
            outputs[name] = np.asarray(convert(result), dtype=float)
    return samples, outputs


# ------------------------------------------------------------------ (a) ours
def bench_ours(scenario_set, repeats=5, doses=DOSES, time_=READOUT_TIME, sbml=DEFAULT_SBML):
    t0 = time.perf_counter()
    sim = Simulator(sbml)
    setup = time.perf_counter() - t0
    doses = np.asarray(doses, dtype=float)

    samples, outputs = _timed(lambda p: sim.response(p, doses, time_), scenario_set, repeats,
                              doses, lambda frame: frame[sim.readouts].to_numpy())
    return Timing("ours", samples, outputs, setup, "Simulator.response (DataFrame out)",
                  {"readouts": list(sim.readouts)})


# ------------------------------------------------------------------ (b) bare roadrunner
class BareRoadRunner:
    """The protocol written directly on one RoadRunner: no checks, no frames."""

    def __init__(self, sbml=DEFAULT_SBML, readouts=None, tolerances=None, input_id="insulin"):
        import roadrunner

        from .engine import DEFAULT_READOUTS, TOLERANCES
        tol = {**TOLERANCES, **(tolerances or {})}
        self.rr = rr = roadrunner.RoadRunner(str(sbml))
        rr.integrator.relative_tolerance = tol["relative"]
        rr.integrator.absolute_tolerance = tol["absolute"]
        rr.integrator.setValue("maximum_num_steps", 100000)
        species = set(rr.model.getFloatingSpeciesIds()) | set(rr.model.getBoundarySpeciesIds())
        self.readouts = list(readouts or DEFAULT_READOUTS)
        rr.timeCourseSelections = [f"[{r}]" if r in species else r for r in self.readouts]
        self.input_id = input_id

    def run(self, parameters, doses, time_=READOUT_TIME):
        rr, model = self.rr, self.rr.model
        rr.resetAll()
        for key, value in parameters.items():
            rr[key] = value
        rr.reset()
        rr[self.input_id] = 0.0
        rr.simulate(0.0, SETTLE_TIME, 2)
        state = model.getFloatingSpeciesAmounts()
        out = np.empty((len(doses), len(self.readouts)))
        for i, dose in enumerate(doses):
            model.setTime(0.0)
            model.setFloatingSpeciesAmounts(state)
            rr[self.input_id] = dose
            out[i] = rr.simulate(0.0, time_, 2)[-1]
        return out


def bench_roadrunner(scenario_set, repeats=5, doses=DOSES, time_=READOUT_TIME,
                     sbml=DEFAULT_SBML, readouts=None):
    t0 = time.perf_counter()
    bare = BareRoadRunner(sbml, readouts)
    setup = time.perf_counter() - t0
    doses = [float(d) for d in doses]
    samples, outputs = _timed(lambda p: bare.run(p, doses, time_), scenario_set, repeats, doses)
    return Timing("roadrunner", samples, outputs, setup, "one RoadRunner, selections set once")


# ------------------------------------------------------------------ (c) PySB + Cython
class PySBCython:
    """PySB's ScipyOdeSimulator with the Cython RHS (LSODA), network generated once."""

    def __init__(self, readouts=None, tolerances=None, input_id="insulin"):
        from pysb.simulator import ScipyOdeSimulator
        from pysb.simulator.scipyode import CythonRhsBuilder

        from models.export import generate
        from models.model import build_model

        from .engine import DEFAULT_READOUTS, TOLERANCES
        tol = {**TOLERANCES, **(tolerances or {})}
        t0 = time.perf_counter()
        self.model = model = generate(build_model())
        self.generate_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.sim = ScipyOdeSimulator(model, tspan=[0.0, SETTLE_TIME], compiler="cython",
                                     integrator="lsoda",
                                     integrator_options={"rtol": tol["relative"],
                                                         "atol": tol["absolute"]})
        self.compile_s = time.perf_counter() - t0
        if not isinstance(self.sim.rhs_builder, CythonRhsBuilder):
            raise RuntimeError(f"PySB did not take the Cython path "
                               f"({type(self.sim.rhs_builder).__name__})")
        self.rhs_builder = type(self.sim.rhs_builder).__name__
        self.readouts = list(readouts or DEFAULT_READOUTS)
        observables = {o.name for o in model.observables}
        expressions = {e.name for e in model.expressions}
        self._kinds = ["observables" if r in observables else "expressions" for r in self.readouts]
        for r in self.readouts:
            if r not in observables and r not in expressions:
                raise ValueError(f"readout {r} is neither an observable nor an expression of the "
                                 "PySB model")
        names = [p.name for p in model.parameters]
        self._index = {n: i for i, n in enumerate(names)}
        self._base = np.array([p.value for p in model.parameters], dtype=float)
        self._input = self._index[input_id]
        clamped = [model.get_species_index(ic.pattern) for ic in model.initials
                   if ic.fixed and getattr(ic.value, "name", None) == input_id]
        if len(clamped) != 1:
            raise RuntimeError(f"expected one species clamped at {input_id}, found {len(clamped)}")
        self._input_species = clamped[0]

    def run(self, parameters, doses, time_=READOUT_TIME, batched=True):
        """Settle, then the doses: in one ``run`` call (``batched``: rows of ``initials``
        and ``param_values``, PySB's own way to run many) or one call per dose."""
        values = self._base.copy()
        for key, value in parameters.items():
            values[self._index[key]] = value
        values[self._input] = 0.0
        settled = np.asarray(self.sim.run(tspan=[0.0, SETTLE_TIME], param_values=values)
                             .species[-1], dtype=float)
        if not batched:
            out = np.empty((len(doses), len(self.readouts)))
            for i, dose in enumerate(doses):
                initials, params = settled.copy(), values.copy()
                initials[self._input_species] = params[self._input] = dose
                res = self.sim.run(tspan=[0.0, time_], initials=initials, param_values=params)
                tables = {"observables": res.observables, "expressions": res.expressions}
                out[i] = [tables[kind][r][-1] for r, kind in zip(self.readouts, self._kinds)]
            return out
        n = len(doses)
        initials = np.repeat(settled[None, :], n, axis=0)
        initials[:, self._input_species] = doses
        params = np.repeat(values[None, :], n, axis=0)
        params[:, self._input] = doses
        res = self.sim.run(tspan=[0.0, time_], initials=initials, param_values=params)
        tables = {"observables": res.observables, "expressions": res.expressions}
        return np.array([[tables[kind][i][r][-1] for r, kind in zip(self.readouts, self._kinds)]
                         for i in range(n)])


def bench_pysb(scenario_set, repeats=1, doses=DOSES, time_=READOUT_TIME, readouts=None,
               per_dose=True, pysb=None):
    """(c) with the doses batched in one ``run`` call; and, if ``per_dose``, also
    ``pysb_per_dose``: one ``run`` call per dose. Returns {name: Timing}."""
    t0 = time.perf_counter()
    pysb = pysb or PySBCython(readouts)
    setup = time.perf_counter() - t0
    doses = np.asarray(doses, dtype=float)
    compiled = (f"{pysb.rhs_builder}; network generation {pysb.generate_s:.1f} s and Cython "
                f"compile {pysb.compile_s:.1f} s excluded")
    extra = {"compile_s": pysb.compile_s, "generate_s": pysb.generate_s}
    out = {}
    samples, outputs = _timed(lambda p: pysb.run(p, doses, time_), scenario_set, repeats, doses)
    out["pysb"] = Timing("pysb", samples, outputs, setup,
                         f"doses as rows of one run() call; {compiled}", extra)
    if per_dose:
        samples, outputs = _timed(lambda p: pysb.run(p, doses, time_, batched=False),
                                  scenario_set, repeats, doses)
        out["pysb_per_dose"] = Timing("pysb_per_dose", samples, outputs, setup,
                                      f"one run() call per dose; {compiled}", extra)
    return out


# ------------------------------------------------------------------ (d) COPASI
class CopasiRunner:
    """COPASI's deterministic time course on one data model, loaded once.

    Scenario values are set as initial values by SBML id (initial assignments are
    re-evaluated by ``updateInitialValues``); the settle runs from the initial
    values; each dose restores the saved settled state in the math container
    after the new insulin value has been applied, and continues from it.
    """

    def __init__(self, sbml=DEFAULT_SBML, readouts=None, tolerances=None, input_id="insulin"):
        import COPASI

        from . import copasi
        from .engine import DEFAULT_READOUTS, TOLERANCES
        self.COPASI = COPASI
        self._unload = copasi.unload
        tol = {**TOLERANCES, **(tolerances or {})}
        self.dm = dm = copasi.load(sbml)
        self.model = model = dm.getModel()
        model.compileIfNecessary()
        self.container = model.getMathContainer()
        self.values = {model.getModelValue(i).getSBMLId(): model.getModelValue(i)
                       for i in range(model.getNumModelValues())}
        self.species = {model.getMetabolite(i).getSBMLId(): model.getMetabolite(i)
                        for i in range(model.getNumMetabs())}
        self.defaults = {k: v.getInitialValue() for k, v in self.values.items()}
        self.readouts = list(readouts or DEFAULT_READOUTS)
        getters = []
        for r in self.readouts:
            if r in self.values:
                getters.append(self.values[r].getValue)
            elif r in self.species:
                getters.append(self.species[r].getConcentration)
            else:
                raise ValueError(f"readout {r} not found in COPASI's import of {sbml}")
        self._getters = getters
        self.input_id = input_id
        self.task = task = dm.getTask("Time-Course")
        task.setMethodType(COPASI.CTaskEnum.Method_deterministic)
        task.setUpdateModel(False)
        method = task.getMethod()
        method.getParameter("Relative Tolerance").setDblValue(tol["relative"])
        method.getParameter("Absolute Tolerance").setDblValue(tol["absolute"])
        method.getParameter("Max Internal Steps").setIntValue(1_000_000)
        self.problem = problem = task.getProblem()
        problem.setAutomaticStepSize(False)
        problem.setUseValues(False)
        problem.setStepNumber(1)
        problem.setTimeSeriesRequested(False)
        self._touched = set()

    def _set(self, values):
        changed = self.COPASI.ObjectStdVector()
        for key, value in values.items():
            entity = self.values[key]
            entity.setInitialValue(float(value))
            changed.push_back(entity.getInitialValueReference())
        self.model.updateInitialValues(changed, False)   # False: not the parameter set (4 ms)

    def _process(self, use_initial_values):
        if not self.task.processRaw(use_initial_values):
            from .copasi import _messages
            raise RuntimeError(f"COPASI time course failed: {_messages()}")

    def run(self, parameters, doses, time_=READOUT_TIME):
        task, problem, container = self.task, self.problem, self.container
        # back to the file's values for what the previous scenario changed
        values = {k: self.defaults[k] for k in self._touched}
        values.update(parameters)
        values[self.input_id] = 0.0
        self._touched = set(parameters)
        self._set(values)
        problem.setDuration(SETTLE_TIME)
        task.initializeRaw(self.COPASI.CCopasiTask.NO_OUTPUT)
        self._process(True)
        settled = self.COPASI.FloatVector(container.getState(False))
        problem.setDuration(time_)
        task.initializeRaw(self.COPASI.CCopasiTask.NO_OUTPUT)
        insulin = self.values[self.input_id]
        reference = self.COPASI.ObjectStdVector()
        reference.push_back(insulin.getInitialValueReference())
        out = np.empty((len(doses), len(self.readouts)))
        for i, dose in enumerate(doses):
            insulin.setInitialValue(float(dose))
            self.model.updateInitialValues(reference, False)
            container.applyInitialValues()      # the new insulin value (and all else) ...
            container.setState(settled)         # ... then the settled state over it
            self._process(False)
            container.pushAllTransientValues()
            out[i] = [get() for get in self._getters]
        return out

    def close(self):
        self._unload(self.dm)


def bench_copasi(scenario_set, repeats=5, doses=DOSES, time_=READOUT_TIME, sbml=DEFAULT_SBML,
                 readouts=None):
    import COPASI
    t0 = time.perf_counter()
    runner = CopasiRunner(sbml, readouts)
    setup = time.perf_counter() - t0
    try:
        doses = [float(d) for d in doses]
        samples, outputs = _timed(lambda p: runner.run(p, doses, time_), scenario_set, repeats,
                                  doses)
    finally:
        runner.close()
    version = COPASI.CVersion.VERSION.getVersion()
    return Timing("copasi", samples, outputs, setup,
                  f"COPASI {version}, deterministic (LSODA) task, SBML imported once")


# ------------------------------------------------------------------ agreement
def agreement(timings, readouts, scenario=CHECK_SCENARIO, dose=CHECK_DOSE, readout=CHECK_READOUT,
              doses=DOSES):
    """Check values (``readout`` of ``scenario`` at ``dose``) per contender, their relative
    difference to ours, and the largest difference over every scenario, dose and readout
    (relative to that readout's largest value in the scenario)."""
    i = int(np.argmin(np.abs(np.asarray(doses) - dose)))
    j = list(readouts).index(readout)
    ours = timings["ours"].outputs
    reference = ours[scenario][i, j]
    rows = {}
    for name, timing in timings.items():
        value = timing.outputs[scenario][i, j]
        worst = 0.0
        for sc, ref in ours.items():
            got = timing.outputs[sc]
            scale = np.maximum(np.max(np.abs(ref), axis=0), 1e-9)
            worst = max(worst, float(np.max(np.abs(got - ref) / scale)))
        rows[name] = {"value": float(value), "relative": abs(value - reference) / abs(reference),
                      "worst": worst}
    return rows


# ------------------------------------------------------------------ Sobol
def sobol_setup(n, seed=1, sim=None):
    """(spec, factors, samples) of a Sobol run over every catalogue mechanism."""
    from . import globalsa
    from .catalogue import load_catalogue
    from .runner import spec_of
    sim = sim or Simulator()
    factors, _ = globalsa.factors_from_catalogue(load_catalogue(),
                                                 sim.parameter_ids())
    samples = globalsa.sample("sobol", factors, n, seed)
    return spec_of(sim), factors, samples


def sobol_run(spec, factors, samples, workers, chunk_size=256, dose=1.0, time_=READOUT_TIME):
    """Wall time (s) of evaluating every sample through the Sobol code path on ``workers``
    local processes, into a temporary chunk store; and the number of failed samples."""
    from . import globalsa
    from .parallel import ChunkStore, execute
    chunks = globalsa.make_chunks(spec, factors, samples, dose, time_, chunk_size)
    with tempfile.TemporaryDirectory(prefix="bench_sobol_") as tmp:
        store = ChunkStore(tmp, {"bench": True, "workers": workers}, len(chunks))
        t0 = time.perf_counter()
        execute(globalsa.evaluate_chunk, chunks, store, workers)
        seconds = time.perf_counter() - t0
        outputs = store.read_all()
    if len(outputs) != len(samples):
        raise RuntimeError(f"Sobol bench: {len(outputs)} outputs for {len(samples)} samples")
    return seconds, int((outputs.status != "ok").sum())


def bench_sobol(n=SOBOL_N, workers=None, chunk_size=64, full_n=SOBOL_FULL_N, sim=None,
                progress=print):
    """Throughput (samples/s) with 1 and with each of ``workers``; the time of a full Sobol
    of base size ``full_n`` (None: skipped) on the most workers."""
    from .parallel import default_workers
    workers = sorted({1, *(workers or {2, default_workers()})})
    spec, factors, samples = sobol_setup(n, sim=sim)
    rows = {"factors": len(factors), "n": n, "samples": len(samples), "chunk_size": chunk_size,
            "runs": {}}
    if max(workers) > 1:
        w = max(workers)
        seconds, _ = sobol_run(spec, factors, samples[:w], w, chunk_size=1)
        rows["startup"] = {"workers": w, "seconds": seconds}
        progress(f"  {w} worker processes started, model loaded, one sample each: {seconds:.2f} s")
    for w in workers:
        seconds, failed = sobol_run(spec, factors, samples, w, chunk_size)
        rows["runs"][w] = {"seconds": seconds, "per_s": len(samples) / seconds, "failed": failed}
        progress(f"  sobol N={n} ({len(samples)} samples), {w} worker(s): {seconds:.2f} s")
    if full_n:
        _, _, full = sobol_setup(full_n, sim=sim)
        w = max(workers)
        seconds, failed = sobol_run(spec, factors, full, w, 256)
        rows["full"] = {"n": full_n, "samples": len(full), "workers": w, "seconds": seconds,
                        "per_s": len(full) / seconds, "failed": failed}
        progress(f"  sobol N={full_n} ({len(full)} samples), {w} worker(s): {seconds:.1f} s")
    return rows


# ------------------------------------------------------------------ the table
def _target(key, value):
    text, test = TARGETS[key]
    return text, bool(test(value))


def summary(timings, agree, sobol=None):
    """The bench table: one row per measurement (columns ``COLUMNS``)."""
    rows = []

    def add(item, contender, value, unit, target="", met=None, note=""):
        rows.append({"item": item, "contender": contender, "value": float(value), "unit": unit,
                     "target": target, "met": met, "note": note})

    definition = ("wall time of one scenario's dose-response (set parameters, settle 1e5 min at "
                  f"insulin 0, {len(DOSES)} doses x 10 min, readouts at 10 min) / {len(DOSES)}; "
                  "median")
    present = [name for name in CONTENDERS if name in timings]
    for name in present:
        t = timings[name]
        add("ms_per_simulation", name, t.median, "ms",
            note=f"{definition} of {len(t.ms_per_sim)} (min {min(t.ms_per_sim):.3g}); {t.note}")
    for name in present:
        add("setup_seconds", name, timings[name].setup_s, "s",
            note="load (and compile) once; not in ms_per_simulation")
    ours = timings["ours"].median
    for name in present:
        if name == "ours":
            continue
        key = f"{'pysb' if name.startswith('pysb') else name}_over_ours"
        ratio = timings[name].median / ours
        target, met = _target(key, ratio)
        note = (f"ours is {100 * (ours / timings[name].median - 1):+.1f} % vs the bare loop"
                if name == "roadrunner" else f"ours is {ratio:.3g}x faster")
        if name == "pysb_per_dose":   # the target is judged on (c), PySB at its fastest
            target, met = f"informational; {target} is judged on (c)", None
        add(f"ratio_{name}_over_ours", name, ratio, "x", target, met, note)
    for name, a in agree.items():
        add(f"check_{CHECK_READOUT}_{CHECK_SCENARIO}_{CHECK_DOSE:g}nM", name, a["value"],
            "nM/min", f"within {AGREEMENT:g} relative of ours", a["relative"] <= AGREEMENT,
            f"relative difference {a['relative']:.1e}; worst over all scenarios, doses and "
            f"readouts {a['worst']:.1e} (of the readout's largest value)")
    if sobol:
        runs = sobol["runs"]
        one = runs[1]["per_s"]
        what = (f"N={sobol['n']}, {sobol['factors']} mechanisms, {sobol['samples']} samples "
                f"(settle + 1 nM step each) in chunks of {sobol['chunk_size']}")
        for w, r in runs.items():
            add(f"sobol_samples_per_s_{w}_workers", "ours", r["per_s"], "samples/s",
                note=f"{what}: {r['seconds']:.2f} s wall, worker start-up included; "
                     f"{r['failed']} failed")
        full = sobol.get("full")
        for w, r in runs.items():
            if w == 1:
                continue
            speedup = r["per_s"] / one
            judged = w == 2 and not (full and full["workers"] == 2)
            target, met = _target("sobol_speedup_2", speedup) if judged else (
                "informational: a short job, worker start-up weighs" if w == 2 else "", None)
            add(f"sobol_speedup_{w}_workers", "ours", speedup, "x", target, met,
                f"throughput with {w} workers / with 1 (1 worker runs in this process), "
                f"N={sobol['n']}")
        if full and full["workers"] > 1:
            speedup = full["per_s"] / one
            target, met = (_target("sobol_speedup_2", speedup) if full["workers"] == 2
                           else ("", None))
            add(f"sobol_speedup_{full['workers']}_workers_full_run", "ours", speedup, "x",
                target, met, f"throughput of the N={full['n']} run on {full['workers']} workers "
                "(start-up included) / throughput with 1 worker")
        if "startup" in sobol:
            st = sobol["startup"]
            add("sobol_worker_startup_seconds", "ours", st["seconds"], "s",
                note=f"{st['workers']} spawned workers: start, import, load the model, one "
                     "sample each")
        if "full" in sobol:
            f = sobol["full"]
            target, met = _target("sobol_full_seconds", f["seconds"])
            if f["workers"] != 2:
                target += f" (measured on {f['workers']} workers)"
            add("sobol_full_seconds", "ours", f["seconds"], "s", target, met,
                f"N={f['n']}, {f['samples']} samples in chunks of 256 on {f['workers']} "
                f"workers ({f['per_s']:.0f} samples/s); {f['failed']} failed")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["met"] = frame["met"].astype("object")
    return frame


def format_table(frame):
    """The table as readable text (the notes are in the CSV)."""
    lines = []
    width = max(len(i) for i in frame["item"]) + 2
    for _, row in frame.iterrows():
        met = "" if row["met"] is None or pd.isna(row["met"]) else (
            "  MET" if row["met"] else "  MISSED")
        target = f"  [{row['target']}]" if row["target"] else ""
        lines.append(f"{row['item']:<{width}}{row['contender']:<14}{row['value']:>11.4g} "
                     f"{row['unit']:<10}{target}{met}")
    return "\n".join(lines)


def run_all(repeats=5, pysb_repeats=1, quick=False, workers=None, scenario_set=None,
            sobol_n=None, full_n=SOBOL_FULL_N, progress=print):
    """Every contender, the agreement check and the Sobol throughput; returns
    (timings, agreement, sobol)."""
    set_ = scenario_set or scenarios()
    progress(f"scenarios: {', '.join(set_)}; {len(DOSES)} doses; {repeats} timed passes "
             f"(PySB {pysb_repeats}) after a warm-up")
    timings = {}
    timings["ours"] = bench_ours(set_, repeats)
    readouts = timings["ours"].extra["readouts"]
    progress(f"  (a) ours: {timings['ours'].median:.3f} ms/sim")
    timings["roadrunner"] = bench_roadrunner(set_, repeats, readouts=readouts)
    progress(f"  (b) bare roadrunner: {timings['roadrunner'].median:.3f} ms/sim")
    timings["copasi"] = bench_copasi(set_, repeats, readouts=readouts)
    progress(f"  (d) COPASI: {timings['copasi'].median:.3f} ms/sim")
    timings.update(bench_pysb(set_, pysb_repeats, readouts=readouts))
    progress(f"  (c) PySB Cython: {timings['pysb'].median:.3f} ms/sim, one run() per dose "
             f"{timings['pysb_per_dose'].median:.3f} ms/sim (compile "
             f"{timings['pysb'].extra['compile_s']:.1f} s excluded)")
    agree = agreement(timings, readouts)
    sobol = bench_sobol(sobol_n or (SOBOL_N_QUICK if quick else SOBOL_N), workers,
                        full_n=None if quick else full_n, progress=progress)
    return timings, agree, sobol


def machine():
    """What the numbers were measured on."""
    import platform
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    from .parallel import default_workers
    return {"cpu": platform.processor() or platform.machine(), "cores": default_workers(),
            "python": platform.python_version(), "load_average": load}
