"""A PEtab (v1) problem, checked against the model and compiled for fast evaluation.

:func:`load_problem` reads the YAML with the ``petab`` library, lints it (the
first problems are named in one line) and checks what lint does not: the
observable and noise formulas name known ids, condition columns are model ids,
times are >= 0 and finite, bounds are ordered. :class:`CalibrationProblem`
holds the measurement rows grouped by (preequilibration, simulation)
condition, the observable formulas compiled to numpy functions, and the
estimated parameters with their scales and bounds.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sympy as sp

from ..errors import UserError

SCALES = ("lin", "log", "log10")
NOISE = ("normal", "laplace")
TRANSFORMS = ("lin", "log", "log10")


def _petab():
    import petab.v1 as petab
    return petab


@dataclass
class Observable:
    """One compiled observable: h = formula(model ids, placeholders), sigma = noise."""
    id: str
    model_ids: tuple            # model ids the formula reads, in argument order
    placeholders: tuple         # observableParameter<k>_<id>, in argument order
    noise_placeholders: tuple   # noiseParameter<k>_<id>
    noise_model_ids: tuple      # model/parameter ids the noise formula reads
    formula: object             # numpy function of (*model_ids, *placeholders)
    noise: object               # numpy function of (*noise_model_ids, *noise_placeholders)
    transform: str
    distribution: str
    scaling_placeholder: str | None   # set if formula == placeholder * g(model ids)
    noise_is_placeholder: bool        # noise formula is exactly one noise placeholder
    formula_text: str = ""


@dataclass
class Group:
    """Measurement rows sharing a (preequilibration, simulation) condition pair."""
    preequilibration: str | None
    simulation: str
    times: np.ndarray           # sorted unique measurement times
    rows: np.ndarray            # indices into the measurement table
    time_index: np.ndarray      # for each row, its index in ``times``


@dataclass
class CalibrationProblem:
    yaml: Path
    petab: object
    sbml: Path
    measurements: pd.DataFrame
    observables: dict
    groups: list
    x_ids: list                 # estimated parameter ids (parameter-table order)
    x_scales: list
    lb: np.ndarray              # bounds on the parameter scale
    ub: np.ndarray
    x_nominal: np.ndarray       # nominal values on the parameter scale
    fixed: dict                 # parameter-table values not estimated (linear)
    model_parameters: set       # settable SBML parameter ids
    model_species: set
    readouts: tuple             # model ids any observable reads
    conditions: dict            # condition id -> {model id: value or parameter id}
    datasets: np.ndarray        # dataset label per measurement row
    row_observable: np.ndarray
    row_placeholders: list      # per row: {placeholder: number or parameter id}
    row_noise: list
    info: dict = field(default_factory=dict)

    @property
    def n_data(self) -> int:
        return len(self.measurements)

    def unscale(self, x: np.ndarray) -> dict:
        """{estimated id: linear value} for ``x`` on the parameter scale."""
        return {pid: _unscale(v, s)
                for pid, v, s in zip(self.x_ids, x, self.x_scales, strict=True)}

    def scale(self, values: dict) -> np.ndarray:
        return np.array([_scale(values[p], s)
                         for p, s in zip(self.x_ids, self.x_scales, strict=True)])


def _unscale(value: float, scale: str) -> float:
    if scale == "log10":
        return 10.0 ** value
    if scale == "log":
        return math.exp(value)
    return float(value)


def _scale(value: float, scale: str) -> float:
    if scale == "log10":
        return math.log10(value)
    if scale == "log":
        return math.log(value)
    return float(value)


# ------------------------------------------------------------------ loading


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(" ".join(record.getMessage().split()))


def lint(problem) -> list:
    """The problems petab's linter reports (errors only), one line each."""
    petab = _petab()
    handler = _Collect()
    logger = logging.getLogger("petab")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.WARNING)
    try:
        failed = petab.lint_problem(problem)
    except Exception as exc:  # the linter itself trips on some malformed tables
        return [f"{type(exc).__name__}: {' '.join(str(exc).split())}"]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    if not failed:
        return []
    errors = [m for m in handler.messages if m and not m.startswith("Checking")]
    return errors or ["petab lint failed"]


