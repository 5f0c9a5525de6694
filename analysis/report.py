"""The report: its computations (:func:`kahn_table`) and one self-contained HTML
page with tables and figures embedded (:func:`write_report`)."""
from __future__ import annotations

import base64
import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .backends.base import Backend, SolverOptions
    from .protocol import Protocol

KAHN_TABLE_COLUMNS = ["scenario", "kind", "ec50", "emax", "ec50_ratio", "emax_ratio",
                      "kahn_class", "dose_needed", "compensation"]


def kahn_table(sim: Backend, scenarios: Mapping[str, dict], causes: Sequence[str] = (),
               readout: str = 'glucose_uptake', progress: Any = None,
               workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(points, fits, table): the dose-response of every scenario on ``sim``'s protocol,
    its Kahn class against healthy and the insulin that restores the healthy
    ``readout`` at the reference dose. ``table`` has KAHN_TABLE_COLUMNS, one row per
    scenario; ``kind`` is reference, cause (names in ``causes``) or mechanism."""
    from .doseresponse import compensation_table, dose_response
    points, fits = dose_response(sim, scenarios, progress=progress, workers=workers)
    compensation = compensation_table(sim, scenarios, readout, progress=progress)
    kinds = {"healthy": "reference", **{name: "cause" for name in causes}}
    main = fits[fits.readout == readout].copy()
    main.insert(1, "kind", [kinds.get(s, "mechanism") for s in main.scenario])
    table = main.merge(compensation[["scenario", "dose_needed", "status"]]
                       .rename(columns={"status": "compensation"}), on="scenario")
    return points, fits, table[KAHN_TABLE_COLUMNS]


def protocol_text(protocol: Protocol) -> str:
    """The protocol in one sentence, for the report."""
    return (f"Settled at {protocol.input_id} 0, then a step at t = 0; readouts "
            f"{protocol.readout_time:g} min later; Hill fit over {protocol.dose_count} doses "
            f"({protocol.dose_low:g} to {protocol.dose_high:g} nM); EC50 ratio > "
            f"{protocol.ec50_ratio_threshold:g}: reduced sensitivity; Emax ratio < "
            f"{protocol.emax_ratio_threshold:g}: reduced responsiveness (Kahn 1978).")


def protocol_section(protocol: Protocol, options: SolverOptions, backend: str) -> str:
    """The settle-then-step protocol every figure and table of the report follows,
    with the solver settings, and where to find it as SED-ML."""
    return (f"Every run sets the scenario's parameters, settles the model to its basal steady "
            f"state with {protocol.input_id} at 0 (steady-state solver, residual <= "
            f"{protocol.settle_rate:g} per min; if it cannot show that, "
            f"{protocol.settle_time:g} min simulated), then steps {protocol.input_id} to the "
            f"dose at t = 0 and reads out {protocol.readout_time:g} min later. Dose-responses: "
            f"{protocol.dose_count} log-spaced doses from {protocol.dose_low:g} to "
            f"{protocol.dose_high:g} nM, a four-parameter Hill fit per readout. Kahn 1978: "
            f"EC50 ratio > {protocol.ec50_ratio_threshold:g} is reduced sensitivity, Emax ratio "
            f"< {protocol.emax_ratio_threshold:g} reduced responsiveness. Compensation: the "
            f"dose that restores the healthy response at {protocol.reference_dose:g} nM (up to "
            f"{protocol.max_dose:g} nM). Solver: the {backend} backend, relative tolerance "
            f"{options.relative_tolerance:g}, absolute {options.absolute_tolerance:g}. The same "
            "protocol, as SBML events and SED-ML, is in the COMBINE archives of `python -m "
            "analysis export-omex` (last section).")


def _image(path):
    from .outputs import current
    data = base64.b64encode(current(path).read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(Path(path).name)}">'


def _table(df, float_format="{:.3g}"):
    return df.to_html(index=False, float_format=float_format.format, border=0, classes="t",
                      na_rep="")


STYLE = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
table.t{border-collapse:collapse;font-size:.8em}table.t td,table.t th{padding:2px 8px;
text-align:right;border-bottom:1px solid #eee}table.t td:first-child{text-align:left}
img{max-width:100%;margin:.5em 0}.meta{font-size:.8em;color:#666}figcaption{font-size:.8em}"""


class Links(list):
    """A report item: (text, href) pairs shown as a list of links."""


def _links(items):
    rows = "".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>'
                   for text, href in items)
    return f"<ul>{rows}</ul>"


def write_report(path: str | os.PathLike, title: str, sections: Sequence[tuple[str, str, list]],
                 metadata: Mapping[str, Any]) -> Path:
    """``sections``: list of (heading, text, [DataFrame | Links | image path, ...])."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
             f"</title><style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
             f"<p class='meta'>model {html.escape(str(metadata.get('model_file')))} "
             f"(sha256 {metadata.get('model_sha256', '')[:12]}), created "
             f"{metadata.get('created')}</p>"]
    for heading, text, items in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>")
        for item in items:
            if isinstance(item, pd.DataFrame):
                parts.append(_table(item))
            elif isinstance(item, Links):
                parts.append(_links(item))
            else:
                parts.append(f"<figure>{_image(item)}<figcaption>{html.escape(str(item))}"
                             "</figcaption></figure>")
    parts.append("</body></html>")
    from .outputs import stage
    text = "\n".join(parts)
    return stage(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
