"""The Python package against hand-worked golden cases and the native command: the same
numbers, the same problems, errors as exceptions with the core's codes."""

import io
import json
import math
import signal
import threading
import time
import warnings

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dti
from conftest import FIXTURES


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def golden_cases():
    for d in sorted(FIXTURES.iterdir()):
        if (d / "units.json").exists() and (d / "expected.json").exists():
            yield d


@pytest.mark.parametrize("case", list(golden_cases()), ids=lambda d: d.name)
def test_golden_cases_as_worked_by_hand(case):
    builtin = case / "framework.builtin"
    fw = dti.Framework.builtin(builtin.read_text().strip()) if builtin.exists() else \
        dti.Framework.from_json((case / "framework.json").read_text())
    expected = json.loads((case / "expected.json").read_text())
    options = expected.get("options", {})
    ranked = dti.score(json.loads((case / "units.json").read_text()), fw,
                       ties=options.get("ties"), lenient=options.get("lenient", False),
                       pool_periods=options.get("pool_periods", False))
    rows = {(r["unit"], r["period"]): r for r in ranked.iter_rows(named=True)}
    checked = 0
    for exp in expected["units"]:
        got = rows[(exp["unit"], exp.get("period"))]
        for k in ("value", "points", "rank"):
            if k in exp:
                assert close(got[k], exp[k]), (exp["unit"], k, got[k], exp[k])
                checked += 1
        for group in ("nodes", "views"):
            for code, want in exp.get(group, {}).items():
                for k in ("value", "points", "rank"):
                    if k in want:
                        assert close(got[f"{code}.{k}"], want[k]), (exp["unit"], code, k)
                        checked += 1
    assert checked > 0


def test_the_bundled_panel_scores_as_the_native_command(native):
    ranked = dti.score(dti.bundled_panel())
    assert ranked.height == 189
    for year in (2021, 2022, 2023):
        want = {u["unit"]: u for u in native("score", "synthetic", "--year", str(year))}
        got = ranked.filter(pl.col("period") == year)
        assert got.height == len(want) == 63
        for r in got.iter_rows(named=True):
            n = want[r["unit"]]
            # Exactly the same numbers, not close ones.
            assert (r["value"], r["points"], r["rank"]) == (n["value"], n["points"], n["rank"])
            for v in n["views"]:
                assert (r[f"{v['code']}.value"], r[f"{v['code']}.rank"]) == (v["value"], v["rank"])


def test_pandas_arrow_records_long_and_files_give_the_same_result(panel_records, tmp_path):
    wide = dti.bundled_panel()
    base = dti.score(wide)
    assert dti.score(wide.to_pandas()).equals(base)
    assert dti.score(wide.to_arrow()).equals(base)           # an Arrow PyCapsule producer
    by_records = dti.score(panel_records).sort("period", "unit")
    assert by_records.drop("name").equals(base.sort("period", "unit").drop("name"))
    long = wide.unpivot(index=["unit", "name", "period"], variable_name="indicator", value_name="value")
    assert dti.score(long).sort("period", "unit").equals(base.sort("period", "unit"))
    path = tmp_path / "panel.csv"
    wide.write_csv(path)
    assert dti.score(path).equals(base)
    assert dti.score(str(path), "vn-pdti-2022").equals(base)