def read_problem(yaml_path) -> object:
    """The petab.v1.Problem of ``yaml_path``, or one UserError line."""
    import warnings
    petab = _petab()
    path = Path(yaml_path)
    if path.is_dir():
        raise UserError(f"PEtab problem {path} is a folder; give its YAML file")
    if not path.is_file():
        raise UserError(f"PEtab problem not found: {path}; give the problem's YAML file")
    try:
        with warnings.catch_warnings():   # petab 0.8 on pandas 3: deprecation notices
            warnings.simplefilter("ignore")
            return petab.Problem.from_yaml(str(path))
    except Exception as exc:
        raise UserError(f"cannot read PEtab problem {path}: "
                        f"{' '.join(str(exc).split())[:300]}") from None


def load_problem(yaml_path) -> CalibrationProblem:
    """Read, lint, check and compile a PEtab problem that targets an SBML model."""
    path = Path(yaml_path)
    problem = read_problem(path)
    errors = lint(problem)
    if errors:
        more = f" (+{len(errors) - 2} more)" if len(errors) > 2 else ""
        raise UserError(f"PEtab problem {path} fails lint: {'; '.join(errors[:2])[:400]}{more}")
    sbml = _sbml_path(problem, path)
    return compile_problem(problem, path, sbml)


def _sbml_path(problem, yaml_path: Path) -> Path:
    import yaml
    config = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    files = config["problems"][0].get("sbml_files") or []
    if len(files) != 1:
        raise UserError(f"PEtab problem {yaml_path}: give exactly one SBML file "
                        f"(found {len(files)})")
    return (yaml_path.parent / files[0]).resolve()


def _model_ids(sbml_model):
    import libsbml
    rules = {sbml_model.getRule(i).getVariable() for i in range(sbml_model.getNumRules())}
    parameters = {p.getId() for p in sbml_model.getListOfParameters()}
    settable = {p for p in parameters if p not in rules}
    species = {s.getId() for s in sbml_model.getListOfSpecies()}
    compartments = {c.getId() for c in sbml_model.getListOfCompartments()}
    del libsbml
    return parameters, settable, species, compartments


def compile_problem(problem, yaml_path: Path, sbml: Path) -> CalibrationProblem:
    petab = _petab()
    model = problem.sbml_model
    parameters, settable, species, compartments = _model_ids(model)
    readable = parameters | species | compartments
    pdf = problem.parameter_df
    x_ids, x_scales, lb, ub, nominal, fixed = [], [], [], [], [], {}
    for pid, row in pdf.iterrows():
        scale = str(row.get(petab.PARAMETER_SCALE, "lin"))
        low, high = float(row[petab.LOWER_BOUND]), float(row[petab.UPPER_BOUND])
        value = float(row.get(petab.NOMINAL_VALUE, np.nan))
        if int(row[petab.ESTIMATE]) == 1:
            if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
                raise UserError(f"parameter '{pid}': bounds [{low:g}, {high:g}] need "
                                "finite lower < upper")
            if scale in ("log", "log10") and low <= 0:
                raise UserError(f"parameter '{pid}': a {scale}-scaled parameter needs "
                                f"lower bound > 0, got {low:g}")
            x_ids.append(pid)
            x_scales.append(scale)
            lb.append(_scale(low, scale))
            ub.append(_scale(high, scale))
            nominal.append(_scale(value, scale) if math.isfinite(value)
                           and (scale == "lin" or value > 0) else np.nan)
        else:
            if not math.isfinite(value):
                raise UserError(f"parameter '{pid}' is not estimated but has no nominal value")
            fixed[pid] = value
    known_parameters = set(pdf.index)
    for pid in x_ids + list(fixed):
        if pid in parameters and pid not in settable:
            raise UserError(f"parameter '{pid}' is defined by an assignment rule in the SBML "
                            "and cannot be estimated or fixed; choose a constant parameter")

    conditions = _conditions(problem.condition_df, settable, species, known_parameters)
    observables = {oid: _observable(oid, row, readable, known_parameters)
                   for oid, row in problem.observable_df.iterrows()}
    mdf = problem.measurement_df.reset_index(drop=True).copy()
    _check_measurements(mdf, conditions)
    groups = _groups(mdf)
    rows_obs = mdf[petab.OBSERVABLE_ID].to_numpy()
    placeholders = [_overrides(row.get(petab.OBSERVABLE_PARAMETERS), observables[o].placeholders,
                               known_parameters, "observableParameters", i)
                    for i, (o, row) in enumerate(
                        zip(rows_obs, mdf.to_dict("records"), strict=True))]
    noise = [_overrides(row.get(petab.NOISE_PARAMETERS), observables[o].noise_placeholders,
                        known_parameters, "noiseParameters", i)
             for i, (o, row) in enumerate(zip(rows_obs, mdf.to_dict("records"), strict=True))]
    datasets = (mdf[petab.DATASET_ID].astype(str).to_numpy() if petab.DATASET_ID in mdf
                else rows_obs.astype(str))
    readouts = tuple(sorted({m for o in observables.values()
                             for m in o.model_ids + o.noise_model_ids
                             if m in species or m in parameters}))
    return CalibrationProblem(
        yaml=Path(yaml_path), petab=problem, sbml=sbml, measurements=mdf,
        observables=observables, groups=groups, x_ids=x_ids, x_scales=x_scales,
        lb=np.array(lb), ub=np.array(ub), x_nominal=np.array(nominal), fixed=fixed,
        model_parameters=settable, model_species=species, readouts=readouts,
        conditions=conditions, datasets=datasets, row_observable=rows_obs,
        row_placeholders=placeholders, row_noise=noise)


