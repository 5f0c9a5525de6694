"""The COPASI engine (through basico) as an independent check of libroadrunner.

Every basico call gets ``model=`` explicitly; nothing here reads or sets
basico's "current model" (``load`` imports with COPASI directly instead of
``basico.load_model``, which would make the model current).

COPASI names objects by their SBML ``name`` (``kf`` named "forward rate" is
``Values[forward rate]`` in COPASI), so everything here is addressed by SBML
id, mapped through the ``sbml_id`` column of basico's ``get_species`` /
``get_parameters`` / ``get_compartments`` tables.
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import basico
import COPASI
import pandas as pd

from analysis.errors import UserError, unknown
from analysis.loader import check_sbml

RTOL = 1e-10
ATOL = 1e-12
MAX_STEPS = 1_000_000


def _messages():
    """Pop COPASI's message stack into one line (without the '>ERROR date<' headers)."""
    text = COPASI.CCopasiMessage.getAllMessageText()
    lines = [ln.strip() for ln in text.splitlines()
             if ln.strip() and not (ln.strip().startswith(">") and ln.strip().endswith("<"))]
    return " ".join(lines) or "no message from COPASI"


def load(path: str | os.PathLike) -> COPASI.CDataModel:
    """Import the SBML file ``path`` into a new COPASI data model and return it."""
    if not Path(path).is_file():
        raise UserError(f"SBML file not found: {path}")
    COPASI.CCopasiMessage.clearDeque()
    dm = basico.create_datamodel()
    try:
        ok = dm.importSBML(str(Path(path).resolve()))
    except COPASI.CCopasiException:
        ok = False
    if not ok:
        message = _messages()
        basico.remove_datamodel(dm)
        raise UserError(f"COPASI cannot load {path}: {message}")
    COPASI.CCopasiMessage.clearDeque()  # import warnings are not failures
    return dm


def unload(dm: COPASI.CDataModel) -> None:
    """Free a data model returned by ``load``."""
    basico.remove_datamodel(dm)


def _table(getter, dm):
    df = getter(model=dm)
    return df if df is not None else pd.DataFrame(columns=["sbml_id", "display_name"])


def _entities(dm):
    """SBML id -> (kind, COPASI name, display name, compartment) for species, parameters,
    compartments."""
    out = {}
    for name, row in _table(basico.get_species, dm).iterrows():
        if row["sbml_id"]:
            out[row["sbml_id"]] = ("species", name, row["display_name"], row["compartment"])
    for kind, getter in (("parameter", basico.get_parameters),
                         ("compartment", basico.get_compartments)):
        for name, row in _table(getter, dm).iterrows():
            if row["sbml_id"]:
                out[row["sbml_id"]] = (kind, name, row["display_name"], None)
    return out


def _set(dm, entities, parameters, species_initial, undo=None):
    """Set initial values by SBML id, recording old values in ``undo`` (for ``_restore``).

    An initial expression (SBML initial assignment) on the target is removed,
    as roadrunner 2.10 does when ``init(x)`` is set."""
    undo = [] if undo is None else undo
    for values, wanted in ((parameters or {}, "parameter"), (species_initial or {}, "species")):
        for sid, value in values.items():
            if entities.get(sid, (None,))[0] != wanted:
                raise unknown(wanted, str(sid), [i for i, e in entities.items() if e[0] == wanted])
            _, name, _, compartment = entities[sid]
            if wanted == "parameter":
                setter, key, field = basico.set_parameters, name, "initial_value"
                row = basico.get_parameters(name, exact=True, model=dm).loc[name]
                if row["type"] != "fixed":
                    raise UserError(f"parameter '{sid}' is of type {row['type']} in COPASI and "
                                    "cannot be set; settable: fixed parameters")
            else:
                setter, key = basico.set_species, f"{name}{{{compartment}}}"
                field = "initial_concentration"
                rows = basico.get_species(model=dm)
                row = rows[(rows.index == name) & (rows["compartment"] == compartment)].iloc[0]
            old = {field: row[field]}
            if row["initial_expression"]:
                old["initial_expression"] = row["initial_expression"]
                # drop the expression first: set together, COPASI recomputes the
                # value from the expression after setting it
                setter(key, exact=True, model=dm, initial_expression="")
            undo.append((setter, key, old))
            setter(key, exact=True, model=dm, **{field: float(value)})
    return undo


