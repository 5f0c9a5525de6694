"""Stand-in data from the Brännmark 2013 model (MODEL-DERIVED, not measurements).

Simulates BIOMD0000000448 (Brännmark et al. 2013, J Biol Chem 288:9867; CC0,
copied to ``data/brannmark2013_standin/``) with libroadrunner for the normal
state and the type 2 diabetic state of the paper (IR total 55, GLUT4 total 50,
``diabetes`` 0.15; initial IR and GLUT4 amounts rescaled from the totals),
settles each at insulin 0, steps insulin and reads at 10 min the readouts that
map onto ours. Writes a tidy CSV (readout, dose, time, value, dataset, state).

    python tools/brannmark2013_standin.py [--out data/brannmark2013_standin/standin.csv]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "brannmark2013_standin"
SBML = FOLDER / "BIOMD0000000448.xml"
DOSES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)
TIME = 10.0
IR_SPECIES = ("IR", "IRp", "IRins", "IRip", "IRi")
GLUT4_SPECIES = ("GLUT4", "GLUT4m")
# our readout -> sum of their species (their unscaled amounts; or their uptake rule)
READOUTS = {
    "glucose_uptake": ("glucoseuptake",),
    "pIR": ("IRp", "IRip"),
    "pIRS1_Y": ("IRS1p", "IRS1p307"),
    "pIRS1_S307": ("IRS1p307", "IRS1307"),
    "pAKT_T308": ("PKB308p", "PKB308p473p"),
    "pAKT_S473": ("PKB473p", "PKB308p473p"),
    "pAS160": ("AS160p",),
    "pS6K1": ("S6Kp",),
}
# the paper's two states: totals (their units: % of normal) and the feedback factor
STATES = {
    "normal": {"IR_total": 100.0, "GLUT4_total": 100.0, "diabetes": 1.0},
    "t2d": {"IR_total": 55.0, "GLUT4_total": 50.0, "diabetes": 0.15},
}
SETTLE = 5000.0       # min at insulin 0 (their model settles within hours)


def load(sbml: Path = SBML):
    import roadrunner
    rr = roadrunner.RoadRunner(str(sbml))
    rr.integrator.absolute_tolerance = 1e-12
    rr.integrator.relative_tolerance = 1e-10
    return rr


def set_state(rr, state: dict) -> None:
    """Reset, rescale the IR and GLUT4 initial amounts to the totals, set ``diabetes``."""
    rr.resetAll()
    for species, total in ((IR_SPECIES, state["IR_total"]), (GLUT4_SPECIES, state["GLUT4_total"])):
        now = sum(rr[f"init([{s}])"] for s in species)
        for s in species:
            rr[f"init([{s}])"] = rr[f"init([{s}])"] * total / now
    rr.reset()
    rr["diabetes"] = state["diabetes"]


def readouts_at(rr, dose: float) -> dict:
    rr["insulin"] = 0.0
    rr.simulate(0, SETTLE, 2)
    rr["insulin"] = dose
    rr.simulate(0, TIME, 2)
    return {ours: sum(rr[s] for s in theirs) for ours, theirs in READOUTS.items()}


def standin(sbml: Path = SBML, doses=DOSES) -> pd.DataFrame:
    """Tidy table of both states' 10-min dose-responses."""
    rr = load(sbml)
    rows = []
    for name, state in STATES.items():
        for dose in doses:
            set_state(rr, state)
            for readout, value in readouts_at(rr, dose).items():
                rows.append({"readout": readout, "dose": dose, "time": TIME,
                             "value": float(value), "dataset": f"B2013_{readout}",
                             "state": name})
    frame = pd.DataFrame(rows)
    if not np.isfinite(frame.value).all():
        raise RuntimeError("the reference model gave a non-finite value")
    return frame


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FOLDER / "standin.csv")
    args = parser.parse_args(argv)
    frame = standin()
    tmp = args.out.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, float_format="%.8g")
    tmp.replace(args.out)
    print(f"wrote {args.out} ({len(frame)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
