"""Figures of the hypothesis ranking: AIC ranking with strength intervals, and the
best hypotheses against the data."""
from __future__ import annotations

import numpy as np
import pandas as pd

STYLES = [("tab:red", "-"), ("tab:blue", "--"), ("tab:green", ":")]


def ranking(ranked: pd.DataFrame, strengths: pd.DataFrame, top: int = 15):
    """Left: delta AIC of the best hypotheses (rejected ones hatched); right: their
    fitted strengths with 95 % profile intervals (relative to healthy = 1)."""
    import matplotlib.pyplot as plt
    ok = ranked[ranked.status == "ok"].head(top)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 0.42 * max(len(ok), 4) + 1.6),
                                      gridspec_kw={"width_ratios": [1, 1.2]})
    y = np.arange(len(ok))[::-1]
    colors = ["0.7" if r else "tab:blue" for r in ok.rejected.fillna(False)]
    left.barh(y, ok.delta_aic + 0.05, color=colors, edgecolor="black", lw=0.5,
              hatch=None)
    labels = [f"{r}. {h}" for r, h in zip(ok["rank"], ok.hypothesis, strict=True)]
    left.set_yticks(y, labels, fontsize=7)
    left.set_xlabel("ΔAIC (0 = best; > 2: less support, > 10: essentially none)")
    left.axvline(2, color="0.4", ls="--", lw=0.8)
    left.set_title("hypotheses ranked by AIC (grey: rejected by the χ² test)", fontsize=9)
    s = strengths[strengths.hypothesis.isin(ok.hypothesis)]
    position = {h: yy for h, yy in zip(ok.hypothesis, y, strict=True)}
    mechs = list(dict.fromkeys(s.mechanism))
    offsets = {m: (i - (len(mechs) - 1) / 2) * 0.12 for i, m in enumerate(mechs)}
    cmap = plt.get_cmap("tab20")
    for i, m in enumerate(mechs):
        part = s[s.mechanism == m]
        yy = np.array([position[h] for h in part.hypothesis]) + offsets[m] * 0.5
        lo = (part.estimate - part.ci_lower).clip(lower=0).fillna(0)
        hi = (part.ci_upper - part.estimate).clip(lower=0).fillna(0)
        right.errorbar(part.estimate, yy, xerr=[lo, hi], fmt="o", ms=4, capsize=2,
                       color=cmap(i % 20), label=m)
    right.axvline(1.0, color="0.4", ls="--", lw=0.8)
    right.set_xscale("log")
    right.set_yticks(y, [""] * len(y))
    right.set_xlabel("strength (fraction or fold of healthy = 1); bars: 95 % profile interval")
    right.set_title("fitted strengths", fontsize=9)
    right.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


def best_fits(data: pd.DataFrame, curves: pd.DataFrame, ranked: pd.DataFrame):
    """One panel per readout dataset: healthy and resistant data (+- sd where
    given) and the curves of the three best hypotheses."""
    import matplotlib.pyplot as plt
    datasets = list(dict.fromkeys(data.dataset))
    cols = min(4, len(datasets))
    rows = -(-len(datasets) // cols)
    fig, grid = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.8 * rows), squeeze=False)
    axes = list(grid.flat)
    for ax in axes[len(datasets):]:
        ax.axis("off")
    names = list(ranked[ranked.status == "ok"].hypothesis.head(3))
    for ax, dataset in zip(axes, datasets, strict=False):
        part = data[data.dataset == dataset]
        by_dose = part.dose.nunique() > 1
        x = part.dose if by_dose else part.time
        zero = x[x > 0].min() / 10 if by_dose and (x > 0).any() else 0.0
        for state, marker in (("healthy", "s"), ("resistant", "o")):
            d = part[part.state == state]
            if d.empty:
                continue
            dx = d.dose.where(d.dose > 0, zero) if by_dose else d.time
            ax.errorbar(dx, d.value, yerr=d.sd if "sd" in d else None, fmt=marker, ms=4,
                        mfc="white" if state == "healthy" else "black", color="black",
                        capsize=2, ls="none", label=f"data, {state}")
        if len(curves):
            for name, (color, ls) in zip(names, STYLES, strict=False):  # up to 3
                c = curves[(curves.dataset == dataset) & (curves.hypothesis == name)]
                for state, alpha in (("healthy", 0.45), ("resistant", 1.0)):
                    cs = c[c.state == state]
                    if cs.empty:
                        continue
                    cx = cs.x.where(cs.x > 0, np.nan) if by_dose else cs.x
                    label = f"{name}" if state == "resistant" else None
                    ax.plot(cx, cs.simulation, ls=ls, color=color, alpha=alpha, label=label)
        if by_dose:
            ax.set_xscale("log")
            t = part.time.iloc[0]
            ax.set_xlabel(f"insulin (nM; 0 drawn at left), {t:g} min after the step")
        else:
            ax.set_xlabel(f"time after {part.dose.iloc[0]:g} nM insulin (min)")
        ax.set_ylabel("measured (data units)")
        ax.set_title(f"{dataset} ({part.readout.iloc[0]})", fontsize=9)
    axes[cols - 1].legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7,
                          frameon=False, title="healthy: faint lines", title_fontsize=7)
    fig.tight_layout()
    return fig
