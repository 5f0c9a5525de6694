"""SED-ML (Level 1 Version 3) experiments on the archive's model (see omex.py).

The settle-then-step protocol is in the model (an event steps the input at
``settle_time``), so every experiment is one uniform time course from 0 that
reports from the step on: a plain task for a time course, a repeated task with
one subtask for a dose-response or a scan (COPASI imports a repeated task as
its scan task; nested repeated tasks are not executed alike by COPASI and
tellurium). The solver is CVODE (KISAO_0000019; COPASI substitutes its LSODA)
with the tolerances and step limit as algorithm parameters. Report columns:
``time`` is the model time (the step is at ``settle_time``); a repeated task
gives two rows per iteration, the basal values at the step and the values
``readout_time`` later.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import libsbml
import libsedml
import numpy as np

from .backends.base import SolverOptions
from .errors import UserError

SEDML_LEVEL, SEDML_VERSION = 1, 3
SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
KISAO_CVODE = "KISAO:0000019"
KISAO_PARAMETERS = {"relative": "KISAO:0000209", "absolute": "KISAO:0000211",
                    "maximum_steps": "KISAO:0000415"}
MAX_STEPS = SolverOptions.max_steps   # unless ``tolerances`` give "maximum_steps"
TIME_SYMBOL = "urn:sedml:symbol:time"
MODEL_FILE = "model.xml"


def dose_id(input_id: str) -> str:
    """The parameter holding the input's value after the step: ``insulin_dose``."""
    return f"{input_id}_dose"


def sid(text: object) -> str:
    """A valid SBML/SED-ML id from any text ('obesity+PTEN_up=2' -> 'obesity_PTEN_up_2')."""
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", str(text)).strip("_") or "x"
    return cleaned if not cleaned[0].isdigit() else f"_{cleaned}"


def target(model: libsbml.Model, element_id: str) -> str:
    """SED-ML XPath of a parameter or species (its concentration) of the libSBML ``model``."""
    if model.getParameter(element_id) is not None:
        kind = "listOfParameters/sbml:parameter"
    elif model.getSpecies(element_id) is not None:
        kind = "listOfSpecies/sbml:species"
    else:
        raise UserError(f"the SBML has no parameter or species '{element_id}'")
    return f"/sbml:sbml/sbml:model/sbml:{kind}[@id='{element_id}']"


def uniform_spacing(values: Sequence[float] | np.ndarray) -> str | None:
    """'linear' or 'log' if ``values`` (at least 2) are evenly spaced on that scale
    (to 1e-13 relative), else None."""
    values = np.asarray(values, dtype=float)
    if values.size < 2 or np.any(np.diff(values) <= 0):
        return None
    if np.allclose(values, np.linspace(values[0], values[-1], values.size), rtol=1e-13, atol=0):
        return "linear"
    if values[0] > 0 and np.allclose(values, np.geomspace(values[0], values[-1], values.size),
                                     rtol=1e-13, atol=0):
        return "log"
    return None


