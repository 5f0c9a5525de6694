"""Result tables on disk: Parquet + CSV + metadata.json, written atomically."""
from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import platform
import shlex
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import UserError

METADATA_KEY = b"insulin_signaling"
METADATA_FILE = "metadata.json"
# Distribution names (import name in the comment when it differs).
DISTRIBUTIONS = (
    "pysb",
    "bionetgen",
    "libroadrunner",  # roadrunner
    "python-libsbml",  # libsbml
    "pandas",
    "numpy",
    "scipy",
    "SALib",
    "dask",
    "matplotlib",
    "pyarrow",
    "copasi-basico",  # basico
)


def package_versions() -> dict[str, str]:
    """{"python": ..., <distribution name>: version or "not installed"}."""
    versions = {"python": platform.python_version()}
    for dist in DISTRIBUTIONS:
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return versions


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def to_jsonable(obj: Any) -> Any:
    """Plain JSON types for numpy/pandas/Path values; NaN and inf become None."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    if isinstance(obj, (datetime.datetime, datetime.date, pd.Timestamp)):
        return obj.isoformat()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    return str(obj)


def build_metadata(*, analysis: str, model_file: str | os.PathLike | None, scenario: Any = None,
                   parameters: Mapping[str, Any] | None = None,
                   settings: Mapping[str, Any] | None = None, seed: int | None = None,
                   argv: Sequence[str] | None = None) -> dict:
    """Provenance record for one result table (JSON-serialisable dict)."""
    if model_file is not None and not os.path.isfile(model_file):
        raise UserError(f"model file '{model_file}' not found; give an existing SBML/PySB file")
    argv = sys.argv if argv is None else argv
    return to_jsonable(
        {
            "analysis": analysis,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "model_file": None if model_file is None else os.fspath(model_file),
            "model_sha256": None if model_file is None else file_sha256(model_file),
            "scenario": scenario,
            "parameters": parameters or {},
            "settings": settings or {},
            "seed": seed,
            "command_line": shlex.join(str(a) for a in argv),
            "package_versions": package_versions(),
        }
    )


def _cannot_write(out_dir, exc):
    reason = getattr(exc, "strerror", None) or str(exc)
    return UserError(f"cannot write to {out_dir}: {reason}; choose another output folder")


def _merged_metadata(out_dir, name, metadata):
    """metadata.json of ``out_dir`` (its version staged by the running command, if
    any) with ``name``'s entry set."""
    from .outputs import current
    path = out_dir / METADATA_FILE
    source = current(path)
    merged = {}
    if source.exists():
        try:
            merged = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot merge into {path}: {' '.join(str(exc).split())[:100]}; fix "
                            "or remove it, or choose another output folder") from None
        if not isinstance(merged, dict):
            raise UserError(f"cannot merge into {path}: not a JSON object; fix or remove it, or "
                            "choose another output folder")
    merged[name] = metadata
    return merged


def write_table(df: pd.DataFrame, out_dir: str | os.PathLike, name: str,
                metadata: Mapping[str, Any]) -> dict[str, Path]:
    """Write <name>.parquet, <name>.csv and merge metadata.json in ``out_dir``.

    Each file is written under a temporary name private to this process
    (:mod:`analysis.outputs`); inside a command they are renamed into place with
    the command's other files when it succeeds, outside one at once. Returns
    {"parquet", "csv", "metadata"} paths.
    """
    from .outputs import stage
    if not name or os.sep in name or "/" in name or name.startswith("."):
        raise UserError(f"table name '{name}' is not a plain file name; use letters, digits, '_' "
                        "or '-'")
    out_dir = Path(out_dir)
    metadata = to_jsonable(metadata)
    meta_json = json.dumps(metadata, allow_nan=False, sort_keys=True)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from exc
    merged = _merged_metadata(out_dir, name, metadata)
    try:
        table = pa.Table.from_pandas(df)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        mixed = [c for c in df.columns if df[c].dtype == object
                 and len({type(v) for v in df[c].dropna()}) > 1]
        where = f" (column {mixed[0]} mixes text and numbers)" if mixed else ""
        raise UserError(f"cannot write table {name}{where}: {' '.join(str(exc).split())[:120]}; "
                        "check that the input's numeric columns hold numbers") from None
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[METADATA_KEY] = meta_json.encode("utf-8")
    table = table.replace_schema_metadata(schema_meta)
    text = json.dumps(merged, indent=2, allow_nan=False, sort_keys=True) + "\n"
    index = not isinstance(df.index, pd.RangeIndex)
    return {
        "parquet": stage(out_dir / f"{name}.parquet", lambda tmp: pq.write_table(table, tmp)),
        "csv": stage(out_dir / f"{name}.csv", lambda tmp: df.to_csv(tmp, index=index)),
        "metadata": stage(out_dir / METADATA_FILE,
                          lambda tmp: tmp.write_text(text, encoding="utf-8")),
    }


def read_table(path: str | os.PathLike) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(DataFrame, metadata dict) from a Parquet file written by ``write_table``."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise UserError(f"cannot read table {path}: {exc}; give a .parquet file written by this "
                        "tool") from exc
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    metadata = json.loads(raw.decode("utf-8")) if raw else {}
    return table.to_pandas(), metadata
