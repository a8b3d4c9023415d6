"""One product on every surface (#36): each operation of ``tests/surfaces/operations.json``
run with the same inputs on the command (``DTI_NATIVE``), this package and the npm package
(``tests/surfaces/npm.mjs`` on the build in ``bindings/wasm/pkg``, or ``DTI_WASM_PKG``), each
result put in one common shape — the fields every surface documents under the same meaning
(rank shifts: after minus before, negative = moved up; analyses on the latest period; Sobol
intervals; the 2025 merger before a comparison across it) — and asserted equal, to the bit."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import polars as pl
import pytest

import dti
from conftest import ROOT

OPS: Dict[str, Any] = json.loads((ROOT / "tests/surfaces/operations.json").read_text())
PANEL = str(ROOT / OPS["panel"])
FW = OPS["framework"]
PERIOD = OPS["period"]


def _unit_sorted(rows: List[List[Any]]) -> List[List[Any]]:
    return sorted(rows, key=lambda r: r[0])


def _json_file(tmp: Path, name: str, value: Any) -> str:
    path = tmp / name
    path.write_text(json.dumps(value))
    return str(path)


def command(tmp: Path) -> Dict[str, Any]:
    exe = os.environ.get("DTI_NATIVE")
    if not exe:
        pytest.fail("DTI_NATIVE is not set: point it at a built dti command")

    def run(*args: str) -> Any:
        out = subprocess.run([exe, *args, "--format", "json"], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    out: Dict[str, Any] = {}
    units = run("score", PANEL, "-f", FW, "--year", str(PERIOD))
    out["score"] = _unit_sorted([[u["unit"], u["period"], u["points"], u["value"], u["rank"],
                                  {n["code"]: [n["points"], n["rank"]] for n in u["nodes"]}] for u in units])
    e = run("explain", OPS["explain"], PANEL, "-f", FW)
    out["explain"] = [e["unit"], e["period"], e["points"], e["rank"],
                      [[o["code"], o["name_vi"], o["name_en"], o["gain"]] for o in e["explanation"]["opportunities"]]]
    m = run("merge", PANEL, "-f", FW, "--year", str(PERIOD))
    members = {(x["unit"], x["period"]): sorted(x["from"]) for x in m["members"]}
    out["merge"] = _unit_sorted([[u["unit"], u["period"], u["points"], u["rank"], members[(u["unit"], u["period"])]]
                                 for u in m["scores"]["units"] if u["period"] == PERIOD])
    c = run("scenario", _json_file(tmp, "scenario.json", OPS["scenario"]), PANEL, "-f", FW)
    out["scenario"] = _unit_sorted([[u["unit"], u["period"], *u["index"]["ranks"], u["index"]["rank_shifts"][1]]
                                    for u in c["units"] if u["index"] and u["period"] == PERIOD])
    cmp = OPS["compare"]
    c = run("compare", "-f", cmp["framework"], "--from", str(cmp["from"]), "--to", str(cmp["to"]))
    out["compare"] = _unit_sorted([[u["unit"], *u["index"]["ranks"], u["index"]["rank_shifts"][1]]
                                   for u in c["units"] if u["index"]])
    r = run("uncertainty", _json_file(tmp, "u.json", OPS["uncertainty"]), PANEL, "-f", FW)
    out["uncertainty"] = _unit_sorted([[u["unit"], u["period"], u["nominal_rank"], u["median_rank"], u["rank_p05"],
                                        u["rank_p95"], u["value_p05"], u["value_p95"]] for u in r["units"]])
    s = run("sensitivity", _json_file(tmp, "s.json", OPS["sensitivity"]), PANEL, "-f", FW)
    out["sensitivity"] = [[i["input"], i["first_order"], i["total"], i["first_order_ci"], i["total_ci"]]
                          for i in s["indices"]]
    loo = run("leave-one-out", PANEL, "-f", FW, "--depth", str(OPS["leave_one_out"]["depth"]))
    out["leave_one_out"] = [[x["code"], x["mean_abs_rank_shift"], max([abs(v) for v in x["shifts"] if v is not None] or [0])]
                            for x in loo["components"]]
    sup = OPS["supplement"]
    units = run("score", "published", "-f", sup["framework"], "--supplement",
                _json_file(tmp, "supplement.json", sup["supplement"]))
    out["supplement"] = _unit_sorted([[u["unit"], u["points"], u["rank"]] for u in units])
    k = OPS["coin"]
    r = run("coin", "--meta", str(ROOT / k["meta"]), "--data", str(ROOT / k["data"]), "--impute", k["impute"],
            "--treat", k["treat"], "--normalise", k["normalise"], "--aggregate", k["aggregate"])
    out["coin"] = _unit_sorted([[u["unit"], u["value"], u["rank"]] for u in r["scores"]["units"]])
    return out


def python() -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    codes = [n["code"] for n in dti.Framework.builtin(FW).definition["nodes"]]
    s = dti.score(PANEL, FW).filter(pl.col("period") == PERIOD)
    out["score"] = _unit_sorted([[r["unit"], r["period"], r["points"], r["value"], r["rank"],
                                  {c: [r[f"{c}.points"], r[f"{c}.rank"]] for c in codes}]
                                 for r in s.iter_rows(named=True)])
    e = dti.explain(PANEL, OPS["explain"], FW)
    out["explain"] = [e["unit"], e["period"], e["points"], e["rank"],
                      [[o["code"], o["name_vi"], o["name_en"], o["gain"]] for o in e["explanation"]["opportunities"]]]
    m = dti.merge(PANEL, FW).filter(pl.col("period") == PERIOD)
    out["merge"] = _unit_sorted([[r["unit"], r["period"], r["points"], r["rank"], sorted(r["from"])]
                                 for r in m.iter_rows(named=True)])
    c = dti.scenario(PANEL, OPS["scenario"], FW).filter(pl.col("period") == PERIOD)
    out["scenario"] = _unit_sorted([[r["unit"], r["period"], r["rank_baseline"], r["rank_scenario"], r["rank_shift"]]
                                    for r in c.iter_rows(named=True)])
    cmp = OPS["compare"]
    with pytest.warns(dti.DtiWarning, match="merged onto the 34"):
        c = dti.compare(dti.published("dti-63"), dti.published("dti-2024").select("unit", "name", "period", "DTI"),
                        cmp["framework"],
                        from_period=cmp["from"], to_period=cmp["to"])
    out["compare"] = _unit_sorted([[r["unit"], r["rank_a"], r["rank_b"], r["rank_shift"]]
                                   for r in c.iter_rows(named=True) if r["rank_a"] is not None or r["rank_b"] is not None])
    u = dti.uncertainty(PANEL, OPS["uncertainty"], FW, progress=False).units
    out["uncertainty"] = _unit_sorted([[r["unit"], r["period"], r["nominal_rank"], r["median_rank"], r["rank_p05"],
                                        r["rank_p95"], r["value_p05"], r["value_p95"]] for r in u.iter_rows(named=True)])
    s = dti.sensitivity(PANEL, OPS["sensitivity"], FW, progress=False)
    out["sensitivity"] = [[r["input"], r["first_order"], r["total"],
                           None if r["first_order_low"] is None else [r["first_order_low"], r["first_order_high"]],
                           None if r["total_low"] is None else [r["total_low"], r["total_high"]]]
                          for r in s.iter_rows(named=True)]
    loo = dti.leave_one_out(PANEL, FW, depth=OPS["leave_one_out"]["depth"])
    out["leave_one_out"] = [[r["left_out"], r["mean_abs_rank_shift"], r["max_abs_rank_shift"]]
                            for r in loo.iter_rows(named=True)]
    sup = OPS["supplement"]
    fw = dti.Framework.builtin(sup["framework"], supplement=sup["supplement"])
    out["supplement"] = _unit_sorted([[r["unit"], r["points"], r["rank"]]
                                      for r in dti.score(dti.published("dti-2024"), fw).iter_rows(named=True)])
    k = OPS["coin"]
    r = dti.coin(ROOT / k["meta"], ROOT / k["data"], impute=k["impute"], treat=k["treat"], normalise=k["normalise"],
                 aggregate=k["aggregate"]).results
    out["coin"] = _unit_sorted([[x["unit"], x["value"], x["rank"]] for x in r.iter_rows(named=True)])
    return out


def npm() -> Dict[str, Any]:
    pkg = os.environ.get("DTI_WASM_PKG")
    node = shutil.which("node")
    if not pkg and (node is None or not (ROOT / "bindings/wasm/pkg/node.mjs").exists()):
        # The test command builds the package before this suite (scripts/ci/python sets
        # DTI_WASM_PKG, which makes the npm side required).
        pytest.skip("the npm package is not built (scripts/wasm-package) or node is missing")
    assert node, "DTI_WASM_PKG is set but node is not on PATH"
    env = {**os.environ, **({"DTI_WASM_PKG": pkg} if pkg else {})}
    out = subprocess.run([node, str(ROOT / "tests/surfaces/npm.mjs")], check=True, capture_output=True, text=True,
                         env=env)
    result: Dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    return {"command": command(tmp_path_factory.mktemp("surfaces")), "python": python()}


OPERATIONS = ["score", "explain", "merge", "scenario", "compare", "uncertainty", "sensitivity", "leave_one_out",
              "supplement", "coin"]


@pytest.mark.parametrize("op", OPERATIONS)
def test_the_command_and_python_give_the_same_json(surfaces: Dict[str, Dict[str, Any]], op: str) -> None:
    cmd, py = surfaces["command"][op], surfaces["python"][op]
    assert cmd, f"{op}: the command gave nothing to compare"
    assert py == cmd, op


def test_npm_gives_the_same_json(surfaces: Dict[str, Dict[str, Any]]) -> None:
    js = npm()
    # Every operation npm has (the COINr pipeline is the command's and Python's).
    assert sorted(js) == sorted(set(OPERATIONS) - {"coin"})
    for op, value in js.items():
        # Equal as numbers (JSON from JS writes 45 where Python writes 45.0), every bit.
        assert value == surfaces["command"][op], op


def test_the_table_reaches_every_analysis_with_something_to_compare(surfaces: Dict[str, Dict[str, Any]]) -> None:
    # A comparison of empty results would pass: each operation has rows, shifts and intervals.
    cmd = surfaces["command"]
    assert len(cmd["score"]) == 63 and len(cmd["merge"]) == 34 and len(cmd["supplement"]) == 34
    assert any(r[-1] != 0 for r in cmd["scenario"]) and any(r[-1] != 0 for r in cmd["compare"])
    assert all(r[3] is not None and r[4] is not None for r in cmd["sensitivity"])
    assert len(cmd["explain"][-1]) > 0 and any(r[1] > 0 for r in cmd["leave_one_out"])
