"""Joint fit of the model to human-adipocyte data, as used for models/parameters.csv.

Residuals (least squares on log10 parameters, scipy trust-region):

- Brannmark 2010 (measured, ``data/brannmark2010``): IR and IRS1-pY time
  courses after 100 nM and the IRS1-pY 10-min dose-response, one closed-form
  scale per dataset, residuals relative to each dataset's maximum (weight W2010);
- Brannmark 2013 stand-in (MODEL-DERIVED, ``data/brannmark2013_standin``):
  the normal and T2D 10-min dose-responses of eight readouts, one scale per
  readout shared by both states (weights per readout);
- penalties: no pIR or IRS1-pY spike before the first sample (peak at most
  1.15 times the 0.9-min value) and 30 min at 32-48 % of the peak (weight BW);
  membrane GLUT4 about 4 % basal and 40 % at 100 nM (Sedaghat 2002),
  and hinge penalties (weight BW) keeping the type 2 diabetes cause inside the
  bands of issue 9 (uptake EC50 ratio 2.2-3.2, Emax ratio 0.5-0.75; IRS1-pY EC50
  ratio >= 3, Emax ratio <= 0.35; pAKT-T308 Emax ratio <= 0.55; pAS160 Emax ratio
  0.65-0.9; healthy uptake EC50 0.04-0.3 nM, 100 nM / basal 1.7-2.7; pIR EC50
  0.4-2.5 nM).

    python tools/fit_joint.py NAMES START.json OUT.json MAX_NFEV [--sbml FILE]
        [--w2010 5] [--bw 10] [--lower 1e-3] [--upper 1e4]

--lower/--upper bound every fitted value (in its own unit; the search also stays
within a factor 10**2.5 of the start); a start outside is moved onto the bound.

NAMES is a comma-separated list of parameter ids; START.json holds starting
values ({id: value}; others keep the SBML values). The committed values came
from the chain of runs described in the README (this script with W2010 2-5,
BW 3-10, 25-27 parameters, k_mTORC1_inactivation fixed at Brannmark 2013's k5b).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.backends import create  # noqa: E402
from analysis.calibration.shipped import STANDIN, brannmark2010_data, t2d_values  # noqa: E402
from analysis.fitting import fit_hill  # noqa: E402

READOUTS = ["glucose_uptake", "pIR", "pIRS1_Y", "pIRS1_S307", "pAKT_T308", "pAKT_S473",
            "pAS160", "pS6K1"]
WEIGHT = {"glucose_uptake": 3, "pIRS1_Y": 2, "pAKT_T308": 1.5, "pAS160": 1.5, "pIR": 0.5,
          "pIRS1_S307": 1, "pAKT_S473": 1, "pS6K1": 1}
T2D = t2d_values()   # the catalogue cause type2_diabetes_adipocyte


class Joint:
    def __init__(self, sbml: Path, w2010: float, bw: float):
        self.w2010, self.bw = w2010, bw
        self.sim = create("roadrunner", str(sbml), "insulin",
                          READOUTS + ["GLUT4_membrane_fraction"])
        data = brannmark2010_data()
        self.courses = {d: part.sort_values("time") for d, part in data.groupby("dataset")
                        if part.dose.nunique() == 1}
        self.doses2010 = data[data.dataset == "IRS1_P_DosR"].sort_values("dose")
        sd = pd.read_csv(STANDIN)
        self.doses = sorted(sd.dose.unique())
        self.positive = np.array([d for d in self.doses if d > 0])
        self.standin = {s: sd[sd.state == s].pivot(index="dose", columns="readout",
                                                   values="value").loc[self.doses]
                        for s in ("normal", "t2d")}

    @staticmethod
    def scaled_residual(y, m):
        s = (y @ m) / (m @ m) if m @ m > 0 else 0.0
        return (y - s * m) / y.max()

    def brannmark2010(self, values):
        res = []
        for part in self.courses.values():
            times = part.time.to_numpy()
            frame = self.sim.condition_timecourse(values, {"insulin": 0.0},
                                                  {"insulin": 100.0}, times, settle=True)
            column = READOUTS.index(part.readout.iloc[0])
            res.append(self.scaled_residual(part.value.to_numpy(), frame[:, column]))
        m = np.array([self.sim.condition_timecourse(values, {"insulin": 0.0}, {"insulin": d},
                                                    np.array([0.0, 10.0]), settle=True)[-1, 2]
                      for d in self.doses2010.dose])
        res.append(self.scaled_residual(self.doses2010.value.to_numpy(), m))
        # the overshoot as measured: no unmeasured spike before the first sample (0.9 min),
        # and 30 min at 30-50 % of the true peak
        times = np.concatenate([np.linspace(0.0, 0.9, 19), [30.0]])
        frame = self.sim.condition_timecourse(values, {"insulin": 0.0}, {"insulin": 100.0},
                                              times, settle=True)
        for column in (1, 2):
            trace = frame[:, column]
            peak = max(trace[:-1].max(), 1e-12)
            res.append(np.array([self.hinge(peak / max(trace[-2], 1e-12), 0.5, 1.15),
                                 self.hinge(trace[-1] / peak, 0.32, 0.48)]))
        return np.concatenate(res)

    def hinge(self, v, lo, hi):
        v = np.log(max(v, 1e-9))
        return self.bw * (max(0, np.log(lo) - v) + max(0, v - np.log(hi)))

    def standin_and_bands(self, values):
        h = self.sim.response(values, self.positive, time=10.0)
        t = self.sim.response({**values, **T2D}, self.positive, time=10.0)
        res = []
        for r in READOUTS:
            m = np.concatenate([[h[r + "_basal"].iloc[0]], h[r], [t[r + "_basal"].iloc[0]], t[r]])
            y = np.concatenate([self.standin["normal"][r], self.standin["t2d"][r]])
            res.append(WEIGHT[r] * self.scaled_residual(y, m))
        g0, g1 = h["GLUT4_membrane_fraction_basal"].iloc[0], h["GLUT4_membrane_fraction"].iloc[-1]
        pen = [3 * np.log(g0 / 0.04), 3 * np.log(g1 / 0.40)]
        ratios = {}
        for r in ("glucose_uptake", "pIRS1_Y", "pAKT_T308", "pAS160", "pIR"):
            fh = fit_hill(self.positive, h[r].to_numpy())
            ft = fit_hill(self.positive, t[r].to_numpy())
            ih = h[r].iloc[-1] - h[r + "_basal"].iloc[0]
            it = t[r].iloc[-1] - t[r + "_basal"].iloc[0]
            ratios[r] = (fh["ec50"], ft["ec50"] / fh["ec50"], it / ih)
        u = ratios["glucose_uptake"]
        fold = h["glucose_uptake"].iloc[-1] / h["glucose_uptake_basal"].iloc[0]
        pen += [self.hinge(u[1], 2.2, 3.2), self.hinge(u[2], 0.5, 0.75),
                self.hinge(u[0], 0.04, 0.3), self.hinge(ratios["pIRS1_Y"][1], 3.0, 100),
                self.hinge(ratios["pIRS1_Y"][2], 1e-3, 0.35),
                self.hinge(ratios["pAKT_T308"][2], 1e-3, 0.55),
                self.hinge(ratios["pAS160"][2], 0.65, 0.9), self.hinge(ratios["pIR"][0], 0.4, 2.5),
                self.hinge(fold, 1.7, 2.7)]
        return np.concatenate(res + [np.array(pen)])

    def residuals(self, values):
        return np.concatenate([self.w2010 * self.brannmark2010(values),
                               self.standin_and_bands(values)])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names")
    parser.add_argument("start", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("max_nfev", type=int)
    parser.add_argument("--sbml", type=Path, default=ROOT / "sbml" / "insulin_signaling.xml")
    parser.add_argument("--w2010", type=float, default=5.0)
    parser.add_argument("--bw", type=float, default=10.0)
    parser.add_argument("--lower", type=float, default=None,
                        help="lower bound of every fitted value (none by default)")
    parser.add_argument("--upper", type=float, default=None,
                        help="upper bound of every fitted value (none by default)")
    args = parser.parse_args(argv)
    joint = Joint(args.sbml, args.w2010, args.bw)
    names = args.names.split(",")
    start = json.loads(args.start.read_text())
    fixed = {k: v for k, v in start.items() if k not in names}
    x0 = np.log10([start.get(n, joint.sim.rr[n]) for n in names])
    lower = np.log10(args.lower) if args.lower is not None else -np.inf
    upper = np.log10(args.upper) if args.upper is not None else np.inf
    if lower >= upper:
        raise SystemExit(f"--lower {args.lower} must be below --upper {args.upper}")
    x0 = np.clip(x0, lower, upper)
    low, high = np.maximum(x0 - 2.5, lower), np.minimum(x0 + 2.5, upper)
    x0 = np.clip(x0, low + 1e-9, high - 1e-9)

    def values(x):
        return {**fixed, **{n: 10 ** v for n, v in zip(names, x, strict=True)}}

    r0 = joint.residuals(values(x0))

    def f(x):
        try:
            return joint.residuals(values(x))
        except Exception:      # a failed simulation is a bad point, not the end of the fit
            return np.full(len(r0), 5.0)

    partial = args.out.with_suffix(".partial.json")
    best = [np.inf]

    def g(x):
        r = f(x)
        cost = 0.5 * r @ r
        if cost < best[0]:
            best[0] = cost
            partial.write_text(json.dumps(values(x), indent=1))
        return r

    fit = least_squares(g, x0, bounds=(low, high), max_nfev=args.max_nfev,
                        diff_step=1e-3)
    args.out.write_text(json.dumps(values(fit.x), indent=1))
    print(f"cost {0.5 * r0 @ r0:.4g} -> {fit.cost:.4g} ({fit.nfev} evaluations); wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
