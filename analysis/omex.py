"""Experiments as COMBINE archives (OMEX) that COPASI and tellurium run.

The settle-then-step protocol goes into the archive's SBML: a parameter
``<input>_dose`` and an event ``time > <input>_step_time: <input> :=
<input>_dose`` (which also sets solver round-off at true zeros to 0), so one
time course from 0 with the input at 0 settles the model
to its basal state and the event steps the input (what the engine does in two
runs). The experiment is SED-ML (sedml.py); the archive holds the manifest,
``model.xml``, ``experiment.sedml`` (master) and a short ``README.txt``.

The ``export_*`` functions take plain values (ids, times, doses, parameter
values) and write one archive each, atomically (temporary file, then rename).
"""
from __future__ import annotations

import html
import os
import tempfile
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import libcombine
import libsbml

from . import sedml
from .errors import UserError

SEDML_FILE, README_FILE = "experiment.sedml", "README.txt"
FORMATS = {"sbml": "http://identifiers.org/combine.specifications/sbml.level-3.version-2",
           "sedml": "http://identifiers.org/combine.specifications/sed-ml.level-1.version-3",
           "text": "http://purl.org/NET/mediatypes/text/plain",
           "omex": "http://identifiers.org/combine.specifications/omex"}
TIME_MATHML = ('<math xmlns="http://www.w3.org/1998/Math/MathML"><apply><gt/>'
               '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">'
               'time</csymbol><ci> {step} </ci></apply></math>')


def step_time_id(input_id: str) -> str:
    return f"{input_id}_step_time"


# ---------------------------------------------------------------- SBML
ROUNDOFF = 1e-18   # species values below this (model units) at the step are round-off


def protocol_sbml(sbml_text: str, input_id: str, settle_time: float, dose: float = 0.0,
                  changed: Iterable[str] = ()) -> str:
    """The model with the protocol written in: ``<input>_dose`` (value ``dose``),
    ``<input>_step_time`` (``settle_time``) and the event that steps the input.
    Initial assignments of the ids in ``changed`` (set by the experiment) are
    removed, so the experiment's values hold.

    Raises UserError if the model has no settable parameter ``input_id`` or
    already uses the ids the protocol adds."""
    doc = libsbml.readSBMLFromString(sbml_text)
    model = doc.getModel() if doc is not None else None
    if model is None or doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR):
        raise UserError("the SBML cannot be read; give a valid SBML file")
    if (doc.getLevel(), doc.getVersion()) != (3, 2):
        props = libsbml.ConversionProperties(libsbml.SBMLNamespaces(3, 2))
        props.addOption("setLevelAndVersion", True)
        if doc.convert(props) != libsbml.LIBSBML_OPERATION_SUCCESS:
            raise UserError("the SBML cannot be converted to Level 3 Version 2 for the archive")
        model = doc.getModel()
    parameter = model.getParameter(input_id)
    ruled = {model.getRule(i).getVariable() for i in range(model.getNumRules())}
    if parameter is None or input_id in ruled:
        raise UserError(f"the SBML has no settable parameter '{input_id}' (the input the "
                        "protocol steps); name the model's input parameter")
    for new in (sedml.dose_id(input_id), step_time_id(input_id), f"{input_id}_step"):
        if model.getElementBySId(new) is not None:
            raise UserError(f"the SBML already has an element '{new}'; the archive's protocol "
                            "adds it (give the model without a protocol)")
    units = parameter.getUnits() if parameter.isSetUnits() else ""
    parameter.setConstant(False)
    parameter.setValue(0.0)
    for element in (input_id, *changed):
        model.removeInitialAssignment(element)
    for pid, value, unit, text in (
            (sedml.dose_id(input_id), dose, units, f"{input_id} after the step"),
            (step_time_id(input_id), settle_time, model.getTimeUnits(),
             f"time of the {input_id} step (the model settles at {input_id} 0 before it)")):
        added = model.createParameter()
        added.setId(pid)
        added.setName(pid)
        added.setValue(float(value))
        added.setConstant(True)
        if unit:
            added.setUnits(unit)
        added.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(text)}</p>'
                       "</body>")
    event = model.createEvent()
    event.setId(f"{input_id}_step")
    event.setName(f"{input_id} step")
    event.setUseValuesFromTriggerTime(True)
    trigger = event.createTrigger()
    trigger.setInitialValue(True)
    trigger.setPersistent(True)
    trigger.setMath(libsbml.readMathMLFromString(TIME_MATHML.format(step=step_time_id(input_id))))
    assignment = event.createEventAssignment()
    assignment.setVariable(input_id)
    assignment.setMath(libsbml.parseL3Formula(sedml.dose_id(input_id)))
    # The same event sets solver round-off at true zeros to 0 (an insulin-bound
    # receptor is exactly 0 after settling at insulin 0 but holds 1e-25..1e-70):
    # libroadrunner scales a scalar absolute tolerance by each state's value, and
    # such a state then stalls CVODE right after the step.
    for i in range(model.getNumSpecies()):
        species = model.getSpecies(i)
        sid = species.getId()
        if species.getBoundaryCondition() or species.getConstant() or sid in ruled:
            continue
        unit = _unit_id(model, species)
        zero, level = (f"0 {unit}", f"{ROUNDOFF:g} {unit}") if unit else ("0", f"{ROUNDOFF:g}")
        flush = event.createEventAssignment()
        flush.setVariable(sid)
        flush.setMath(libsbml.parseL3Formula(f"piecewise({zero}, abs({sid}) < {level}, {sid})"))
    return libsbml.writeSBMLToString(doc)