def _conditions(cdf, settable, species, known_parameters):
    out = {}
    for cid, row in cdf.iterrows():
        values = {}
        for column, value in row.items():
            if column == "conditionName":
                continue
            if column not in settable and column not in species:
                raise UserError(f"condition table column '{column}' is not a settable model id "
                                "(a constant parameter or species of the SBML)")
            if isinstance(value, str):
                if value not in known_parameters:
                    raise UserError(f"condition '{cid}', column '{column}': '{value}' is neither "
                                    "a number nor a parameter of the parameter table")
                values[column] = value
            elif value is not None and not (isinstance(value, float) and math.isnan(value)):
                values[column] = float(value)
        out[str(cid)] = values
    return out


def _symbols(expr_text, where):
    try:
        expr = sp.sympify(str(expr_text), locals={n: sp.Symbol(n) for n in _RESERVED})
    except (sp.SympifyError, SyntaxError, TypeError) as exc:
        raise UserError(f"{where}: cannot parse '{expr_text}' ({exc})") from None
    return expr


_RESERVED = ("beta", "gamma", "zeta", "lambda", "E", "I", "N", "O", "Q", "S")


def _observable(oid, row, readable, known_parameters):
    petab = _petab()
    where = f"observable '{oid}'"
    formula = _symbols(row[petab.OBSERVABLE_FORMULA], f"{where} formula")
    noise_text = row.get(petab.NOISE_FORMULA, 1)
    noise = _symbols(noise_text, f"{where} noise formula")
    transform = str(row.get(petab.OBSERVABLE_TRANSFORMATION, "lin") or "lin")
    distribution = str(row.get(petab.NOISE_DISTRIBUTION, "normal") or "normal")
    if transform in ("nan", ""):
        transform = "lin"
    if distribution in ("nan", ""):
        distribution = "normal"
    if transform not in TRANSFORMS or distribution not in NOISE:
        raise UserError(f"{where}: transformation '{transform}' / noise '{distribution}' not "
                        f"supported; accepted: {', '.join(TRANSFORMS)} / {', '.join(NOISE)}")

    def split(expr, prefix):
        names = sorted(s.name for s in expr.free_symbols)
        holders = tuple(sorted((n for n in names if n.startswith(f"{prefix}") and
                                n.endswith(f"_{oid}")), key=_placeholder_order))
        others = tuple(n for n in names if n not in holders)
        for name in others:
            if name not in readable and name not in known_parameters:
                raise UserError(f"{where}: its formula names unknown id '{name}' (not a species, "
                                "parameter or compartment of the SBML, nor a parameter of the "
                                "parameter table)")
        return holders, others

    holders, model_ids = split(formula, "observableParameter")
    noise_holders, noise_ids = split(noise, "noiseParameter")
    outside = [n for n in noise_ids if n not in known_parameters]
    if outside:
        raise UserError(f"{where}: its noise formula names '{outside[0]}'; a noise formula may "
                        "name only numbers, its noiseParameter placeholders and parameters "
                        "of the parameter table")
    args = [sp.Symbol(n) for n in model_ids + holders]
    nargs = [sp.Symbol(n) for n in noise_ids + noise_holders]
    scaling = None
    if len(holders) == 1:
        h = sp.Symbol(holders[0])
        rest = sp.simplify(formula / h)
        if h not in rest.free_symbols:
            scaling = holders[0]
    return Observable(
        id=str(oid), model_ids=model_ids, placeholders=holders,
        noise_placeholders=noise_holders, noise_model_ids=noise_ids,
        formula=sp.lambdify(args, formula, "numpy"), noise=sp.lambdify(nargs, noise, "numpy"),
        transform=transform, distribution=distribution, scaling_placeholder=scaling,
        noise_is_placeholder=(len(noise_holders) == 1 and not noise_ids
                              and sp.simplify(noise - sp.Symbol(noise_holders[0])) == 0),
        formula_text=str(row[petab.OBSERVABLE_FORMULA]))