# ---------------------------------------------------------------- SED-ML
class _Experiment:
    """One SED-ML document on the archive's model."""

    def __init__(self, model_sbml, input_id, settle_time, tolerances):
        self.sbml = libsbml.readSBMLFromString(model_sbml)
        self.input_id, self.settle = input_id, float(settle_time)
        self.tolerances = tolerances
        self.doc = libsedml.SedDocument(SEDML_LEVEL, SEDML_VERSION)
        self.doc.getNamespaces().add(SBML_NS, "sbml")
        self.targets = {}
        self.vectors = []  # values of every vector range, in document order

    def xpath(self, element_id):
        if element_id not in self.targets:
            self.targets[element_id] = target(self.sbml.getModel(), element_id)
        return self.targets[element_id]

    def model(self, model_id, name, parameters):
        model = self.doc.createModel()
        model.setId(model_id)
        model.setName(name)
        model.setLanguage(SBML_LANGUAGE)
        model.setSource(MODEL_FILE)
        for pid, value in (parameters or {}).items():
            change = model.createChangeAttribute()
            change.setTarget(f"{self.xpath(pid)}/@{self._attribute(pid)}")
            change.setNewValue(repr(float(value)))
        return model_id

    def _attribute(self, element_id):
        return "value" if "sbml:parameter" in self.xpath(element_id) else "initialConcentration"

    def timecourse(self, sim_id, duration, points):
        """Uniform time course from 0 (settle) to step + ``duration``, output from the step."""
        sim = self.doc.createUniformTimeCourse()
        sim.setId(sim_id)
        sim.setInitialTime(0.0)
        sim.setOutputStartTime(self.settle)
        sim.setOutputEndTime(self.settle + float(duration))
        sim.setNumberOfPoints(int(points))
        algorithm = sim.createAlgorithm()
        algorithm.setKisaoID(KISAO_CVODE)
        algorithm.setName("CVODE")
        for key, kisao in KISAO_PARAMETERS.items():
            value = (self.tolerances.get(key, MAX_STEPS) if key == "maximum_steps"
                     else self.tolerances[key])
            parameter = algorithm.createAlgorithmParameter()
            parameter.setKisaoID(kisao)
            parameter.setValue(repr(value) if key != "maximum_steps" else str(int(value)))
        return sim_id

    def task(self, task_id, model_id, sim_id):
        task = self.doc.createTask()
        task.setId(task_id)
        task.setModelReference(model_id)
        task.setSimulationReference(sim_id)
        return task_id

    def repeated(self, task_id, subtask_id, model_id, range_id, values, changes):
        """A repeated task over ``values`` (vector range ``range_id``) with one subtask;
        ``changes`` {element id: list of values, one per iteration} are set before
        each iteration (the element given the range's own values may use ``None``)."""
        repeated = self.doc.createRepeatedTask()
        repeated.setId(task_id)
        repeated.setRangeId(range_id)
        repeated.setResetModel(True)
        self._range(repeated, range_id, values)
        for index, (element_id, series) in enumerate(changes.items()):
            source = range_id
            if series is not None:
                source = f"{range_id}_{index}"
                self._vector(repeated, source, series)
            change = repeated.createTaskChange()
            change.setTarget(self.xpath(element_id))
            change.setModelReference(model_id)
            change.setRange(source)
            change.setMath(libsedml.parseL3Formula(source))
        subtask = repeated.createSubTask()
        subtask.setTask(subtask_id)
        subtask.setOrder(1)
        return task_id

    def _range(self, repeated, range_id, values):
        """A uniform range (linear or log) when ``values`` are evenly spaced, as COPASI
        keeps the values of a vector range to 6 significant digits only; else a
        vector range."""
        kind = uniform_spacing(values)
        if kind is None:
            self._vector(repeated, range_id, values)
            return
        uniform = repeated.createUniformRange()
        uniform.setId(range_id)
        uniform.setStart(float(values[0]))
        uniform.setEnd(float(values[-1]))
        uniform.setNumberOfPoints(len(values) - 1)  # intervals, as COPASI and tellurium read it
        uniform.setType(kind)

    def _vector(self, repeated, range_id, values):
        vector = repeated.createVectorRange()
        vector.setId(range_id)
        for value in values:
            vector.addValue(float(value))
        self.vectors.append([float(v) for v in values])

    def data(self, dg_id, task_id, element_id=None, name=None):
        """A data generator of one element, or of the model time if ``element_id``
        is None (the step is at ``settle_time``)."""
        generator = self.doc.createDataGenerator()
        generator.setId(dg_id)
        generator.setName(name or element_id or "time")
        variable = generator.createVariable()
        variable.setId(f"{dg_id}_var")
        variable.setTaskReference(task_id)
        if element_id is None:
            variable.setSymbol(TIME_SYMBOL)
        else:
            variable.setTarget(self.xpath(element_id))
        generator.setMath(libsedml.parseL3Formula(f"{dg_id}_var"))
        return dg_id

    def report(self, report_id, name, columns):
        """A report of data generators {label: dg id}."""
        report = self.doc.createReport()
        report.setId(report_id)
        report.setName(name)
        for label, dg_id in columns.items():
            dataset = report.createDataSet()
            dataset.setId(f"{report_id}_{dg_id}")
            dataset.setLabel(label)
            dataset.setDataReference(dg_id)

    def text(self):
        """The document; vector-range values are written in full precision
        (libSEDML 2.0 writes them with 6 significant digits)."""
        values = iter(repr(v) for series in self.vectors for v in series)
        text = re.sub(r"<value>[^<]*</value>", lambda _: f"<value> {next(values)} </value>",
                      libsedml.writeSedMLToString(self.doc))
        check = libsedml.readSedMLFromString(text)
        if check.getNumErrors(libsedml.LIBSEDML_SEV_ERROR):
            raise RuntimeError(f"SED-ML not valid: {check.getErrorLog().toString()}")
        tasks = [check.getTask(i) for i in range(check.getNumTasks())]
        ranges = [task.getRange(j) for task in tasks
                  if task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK
                  for j in range(task.getNumRanges())]
        written = [list(r.getValues()) for r in ranges
                   if r.getTypeCode() == libsedml.SEDML_RANGE_VECTORRANGE]
        if written != self.vectors:
            raise RuntimeError("SED-ML vector ranges were not written exactly")
        return text