def test_bad_rows_raise_every_problem_with_its_row():
    df = dti.bundled_panel()
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(1.7).otherwise(pl.col("GOV")).alias("GOV"),
        pl.when(pl.int_range(pl.len()) == 9).then(-0.2).otherwise(pl.col("AWR")).alias("AWR"),
    )
    with pytest.raises(dti.InputError) as e:
        dti.score(df)
    err = e.value
    assert err.code == "input"
    assert [(p["row"], p["unit"], p["indicator"], p["code"]) for p in err.problems] == [
        (5, df["unit"][4], "GOV", "value_out_of_range"), (10, df["unit"][9], "AWR", "value_out_of_range")]
    assert err.row == 5 and err.indicator == "GOV"
    assert "DataFrame row 5" in str(err)
    # Lenient: each refused value counts as missing (the framework's policy: zero), with a
    # warning naming its row; no row is lost.
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ranked = dti.score(df, lenient=True)
    assert ranked.height == 189
    # One warning, as the command gives one summary; each row's problems in its column.
    assert [str(x.message).split(";")[0] for x in w] == ["lenient: 2 problem(s) not scored as given (2 in the 'problems' column)"]
    assert "first: DataFrame row 5," in str(w[0].message) and "(and 1 more)" in str(w[0].message)
    flagged = ranked.filter(pl.col("problems").is_not_null())
    assert flagged.height == 2 and flagged["problems"].str.starts_with("DataFrame row ").all()
    bad = ranked.filter((pl.col("unit") == df["unit"][4]) & (pl.col("period") == df["period"][4]))
    assert bad["GOV.value"][0] == 0.0


def test_records_problems_are_worded_too(panel_records):
    bad = [dict(r, values={**r["values"], "GOV": 1.5}) if k == 2 else r for k, r in enumerate(panel_records)]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ranked = dti.score(bad, lenient=True)
    assert [str(x.message) for x in w] == [
        "lenient: 1 problem(s) not scored as given (1 in the 'problems' column); first: "
        "row 3, unit 'ha-noi' (2023), indicator 'GOV': "
        "1.5 is outside 0..1; a node's value is points achieved / max points"]
    assert ranked.filter(pl.col("problems").is_not_null())["unit"].to_list() == ["ha-noi"]
    with pytest.raises(dti.InputError) as e:
        dti.score(bad)
    assert e.value.problems[0]["text"].startswith("row 3, unit 'ha-noi' (2023)")


def test_a_fraction_of_a_count_and_a_year_out_of_range_are_errors():
    fw = json.loads(dti.Framework.builtin("vn-pdti-2022").to_json())
    fw["nodes"].append({"code": "AWR.MEET", "parent": "AWR", "name_vi": "Số cuộc họp", "max_points": 100,
                        "rule": {"type": "steps", "whole": True, "steps": [{"at": 1, "points": 50}, {"at": 2, "points": 100}]}})
    with pytest.raises(dti.InputError) as e:
        dti.score([{"unit": "A", "values": {"AWR.MEET": 2.5}}], dti.Framework.from_json(fw))
    assert [(p["code"], p["indicator"]) for p in e.value.problems] == [("not_whole", "AWR.MEET")]
    with pytest.raises(dti.InputError) as e:
        dti.score(pl.DataFrame({"unit": ["A", "B"], "period": [2023, -2147483648], "GOV": [0.5, 0.5]}))
    assert [p["row"] for p in e.value.problems] == [2]
    assert "'-2147483648' is not a year between 1000 and 9999" in e.value.problems[0]["text"]
    with pytest.raises(dti.InputError) as e:
        dti.score([{"unit": "A", "period": -2147483648, "values": {"GOV": 0.5}}])
    assert [p["code"] for p in e.value.problems] == ["period_out_of_range"]