def _placeholder_order(name):
    digits = name.split("_", 1)[0].rstrip("_")
    number = "".join(ch for ch in digits if ch.isdigit())
    return int(number) if number else 0


def _overrides(cell, holders, known_parameters, column, row):
    if not holders:
        return {}
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell == "":
        raise UserError(f"measurement row {row + 1}: {column} is empty but the observable has "
                        f"{len(holders)} placeholder(s) ({', '.join(holders)})")
    items = [cell] if not isinstance(cell, str) else [c.strip() for c in cell.split(";")]
    if len(items) != len(holders):
        raise UserError(f"measurement row {row + 1}: {column} gives {len(items)} value(s) for "
                        f"{len(holders)} placeholder(s)")
    out = {}
    for holder, item in zip(holders, items, strict=True):
        try:
            out[holder] = float(item)
        except (TypeError, ValueError):
            if item not in known_parameters:
                raise UserError(f"measurement row {row + 1}: {column} names '{item}', which is "
                                "not in the parameter table") from None
            out[holder] = item
    return out


def _check_measurements(mdf, conditions):
    petab = _petab()
    values = pd.to_numeric(mdf[petab.MEASUREMENT], errors="coerce")
    bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float)))
    if bad.size:
        i = int(bad[0])
        raise UserError(f"measurement row {i + 1}: value {mdf[petab.MEASUREMENT].iloc[i]!r} is "
                        "not a finite number")
    times = pd.to_numeric(mdf[petab.TIME], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(times) | (times < 0))
    if bad.size:
        i = int(bad[0])
        raise UserError(f"measurement row {i + 1}: time {mdf[petab.TIME].iloc[i]!r} must be a "
                        "finite number >= 0 (steady-state measurements, inf, are not supported)")
    mdf[petab.MEASUREMENT] = values.astype(float)
    mdf[petab.TIME] = times
    for column in (petab.SIMULATION_CONDITION_ID, petab.PREEQUILIBRATION_CONDITION_ID):
        if column in mdf:
            for cid in mdf[column].dropna().unique():
                if cid != "" and str(cid) not in conditions:
                    raise UserError(f"measurement table names condition '{cid}', which the "
                                    "condition table lacks")


def _groups(mdf) -> list:
    petab = _petab()
    pre = (mdf[petab.PREEQUILIBRATION_CONDITION_ID]
           if petab.PREEQUILIBRATION_CONDITION_ID in mdf else pd.Series([None] * len(mdf)))
    pre = pre.where(pre.notna() & (pre.astype(str) != ""), None)
    keys = list(zip(pre, mdf[petab.SIMULATION_CONDITION_ID].astype(str), strict=True))
    order = {}
    for i, key in enumerate(keys):
        order.setdefault(key, []).append(i)
    groups = []
    for (p, s), rows in order.items():
        rows = np.array(rows)
        t = mdf[petab.TIME].to_numpy(dtype=float)[rows]
        times = np.unique(t)
        groups.append(Group(None if p is None else str(p), s, times, rows,
                            np.searchsorted(times, t)))
    return groups