def _unit_id(model, species) -> str | None:
    """Id of a unit definition equal to the species' units (added if the model has
    none), so the flush's numbers carry units; None if its units are not declared."""
    derived = species.getDerivedUnitDefinition()
    if derived is None or derived.getNumUnits() == 0:
        return None
    for i in range(model.getNumUnitDefinitions()):
        if libsbml.UnitDefinition.areEquivalent(model.getUnitDefinition(i), derived):
            return model.getUnitDefinition(i).getId()
    unit_id, k = "roundoff_unit", 1
    while model.getElementBySId(unit_id) is not None or model.getUnitDefinition(unit_id):
        k += 1
        unit_id = f"roundoff_unit_{k}"
    added = derived.clone()
    added.setId(unit_id)
    model.addUnitDefinition(added)
    return unit_id


# ---------------------------------------------------------------- archive
def _scenario(parameters, input_id):
    """The scenario's values without the input (the protocol sets it)."""
    return {k: float(v) for k, v in (parameters or {}).items() if k != input_id}


def _readme(title, lines, input_id, settle_time, tolerances, parameters, repeated):
    scenario = ", ".join(f"{k} = {v:g}" for k, v in parameters.items()) or "none (healthy)"
    task, copasi_task = (("Parameter Scan", "Scan") if repeated
                         else ("Time Course", "Time-Course"))
    paragraphs = [
        " ".join(lines),
        f"Scenario (SED-ML model changes): {scenario}.",
        f"Protocol: from t = 0 the model runs with {input_id} = 0 and settles to its basal "
        f"steady state; at t = {settle_time:g} min the event {input_id}_step sets {input_id} "
        f"to {sedml.dose_id(input_id)} (the step) and sets species below {ROUNDOFF:g} in "
        "absolute value (solver round-off at true zeros) to 0. The report column 'time' is "
        f"the model time: subtract {settle_time:g} for the time after the step."
        + (" Two report rows per iteration: the basal values at the step, then the values "
           "at the readout time." if repeated else ""),
        f"Solver: CVODE (KISAO_0000019; COPASI runs its LSODA instead), relative tolerance "
        f"{tolerances['relative']:g}, absolute tolerance {tolerances['absolute']:g}, at most "
        f"{int(tolerances.get('maximum_steps', sedml.MAX_STEPS))} steps.",
        f"COPASI: File > Import Combine Archive, open this file; Tasks > {task} > Run. The "
        f"report goes to {copasi_task}.txt (the task's Report button sets where).",
        "basico: dm = basico.create_datamodel(); dm.openCombineArchive(path, None, True); "
        f"then run dm.getTask('{copasi_task}').",
        "tellurium: from tellurium.sedml import tesedml; tesedml.executeCombineArchive(path)",
        f"Files: {sedml.MODEL_FILE} (SBML L3V2 with the protocol's event), {SEDML_FILE} "
        "(SED-ML L1V3, master), this README. Made by `python -m analysis export-omex`.",
    ]
    body = "\n\n".join(textwrap.fill(p, 78) for p in paragraphs)
    return f"{title}\n{'=' * len(title)}\n\n{body}\n"


def export_timecourse(path: str | os.PathLike, sbml_text: str, *, input_id: str,
                      settle_time: float, dose: float, duration: float, points: int,
                      readouts: Sequence[str], tolerances: Mapping[str, float],
                      parameters: Mapping[str, float] | None = None,
                      scenario: str = "healthy") -> Path:
    """Archive of one time course: settle, step ``input_id`` to ``dose``, follow the
    ``readouts`` for ``duration`` min at ``points`` + 1 times."""
    values = _scenario(parameters, input_id)
    model = protocol_sbml(sbml_text, input_id, settle_time, changed=values)
    experiment = sedml.timecourse_sedml(
        model, input_id=input_id, settle_time=settle_time, dose=dose, duration=duration,
        points=points, readouts=readouts, parameters=values, tolerances=tolerances)
    readme = _readme(f"Time course: {scenario}, {input_id} {dose:g}",
                     [f"Readouts {duration:g} min after a step of {input_id} to {dose:g}, "
                      f"every {duration / points:g} min: {', '.join(readouts)}."],
                     input_id, settle_time, tolerances, values, repeated=False)
    return write_archive(path, model, experiment, readme)