def _readout_columns(experiment, task_id, readouts):
    return {r: experiment.data(sid(r), task_id, r) for r in readouts}


def timecourse_sedml(model_sbml: str, *, input_id: str, settle_time: float, dose: float,
                     duration: float, points: int, readouts: Sequence[str],
                     parameters: Mapping[str, float] | None = None,
                     tolerances: Mapping[str, float]) -> str:
    """SED-ML: settle, step ``input_id`` to ``dose`` at ``settle_time``, report the
    model time and ``readouts`` at ``points`` + 1 evenly spaced times from the step
    to ``duration`` after it. The dose and ``parameters`` (the scenario) are model
    changes."""
    experiment = _Experiment(model_sbml, input_id, settle_time, tolerances)
    experiment.model("model", "the model with the scenario and the dose",
                     {**(parameters or {}), dose_id(input_id): dose})
    experiment.timecourse("settle_then_step", duration, points)
    experiment.task("timecourse", "model", "settle_then_step")
    columns = {"time": experiment.data("time", "timecourse")}
    columns.update(_readout_columns(experiment, "timecourse", readouts))
    experiment.report("timecourse_report", f"readouts after {input_id} {dose:g}", columns)
    return experiment.text()


def dose_response_sedml(model_sbml: str, *, input_id: str, settle_time: float,
                        doses: Sequence[float], readout_time: float, readouts: Sequence[str],
                        parameters: Mapping[str, float] | None = None,
                        tolerances: Mapping[str, float]) -> str:
    """SED-ML: a repeated task over ``doses`` (one subtask: settle, step to the dose,
    follow ``readout_time``) on the model with ``parameters``. Each dose gives two
    report rows: the basal values (at the step) and those ``readout_time`` after."""
    experiment = _Experiment(model_sbml, input_id, settle_time, tolerances)
    experiment.model("model", "the model with the scenario", parameters)
    experiment.timecourse("settle_then_step", readout_time, 1)
    experiment.task("one_dose", "model", "settle_then_step")
    experiment.repeated("dose_response", "one_dose", "model", "doses", doses,
                        {dose_id(input_id): None})
    columns = {"time": experiment.data("time", "dose_response"),
               dose_id(input_id): experiment.data("dose", "dose_response", dose_id(input_id))}
    columns.update(_readout_columns(experiment, "dose_response", readouts))
    experiment.report("dose_response_report", f"{input_id} dose-response", columns)
    return experiment.text()


def scan_sedml(model_sbml: str, *, input_id: str, settle_time: float, dose: float,
               readout_time: float, readouts: Sequence[str], scan: Mapping[str, Sequence[float]],
               parameters: Mapping[str, float] | None = None,
               tolerances: Mapping[str, float]) -> str:
    """SED-ML: a repeated task over the points of ``scan`` {parameter id: values,
    one per point; lists of one length} on the model with ``parameters``; at each
    point settle, step to ``dose``, follow ``readout_time``. Two report rows per
    point, as in :func:`dose_response_sedml`."""
    lengths = {len(v) for v in scan.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise UserError("scan values must be non-empty lists of one length")
    experiment = _Experiment(model_sbml, input_id, settle_time, tolerances)
    experiment.model("model", "the model with the scenario and the dose",
                     {**(parameters or {}), dose_id(input_id): dose})
    experiment.timecourse("settle_then_step", readout_time, 1)
    experiment.task("one_point", "model", "settle_then_step")
    first, *others = scan
    changes = {first: None, **{pid: scan[pid] for pid in others}}
    experiment.repeated("scan", "one_point", "model", "points", scan[first], changes)
    columns = {"time": experiment.data("time", "scan")}
    columns.update({pid: experiment.data(sid(f"scan_{pid}"), "scan", pid) for pid in scan})
    columns.update(_readout_columns(experiment, "scan", readouts))
    experiment.report("scan_report", f"scan of {', '.join(scan)}", columns)
    return experiment.text()
