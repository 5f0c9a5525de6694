"""One self-contained HTML page: tables and figures embedded."""
import base64
import html
from pathlib import Path

import pandas as pd


def _image(path):
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
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


def write_report(path, title, sections, metadata):
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
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)
    return path
