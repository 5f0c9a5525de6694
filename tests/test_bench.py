"""The bench: its contenders compute the same answers, and its table has the expected
shape and targets. No timed assertion: machines are noisy."""
import numpy as np
import pandas as pd
import pytest

from analysis import bench
from analysis.cli import main
from analysis.protocol import DEFAULT
from analysis.results import write_table

PROTOCOL = DEFAULT.with_doses(5, 0.01, 100.0)      # 0.01, 0.1, 1, 10, 100 nM


@pytest.fixture(scope="module")
def measured():
    cat_set = bench.scenarios(mechanisms=("IR_expression_down",))
    assert list(cat_set) == ["healthy", "IR_expression_down=0.2"]
    timings = bench.bench_dose_response(bench.CONTENDERS, cat_set, 1, PROTOCOL)
    return timings, list(bench.DEFAULT_READOUTS)


def test_contenders_agree_on_healthy_uptake_at_1nM(measured):
    timings, readouts = measured
    agree = bench.agreement(timings, readouts, doses=PROTOCOL.doses)
    assert set(agree) == set(bench.CONTENDERS)
    healthy = agree["ours"]["value"]
    assert 1.0 < healthy < 100.0          # nM/min: a real response, not a zero
    for name, a in agree.items():
        assert a["relative"] <= bench.AGREEMENT, (name, a["value"], healthy)
        assert a["worst"] <= 1e-3, (name, a["worst"])
    # the mechanism scenario is not the healthy one: each run really settled anew
    i = list(PROTOCOL.doses).index(1.0)
    j = readouts.index(bench.CHECK_READOUT)
    assert timings["ours"].outputs["IR_expression_down=0.2"][i, j] < 0.99 * healthy


def test_pysb_takes_the_cython_path(measured):
    timings, _ = measured
    assert "CythonRhsBuilder" in timings["pysb"].note
    assert timings["pysb"].extra["compile_s"] > 0


def test_table_columns_rows_and_targets(measured, tmp_path):
    timings, readouts = measured
    agree = bench.agreement(timings, readouts, doses=PROTOCOL.doses)
    sobol = bench.bench_sobol_samples(("ours", "tuned", "plain"), 2, 1)
    assert sobol["ours"].extra["samples"] == 2 * (sobol["ours"].extra["factors"] + 2)
    # the Sobol code path and the bare loops compute the same samples
    for name in ("tuned", "plain"):
        assert np.allclose(sobol[name].outputs["sobol"], sobol["ours"].outputs["sobol"],
                           rtol=1e-6)
    full = {"n": 2, "samples": 40, "factors": 18, "workers": 2, "seconds": 3.0, "failed": 0}
    hook = bench.time_callable(lambda: sum(range(1000)), repeats=2)
    table = bench.summary(timings, agree, sobol, full, 0.1, {"objective_evaluation": hook},
                          PROTOCOL)
    write_table(table, tmp_path, "bench", {"analysis": "bench"})
    csv = pd.read_csv(tmp_path / "bench.csv")
    assert list(csv.columns) == bench.COLUMNS
    times = csv[csv.item == "ms_dose_response"]
    assert set(times.contender) == set(bench.CONTENDERS) and (times.value > 0).all()
    assert set(csv[csv.item == "ms_sobol_sample"].contender) == {"ours", "tuned", "plain"}
    ratios = csv[csv.item.str.startswith("ratio_")].set_index("item")
    assert set(ratios.index) == {
        "ratio_ours_over_tuned_dose_response", "ratio_plain_over_ours_dose_response",
        "ratio_copasi_over_ours_dose_response", "ratio_pysb_over_ours_dose_response",
        "ratio_ours_over_tuned_sobol_sample", "ratio_plain_over_ours_sobol_sample"}
    assert ratios.loc["ratio_pysb_over_ours_dose_response", "target"] == "PySB >= 40x ours"
    assert ratios.met.notna().all()
    rows = csv.set_index("item")
    assert rows.loc["sobol_full_seconds", "met"] and rows.loc["help_seconds", "met"]
    assert rows.loc["objective_evaluation", "value"] > 0
    assert csv[csv.item.str.startswith("check_")].met.all()
    assert "MET" in bench.format_table(table)


def test_paired_ratio_is_the_median_of_run_by_run_ratios():
    a = bench.Timing("a", [2.0, 4.0, 9.0], {}, 0.0)
    b = bench.Timing("b", [1.0, 1.0, 3.0], {}, 0.0)
    assert bench.paired_ratio(a, b) == 3.0


def test_help_is_fast_enough_to_measure():
    assert 0 < bench.help_seconds(repeats=1) < 10


@pytest.mark.slow
def test_command_quick(tmp_path, capsys):
    assert main(["bench", "--quick", "--repeats", "1", "--out", str(tmp_path)]) == 0
    csv = pd.read_csv(tmp_path / "bench.csv")
    assert list(csv.columns) == bench.COLUMNS
    assert set(csv[csv.item == "ms_dose_response"].contender) == set(bench.CONTENDERS)
    assert (tmp_path / "bench.parquet").exists() and (tmp_path / "metadata.json").exists()
    assert "load average" in capsys.readouterr().out