def _restore(dm, undo):
    for setter, key, old in reversed(undo):
        setter(key, exact=True, model=dm, **old)


def _check_times(times):
    try:
        times = [float(t) for t in times]
    except (TypeError, ValueError):
        raise UserError("times must be numbers") from None
    if not times or any(not math.isfinite(t) or t < 0 for t in times) \
            or any(b <= a for a, b in zip(times, times[1:], strict=False)):
        raise UserError("times must be a non-empty, strictly increasing list of finite "
                        "numbers >= 0")
    return times


def timecourse(path_or_model: str | os.PathLike | COPASI.CDataModel, times: Sequence[float],
               parameters: Mapping[str, float] | None = None,
               species_initial: Mapping[str, float] | None = None,
               selections: Sequence[str] | None = None) -> pd.DataFrame:
    """Deterministic COPASI (LSODA) time course, output at exactly ``times``.

    ``parameters`` (global parameter initial values) and ``species_initial``
    (initial concentrations) are given by SBML id; a data model passed in is
    restored afterwards. Returns a DataFrame indexed by time (named "time")
    whose columns are SBML ids: ``selections``, or by default every species
    (concentration) and every global parameter.
    """
    times = _check_times(times)
    owned = not isinstance(path_or_model, COPASI.CDataModel)
    dm = load(path_or_model) if owned else path_or_model
    undo = []
    try:
        entities = _entities(dm)
        if selections is None:
            selections = [i for i, e in entities.items() if e[0] in ("species", "parameter")]
        for sid in selections:
            if sid not in entities:
                raise unknown("id", str(sid), list(entities))
        _set(dm, entities, parameters, species_initial, undo)
        names = ["Time"] + [f"[{entities[s][2]}]" if entities[s][0] == "species" else entities[s][2]
                            for s in selections]
        COPASI.CCopasiMessage.clearDeque()
        df = basico.run_time_course_with_output(
            names, model=dm, method="deterministic", duration=times[-1], values=times,
            r_tol=RTOL, a_tol=ATOL, max_steps=MAX_STEPS, use_initial_values=True,
            update_model=False)
        if len(df) != len(times) or len(df.columns) != len(names):
            raise UserError(f"COPASI time course failed ({len(df)} of {len(times)} time points): "
                            f"{_messages()}")
        df.columns = ["time"] + list(selections)
        return df.set_index("time")
    finally:
        if owned:
            unload(dm)
        else:
            _restore(dm, undo)


def edit_and_save(path_in: str | os.PathLike, path_out: str | os.PathLike,
                  parameters: Mapping[str, float], species_initial: Mapping[str, float],
                  level: int = 3, version: int = 2) -> str:
    """Load ``path_in`` in COPASI, set parameter values and species initial
    concentrations by SBML id, and export SBML Level ``level`` Version ``version``
    to ``path_out`` (what ``basico.save_model(type='sbml')`` does). Returns ``path_out``."""
    dm = load(path_in)
    try:
        _set(dm, _entities(dm), parameters, species_initial)
        COPASI.CCopasiMessage.clearDeque()
        try:
            ok = dm.exportSBML(str(path_out), True, sbmlLevel=int(level), sbmlVersion=int(version),
                               exportIncomplete=True, exportCOPASIMIRIAM=True)
        except COPASI.CCopasiException:
            ok = False
        if not ok:
            raise UserError(f"COPASI cannot export SBML L{level}V{version} to {path_out}: "
                            f"{_messages()}")
    finally:
        unload(dm)
    check_sbml(path_out)
    return str(path_out)


