"""dti.dask on a real distributed.LocalCluster (two worker processes, loopback only): a panel
of 100,000 units over two periods scored in partitions and a 100,000-draw study, each
identical to the one-process result."""

import json
import time

import numpy as np
import pandas as pd
import polars as pl
import pytest

import dti
import dti.dask

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None, memory_limit="4GiB")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def big_panel(units: int, periods=(2022, 2023)) -> pd.DataFrame:
    """Synthetic values in 0..1 for the nine main indicators (seeded)."""
    rng = np.random.default_rng(7)
    codes = ["AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC"]
    frames = []
    for p in periods:
        f = pd.DataFrame({"unit": [f"u{k:06d}" for k in range(units)], "period": p})
        for c in codes:
            f[c] = np.round(rng.uniform(0, 1, units), 4)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_a_panel_scored_in_partitions_is_the_one_process_result(client):
    panel = big_panel(100_000)                        # 200,000 rows: 100,000 units × 2 periods
    ddf = dd.from_pandas(panel, npartitions=8)        # rows of each period spread over partitions
    t0 = time.perf_counter()
    got = dti.dask.score(ddf, "vn-pdti-2022").compute()
    t_dask = time.perf_counter() - t0
    want = dti.score(panel)
    got = pl.from_pandas(got).sort("period", "unit")
    want = want.sort("period", "unit")
    assert got.height == want.height == 200_000
    for col in ("value", "points", "CQS.value", "GOV.points"):
        assert got[col].to_list() == want[col].to_list(), col
    assert got["rank"].cast(pl.Int64).to_list() == want["rank"].to_list()
    print(f"\n# 200,000 rows (100,000 units × 2 periods) scored on 2 workers in {t_dask:.2f} s")


def test_a_study_split_across_workers_is_bit_identical(client):
    year = dti.bundled_panel().filter(pl.col("period") == 2023)
    spec = {"runs": 100_000, "seed": 2022,
            "inputs": [{"name": "main-indicator points", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}
    t0 = time.perf_counter()
    spread = dti.dask.uncertainty(year, spec, client=client, blocks=8)
    t_dask = time.perf_counter() - t0
    t0 = time.perf_counter()
    local = dti.uncertainty(year, spec, progress=False)
    t_local = time.perf_counter() - t0
    # Bit for bit: the JSON text of the two results is the same.
    assert json.dumps(spread.raw, sort_keys=True) == json.dumps(local.raw, sort_keys=True)
    assert spread.runs == 100_000
    print(f"\n# 100,000 draws: {t_dask:.2f} s on 2 workers (8 blocks), {t_local:.2f} s in process")
