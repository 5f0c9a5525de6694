"""Which mechanisms explain a resistant phenotype: hypotheses fitted and ranked by likelihood.

A hypothesis is a set of catalogue mechanisms (every single one, every pair,
triples on request) or a cause, whose strengths are free within the
mechanisms' plausible ranges. Each is a PEtab problem built in memory: the
measured readouts of the resistant state (and, optionally, of the healthy
state, which shares each readout's scale), the resistant condition setting
every target scale factor to the strength being fitted. Each is fitted by
multi-start local optimization (pyPESTO, as ``calibrate``), then ranked by AIC
(BIC beside it), tested for goodness of fit (chi-square, where the
measurement noise is known), compared with the hypotheses nested in it
(likelihood ratio), and the best are profiled for 95 % intervals of their
strengths with identifiability flags (Brännmark 2013 and Nyman 2014 work
this way for human adipocytes).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from math import comb

import numpy as np
import pandas as pd

from .errors import UserError
from .petab_io import check_tidy, parameter_table, problem_tables

MAX_SIZE = 3
HYPOTHESIS_FTOL = 1e-8
HEALTHY, RESISTANT = "healthy", "resistant"
ALPHA = 0.05


@dataclass(frozen=True)
class Hypothesis:
    name: str
    kind: str                    # single | pair | triple | cause
    mechanisms: tuple            # (name, targets tuple, low, high, healthy) per mechanism
    inputs: tuple = ()           # (model id, value): a cause's inputs

    @property
    def strengths(self) -> list:
        return [f"strength_{m[0]}" for m in self.mechanisms]


def enumerate_hypotheses(catalogue, model_ids, max_size: int = 2, causes: bool = True,
                         only=None):
    """(hypotheses, notes): singles, pairs (and triples), causes acting on this model;
    ``only``: restrict to these mechanisms (and the causes made of them)."""
    if not 1 <= max_size <= MAX_SIZE:
        n = len(catalogue.mechanisms)
        raise UserError(f"--max-size {max_size}: give 1 to {MAX_SIZE}; size {max_size} would "
                        f"mean {comb(n, max_size) if max_size > 0 else 0} hypotheses of that "
                        f"size alone for {n} mechanisms")
    known = set(model_ids)
    notes = []
    usable = []
    chosen = [catalogue.mechanism(n) for n in only] if only else catalogue.mechanisms.values()
    for m in chosen:
        missing = [t for t in m.targets if t not in known]
        if missing:
            notes.append(f"{m.name}: target {missing[0]} is not a parameter of the model")
            continue
        if not m.range[0] <= m.healthy <= m.range[1]:
            raise UserError(f"mechanism '{m.name}': its range [{m.range[0]:g}, {m.range[1]:g}] "
                            f"excludes its healthy value {m.healthy:g}")
        usable.append(m)

    def spec(m):
        return (m.name, tuple(m.targets), float(m.range[0]), float(m.range[1]), float(m.healthy))

    out = []
    kinds = {1: "single", 2: "pair", 3: "triple"}
    for size in range(1, max_size + 1):
        for group in itertools.combinations(usable, size):
            targets = [t for m in group for t in m.targets]
            if len(set(targets)) < len(targets):
                shared = sorted({t for t in targets if targets.count(t) > 1})
                notes.append(f"{'+'.join(m.name for m in group)}: skipped, the mechanisms "
                             f"share target {shared[0]}")
                continue
            out.append(Hypothesis("+".join(m.name for m in group), kinds[size],
                                  tuple(spec(m) for m in group)))
    if causes:
        for cause in catalogue.causes.values():
            mechs = [catalogue.mechanisms[n] for n in cause.mechanisms]
            if only and any(m not in usable for m in mechs):
                continue
            if any(m not in usable for m in mechs) or any(k not in known for k in cause.inputs):
                notes.append(f"cause {cause.name}: acts on parameters this model lacks")
                continue
            out.append(Hypothesis(f"cause:{cause.name}", "cause",
                                  tuple(spec(m) for m in mechs),
                                  tuple(sorted(cause.inputs.items()))))
    return out, notes


# ------------------------------------------------------------------ synthetic data


def synthetic_data(truth: dict, readouts=("glucose_uptake", "pAKT_T308", "pAS160"),
                   doses=None, time: float = 10.0, relative_sd: float = 0.04, seed: int = 7,
                   sbml=None, catalogue=None) -> pd.DataFrame:
    """MODEL-DERIVED test data: healthy and resistant (``truth``: mechanism ->
    strength) responses of the model at ``time`` after each dose, plus Gaussian
    noise of sd = ``relative_sd`` x each readout's largest value (the sd column
    holds that known noise). For known-answer tests and benchmarks only."""
    from .backends import create
    from .catalogue import load_catalogue
    doses = np.logspace(-2, 2, 8) if doses is None else np.asarray(doses, dtype=float)
    sim = create("roadrunner", None if sbml is None else str(sbml), "insulin", list(readouts))
    resistant = (catalogue or load_catalogue()).scenario(mechanisms=truth).parameters
    rng = np.random.default_rng(seed)
    rows = []
    for state, params in ((HEALTHY, {}), (RESISTANT, resistant)):
        frame = sim.response(params, doses, time)
        for r in readouts:
            rows += [(r, d, time, v, state) for d, v in zip(frame.dose, frame[r], strict=True)]
    data = pd.DataFrame(rows, columns=["readout", "dose", "time", "clean", "state"])
    data["sd"] = relative_sd * data.groupby("readout").clean.transform("max")
    data["value"] = data.clean + rng.normal(0, 1, len(data)) * data.sd
    return data.drop(columns="clean")


# ------------------------------------------------------------------ problems


def read_data(path, input_id: str = "insulin", conditions=None,
              state_names: tuple[str, str] | None = None) -> pd.DataFrame:
    """Tidy data from the project's CSV (readout, dose, time, value[, sd, state,
    dataset]) or a PEtab measurement table (with ``conditions``: a PEtab
    condition table giving each condition's ``input_id``; observableId = readout,
    conditions named ``healthy*`` belong to the healthy state). ``state_names``:
    the data's own names of the healthy and the resistant state (e.g. normal, t2d)."""
    data = _read_data(path, input_id, conditions)
    if state_names and "state" in data:
        healthy, resistant = state_names
        named = {healthy: HEALTHY, resistant: RESISTANT}
        other = sorted(set(data.state.astype(str)) - set(named))
        if other:
            raise UserError(f"state '{other[0]}' in {path} is neither '{healthy}' (healthy) nor "
                            f"'{resistant}' (resistant)")
        data = data.assign(state=data.state.astype(str).map(named))
    return data


