import hashlib
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.errors import UserError
from analysis.results import (
    METADATA_KEY,
    build_metadata,
    file_sha256,
    package_versions,
    read_table,
    write_table,
)


def _frame():
    return pd.DataFrame(
        {
            "scenario": ["healthy", "ir", "healthy"],
            "dose": [0.1, 1.0, 10.0],
            "value": [1.5, np.nan, 3.25],
            "n": [1, 2, 3],
        }
    )


def test_sha256_of_known_bytes(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_package_versions_keys():
    versions = package_versions()
    assert list(versions) == [
        "python", "pysb", "bionetgen", "libroadrunner", "python-libsbml", "pandas", "numpy",
        "scipy", "SALib", "dask", "matplotlib", "pyarrow", "copasi-basico",
    ]
    assert versions["pandas"] == pd.__version__
    assert all(isinstance(v, str) and v for v in versions.values())


def test_build_metadata(tmp_path):
    model = tmp_path / "model.xml"
    model.write_bytes(b"<sbml/>")
    meta = build_metadata(
        analysis="dose_response",
        model_file=str(model),
        scenario="healthy",
        parameters={"k1": np.float64(0.5), "arr": np.array([1, 2])},
        settings={"n": np.int64(3), "bad": float("nan")},
        seed=np.int64(7),
        argv=["insulin", "dose-response", "--out", "my dir"],
    )
    assert meta["model_sha256"] == hashlib.sha256(b"<sbml/>").hexdigest()
    assert meta["parameters"] == {"k1": 0.5, "arr": [1, 2]}
    assert meta["settings"] == {"n": 3, "bad": None}
    assert meta["seed"] == 7
    assert meta["command_line"] == "insulin dose-response --out 'my dir'"
    assert meta["created"].endswith("+00:00")
    assert set(meta) == {
        "analysis", "created", "model_file", "model_sha256", "scenario", "parameters",
        "settings", "seed", "command_line", "package_versions",
    }
    json.dumps(meta, allow_nan=False)
    assert build_metadata(analysis="x", model_file=None)["model_sha256"] is None


def test_round_trip(tmp_path):
    df = _frame()
    meta = {"analysis": "dose_response", "seed": 1, "settings": {"points": 25}}
    paths = write_table(df, tmp_path / "out", "doses", meta)
    back, back_meta = read_table(paths["parquet"])
    pd.testing.assert_frame_equal(back, df)
    assert back_meta == meta
    assert json.loads(pq.read_schema(paths["parquet"]).metadata[METADATA_KEY]) == meta
    csv = pd.read_csv(paths["csv"])
    assert list(csv.columns) == list(df.columns)
    assert csv["value"].tolist()[0] == 1.5 and np.isnan(csv["value"][1])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "doses.csv", "doses.parquet", "metadata.json"]


def test_metadata_json_keeps_every_table(tmp_path):
    write_table(_frame(), tmp_path, "first", {"analysis": "a"})
    write_table(_frame(), tmp_path, "second", {"analysis": "b"})
    write_table(_frame(), tmp_path, "first", {"analysis": "a2"})
    stored = json.loads((tmp_path / "metadata.json").read_text())
    assert stored == {"first": {"analysis": "a2"}, "second": {"analysis": "b"}}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unwritable_dir_raises_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(UserError, match="cannot write to .*choose another output folder"):
        write_table(_frame(), blocker / "sub", "t", {"analysis": "a"})
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert blocker.read_text() == "x"


def test_read_missing_table_raises(tmp_path):
    with pytest.raises(UserError):
        read_table(tmp_path / "nope.parquet")
