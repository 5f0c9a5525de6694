"""Heatmaps of local sensitivities and control coefficients. Each function takes
a tidy DataFrame and an optional ``ax`` and returns the axes; saving is the
CLI's job."""
from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def _top_rows(matrix, top):
    """Rows of ``matrix`` ranked by their largest |value|, at most ``top``."""
    order = matrix.abs().max(axis=1).sort_values(ascending=False, kind="stable").index
    return matrix.loc[order[:top]]


def _heatmap(matrix, ax, label):
    """Diverging heatmap centred at 0 (NaN grey) with a colour bar; returns the axes."""
    values = np.ma.masked_invalid(matrix.to_numpy(dtype=float))
    limit = float(np.nanmax(np.abs(matrix.to_numpy(dtype=float)))) if matrix.size else 0.0
    limit = limit if np.isfinite(limit) and limit > 0 else 1.0
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="0.85")
    image = ax.imshow(values, cmap=cmap, norm=TwoSlopeNorm(0.0, -limit, limit),
                      aspect="auto", interpolation="nearest")
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index], fontsize=7)
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], fontsize=7,
                  rotation=60, ha="right", rotation_mode="anchor")
    ax.figure.colorbar(image, ax=ax, label=label, shrink=0.8)
    return ax


def sensitivity_heatmap(df: pd.DataFrame, measure: str, ax: Axes | None = None,
                        top: int = 30, title: str = "") -> Axes:
    """Parameters (rows) x readouts (columns) of the scaled sensitivity coefficients
    of one measure; the ``top`` parameters by largest |coefficient| over readouts.
    ``df``: parameter, readout, measure, coefficient (a local_sensitivity table);
    ``title`` should name the dose and the readout time."""
    ax = ax or plt.gca()
    part = df[df.measure == measure]
    readouts = list(dict.fromkeys(part.readout))
    matrix = part.pivot_table(index="parameter", columns="readout", values="coefficient",
                              aggfunc="first", dropna=False).reindex(columns=readouts)
    matrix = _top_rows(matrix, top)
    _heatmap(matrix, ax, "d ln(readout) / d ln(parameter)\n(dimensionless)")
    ax.set_xlabel("readout")
    ax.set_ylabel("parameter (perturbed)")
    ax.set_title(title or f"scaled sensitivities: {measure}", fontsize=10)
    return ax


def control_heatmap(df: pd.DataFrame, ax: Axes | None = None, top: int = 25,
                    title: str = "") -> Axes:
    """Control coefficients: rows are the fluxes (column ``flux``) or species
    (column ``species``), columns the reactions; the ``top`` rows and the ``top``
    reactions by largest |coefficient|. ``df``: a flux_control or
    concentration_control table (row id, reaction, coefficient); ``title``
    should name the steady state (the dose)."""
    ax = ax or plt.gca()
    row = "flux" if "flux" in df.columns else "species"
    matrix = df.pivot_table(index=row, columns="reaction", values="coefficient",
                            aggfunc="first", sort=False)
    matrix = _top_rows(matrix, top)
    matrix = _top_rows(matrix.T, top).T
    _heatmap(matrix, ax, "scaled control coefficient\n(dimensionless)")
    ax.set_xlabel("reaction (perturbed)")
    ax.set_ylabel("flux (reaction)" if row == "flux" else "species")
    kind = "flux" if row == "flux" else "concentration"
    ax.set_title(title or f"{kind} control coefficients", fontsize=10)
    return ax
