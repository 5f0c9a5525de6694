"""Write PEtab (v1) problems for the project's model with the ``petab`` library.

The experiment is the project's protocol: a preequilibration condition with
the input (insulin) at 0, then a simulation condition with the input at the
dose; measurements at times after the step. Observables are model readouts
times a per-dataset scale (immunoblot units are arbitrary), with a
per-dataset noise parameter. The problem folder is self-contained (it holds a
copy of the SBML), is linted before it is moved into place, and is written
atomically.

Tidy data (the project's simple format) is a table with columns ``readout``,
``dose``, ``time``, ``value`` and optionally ``sd`` (known noise), ``dataset``
(scale and noise are per dataset; default: the readout, so a readout's healthy
and resistant data share one scale) and ``state`` (a named set of model values,
e.g. healthy or resistant).
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UserError

BASAL = "basal"
SCALE_BOUNDS = (1e-3, 1e6)
SIGMA_BOUNDS = (1e-4, 1e4)
TIDY_REQUIRED = ("readout", "dose", "time", "value")
TIDY_OPTIONAL = ("sd", "dataset", "state")


def _petab():
    import petab.v1 as petab
    return petab


def token(value: float) -> str:
    """A number as an id-safe token: 0.3 -> 0p3, 1e-05 -> 1em05."""
    text = f"{float(value):g}"
    return text.replace(".", "p").replace("-", "m").replace("+", "")


def condition_id(dose: float, condition: str | None = None) -> str:
    base = f"dose_{token(dose)}"
    return base if not condition else f"{condition}__{base}"


def basal_id(condition: str | None = None) -> str:
    return BASAL if not condition else f"{condition}__{BASAL}"


def condition_table(input_id: str, doses, states: dict | None = None,
                    defaults: dict | None = None) -> pd.DataFrame:
    """Conditions: a basal one (input 0) and one per dose, for each named state
    (``{state: {model id: value}}``; ``None`` = the model as it is). A state
    that leaves a column unset gets the model's value from ``defaults``."""
    states = states or {None: {}}
    defaults = defaults or {}
    columns = sorted({k for values in states.values() for k in values})
    missing = [c for c in columns if c not in defaults
               and any(c not in values for values in states.values())]
    if missing:
        raise UserError(f"condition column '{missing[0]}' is set in some states only and its "
                        "model value is unknown; set it in every state")
    rows = []
    for state, values in states.items():
        fill = {c: _cell(values.get(c, defaults.get(c, np.nan))) for c in columns}
        label = f"{state}, " if state else ""
        rows.append({"conditionId": basal_id(state), "conditionName": f"{label}{input_id} 0",
                     input_id: 0.0, **fill})
        for dose in sorted(set(float(d) for d in doses)):
            rows.append({"conditionId": condition_id(dose, state),
                         "conditionName": f"{label}{input_id} {dose:g}", input_id: dose,
                         **fill})
    return pd.DataFrame(rows).drop_duplicates("conditionId").set_index("conditionId")


def _cell(value):
    """A condition-table cell: a number, or the id of an estimated parameter."""
    return value if isinstance(value, str) else float(value)


def observable_table(readouts: dict, scaled: bool = True) -> pd.DataFrame:
    """``{observable id: model readout id}`` -> observables ``s * readout`` with noise
    ``sigma`` (both placeholders, overridden per dataset in the measurements)."""
    rows = []
    for oid, readout in readouts.items():
        formula = f"observableParameter1_{oid} * {readout}" if scaled else readout
        rows.append({"observableId": oid, "observableName": readout,
                     "observableFormula": formula, "observableTransformation": "lin",
                     "noiseFormula": f"noiseParameter1_{oid}", "noiseDistribution": "normal"})
    return pd.DataFrame(rows).set_index("observableId")


