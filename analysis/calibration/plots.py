"""Figures of a calibration: waterfall of the starts, fits against the data,
profiles. Each function takes tables and an optional ``ax`` and returns the axes;
none saves."""
from __future__ import annotations

import numpy as np
import pandas as pd


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def waterfall(starts: pd.DataFrame, ax=None):
    """Final negative log-likelihood of every start, sorted (failed starts omitted)."""
    ax = _axes(ax)
    ok = starts[starts.status == "ok"].sort_values("fval")
    f = ok.fval.to_numpy()
    if f.size:
        rel = f - f[0] + 1e-3
        ax.semilogy(np.arange(1, f.size + 1), rel, "o-", ms=4, color="tab:blue")
        converged = rel < 1e-3 + 0.1
        ax.semilogy(np.flatnonzero(converged) + 1, rel[converged], "o", ms=5, color="tab:red",
                    label=f"within 0.1 of the best ({int(converged.sum())} of {f.size})")
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    failed = int((starts.status != "ok").sum())
    ax.set_xlabel("start, ranked by final value")
    ax.set_ylabel("NLL - best NLL + 0.001 (log scale)")
    ax.set_title(f"waterfall: best NLL {f[0]:.4g}" + (f", {failed} failed" if failed else "")
                 if f.size else "waterfall: every start failed")
    return ax


def fit_panel(points: pd.DataFrame, curve: pd.DataFrame | None, kind: str, title: str,
              r2: float, x_label: str, ax=None):
    """Data (measurement +- sigma) and the model of one dataset."""
    ax = _axes(ax)
    x = points.x.to_numpy(dtype=float)
    if kind == "dose":
        positive = x[x > 0]
        zero_at = positive.min() / 10 if positive.size else 1e-3
        x = np.where(x > 0, x, zero_at)
        ax.set_xscale("log")
    ax.errorbar(x, points.measurement, yerr=points.sigma, fmt="o", ms=4, color="black",
                ecolor="0.5", capsize=2, label="data +- sigma", zorder=3)
    if curve is not None:
        cx, cy = curve.x.to_numpy(dtype=float), curve.simulation.to_numpy(dtype=float)
        if kind == "dose":   # dose 0 as a separate point, not joined to the log axis
            ax.plot(np.full((cx == 0).sum(), zero_at), cy[cx == 0], "_", ms=14, mew=2,
                    color="tab:red")
            cx, cy = cx[cx > 0], cy[cx > 0]
        ax.plot(cx, cy, "-", color="tab:red", label="model")
    else:
        ax.plot(x, points.simulation, "s", ms=4, mfc="none", color="tab:red", label="model")
    ax.set_title(f"{title}  (R² {r2:.3f})", fontsize=9)
    ax.set_xlabel(x_label)
    ax.set_ylabel("measured (arbitrary units)")
    ax.legend(loc="best", frameon=False, fontsize=7)
    return ax


def profile_panel(profile: pd.DataFrame, name: str, estimate: float, ci: tuple, level: float,
                  ax=None):
    """Likelihood ratio along one parameter's profile (parameter scale)."""
    ax = _axes(ax)
    good = profile[profile.status == "ok"]
    ax.plot(good.x, good.ratio, "-o", ms=3, color="tab:blue")
    ax.axhline(level, color="0.5", ls="--", lw=1, label="95 % threshold")
    ax.axvline(estimate, color="tab:red", lw=1, label="best fit")
    for bound in ci:
        if np.isfinite(bound):
            ax.axvline(bound, color="tab:green", ls=":", lw=1)
    ax.set_ylim(0, 1.05)
    ax.set_title(name, fontsize=8)
    ax.set_xlabel("log10 value")
    ax.set_ylabel("likelihood ratio")
    return ax
