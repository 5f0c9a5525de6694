"""The five compartments and the rule that places each species in one.

BioNetGen's compartment handling (cBNGL) cannot move a membrane protein from
the plasma membrane to an endosome or a vesicle in one step, and it folds
volumes into rate constants. So the rules carry a location site (``loc``) on
the two trafficked membrane proteins (INSR, GLUT4), all concentrations in the
rules are per litre of cytosol ("cell-equivalent" nM, the convention of
Sedaghat 2002 and Brannmark 2013), and the SBML export places each species in
its compartment with :func:`compartment_of` and converts concentrations by
the compartment's size relative to the cytosol.

Membranes are thin shells (10 nm, the convention of cBNGL surfaces), so every
compartment has a volume and every concentration is in nM. Sizes are per cell,
in picolitres, for a cell with 1 pL of cytosol.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pysb import ComplexPattern


@dataclass(frozen=True)
class Compartment:
    name: str
    size: float          # pL
    go: str              # Gene Ontology cellular component
    description: str


COMPARTMENTS = (
    Compartment("extracellular", 1000.0, "GO:0005615",
                "extracellular medium (1 mL per million cells)"),
    Compartment("plasma_membrane", 0.005, "GO:0005886",
                "plasma membrane, 10-nm shell of a cell with 1 pL cytosol (about 480 um2)"),
    Compartment("cytosol", 1.0, "GO:0005829", "cytosol (the reference volume)"),
    Compartment("endosome", 0.01, "GO:0005768", "endosomes (about 1 % of the cell volume)"),
    Compartment("glut4_storage_vesicle", 0.002, "GO:0032593",
                "insulin-responsive GLUT4 storage vesicles"),
)
REFERENCE = "cytosol"
BY_NAME = {c.name: c for c in COMPARTMENTS}

# Where a molecule sits; for monomers with a 'loc' site, by its state.
LOCATION_OF_STATE = {"pm": "plasma_membrane", "endo": "endosome", "gsv": "glut4_storage_vesicle"}
HOME = {"INS": "extracellular", "PtdIns": "plasma_membrane"}
# A complex lives where its most membrane-bound member lives.
PRIORITY = ("endosome", "glut4_storage_vesicle", "plasma_membrane", "cytosol", "extracellular")


def compartment_of(species: ComplexPattern) -> str:
    """Compartment name of a concrete species (a PySB ComplexPattern)."""
    places = set()
    for mp in species.monomer_patterns:
        loc = mp.site_conditions.get("loc")
        if loc is not None:
            places.add(LOCATION_OF_STATE[loc])
        else:
            places.add(HOME.get(mp.monomer.name, "cytosol"))
    return next(p for p in PRIORITY if p in places)


def scale_to_reference(name: str) -> float:
    """Factor f with (cell-equivalent nM) = f * (nM in the compartment).

    Extracellular species are medium concentrations in the rules too (f = 1);
    cell species are per cytosol volume (f = size / cytosol size).
    """
    if name == "extracellular":
        return 1.0
    return BY_NAME[name].size / BY_NAME[REFERENCE].size