def _sbml_ids(dm, annotated, dimension):
    """SBML ids of the rows (0) or columns (1) of a COPASI annotated matrix; None
    where an entry is not a model object (COPASI's 'Summation Error' column)."""
    ids = []
    for cn in annotated.getAnnotationsCN(dimension):
        obj = dm.getObject(COPASI.CCommonName(cn))
        ids.append(obj.getSBMLId() if obj is not None and hasattr(obj, "getSBMLId") else None)
    return ids


def _tidy_matrix(dm, annotated, row_name):
    array = annotated.getArray()
    rows, cols = _sbml_ids(dm, annotated, 0), _sbml_ids(dm, annotated, 1)
    records = [(r, c, array.get(i, j)) for i, r in enumerate(rows) if r
               for j, c in enumerate(cols) if c]
    return pd.DataFrame(records, columns=[row_name, "reaction", "coefficient"])


def control_coefficients(path: str | os.PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COPASI's MCA task (Reder method) on the SBML file ``path``, started from its
    initial state (it first runs COPASI's steady-state task from there).

    Returns (flux_control, concentration_control): scaled coefficients by SBML
    id, columns flux/species, reaction, coefficient, as ``analysis.mca`` does.
    COPASI leaves out species that no reaction changes.
    """
    dm = load(path)
    try:
        COPASI.CCopasiMessage.clearDeque()
        task = dm.getTask(basico.T.MCA)
        task.getProblem().setSteadyStateRequested(True)
        # Reder's method only: COPASI's Smallbone variant, on by default, loses the
        # precision on our model (FCC off by 8.4 where Reder's agrees with ours to 6e-7).
        task.getMethod().getParameter("Use Smallbone").setBoolValue(False)
        ok = task.initializeRaw(COPASI.CCopasiTask.OUTPUT_UI) and task.processRaw(True)
        if not ok:
            raise UserError(f"COPASI's MCA failed on {path}: {_messages()}")
        method = task.getMethod()
        return (_tidy_matrix(dm, method.getScaledFluxCCAnn(), "flux"),
                _tidy_matrix(dm, method.getScaledConcentrationCCAnn(), "species"))
    finally:
        unload(dm)


def _read_report(path):
    """A COPASI report written as 'a, b, c, ' lines (blank lines between scan
    iterations): a DataFrame with the header's columns."""
    lines = [ln.rstrip().rstrip(",") for ln in Path(path).read_text(encoding="utf-8").splitlines()]
    rows = [[cell.strip() for cell in ln.split(",")] for ln in lines if ln.strip()]
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame([[float(c) for c in row] for row in rows[1:]], columns=rows[0])


def run_archive(path: str | os.PathLike,
                folder: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Import the COMBINE archive ``path`` into COPASI (as File > Import COMBINE
    archive does: its SBML and master SED-ML become the model, the tasks and the
    reports) and run every scheduled task whose report the SED-ML defined.

    Reports go to ``folder`` with 17 significant digits. Returns {task name:
    DataFrame of the report}. Raises UserError if COPASI cannot open the
    archive or a task fails."""
    if not Path(path).is_file():
        raise UserError(f"archive not found: {path}")
    COPASI.CCopasiMessage.clearDeque()
    dm = basico.create_datamodel()
    try:
        if not dm.openCombineArchive(str(Path(path).resolve()), None, True):
            raise UserError(f"COPASI cannot open {path}: {_messages()}")
        COPASI.CCopasiMessage.clearDeque()
        results = {}
        tasks = dm.getTaskList()
        for i in range(tasks.size()):
            task = tasks.get(i)
            report = task.getReport()
            if not task.isScheduled() or not report.getTarget():
                continue
            report.getReportDefinition().setPrecision(17)
            out = Path(folder) / f"{task.getObjectName()}.txt"
            report.setTarget(str(out))
            report.setAppend(False)
            report.setConfirmOverwrite(False)
            ok = task.initializeRaw(COPASI.CCopasiTask.OUTPUT_UI) and task.processRaw(True)
            task.restore()
            if not ok:
                raise UserError(f"COPASI task {task.getObjectName()} of {path} failed: "
                                f"{_messages()}")
            results[task.getObjectName()] = _read_report(out)
        return results
    finally:
        basico.remove_datamodel(dm)