def read_tidy(path) -> pd.DataFrame:
    """The project's simple measurement table (CSV or TSV), checked; one line per problem."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a CSV file of measurements")
    if not path.is_file():
        raise UserError(f"measurement file not found: {path}")
    try:
        frame = pd.read_csv(path, sep=None, engine="python")
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise UserError(f"cannot read {path} as CSV: {' '.join(str(exc).split())[:160]}") from None
    return check_tidy(frame, str(path))


def check_tidy(frame: pd.DataFrame, where: str = "data") -> pd.DataFrame:
    missing = [c for c in TIDY_REQUIRED if c not in frame]
    if missing:
        raise UserError(f"{where}: missing column(s) {', '.join(missing)}; expected "
                        f"{', '.join(TIDY_REQUIRED)} and optionally {', '.join(TIDY_OPTIONAL)}")
    if frame.empty:
        raise UserError(f"{where}: no measurements")
    frame = frame.copy()
    for column in ("dose", "time", "value") + (("sd",) if "sd" in frame else ()):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(numbers.to_numpy(dtype=float)))
        if bad.size:
            i = int(bad[0])
            raise UserError(f"{where}: row {i + 1}: {column} {frame[column].iloc[i]!r} is not "
                            "a finite number")
        frame[column] = numbers.astype(float)
    for column, test, rule in (("dose", lambda v: v < 0, ">= 0"), ("time", lambda v: v < 0, ">= 0"),
                               ("sd", lambda v: v <= 0, "> 0")):
        if column in frame:
            bad = np.flatnonzero(test(frame[column].to_numpy()))
            if bad.size:
                i = int(bad[0])
                raise UserError(f"{where}: row {i + 1}: {column} {frame[column].iloc[i]:g} must "
                                f"be {rule}")
    frame["readout"] = frame["readout"].astype(str)
    if "dataset" not in frame:
        frame["dataset"] = frame["readout"]
    frame["dataset"] = frame["dataset"].astype(str)
    if "state" in frame:
        frame["state"] = frame["state"].astype(str)
    for column in ("dataset", "readout") + (("state",) if "state" in frame else ()):
        bad = [v for v in frame[column].unique() if not v.isidentifier()]
        if bad:
            raise UserError(f"{where}: {column} '{bad[0]}' is not a plain name (letters, digits, "
                            "underscore; not starting with a digit)")
    return frame


def problem_tables(data: pd.DataFrame, input_id: str, states: dict | None = None,
                   scaled: bool = True, defaults: dict | None = None) -> tuple:
    """(conditions, observables, measurements, output parameters) for tidy ``data``.

    One observable per dataset (``<dataset>``, reading its readout), with
    scale ``scale_<dataset>`` and, where no ``sd`` is given, noise
    ``sigma_<dataset>``. ``states``: model values of each ``state`` of the
    data (absent: the model as it is)."""
    data = check_tidy(data)
    conditions_in_data = (sorted(data["state"].unique()) if "state" in data else [None])
    states = states or {}
    unknown = [c for c in conditions_in_data if c is not None and c not in states]
    if unknown:
        raise UserError(f"data state '{unknown[0]}' has no model values; known: "
                        f"{', '.join(sorted(states)) or 'none'}")
    doses = sorted(data["dose"].unique())
    used = {c: states.get(c, {}) for c in conditions_in_data}
    conditions = condition_table(input_id, doses, used, defaults)
    readouts, observable = {}, {}
    for dataset, part in data.groupby("dataset", sort=False):
        names = part["readout"].unique()
        if len(names) > 1:
            raise UserError(f"dataset '{dataset}' mixes readouts {', '.join(names)}; give each "
                            "readout its own dataset")
        # an observable id may not shadow a model id (PEtab), so a dataset named
        # after its readout becomes <readout>_measured
        observable[dataset] = dataset if dataset != names[0] else f"{dataset}_measured"
        readouts[observable[dataset]] = names[0]
    observables = observable_table(readouts, scaled)
    rows, outputs = [], {}
    for rec in data.to_dict("records"):
        dataset = rec["dataset"]
        state = rec.get("state")
        noise = rec["sd"] if "sd" in rec and not _isnan(rec.get("sd")) else f"sigma_{dataset}"
        rows.append({
            "observableId": observable[dataset],
            "preequilibrationConditionId": basal_id(state),
            "simulationConditionId": condition_id(rec["dose"], state),
            "measurement": rec["value"], "time": rec["time"],
            "observableParameters": f"scale_{dataset}" if scaled else np.nan,
            "noiseParameters": noise, "datasetId": dataset})
        if scaled:
            outputs[f"scale_{dataset}"] = ("scale", dataset)
        if isinstance(noise, str):
            outputs[noise] = ("sigma", dataset)
    measurements = pd.DataFrame(rows)
    return conditions, observables, measurements, outputs


def _isnan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def parameter_table(estimate: dict, outputs: dict, fixed: dict | None = None) -> pd.DataFrame:
    """Parameter table: ``estimate`` {id: (nominal, lower, upper)} on log10 scale,
    output parameters (scales, sigmas) with wide log10 bounds, ``fixed`` {id: value}."""
    rows = []
    for pid, (nominal, low, high) in estimate.items():
        if not 0 < low < high:
            raise UserError(f"parameter '{pid}': bounds [{low:g}, {high:g}] need 0 < lower < "
                            "upper (log10 scale)")
        rows.append({"parameterId": pid, "parameterScale": "log10", "lowerBound": low,
                     "upperBound": high, "nominalValue": nominal, "estimate": 1})
    for pid, (kind, _dataset) in outputs.items():
        low, high = SCALE_BOUNDS if kind == "scale" else SIGMA_BOUNDS
        rows.append({"parameterId": pid, "parameterScale": "log10", "lowerBound": low,
                     "upperBound": high, "nominalValue": 1.0, "estimate": 1})
    for pid, value in (fixed or {}).items():
        rows.append({"parameterId": pid, "parameterScale": "lin", "lowerBound": value,
                     "upperBound": value, "nominalValue": value, "estimate": 0})
    return pd.DataFrame(rows).set_index("parameterId")


def check_problem_folder(out_dir) -> Path:
    """``out_dir`` as a Path if a problem can be written there: absent, or a folder
    holding a problem this tool wrote (it is replaced)."""
    out = Path(out_dir)
    if not str(out_dir).strip():
        raise UserError("the output folder is empty; give a folder for the PEtab problem")
    if out.exists() and not (out.is_dir() and (out / "problem.yaml").is_file()):
        what = "a file" if out.is_file() else "a folder that holds no problem.yaml"
        raise UserError(f"{out} is {what}; give a new folder (or one holding a PEtab problem "
                        "this tool wrote, which is replaced)")
    return out


def write_problem(out_dir, sbml, conditions: pd.DataFrame, observables: pd.DataFrame,
                  measurements: pd.DataFrame, parameters: pd.DataFrame,
                  readme: str | None = None, sbml_text: str | None = None) -> Path:
    """Write a self-contained, linted PEtab problem folder; returns its YAML path.

    The model is the file ``sbml`` (or the text ``sbml_text``). The folder is
    built next to ``out_dir`` and moved into place only once it lints; an
    existing ``out_dir`` must hold a problem this function wrote."""
    petab = _petab()
    out = check_problem_folder(out_dir)
    sbml = Path(sbml)
    if sbml_text is None and not sbml.is_file():
        raise UserError(f"SBML file not found: {sbml}")
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise UserError(f"cannot write to {parent}: {exc.strerror or exc}") from None
    try:
        if sbml_text is None:
            shutil.copyfile(sbml, tmp / "model.xml")
        else:
            (tmp / "model.xml").write_text(sbml_text, encoding="utf-8")
        petab.write_condition_df(conditions, tmp / "conditions.tsv")
        petab.write_observable_df(observables, tmp / "observables.tsv")
        petab.write_measurement_df(measurements, tmp / "measurements.tsv")
        petab.write_parameter_df(parameters, tmp / "parameters.tsv")
        petab.create_problem_yaml(*(tmp / f for f in (
            "model.xml", "conditions.tsv", "measurements.tsv", "parameters.tsv",
            "observables.tsv", "problem.yaml")), relative_paths=True)
        if readme:
            (tmp / "README.md").write_text(readme, encoding="utf-8")
        from .calibration.problem import lint, read_problem
        errors = lint(read_problem(tmp / "problem.yaml"))
        if errors:
            raise UserError(f"the PEtab problem written for {out} fails lint: {errors[0]}")
        if out.exists():
            old = parent / f".{out.name}.old.{os.getpid()}"
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out / "problem.yaml"


def experiment_tables(response: pd.DataFrame, readouts, input_id: str, time: float,
                      scenario: dict | None = None, step_time: float | None = None) -> tuple:
    """PEtab tables of a dose-response experiment of one scenario, with our
    simulated readouts as the 'measurements' (MODEL-DERIVED: a template to replace
    by data, and a problem COPASI and other PEtab tools simulate to the same
    numbers). ``response``: the engine's table (dose, <readout>...). Observables
    are the readouts themselves (no scale), noise 1.

    Standard form (``step_time`` None): a preequilibration condition with the
    input at 0, then a condition per dose. With ``step_time`` (for COPASI, whose
    PEtab importer settles at the simulation condition's values instead of the
    preequilibration's): no preequilibration; the model carries the protocol as
    an event (``<input>_dose`` set by the conditions, stepped in at
    ``step_time``) and the measurements are at ``step_time + time``."""
    rows = [{"readout": r, "dose": float(d), "time": float(time), "value": float(v),
             "sd": 1.0, "dataset": r}
            for r in readouts for d, v in zip(response["dose"], response[r], strict=True)]
    data = pd.DataFrame(rows)
    states = {None: dict(scenario or {})}
    conditions, observables, measurements, _ = problem_tables(data, input_id, states,
                                                             scaled=False)
    if step_time is not None:
        from .sedml import dose_id
        conditions = conditions.drop(index=basal_id()).rename(columns={input_id: dose_id(input_id)})
        measurements = measurements.drop(columns="preequilibrationConditionId")
        measurements["time"] = measurements["time"] + float(step_time)
    parameters = pd.DataFrame(columns=["parameterId", "parameterScale", "lowerBound",
                                       "upperBound", "nominalValue", "estimate"]
                              ).set_index("parameterId")
    return conditions, observables, measurements, parameters