def test_unreadable_frames_and_frameworks_are_errors():
    with pytest.raises(dti.InputError) as e:
        dti.score(pl.DataFrame({"unit": ["a"], "period": [2023], "BOGUS": [0.5]}))
    assert e.value.code == "invalid_file" and e.value.problems[0]["indicator"] == "BOGUS"
    with pytest.raises(dti.FrameworkError) as f:
        dti.Framework.builtin("vn-pdti-1999")
    assert f.value.code == "unknown_builtin"
    with pytest.raises(dti.FrameworkError) as g:
        dti.Framework.from_json({"schema_version": 1, "id": "x", "name_vi": "X", "nodes": [{"code": "A", "name_vi": "A", "parent": "Z"}]})
    assert g.value.code == "invalid_framework" and g.value.problems
    with pytest.raises(dti.DtiError) as h:
        dti.score("/no/such/file.csv")
    assert h.value.code == "bad_argument"
    with pytest.raises(dti.DtiError):
        dti.score(object())
    # An empty frame, or one without rows, is said to be so (never an empty answer).
    for empty in (pl.DataFrame(), dti.bundled_panel().head(0)):
        with pytest.raises(dti.InputError, match="no (columns|rows)"):
            dti.score(empty)
    # A repeated unit names both rows as rows of the frame.
    with pytest.raises(dti.InputError) as d:
        dti.score(pl.concat([dti.bundled_panel(), dti.bundled_panel().head(1)]))
    assert d.value.problems[0]["row"] == 190
    assert d.value.problems[0]["text"].endswith("already appear in row 1"), d.value.problems[0]["text"]
    # A column that is no indicator is a problem of the frame's columns, not of a row.
    with pytest.raises(dti.InputError) as c:
        dti.score(dti.bundled_panel().rename({"GOV": "GOVX"}))
    assert c.value.problems[0]["row"] is None and c.value.problems[0]["text"].startswith("DataFrame columns")


def test_explain_merge_as_the_native_command(native):
    panel = dti.bundled_panel()
    got = dti.explain(panel, "Hà Nội")
    want = native("explain", "ha-noi", "synthetic")
    assert (got["unit"], got["rank"], got["value"]) == (want["unit"], want["rank"], want["value"])
    assert got["explanation"]["opportunities"] == want["explanation"]["opportunities"]
    merged = dti.merge(panel)
    n = native("merge", "synthetic")
    want = {(u["unit"], u["period"]): u for u in n["scores"]["units"]}
    assert merged.height == len(want) == 102
    for r in merged.iter_rows(named=True):
        w = want[(r["unit"], r["period"])]
        assert (r["value"], r["rank"]) == (w["value"], w["rank"])
    hue = merged.filter((pl.col("unit") == "hue") & (pl.col("period") == 2023))["from"].to_list()
    assert hue == [["thua-thien-hue"]]
    # A map that leaves units out says so.
    with pytest.warns(dti.DtiWarning, match="61 unit"):
        two = dti.merge(panel.filter(pl.col("period") == 2023), map={"groups": [{"unit": "hn2", "from": ["ha-noi", "ha-nam"]}]})
    assert two["from"].to_list() == [["ha-noi", "ha-nam"]]


def test_uncertainty_is_the_native_commands(native):
    spec = json.loads((FIXTURES / "specs/dti2022-points-25.json").read_text())
    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    calls = []
    study = dti.uncertainty(year, spec, progress=lambda done, total: calls.append((done, total)))
    want = native("uncertainty", str(FIXTURES / "specs/dti2022-points-25.json"), "synthetic", "--year", "2023")
    assert study.raw["units"] == want["units"]
    assert study.runs == 1000 and calls and calls[-1] == (1000, 1000)
    assert study.units.height == 63


def test_progress_cancels_and_ctrl_c_stops_an_analysis():
    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    spec = {"runs": 20000, "seed": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}
    with pytest.raises(dti.Cancelled):
        dti.uncertainty(year, spec, progress=lambda done, total: False)
    # Ctrl-C while it runs: SIGINT from another thread, raised as KeyboardInterrupt. The timer
    # thread can only raise it because the analysis releases the GIL while it runs (holding
    # it, the signal came after the call had returned, outside this block).
    timer = threading.Timer(0.05, lambda: signal.raise_signal(signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        dti.uncertainty(year, {**spec, "runs": 100000}, progress=False)
    assert time.monotonic() - t0 < 5


def test_analyses_that_do_nothing_say_so():
    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    with pytest.raises(dti.AnalysisError) as e:
        dti.uncertainty(year, {"runs": 50, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 9}]})
    assert e.value.code in ("no_effect", "analysis_spec", "invalid")
    with pytest.raises(dti.AnalysisError):
        dti.compare(year.filter(pl.col("unit") == "ha-noi"), year.filter(pl.col("unit") == "hai-phong"))
    with pytest.warns(dti.DtiWarning):
        dti.scenario(year, {"values": [{"unit": "ha-noi", "indicator": "SMART", "op": "set", "value": 0.9}]})