def _read_data(path, input_id, conditions):
    from pathlib import Path

    from .petab_io import read_tidy
    path = Path(path)
    if not path.is_file():
        raise UserError(f"data file not found: {path}" if not path.is_dir()
                        else f"{path} is a folder; give a CSV of measurements")
    head = path.read_bytes()[:2000]
    if b"observableId" in head and b"simulationConditionId" in head:
        return _from_petab(path, conditions, input_id)
    return read_tidy(path)


def _read_tsv(path, what):
    """A tab-separated table, or one line naming the file and what is wrong."""
    from pathlib import Path
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{what} {path} is a folder; give a TSV file")
    if not path.is_file():
        raise UserError(f"{what} not found: {path}")
    try:
        return pd.read_csv(path, sep="\t")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            ValueError) as exc:
        reason = ("not UTF-8 text (a binary file?)" if isinstance(exc, UnicodeDecodeError)
                  else " ".join(str(exc).split())[:120])
        raise UserError(f"cannot read {what} {path}: {reason}; give a tab-separated text "
                        "table") from None


def _from_petab(path, conditions, input_id):
    if conditions is None:
        raise UserError(f"{path} is a PEtab measurement table; give its condition table too "
                        "(--conditions FILE) so the doses are known")
    m = _read_tsv(path, "PEtab measurement table")
    c = _read_tsv(conditions, "PEtab condition table")
    if "conditionId" not in c:
        raise UserError(f"condition table {conditions} has no conditionId column")
    c = c.set_index("conditionId")
    for column in ("observableId", "simulationConditionId", "time", "measurement"):
        if column not in m:
            raise UserError(f"PEtab measurement table {path} has no {column} column")
    if input_id not in c:
        raise UserError(f"condition table {conditions} has no '{input_id}' column")
    unknown = sorted(set(m.simulationConditionId) - set(c.index))
    if unknown:
        raise UserError(f"measurement condition '{unknown[0]}' is not in {conditions}")
    frame = pd.DataFrame({
        "readout": m.observableId, "dose": m.simulationConditionId.map(c[input_id]),
        "time": m.time, "value": m.measurement,
        "state": [HEALTHY if str(s).startswith(HEALTHY) else RESISTANT
                  for s in m.simulationConditionId]})
    if "noiseParameters" in m:
        sd = pd.to_numeric(m.noiseParameters, errors="coerce")
        if sd.notna().all():
            frame["sd"] = sd
    return check_tidy(frame, str(path))