def export_dose_response(path: str | os.PathLike, sbml_text: str, *, input_id: str,
                         settle_time: float, doses: Sequence[float], readout_time: float,
                         readouts: Sequence[str], tolerances: Mapping[str, float],
                         parameters: Mapping[str, float] | None = None,
                         scenario: str = "healthy") -> Path:
    """Archive of one dose-response: for each dose, settle, step, read out
    ``readout_time`` min later."""
    values = _scenario(parameters, input_id)
    model = protocol_sbml(sbml_text, input_id, settle_time, changed=values)
    experiment = sedml.dose_response_sedml(
        model, input_id=input_id, settle_time=settle_time, doses=doses,
        readout_time=readout_time, readouts=readouts, parameters=values, tolerances=tolerances)
    readme = _readme(f"Dose-response: {scenario}",
                     [f"Readouts {readout_time:g} min after a step of {input_id} to each of "
                      f"{len(doses)} doses ({', '.join(f'{d:.4g}' for d in doses)}): "
                      f"{', '.join(readouts)}."],
                     input_id, settle_time, tolerances, values, repeated=True)
    return write_archive(path, model, experiment, readme)


def scan_series(points: Sequence[Mapping[str, float]]
                ) -> tuple[dict[str, float], dict[str, list[float]]]:
    """(base, scan) from one parameter dict per scan point: ``base`` the values
    common to all points, ``scan`` {parameter: [value per point]} the others."""
    keys = list(dict.fromkeys(k for point in points for k in point))
    series = {k: [float(point.get(k, float("nan"))) for point in points] for k in keys}
    base = {k: v[0] for k, v in series.items() if len(set(v)) == 1}
    return base, {k: v for k, v in series.items() if k not in base}


def export_scan(path: str | os.PathLike, sbml_text: str, *, input_id: str, settle_time: float,
                dose: float, readout_time: float, readouts: Sequence[str],
                scan: Mapping[str, Sequence[float]], tolerances: Mapping[str, float],
                parameters: Mapping[str, float] | None = None, name: str = "scan") -> Path:
    """Archive of a 1-D scan: ``scan`` {parameter: values per point} on top of
    ``parameters``; at each point settle, step to ``dose``, read out
    ``readout_time`` min later."""
    values = _scenario(parameters, input_id)
    model = protocol_sbml(sbml_text, input_id, settle_time, changed=[*values, *scan])
    experiment = sedml.scan_sedml(
        model, input_id=input_id, settle_time=settle_time, dose=dose, readout_time=readout_time,
        readouts=readouts, scan=scan, parameters=values, tolerances=tolerances)
    points = "; ".join(f"{k}: {', '.join(f'{v:.4g}' for v in vs)}" for k, vs in scan.items())
    readme = _readme(f"Scan: {name}",
                     [f"Readouts {readout_time:g} min after a step of {input_id} to {dose:g} at "
                      f"each scan point ({points}): {', '.join(readouts)}."],
                     input_id, settle_time, tolerances, values, repeated=True)
    return write_archive(path, model, experiment, readme)


def write_archive(path: str | os.PathLike, model_sbml: str, sedml_text: str,
                  readme: str) -> Path:
    """Write the COMBINE archive ``path`` (manifest, model.xml, experiment.sedml as
    master, README.txt) through a temporary file renamed into place."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"cannot write the archive {path}: it is a folder")
    archive = libcombine.CombineArchive()
    for location, content, kind, master in ((sedml.MODEL_FILE, model_sbml, "sbml", False),
                                            (SEDML_FILE, sedml_text, "sedml", True),
                                            (README_FILE, readme, "text", False)):
        if not archive.addFileFromString(content, location, FORMATS[kind], master):
            raise RuntimeError(f"libCOMBINE refused {location}")
    itself = archive.getManifest().createContent()  # the archive itself, by convention
    itself.setLocation(".")
    itself.setFormat(FORMATS["omex"])
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
    except OSError as exc:
        raise UserError(f"cannot write to {path.parent}: {exc.strerror}; choose another "
                        "folder") from None
    try:
        if not archive.writeToFile(tmp):
            raise UserError(f"cannot write the archive {path}")
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot write the archive {path}: {exc.strerror}") from None
    finally:
        archive.cleanUp()
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