def test_scenario_compare_sensitivity_leave_one_out():
    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    moved = dti.scenario(year, {"values": [{"unit": "hau-giang", "indicator": "GOV", "op": "set", "value": 1.0}]})
    hg = moved.filter(pl.col("unit") == "hau-giang").row(0, named=True)
    assert hg["rank_scenario"] < hg["rank_baseline"] and hg["rank_shift"] < 0  # negative: moved up
    c = dti.compare(dti.bundled_panel().filter(pl.col("period") == 2023),
                    dti.bundled_panel().filter(pl.col("period") == 2023), "vn-pdti-2022")
    assert c["rank_shift"].abs().sum() == 0 and c.height == 63
    s = dti.sensitivity(year, {"n": 64, "seed": 3, "inputs": [
        {"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2},
        {"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]},
        progress=False)
    assert s["input"].to_list() == ["w", "agg"] and s["total"].is_finite().all()
    loo = dti.leave_one_out(year)
    assert loo.height > 0 and (loo["mean_abs_rank_shift"] >= 0).all()


def test_rank_shifts_have_the_native_commands_sign(native):
    # One meaning on every surface: the rank after minus the rank before (negative = moved up).
    panel = dti.bundled_panel()
    py = dti.compare(panel, panel, from_period=2022, to_period=2023)
    cmd = native("compare", "synthetic", "--from", "2022", "--to", "2023")
    shifts = {u["unit"]: u["index"]["rank_shifts"][1] for u in cmd["units"] if u["index"]}
    assert {r["unit"]: r["rank_shift"] for r in py.iter_rows(named=True)} == shifts
    assert any(s < 0 for s in shifts.values()) and any(s > 0 for s in shifts.values())


def test_leave_one_out_has_the_native_commands_defaults(native):
    # Depth 2 on the latest period, as `dti leave-one-out` (was depth 1 pooled over every year).
    py = dti.leave_one_out(dti.bundled_panel())
    cmd = native("leave-one-out", "synthetic")
    assert py["left_out"].to_list() == [c["code"] for c in cmd["components"]]
    assert py["mean_abs_rank_shift"].to_list() == [c["mean_abs_rank_shift"] for c in cmd["components"]]
    with pytest.raises(dti.DtiError) as e:
        dti.leave_one_out(dti.bundled_panel(), period=1999)
    assert "period=1999" in str(e.value)
    # Nothing to analyse is an error naming the parameter, not an empty answer.
    with pytest.raises(dti.DtiError) as e:
        dti.uncertainty([], {"runs": 10, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.1}]}, progress=False)
    assert str(e.value) == "data: there are no records to analyse" and e.value.path == "data"


def test_coin_takes_the_commands_method_strings(native):
    meta, data = FIXTURES / "coin-toy/meta.csv", FIXTURES / "coin-toy/data.csv"
    by_text = dti.coin(meta, data, impute="mean", normalise="zscore:10,2", aggregate="geometric").results
    by_dict = dti.coin(meta, data, impute={"method": "mean"}, normalise={"method": "z_score", "m": 10, "s": 2},
                       aggregate={"method": "geometric_mean"}).results
    assert by_text.equals(by_dict)
    cmd = native("coin", "--meta", str(meta), "--data", str(data), "--impute", "mean", "--normalise", "zscore:10,2",
                 "--aggregate", "geometric")
    want = {u["unit"]: (u["value"], u["rank"]) for u in cmd["scores"]["units"]}
    assert {r["unit"]: (r["value"], r["rank"]) for r in by_text.iter_rows(named=True)} == want
    with pytest.raises(dti.DtiError) as e:
        dti.coin(meta, data, normalise="minmax:5")
    assert e.value.code == "bad_argument" and str(e.value).startswith("normalise='minmax:5'")


def test_coin_returns_what_the_commands_out_dir_writes(native, tmp_path):
    # Every data set by stage, the treatment log, weights, statistics and correlations: the
    # same tables as `dti coin --out-dir` (its CSV files round numbers for reading; the JSON
    # has them whole), with COINr's stage names.
    meta, data = FIXTURES / "asem/asem_iMeta.csv", FIXTURES / "asem/asem_iData.csv"
    out = dti.coin(meta, data, impute="mean", treat="winsor:5", normalise="minmax:0,100")
    assert list(out.data) == ["Raw", "Imputed", "Treated", "Normalised", "Aggregated"]
    cmd = native("coin", "--meta", str(meta), "--data", str(data), "--impute", "mean", "--treat", "winsor:5",
                 "--normalise", "minmax:0,100", "--out-dir", str(tmp_path))
    for stage, frame in out.data.items():
        want = pl.read_csv(tmp_path / f"{stage}.csv", infer_schema_length=None)
        assert frame.columns == want.columns, stage
        assert frame.select(pl.exclude("uName")).equals(want.select(pl.exclude("uName"))), stage
    # The raw data set is the file as read; the normalised one the results' leaf values.
    raw = pl.read_csv(data, infer_schema_length=None)
    assert out.data["Raw"]["LPI"].to_list() == raw["LPI"].to_list()
    assert out.data["Normalised"]["LPI"].to_list() == out.results["LPI.value"].to_list()
    # COINr's Aggregated: the normalised indicators, then every aggregate up to the index.
    aggregated = out.data["Aggregated"]
    assert aggregated.columns[: len(out.data["Normalised"].columns)] == out.data["Normalised"].columns
    assert aggregated["Conn"].to_list() == out.results["Conn.value"].to_list()
    assert aggregated["Index"].to_list() == out.results["value"].to_list()
    assert out.statistics.columns == pl.read_csv(tmp_path / "Statistics.csv").columns
    js = cmd
    assert out.statistics["iCode"].to_list() == [s["code"] for s in js["statistics"]]
    assert out.statistics["Std"].to_list() == [s["summary"]["sd"] for s in js["statistics"]]
    # COINr's get_stats names and flags: ASEM's Flights is skewed with outliers (COINr's own test).
    assert out.statistics.columns[:12] == ["iCode", "Min", "Max", "Mean", "Median", "Std", "Skew", "Kurt", "N.Avail",
                                           "Frc.Avail", "Flag.Avail", "Flag.SkewKurt"]
    flights = out.statistics.filter(pl.col("iCode") == "Flights").row(0, named=True)
    assert flights["Flag.SkewKurt"] == "OUT" and abs(flights["Skew"]) > 2 and flights["Kurt"] > 3.5
    assert out.correlations.columns == ["iCode", *js["correlations"]["codes"]]
    assert out.correlations.drop("iCode").rows() == [tuple(r) for r in js["correlations"]["matrix"]]
    assert out.weights["effective_weight"].to_list() == [w["weight"] for w in js["effective_weights"]]
    assert out.weights.columns == pl.read_csv(tmp_path / "Weights.csv").columns
    log = pl.read_csv(tmp_path / "Treatment.csv")
    assert out.treatment.columns == log.columns
    assert out.treatment["winsorised_high"].to_list() == log["winsorised_high"].to_list()
    assert out.treatment["winsorised_high"].sum() > 0
    assert out.raw["treatment"] == js["treatment"]
    # The whole report is the command's, field by field (one definition: PipelineRun::report).
    for key in ("imputation", "screened", "treatment", "missing_denominators", "effective_weights", "statistics",
                "correlations"):
        assert out.raw[key] == js[key], key


def test_the_package_shows_only_its_own_names():
    shown = dir(dti)
    assert not {"os", "re", "json", "math", "io", "pl", "warnings", "Path"} & set(shown)
    assert set(dti.__all__) <= set(shown) and all(hasattr(dti, n) for n in dti.__all__)


def test_coin_toy_as_worked_by_hand():
    expected = json.loads((FIXTURES / "coin-toy/expected.json").read_text())
    meta = pl.read_csv(FIXTURES / "coin-toy/meta.csv")
    data = pl.read_csv(FIXTURES / "coin-toy/data.csv", null_values=["NA"])
    out = dti.coin(meta, data, denominate=True).results   # the README: i3 is divided by Pop
    for r in out.iter_rows(named=True):
        want = expected[r["unit"]]
        assert close(r["value"], want["IDX"]) and r["rank"] == want["rank"]
        for code in ("S1", "S2", "S3", "P1", "P2"):
            assert close(r[f"{code}.value"], want[code]), (r["unit"], code)
    fw = dti.Framework.from_coinr(FIXTURES / "coin-toy/meta.csv", FIXTURES / "coin-toy/data.csv")
    assert fw.id
    # A unit D with 1 of 6 indicators, first in the table: screening at 50 % drops it before
    # normalising, so the rows are A, B, C with the toy's own scores (not D, A, B).
    lines = (FIXTURES / "coin-toy/data.csv").read_text().splitlines()
    with_d = "\n".join([lines[0], "D,Delta,2024,North,10,50,NA,NA,NA,NA,NA", *lines[1:]]) + "\n"
    data_d = pl.read_csv(io.StringIO(with_d), null_values=["NA"])
    screened = dti.coin(meta, data_d, denominate=True, screen=0.5).results
    assert screened["unit"].to_list() == out["unit"].to_list() == ["A", "B", "C"]
    assert screened["value"].to_list() == out["value"].to_list()


def test_frameworks_pickle_and_list():
    import pickle

    fw = dti.Framework.builtin("vn-pdti-2022")
    again = pickle.loads(pickle.dumps(fw))
    assert again.id == "vn-pdti-2022" and again.definition == fw.definition
    assert dti.builtin_ids() == ["vn-pdti-2020", "vn-pdti-2022", "vn-pdti-2024", "vn-pdti-2025"]
    assert math.isclose(sum(n.get("max_points", 0) for n in fw.definition["nodes"]), 1000)


def test_a_long_analysis_shows_a_tqdm_bar(capsys):
    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    spec = {"runs": 2000, "seed": 5, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}
    dti.uncertainty(year, spec)                      # progress=True: tqdm is installed here
    err = capsys.readouterr().err
    assert "uncertainty" in err and "2000/2000" in err, err
    dti.uncertainty(year, spec, progress=False)
    assert capsys.readouterr().err == ""


def test_the_published_dti_2024_reproduced(native):
    """The bundled published table, scored by vn-pdti-2024: every published value within its
    rounding, every published rank exactly (expected: the ministry's numbers), and the same
    numbers as the native command."""
    table = dti.published()
    assert table.height == 34 and {"AWR", "SOC", "DTI", "rank"} <= set(table.columns)
    ranked = dti.score(table, "vn-pdti-2024")
    published = {r["unit"]: r for r in table.iter_rows(named=True)}
    for r in ranked.iter_rows(named=True):
        p = published[r["unit"]]
        assert abs(r["value"] - p["DTI"]) <= 1e-4, r["unit"]
        assert r["rank"] == p["rank"], r["unit"]
    want = {u["unit"]: u for u in native("score")}
    for r in ranked.iter_rows(named=True):
        assert (r["value"], r["rank"]) == (want[r["unit"]]["value"], want[r["unit"]]["rank"])
        assert want[r["unit"]]["published_value"] == published[r["unit"]]["DTI"]
    assert "dti.gov.vn" in dti.PUBLISHED_SOURCE


def test_ranks_as_published_and_the_merger():
    totals = dti.published("dti-63")
    assert totals.height == 189
    y22 = dti.score(totals.filter(pl.col("period") == 2022), "total")
    rank = {r["unit"]: r["rank"] for r in y22.iter_rows(named=True)}
    # Thanh Hóa = Yên Bái = 0.6350 in 2022: both 15th, then 17th.
    assert rank["thanh-hoa"] == rank["yen-bai"] == 15 and 16 not in rank.values()
    # The rule is a parameter: rounded to 2 decimals, far more provinces share a rank.
    assert dti.score(totals.filter(pl.col("period") == 2022), "total", ties={"rounded": 2})["rank"].n_unique() < 40
    with pytest.raises(dti.DtiError):
        dti.published("dti-1999")
    # 2023 (63 provinces) against 2024 (34): merged first, and said.
    with pytest.warns(dti.DtiWarning, match="merged onto the 34"):
        c = dti.compare(totals, dti.published().select(["unit", "name", "period", "DTI"]), "total",
                        from_period=2023, to_period=2024)
    assert c.height == 34
    hn = c.filter(pl.col("unit") == "ha-noi").row(0, named=True)
    assert (hn["rank_a"], hn["rank_b"]) == (5, 1)


def test_an_absent_indicator_is_said_aloud():
    """A frame without the GOV column would rank every province on 800 of 1000 points:
    a warning names it (and a unit that reports nothing)."""
    frame = pl.DataFrame({"unit": ["ha-noi", "hue"], "period": [2024, 2024],
                          "AWR": [1.0, None], "ECO": [0.5, None]})
    with pytest.warns(dti.DtiWarning, match="no unit reports 'GOV'"):
        dti.score(frame, "vn-pdti-2024")
    with pytest.warns(dti.DtiWarning, match="report no value of the framework at all: 'hue'"):
        dti.score(frame, "vn-pdti-2024")


def test_files_are_read_by_the_core(tmp_path, native):
    """A path is decoded by the core, as the command decodes it: a UTF-16 file scores with
    the command's rows; Latin-1 bytes are an error naming the file and its first bad row."""
    text = "unit,period,AWR,GOV\nha-noi,2024,0.9,0.5\nhue,2024,0.8,0.7\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    got = dti.score(str(utf16), "vn-pdti-2024")
    want = {u["unit"]: u for u in native("score", str(utf16), "--framework", "vn-pdti-2024")}
    assert sorted(got["unit"].to_list()) == sorted(want) == ["ha-noi", "hue"]
    for r in got.iter_rows(named=True):
        assert (r["value"], r["rank"]) == (want[r["unit"]]["value"], want[r["unit"]]["rank"])
    latin = tmp_path / "latin.csv"
    latin.write_bytes("unit,period,GOV\nha-noi,2024,0.5\nHà Nam,2024,0.6\n".encode("latin-1"))
    with pytest.raises(dti.DtiError) as e:
        dti.score(str(latin), "vn-pdti-2024")
    assert e.value.code == "invalid_file"
    assert "latin.csv, row 3" in str(e.value) and "UTF-8" in str(e.value)


def test_a_container_that_contains_itself_is_an_error_not_a_hang():
    """A dict or list that contains itself is refused, naming where it turns back (json.dumps
    would raise without a path; the walk for NaN never ended); one shared by two records is
    read as it is, and the first NaN in key order is the one named."""
    record = {"unit": "A", "values": {"GOV": 0.5}}
    record["values"]["self"] = record
    with pytest.raises(dti.DtiError) as e:
        dti.score([record])
    assert (e.value.code, e.value.path) == ("bad_argument", "data[0].values.self"), str(e.value)
    assert "contains itself" in str(e.value)
    panel = dti.bundled_panel().filter(pl.col("period") == 2023)
    spec: dict = {"runs": 10, "inputs": []}
    spec["inputs"].append(spec)
    with pytest.raises(dti.DtiError) as e:
        dti.uncertainty(panel, spec)
    # The spec is read as a copy of its top level: the walk turns back at the list it holds.
    assert (e.value.code, e.value.path) == ("bad_argument", "spec.inputs[0].inputs"), str(e.value)
    shared = {"GOV": 0.5, "ECO": 0.25}
    both = dti.score([{"unit": "A", "values": shared}, {"unit": "B", "values": shared}])
    assert both.height == 2
    with pytest.raises(dti.DtiError) as e:
        dti.score([{"unit": "A", "values": {"GOV": float("nan"), "ECO": float("inf")}}])
    assert e.value.path == "data[0].values.GOV", str(e.value)


def test_what_json_cannot_hold_is_an_error_naming_its_field():
    """A set, a date, a numpy-style integer, a key that is not text, a whole number too large
    for a float or nesting 100 levels deep: each a DtiError naming the field (json.dumps
    raised TypeError or RecursionError, without a path)."""
    import datetime

    deep: list = []
    inner = deep
    for _ in range(5000):
        inner.append([])
        inner = inner[0]

    class Count(int):
        pass

    cases = [
        ({"GOV": {1, 2}}, "data[0].values.GOV", "a set is not a value"),
        ({"GOV": datetime.date(2023, 1, 1)}, "data[0].values.GOV", "a date is not a value"),
        ({"GOV": 10 ** 400}, "data[0].values.GOV", "1329 bits is too large"),
        ({"GOV": -(10 ** 5000)}, "data[0].values.GOV", "16610 bits is too large"),
        ({"GOV": deep}, "data[0].values.GOV" + "[0]" * 97, "nested more than 100 levels deep"),
        ({("G", "OV"): 0.5}, "data[0].values", "keys are text or numbers"),
    ]
    for values, path, says in cases:
        with pytest.raises(dti.DtiError) as e:
            dti.score([{"unit": "A", "values": values}])
        assert (e.value.code, e.value.path) == ("bad_argument", path), str(e.value)
        assert says in str(e.value), str(e.value)
    # int subclasses and whole numbers a float holds are numbers as before.
    assert dti.score([{"unit": "A", "values": {"GOV": Count(1), "ECO": 10 ** 300 * 0}}]).height == 1


def test_wrong_keywords_and_nan_name_the_parameter():
    """Each wrong keyword is an error naming the parameter as Python names it; NaN in a spec,
    a record or a framework names its field (not a position in JSON the user never wrote)."""
    panel = dti.bundled_panel().filter(pl.col("period") == 2023)
    cases = [
        (lambda: dti.score(panel, lenient="no"), "lenient: expected True or False"),
        (lambda: dti.score(panel, groups="name"), "groups: expected a list of column names, got the string 'name'"),
        (lambda: dti.leave_one_out(panel, depth=-1), "depth: expected a whole number of at least 1"),
        (lambda: dti.explain(panel, "ha-noi", period="2023"), "period: expected a year"),
        (lambda: dti.uncertainty(panel, {"runs": 10, "inputs": [{"name": "w", "kind": "weight_noise",
                                                               "factor": float("nan")}]}),
         "spec.inputs[0].factor: nan is not a finite number"),
        (lambda: dti.score([{"unit": "A", "values": {"GOV": float("inf")}}]), "data[0].values.GOV: inf is not a finite number"),
        (lambda: dti.Framework.from_json({"schema_version": 1, "id": "x", "name_vi": "X",
                                          "nodes": [{"code": "A", "name_vi": "A", "max_points": float("nan")}]}),
         "framework.nodes[0].max_points: nan is not a finite number"),
    ]
    for call, says in cases:
        with pytest.raises(dti.DtiError) as e:
            call()
        assert e.value.code == "bad_argument" and says in str(e.value), str(e.value)