def check_data(data: pd.DataFrame, readable: set) -> pd.DataFrame:
    data = check_tidy(data)
    if "state" not in data:
        data = data.assign(state=RESISTANT)
    bad = sorted(set(data.state) - {HEALTHY, RESISTANT})
    if bad:
        raise UserError(f"state '{bad[0]}' is not one of {HEALTHY}, {RESISTANT}")
    if not (data.state == RESISTANT).any():
        raise UserError("no measurement of the resistant state; give rows with state "
                        f"'{RESISTANT}' (rows without a state column are resistant)")
    unknown = sorted(set(data.readout) - readable)
    if unknown:
        from .errors import unknown as unknown_id
        raise unknown_id("readout", unknown[0], sorted(readable))
    if "sd" in data and data.sd.isna().any():
        raise UserError("sd is given for some rows only; give it for every row or for none")
    return data.reset_index(drop=True)


@dataclass(frozen=True)
class HypothesisSource:
    """A hypothesis on the data as a PEtab problem built in memory (picklable)."""
    sbml: str
    input_id: str
    data: tuple                   # records of the tidy data
    columns: tuple
    hypothesis: Hypothesis
    defaults: tuple = field(default=())   # (id, model value) of every target

    def key(self):
        return ("hypothesis", self.sbml, self.input_id, self.data, self.hypothesis)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.data), columns=list(self.columns))

    def tables(self):
        h = self.hypothesis
        resistant = {t: s for (name, targets, *_), s in zip(h.mechanisms, h.strengths, strict=True)
                     for t in targets}
        resistant.update(dict(h.inputs))
        states = {HEALTHY: {}, RESISTANT: resistant}
        conditions, observables, measurements, outputs = problem_tables(
            self.frame(), self.input_id, states, defaults=dict(self.defaults))
        estimate = {}
        rows = []
        for (_name, _targets, low, high, healthy), sid in zip(h.mechanisms, h.strengths,
                                                              strict=True):
            scale = "log10" if low > 0 else "lin"
            rows.append({"parameterId": sid, "parameterScale": scale, "lowerBound": low,
                         "upperBound": high, "nominalValue": healthy, "estimate": 1})
        parameters = pd.concat([pd.DataFrame(rows).set_index("parameterId"),
                                parameter_table(estimate, outputs)])
        return conditions, observables, measurements, parameters

    def petab_problem(self):
        import petab.v1 as petab
        from petab.v1.models.sbml_model import SbmlModel
        conditions, observables, measurements, parameters = self.tables()
        return petab.Problem(model=SbmlModel.from_file(self.sbml), condition_df=conditions,
                             observable_df=observables, measurement_df=measurements,
                             parameter_df=parameters)

    def load(self):
        from pathlib import Path

        from .calibration.problem import compile_problem
        return compile_problem(self.petab_problem(), Path(self.sbml).with_suffix(".yaml"),
                               Path(self.sbml))


def source_for(sbml, input_id, data: pd.DataFrame, hypothesis: Hypothesis,
               defaults: dict) -> HypothesisSource:
    columns = tuple(data.columns)
    records = tuple(tuple(r) for r in data.itertuples(index=False))
    targets = {t for m in hypothesis.mechanisms for t in m[1]} | {k for k, _ in hypothesis.inputs}
    return HypothesisSource(str(sbml), input_id, records, columns, hypothesis,
                            tuple(sorted((t, float(defaults[t])) for t in targets)))


def n_parameters(data: pd.DataFrame, hypothesis: Hypothesis) -> int:
    """Strengths + one scale per dataset + one noise per dataset where no sd is given."""
    datasets = data.dataset.nunique() if "dataset" in data else data.readout.nunique()
    sigmas = 0 if "sd" in data else datasets
    return len(hypothesis.mechanisms) + datasets + sigmas


# ------------------------------------------------------------------ fitting one


@dataclass(frozen=True)
class HypothesisTask:
    source: HypothesisSource
    index: int
    starts: int
    seed: int
    max_iterations: int


