"""Figures. Each function takes a tidy DataFrame and an optional ``ax`` and
returns the axes; saving is the CLI's job."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def timecourse_grid(df, readouts, ncols=4):
    """One panel per readout; one line per scenario. ``df``: scenario, time, readout, value."""
    nrows = int(np.ceil(len(readouts) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.6 * nrows), squeeze=False)
    for ax, readout in zip(axes.flat, readouts):
        timecourse(df[df.readout == readout], ax=ax)
        ax.set_title(readout, fontsize=10)
    for ax in list(axes.flat)[len(readouts):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def timecourse(df, ax=None):
    """Lines of value against time (min), one per scenario."""
    ax = ax or plt.gca()
    for scenario, part in df.groupby("scenario", sort=False):
        ax.plot(part.time, part.value, label=scenario)
    ax.set_xlabel("time (min)")
    return ax
