"""Data files shipped with the package, found through :mod:`importlib.resources`.

The default model is ``sbml/insulin_signaling.xml`` (written by ``make sbml``);
the package carries it as ``analysis/data/insulin_signaling.xml`` (a link to
that file in the source tree, a copy in a wheel), so an installed package
finds it wherever it is run from.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# Model inputs a user may set by name (the stimuli of the insulin model), in this order.
KNOWN_INPUTS = ("insulin", "glucose", "TNFa", "FFA", "AMPK_activity")
DEFAULT_READOUTS = ("pIR", "pIRS1_Y", "pIRS1_S307", "pIRS1_S636", "PIP3", "pAKT_T308", "pAKT_S473",
                    "pAS160", "pS6K1", "pERK", "GLUT4_membrane_fraction", "glucose_uptake")


def _path(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


DEFAULT_SBML = _path("analysis", "data", "insulin_signaling.xml")


def models_file(name: str) -> Path:
    """A data file of the ``models`` package (catalogues, parameter table)."""
    return _path("models", name)


def is_default_sbml(path: str | os.PathLike) -> bool:
    """True if ``path`` is the project's model (same file, through links)."""
    try:
        return Path(path).resolve() == DEFAULT_SBML.resolve()
    except OSError:
        return False