def fit_hypothesis(task: HypothesisTask) -> pd.DataFrame:
    """Multi-start fit of one hypothesis: one row with its best fit."""
    from .calibration.multistart import FitSettings, objective_for, run_start, start_tasks
    h = task.source.hypothesis
    # a looser stop than calibrate's (the NLL to about 1e-6, plenty for AIC ranks)
    settings = FitSettings(starts=task.starts, seed=task.seed,
                           max_iterations=task.max_iterations, ftol=HYPOTHESIS_FTOL)
    row = {"index": task.index, "hypothesis": h.name, "kind": h.kind,
           "mechanisms": ", ".join(m[0] for m in h.mechanisms)}
    try:
        objective = objective_for(task.source)
        runs = pd.concat([run_start(t) for t in start_tasks(task.source, objective, settings)],
                         ignore_index=True)
    except UserError as exc:
        return pd.DataFrame([{**row, "status": "failed", "message": str(exc), "nll": np.inf}])
    ok = runs[runs.status == "ok"].sort_values(["fval", "start"])
    row["starts_ok"] = len(ok)
    row["seconds"] = float(runs.seconds.sum())
    if ok.empty:
        return pd.DataFrame([{**row, "status": "failed", "nll": np.inf,
                              "message": f"every start failed: {runs.message.iloc[0]}"}])
    best = ok.iloc[0]
    row.update(status="ok", message="", nll=float(best.fval),
               converged=int((ok.fval - best.fval < 0.1).sum()))
    x = np.array([best[f"x:{p}"] for p in objective.outer_ids])
    ev = objective.evaluate(x)
    sd_known = not objective.inner_sigmas
    row["chi2"] = float(np.sum(((objective.y - ev.simulated) / ev.sigma) ** 2)) \
        if sd_known else np.nan
    for pid in objective.problem.x_ids:
        row[f"x:{pid}"] = float(best[f"x:{pid}"])
    return pd.DataFrame([row])


# ------------------------------------------------------------------ ranking


def rank(fits: pd.DataFrame, n_data: int, k: dict, sd_known: bool) -> pd.DataFrame:
    """AIC, BIC, chi-square test; sorted by AIC (then BIC, then name)."""
    from scipy.stats import chi2
    table = fits.copy()
    table["k"] = table.hypothesis.map(k)
    table["n_data"] = n_data
    table["aic"] = 2 * table.k + 2 * table.nll
    table["bic"] = table.k * math.log(n_data) + 2 * table.nll
    table["delta_aic"] = table.aic - table.aic[np.isfinite(table.aic)].min()
    table["delta_bic"] = table.bic - table.bic[np.isfinite(table.bic)].min()
    if sd_known:
        table["dof"] = n_data - table.k
        table["p_value"] = [chi2.sf(c, d) if d > 0 and np.isfinite(c) else np.nan
                            for c, d in zip(table.chi2, table.dof, strict=True)]
        table["rejected"] = table.p_value < ALPHA
    else:
        table["dof"] = np.nan
        table["p_value"] = np.nan
        table["rejected"] = False
    # Burnham and Anderson: within 2 AIC units of the best, the data hardly tell apart
    table["as_good_as_best"] = table.delta_aic <= 2.0
    table = table.sort_values(["aic", "bic", "hypothesis"], na_position="last")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def nested_tests(ranked: pd.DataFrame, hypotheses: dict) -> pd.DataFrame:
    """Likelihood-ratio test of each pair (triple) against the singles (pairs) in it."""
    from scipy.stats import chi2
    nll = dict(zip(ranked.hypothesis, ranked.nll, strict=True))
    rows = []
    for name, h in hypotheses.items():
        if h.kind not in ("pair", "triple") or not np.isfinite(nll.get(name, np.inf)):
            continue
        names = [m[0] for m in h.mechanisms]
        for sub in itertools.combinations(names, len(names) - 1):
            inner = "+".join(sub)
            if inner not in nll or not np.isfinite(nll[inner]):
                continue
            lr = max(2 * (nll[inner] - nll[name]), 0.0)
            p = float(chi2.sf(lr, df=1))
            rows.append({"hypothesis": name, "nested": inner, "lr_statistic": lr, "dof": 1,
                         "p_value": p, "significantly_better": p < ALPHA})
    return pd.DataFrame(rows, columns=["hypothesis", "nested", "lr_statistic", "dof",
                                       "p_value", "significantly_better"])


