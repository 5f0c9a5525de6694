import pytest

from analysis.engine import DEFAULT_SBML, Simulator

READOUTS = ("pIR", "pIRS1_Y", "pIRS1_S307", "pIRS1_S636", "PIP3", "pAKT_T308", "pAKT_S473",
            "pAS160", "pS6K1", "GLUT4_membrane", "GLUT4_total", "GLUT4_membrane_fraction",
            "glucose_uptake",
            "IR_surface", "IR_internal", "IR_total", "IR_insulin_bound", "pERK")


@pytest.fixture(scope="session")
def sim():
    """One simulator on the committed SBML, with every readout the tests use."""
    return Simulator(DEFAULT_SBML, readouts=READOUTS)
