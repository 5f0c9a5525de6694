"""Installable anywhere: the wheel, installed (not editable) into a fresh virtual
environment, runs from another directory with its own data files."""
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, encoding="utf-8",
                          **kwargs)


def test_wheel_installs_and_simulates_from_another_directory(tmp_path):
    run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", tmp_path / "dist")
    wheel = next((tmp_path / "dist").glob("insulin_signaling-*.whl"))
    venv = tmp_path / "venv"
    run(sys._base_executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # the dependencies are this environment's (a .pth adds its site-packages, whose
    # editable-install hooks are not run from there); the project itself is the wheel
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(python, "-c", "import analysis, models; print(analysis.__file__, models.__file__)",
                cwd=elsewhere).stdout
    assert str(ROOT) not in where and str(venv) in where
    out = elsewhere / "out"
    run(python, "-m", "analysis", "simulate", "--end", "10", "--points", "11", "--out", out,
        cwd=elsewhere)
    meta = json.loads((out / "metadata.json").read_text())["readouts"]
    assert str(venv) in meta["model_file"] and meta["model_sha256"]
    assert (out / "timecourse.parquet").is_file()
    listing = run(python, "-m", "analysis", "mechanisms", cwd=elsewhere).stdout
    assert "IR_expression_down" in listing
    metadata = run(python, "-c", "from importlib.metadata import metadata; "
                   "print(metadata('insulin-signaling')['License-Expression'])").stdout
    assert metadata.strip() == "MIT"