def strengths_table(ranked: pd.DataFrame, hypotheses: dict, intervals: dict) -> pd.DataFrame:
    """Tidy strengths: hypothesis, mechanism, estimate, bounds, 95 % interval, flag."""
    rows = []
    for _, r in ranked.iterrows():
        h = hypotheses[r.hypothesis]
        for (name, _targets, low, high, _healthy), sid in zip(h.mechanisms, h.strengths,
                                                              strict=True):
            value = r.get(f"x:{sid}", np.nan)
            scale = "log10" if low > 0 else "lin"
            est = 10 ** value if scale == "log10" and np.isfinite(value) else value
            ci = intervals.get((r.hypothesis, sid), {})
            rows.append({"hypothesis": r.hypothesis, "rank": r["rank"], "mechanism": name,
                         "estimate": est, "lower_bound": low, "upper_bound": high,
                         "ci_lower": ci.get("ci_lower", np.nan),
                         "ci_upper": ci.get("ci_upper", np.nan),
                         "identifiable": ci.get("identifiable", "not profiled")})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ the pipeline


@dataclass
class HypothesisResults:
    ranked: pd.DataFrame
    strengths: pd.DataFrame
    nested: pd.DataFrame
    curves: pd.DataFrame
    data: pd.DataFrame
    notes: list
    hypotheses: dict
    sources: dict
    fingerprint: dict
    profiles: pd.DataFrame | None = None


def model_facts(sbml) -> tuple:
    """(settable parameter ids, readable ids, {parameter: value}) of an SBML file."""
    from .loader import check_sbml
    model = check_sbml(sbml).getModel()
    assigned = {model.getRule(i).getVariable() for i in range(model.getNumRules())}
    values = {p.getId(): p.getValue() for p in model.getListOfParameters()}
    settable = {p for p in values if p not in assigned}
    readable = set(values) | {s.getId() for s in model.getListOfSpecies()}
    return settable, readable, values


def run_hypotheses(sbml, data: pd.DataFrame, catalogue, input_id: str = "insulin",
                   max_size: int = 2, causes: bool = True, starts: int = 3, seed: int = 1,
                   max_iterations: int = 200, profile_top: int = 5, workers: int = 1,
                   client=None, out=None, resume: bool = False, progress: bool = True,
                   mechanisms=None) -> HypothesisResults:
    """Fit and rank every hypothesis of ``catalogue`` on ``data`` (see module docstring)."""
    from pathlib import Path

    from .calibration.profiles import ProfileSettings, ProfileTask, interval, run_profile
    from .parallel import ChunkStore

    if starts < 1:
        raise UserError(f"starts = {starts}: give 1 or more")
    settable, readable, values = model_facts(sbml)
    if input_id not in settable:
        raise UserError(f"input '{input_id}' is not a settable parameter of {sbml}")
    data = check_data(data, readable)
    hyps, notes = enumerate_hypotheses(catalogue, settable, max_size, causes, mechanisms)
    n_data = len(data)
    fitted, k = [], {}
    for h in hyps:
        k[h.name] = n_parameters(data, h)
        if k[h.name] >= n_data:
            notes.append(f"{h.name}: skipped, cannot be identified ({n_data} data points for "
                         f"{k[h.name]} free parameters)")
        else:
            fitted.append(h)
    if not fitted:
        raise UserError(f"no hypothesis can be identified from {n_data} data points; "
                        "give more measurements")
    sources = {h.name: source_for(sbml, input_id, data, h, values) for h in fitted}
    from .calibration.problem import lint
    errors = lint(sources[fitted[0].name].petab_problem())    # once, before any work
    if errors:
        raise UserError(f"the PEtab problem built from the data fails lint: {errors[0]}")
    sources[fitted[0].name].load()
    fingerprint = {"analysis": "hypotheses", "model_sha256": _sha(sbml),
                   "data": data.to_dict("list"), "hypotheses": [h.name for h in fitted],
                   "starts": starts, "seed": seed, "max_iterations": max_iterations,
                   "input": input_id}
    tasks = [HypothesisTask(sources[h.name], i, starts, seed, max_iterations)
             for i, h in enumerate(fitted)]
    out = Path(out) if out is not None else None
    store = ChunkStore(out / "fits", fingerprint, len(tasks), resume) if out else None
    fits = _run(fit_hypothesis, tasks, store, workers, client, progress, "hypotheses")
    sd_known = "sd" in data
    ranked = rank(fits, n_data, k, sd_known)
    hypotheses = {h.name: h for h in fitted}
    nested = nested_tests(ranked, hypotheses)

    profiles, intervals = None, {}
    top = ranked[ranked.status == "ok"].head(profile_top)
    if profile_top > 0 and len(top):
        ptasks = []
        for _, r in top.iterrows():
            h = hypotheses[r.hypothesis]
            x_best = tuple(float(r[f"x:{s}"]) for s in h.strengths)
            for i in range(len(h.strengths)):
                ptasks.append(ProfileTask(sources[h.name], i, x_best, float(r.nll),
                                          ProfileSettings()))
        pprint = {**fingerprint, "profiled": list(top.hypothesis),
                  "x_best": [[float(r[f"x:{s}"]) for s in hypotheses[r.hypothesis].strengths]
                             for _, r in top.iterrows()]}
        pstore = ChunkStore(out / "profiles", pprint, len(ptasks), resume) if out else None
        profiles = _run(run_profile, ptasks, pstore, workers, client, progress, "profiles")
        for task in ptasks:
            h = task.source.hypothesis
            sid = h.strengths[task.index]
            low, high = h.mechanisms[task.index][2:4]
            scale = "log10" if low > 0 else "lin"
            lo, hi = (math.log10(low), math.log10(high)) if scale == "log10" else (low, high)
            part = profiles[(profiles.parameter == sid) & (profiles.hypothesis == h.name)]
            ci = interval(part, lo, hi)
            if scale == "log10":
                ci = {**ci, "ci_lower": 10 ** ci["ci_lower"], "ci_upper": 10 ** ci["ci_upper"]}
            intervals[(h.name, sid)] = ci
    strengths = strengths_table(ranked[ranked.status == "ok"], hypotheses, intervals)
    curves = prediction_curves(ranked.head(3), sources)
    return HypothesisResults(ranked, strengths, nested, curves, data, notes, hypotheses,
                             sources, fingerprint, profiles)


