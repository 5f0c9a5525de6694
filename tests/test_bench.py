"""The bench: its four contenders compute the same answers, and its table has the
expected shape. No timed assertion: machines are noisy."""
import pandas as pd
import pytest

from analysis import bench
from analysis.cli import main
from analysis.results import write_table

DOSES = (0.1, bench.CHECK_DOSE, 10.0)


@pytest.fixture(scope="module")
def measured():
    cat_set = bench.scenarios(mechanisms=("IR_expression_down",))
    assert list(cat_set) == ["healthy", "IR_expression_down=0.2"]
    timings = {"ours": bench.bench_ours(cat_set, repeats=1, doses=DOSES)}
    readouts = timings["ours"].extra["readouts"]
    timings["roadrunner"] = bench.bench_roadrunner(cat_set, 1, DOSES, readouts=readouts)
    timings["copasi"] = bench.bench_copasi(cat_set, 1, DOSES, readouts=readouts)
    timings.update(bench.bench_pysb(cat_set, 1, DOSES, readouts=readouts, per_dose=False))
    return timings, readouts


def test_contenders_agree_on_healthy_uptake_at_1nM(measured):
    timings, readouts = measured
    agree = bench.agreement(timings, readouts, doses=DOSES)
    assert set(agree) == {"ours", "roadrunner", "copasi", "pysb"}
    healthy = agree["ours"]["value"]
    assert 1.0 < healthy < 100.0          # nM/min: a real response, not a zero
    for name, a in agree.items():
        assert a["relative"] <= bench.AGREEMENT, (name, a["value"], healthy)
        assert a["worst"] <= bench.AGREEMENT, (name, a["worst"])
    # the mechanism scenario is not the healthy one: each run really settled anew
    i = DOSES.index(bench.CHECK_DOSE)
    j = readouts.index(bench.CHECK_READOUT)
    assert timings["ours"].outputs["IR_expression_down=0.2"][i, j] < 0.99 * healthy


def test_pysb_takes_the_cython_path(measured):
    timings, _ = measured
    assert "CythonRhsBuilder" in timings["pysb"].note
    assert timings["pysb"].extra["compile_s"] > 0


def test_table_columns_and_rows(measured, tmp_path):
    timings, readouts = measured
    agree = bench.agreement(timings, readouts, doses=DOSES)
    sobol = bench.bench_sobol(n=2, workers=[1], chunk_size=16, full_n=None,
                              progress=lambda *_: None)
    assert sobol["runs"][1]["failed"] == 0 and sobol["samples"] == 2 * (sobol["factors"] + 2)
    table = bench.summary(timings, agree, sobol)
    write_table(table, tmp_path, "bench", {"analysis": "bench"})
    csv = pd.read_csv(tmp_path / "bench.csv")
    assert list(csv.columns) == bench.COLUMNS
    times = csv[csv.item == "ms_per_simulation"]
    assert set(times.contender) == {"ours", "roadrunner", "copasi", "pysb"}
    assert (times.value > 0).all()
    ratios = csv[csv.item.str.startswith("ratio_")].set_index("contender")
    assert set(ratios.index) == {"roadrunner", "copasi", "pysb"}
    assert ratios.loc["pysb", "target"].startswith("ours >= 50x")
    assert {"sobol_samples_per_s_1_workers"} <= set(csv.item)
    assert csv[csv.item.str.startswith("check_")].met.all()


@pytest.mark.slow
def test_command_quick(tmp_path):
    assert main(["bench", "--quick", "--repeats", "1", "--out", str(tmp_path)]) == 0
    csv = pd.read_csv(tmp_path / "bench.csv")
    assert list(csv.columns) == bench.COLUMNS
    assert set(csv[csv.item == "ms_per_simulation"].contender) == set(bench.CONTENDERS)
    assert "sobol_speedup_2_workers" in set(csv.item) or bench.machine()["cores"] < 2
    assert (tmp_path / "bench.parquet").exists() and (tmp_path / "metadata.json").exists()
