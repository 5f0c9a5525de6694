"""Simulator backends behind one interface (:class:`~analysis.backends.base.Backend`).

``roadrunner`` (default, libroadrunner), ``copasi`` (COPASI through
python-copasi) and ``pysb`` (PySB's ScipyOdeSimulator with Cython, on the
project's PySB model). Modules here import their simulator only when a backend
is built, so listing them is cheap and a missing package is one clear line.
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence

from ..errors import UserError
from ..protocol import Protocol
from .base import Backend, ModelSpec, SimulationError, SolverOptions

DEFAULT_BACKEND = "roadrunner"
# name -> (module, class, distribution to install)
REGISTRY = {
    "roadrunner": ("analysis.backends.roadrunner", "RoadRunnerBackend", "libroadrunner"),
    "copasi": ("analysis.backends.copasi", "CopasiBackend", "python-copasi copasi-basico"),
    "pysb": ("analysis.backends.pysb", "PySBBackend", "pysb bionetgen cython"),
}

__all__ = ["Backend", "ModelSpec", "SimulationError", "SolverOptions", "DEFAULT_BACKEND",
           "REGISTRY", "create", "backend_class", "available_classes", "check_name",
           "check_capability"]


def check_name(name: str) -> str:
    """``name`` if it is a backend, else one line listing the accepted ones."""
    if name not in REGISTRY:
        raise UserError(f"unknown backend '{name}'; accepted: {', '.join(REGISTRY)}")
    return name


def backend_class(name: str) -> type[Backend]:
    module, cls, _ = REGISTRY[check_name(name)]
    return getattr(importlib.import_module(module), cls)


def check_capability(name: str, capability: str, what: str | None = None) -> None:
    """Refuse, in one line, what backend ``name`` cannot do (before building it)."""
    from .base import CAPABILITIES
    if capability not in backend_class(name).capabilities:
        able = [n for n, cls in available_classes().items() if capability in cls.capabilities]
        raise UserError(f"the {name} backend cannot do {what or CAPABILITIES[capability]}; "
                        f"backends that can: {', '.join(able) or 'none'}")


def available_classes() -> dict[str, type[Backend]]:
    return {name: backend_class(name) for name in REGISTRY}


def create(name: str = DEFAULT_BACKEND, sbml: str | None = None, input_id: str | None = None,
           readouts: Sequence[str] | None = None, options: SolverOptions | None = None,
           protocol: Protocol | None = None) -> Backend:
    """Build backend ``name`` on ``sbml`` (None: the project's model).

    A backend whose simulator package is missing is one line saying how to
    install it."""
    cls = backend_class(name)
    if sbml is not None and "user_sbml" not in cls.capabilities:
        from ..resources import is_default_sbml
        if not is_default_sbml(sbml):
            check_capability(name, "user_sbml", f"a user SBML ({sbml}): it simulates the "
                             "project's PySB model")
    try:
        cls.import_simulator()
    except ImportError as exc:
        package = REGISTRY[name][2]
        raise UserError(f"the {name} backend needs {package.replace(' ', ', ')} "
                        f"({exc.name or exc}: not importable); install it with "
                        f"`pip install {package}` or use the {DEFAULT_BACKEND} backend") from None
    return cls(sbml, input_id, readouts, options, protocol)