def _sha(path):
    from .results import file_sha256
    return file_sha256(path)


def _run(fn, tasks, store, workers, client, progress, desc):
    from tqdm import tqdm

    from .parallel import execute
    with tqdm(total=len(tasks), desc=desc, unit="task", disable=not progress,
              dynamic_ncols=True, leave=False) as bar:
        if store is None:
            frames = []
            for t in tasks:
                frames.append(_tagged(fn, t))
                bar.update(1)
            return pd.concat(frames, ignore_index=True)
        execute(_Tagged(fn), tasks, store, workers, client, bar)
    return store.read_all()


class _Tagged:
    """Adds the hypothesis name to a profile chunk (picklable)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, task):
        return _tagged(self.fn, task)


def _tagged(fn, task):
    frame = fn(task)
    if "hypothesis" not in frame:
        frame.insert(0, "hypothesis", task.source.hypothesis.name)
    return frame


def prediction_curves(top: pd.DataFrame, sources: dict) -> pd.DataFrame:
    """Model curves of the best hypotheses per dataset and state (dense doses at the
    measured time, or dense times at the measured dose)."""
    from .calibration.multistart import objective_for
    rows = []
    for _, r in top.iterrows():
        if r.status != "ok":
            continue
        source = sources[r.hypothesis]
        obj = objective_for(source)
        x = np.array([float(r[f"x:{p}"]) for p in obj.outer_ids])
        values = obj.evaluate(x).values
        p = obj.problem
        data = source.frame()
        for (dataset, state), part in data.groupby(["dataset", "state"], sort=False):
            row0 = int(part.index[0])
            cond = p.measurements.simulationConditionId.iloc[row0]
            pre = p.measurements.preequilibrationConditionId.iloc[row0]
            post = obj.simulator.resolve(cond, values)
            before = obj.simulator.resolve(pre, values)
            doses, times = part.dose.unique(), part.time.unique()
            if len(times) == 1 and len(doses) > 1:
                positive = doses[doses > 0]
                grid = np.unique(np.concatenate([[0.0] if (doses == 0).any() else [],
                                                 np.logspace(np.log10(positive.min()),
                                                             np.log10(positive.max()), 61)]))
                table = np.vstack([obj.simulator.sim.condition_timecourse(
                    {}, before, {**post, source.input_id: float(d)}, [times[0]])[0]
                    for d in grid])
                kind = "dose"
            elif len(doses) == 1 and len(times) > 1:
                grid = np.linspace(0, times.max(), 121)
                table = obj.simulator.sim.condition_timecourse({}, before, post, grid)
                kind = "time"
            else:
                continue
            h = obj.curve(p.row_observable[row0], table, p.row_placeholders[row0], values)
            rows.append(pd.DataFrame({"hypothesis": r.hypothesis, "rank": r["rank"],
                                      "dataset": dataset, "state": state, "kind": kind,
                                      "x": grid, "simulation": h}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
