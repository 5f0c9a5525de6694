"""Read, check and load an SBML model for simulation with libroadrunner.

``check_sbml`` is the fast gate every command goes through (document read
errors only); ``consistency_report`` is the slow full check, units included;
``Model`` wraps one ``roadrunner.RoadRunner`` built from the file.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import libsbml
import pandas as pd
import roadrunner

from analysis.errors import UserError, unknown
from analysis.resources import KNOWN_INPUTS


def _one_line(text):
    return " ".join(str(text).split())


def _describe_error(err):
    line = f"line {err.getLine()}: " if err.getLine() else ""
    return f"{line}{_one_line(err.getMessage())}"


def _require_file(path):
    p = Path(path)
    if not p.is_file():
        raise UserError(f"SBML file not found: {path}")
    return p


def _check_document(doc, path):
    """Raise UserError if ``doc`` has read errors (severity error or fatal) or no model."""
    errors = [doc.getError(i) for i in range(doc.getNumErrors())
              if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    if errors:
        n = len(errors)
        raise UserError(f"not valid SBML: {path}: {n} error{'s' if n > 1 else ''}; "
                        f"first: {_describe_error(errors[0])}")
    if doc.getModel() is None:
        raise UserError(f"not valid SBML: {path}: the document has no <model> element")
    return doc


DELAY_SYMBOL = "http://www.sbml.org/sbml/symbols/delay"


def protocol_conflicts(model: libsbml.Model, text: str = "") -> list[str]:
    """What in ``model`` the settle-then-step protocol cannot honour: events (they
    would fire while settling and again after the step), algebraic rules and
    delays (no steady state defined by the rates alone). Empty if none."""
    found = []
    if model.getNumEvents():
        n = model.getNumEvents()
        found.append(f"{n} event{'s' if n > 1 else ''}")
    algebraic = sum(1 for i in range(model.getNumRules()) if model.getRule(i).isAlgebraic())
    if algebraic:
        found.append(f"{algebraic} algebraic rule{'s' if algebraic > 1 else ''}")
    if DELAY_SYMBOL in text:
        found.append("delay() in its math")
    return found


def check_sbml(path: str | os.PathLike) -> libsbml.SBMLDocument:
    """Read ``path`` with libSBML; return the document or raise a one-line UserError.

    Only the errors found while reading (XML and SBML syntax, severity error or
    fatal) count; the slower consistency and unit checks are left to
    :func:`consistency_report`.
    """
    p = _require_file(path)
    return _check_document(libsbml.readSBMLFromFile(str(p)), path)


def consistency_report(path: str | os.PathLike, units: bool = True) -> dict[str, Any]:
    """Full libSBML ``checkConsistency()`` of ``path``.

    Returns ``{"errors", "warnings", "unit_warnings", "messages"}``: errors counts
    severities error and fatal, warnings counts warnings, unit_warnings counts
    every problem whose category is LIBSBML_CAT_UNITS_CONSISTENCY, messages
    holds one line per problem (read errors included).
    """
    p = _require_file(path)
    doc = libsbml.readSBMLFromFile(str(p))
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, bool(units))
    doc.checkConsistency()
    report = {"errors": 0, "warnings": 0, "unit_warnings": 0, "messages": []}
    for i in range(doc.getNumErrors()):
        err = doc.getError(i)
        severity = err.getSeverity()
        if severity >= libsbml.LIBSBML_SEV_ERROR:
            report["errors"] += 1
        elif severity == libsbml.LIBSBML_SEV_WARNING:
            report["warnings"] += 1
        if err.getCategory() == libsbml.LIBSBML_CAT_UNITS_CONSISTENCY:
            report["unit_warnings"] += 1
        report["messages"].append(
            f"{err.getSeverityAsString()} {err.getErrorId()} ({err.getCategoryAsString()}): "
            f"{_describe_error(err)}")
    return report


def unit_id(sbml: libsbml.Model, element: libsbml.SBase) -> str:
    """Declared unit id of ``element`` (a species, parameter or compartment of
    ``sbml``), else the id of an equivalent unit definition of the model; '' if none."""
    # Species: always the derived units (concentration, not substance).
    if not isinstance(element, libsbml.Species) and element.getUnits():
        return element.getUnits()
    derived = element.getDerivedUnitDefinition()
    if derived is None or derived.getNumUnits() == 0:
        return ""
    for i in range(sbml.getNumUnitDefinitions()):
        ud = sbml.getUnitDefinition(i)
        if libsbml.UnitDefinition.areEquivalent(ud, derived):
            return ud.getId()
    return ""


class Model:
    """One SBML file loaded into libroadrunner.

    Reset semantics (libroadrunner 2.10, checked on tests/data/analytic_hill.xml):

    * ``rr[x] = v`` on a global parameter changes only its current value;
      ``init(x)`` keeps the SBML value.
    * ``rr['init(x)'] = v`` (parameter, compartment or ``init([S])``) sets the
      reset value *and* applies it at once: it performs an implicit reset (time
      back to 0, species back to their initial values, initial assignments
      re-evaluated). Setting ``init([S])`` on a species that has an initial
      assignment replaces that assignment.
    * ``rr.reset()`` (TIME | FLOATING | RATE) puts time, floating species and
      rate-rule variables back to their ``init()`` values and re-evaluates
      initial assignments from the *current* parameter values; global
      parameters, compartments and boundary species are left as they are (so
      values an event changed during a run survive it).
    * ``rr.resetAll()`` does the same and also puts global parameters,
      compartments and boundary species back to their ``init()`` values; a
      parameter changed only through ``rr[x] = v`` is lost, one changed through
      ``init(x)`` is kept.
    * ``rr.resetToOrigin()`` (= ``reset(SelectionRecord.ALL)``) is documented
      to return to the SBML as loaded, but in 2.10 it keeps ``init()`` edits
      (``init(insulin)``, ``init([A])``, ``init(cell)`` all survive it); only
      plain ``rr[x] = v`` changes are undone. To get the file's values back,
      build a new ``Model``.

    Hence ``set_values`` always writes ``init(...)`` and ``reset`` calls
    ``resetAll()``: values set by the user persist, everything else (including
    event-modified parameters) returns to its initial value, and initial
    assignments are recomputed from the user's parameters.
    """

    def __init__(self, path: str | os.PathLike, conserved_moieties: bool = False) -> None:
        p = _require_file(path)
        data = p.read_bytes()
        self.path = str(path)
        self.sha256 = hashlib.sha256(data).hexdigest()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(f"not valid SBML: {path}: not UTF-8 text ({exc.reason} at byte "
                            f"{exc.start})") from None
        self.doc = _check_document(libsbml.readSBMLFromString(text), path)
        self.sbml = self.doc.getModel()
        rules = [self.sbml.getRule(i) for i in range(self.sbml.getNumRules())]
        # Moieties only where a steady-state solver can use them (reactions, no rate
        # rules, no events); libroadrunner 2.10 crashes in getRatesOfChange on a
        # model without reactions loaded with them. Asked for at load, because
        # switching them on later recompiles (about 0.5 s).
        self.conserved_moieties = bool(
            conserved_moieties and self.sbml.getNumReactions() > 0
            and not any(r.isRate() for r in rules) and self.sbml.getNumEvents() == 0)
        self.protocol_conflicts = protocol_conflicts(self.sbml, text)
        unsupported = [c for c in self.protocol_conflicts if "event" not in c]
        if unsupported:   # libroadrunner cannot simulate these at all
            raise UserError(f"{path} has {', '.join(unsupported)}, which the simulator "
                            "(libroadrunner) cannot simulate; rewrite them as reactions or "
                            "assignment rules")
        options = roadrunner.LoadSBMLOptions()
        options.conservedMoieties = self.conserved_moieties
        try:
            self.rr = roadrunner.RoadRunner(text, options)
        except Exception as exc:  # roadrunner raises RuntimeError with multi-line text
            raise UserError(f"libroadrunner cannot load {path}: {_one_line(exc)}") from None
        self._assigned = {r.getVariable() for r in rules if r.isAssignment()}
        self._rated = {r.getVariable() for r in rules if r.isRate()}

    # ----- ids -------------------------------------------------------------
    def species(self) -> list[str]:
        return list(self.rr.model.getFloatingSpeciesIds())

    def boundary_species(self) -> list[str]:
        return list(self.rr.model.getBoundarySpeciesIds())

    def parameters(self) -> list[str]:
        """Global parameter ids of the SBML (libroadrunner's conserved-moiety totals,
        ``_CSUM*``, are not the model's and are left out)."""
        return [p for p in self.rr.model.getGlobalParameterIds() if not p.startswith("_CSUM")]

    def constant_parameters(self) -> list[str]:
        """Global parameters one can set: not the variable of an assignment or rate rule."""
        return [p for p in self.parameters() if p not in self._assigned and p not in self._rated]

    def observables(self) -> list[str]:
        """Global parameters defined by an assignment rule (observables, expressions)."""
        return [p for p in self.parameters() if p in self._assigned]

    def compartments(self) -> list[str]:
        return list(self.rr.model.getCompartmentIds())

    def inputs(self) -> list[str]:
        settable = set(self.constant_parameters())
        return [name for name in KNOWN_INPUTS if name in settable]

    def ids(self) -> list[str]:
        return self.species() + self.boundary_species() + self.parameters() + self.compartments()

    def resolve(self, id: str) -> str:
        """Return ``id`` if it names a species, parameter or compartment, else raise UserError."""
        if id in self.ids():
            return id
        raise unknown("id", str(id), self.ids())

    # ----- values ----------------------------------------------------------
    def set_values(self, mapping: Mapping[str, float]) -> None:
        """Set initial values by id: parameters and compartments via ``init(x)``,
        species initial concentrations via ``init([S])`` (kept by ``reset()``)."""
        species = set(self.species()) | set(self.boundary_species())
        for id, value in mapping.items():
            self.resolve(id)
            if id in self._assigned:
                raise UserError(f"'{id}' is defined by an assignment rule and cannot be set; "
                                "settable: species, compartments and constant parameters")
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise UserError(f"value for '{id}' must be a number, got {value!r}") from None
            selector = f"init([{id}])" if id in species else f"init({id})"
            try:
                self.rr[selector] = value
            except Exception as exc:
                raise UserError(f"cannot set '{id}' to {value}: {_one_line(exc)}") from None

    def reset(self) -> None:
        """Back to initial state (time 0) keeping values given to ``set_values``;
        initial assignments are recomputed from them (see class docstring)."""
        self.rr.resetAll()

    # ----- table -----------------------------------------------------------
    def _unit_id(self, element):
        return unit_id(self.sbml, element)

    def describe(self) -> pd.DataFrame:
        """Table of ids: columns id, kind, name, value (current), units."""
        rows = []
        observables = set(self.observables())
        for kind, ids in (("species", self.species() + self.boundary_species()),
                          ("parameter", self.parameters()),
                          ("compartment", self.compartments())):
            for id in ids:
                element = self.sbml.getElementBySId(id)
                kind_ = "observable" if kind == "parameter" and id in observables else kind
                value = self.rr[f"[{id}]"] if kind == "species" else self.rr[id]
                rows.append({
                    "id": id,
                    "kind": kind_,
                    "name": element.getName() if element is not None else "",
                    "value": float(value),
                    "units": self._unit_id(element) if element is not None else "",
                })
        return pd.DataFrame(rows, columns=["id", "kind", "name", "value", "units"])
