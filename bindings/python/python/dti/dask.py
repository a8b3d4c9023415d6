"""Studies that outgrow one machine, on Dask, with the numbers of one process.

- :func:`score`: a Dask DataFrame scored partition by partition. Normalisation and ranks are
  relative to the cohort — the units of one period — so the frame is first shuffled by
  period: all rows of a period land in one partition, each partition is scored by
  :func:`dti.score` on a worker, and every number equals the one-process result.
- :func:`uncertainty`: the runs of an analysis split into blocks drawn on the workers
  (``dti_core::analyses::uncertainty_runs``) and joined (``uncertainty_from_draws``). Each
  run's draws depend only on (seed, run, input), and the summary is computed from sorted
  ranks and values, so the result is bit for bit the one-process result for the same seed.

The same code runs on a cluster of several machines: pass a ``distributed.Client`` connected
to its scheduler (``Client("tcp://scheduler:8786")``), with ``dti`` installed on each worker.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Tuple

import polars as pl

from . import FrameworkLike, UncertaintyResult, _dti, _framework, _one_period, _records, _uncertainty_result
from . import score as _score


def _score_partition(part: Any, framework_json: str, unit: str, period: str, options: Dict[str, Any]) -> Any:
    """One partition (pandas, whole periods) scored, back as pandas."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    if len(part) == 0:
        return _empty_result(framework_json, unit, period)
    fw = _framework(json.loads(framework_json))
    out = _score(pl.from_pandas(part.reset_index(drop=True)), fw, **options)
    # Ranks as floats whatever the partition (a rank may be missing): one dtype for Dask.
    out = out.with_columns(pl.col(c).cast(pl.Float64) for c in out.columns if c.endswith("rank"))
    return out.to_pandas(use_pyarrow_extension_array=False) if len(out) else _empty_result(framework_json, unit, period)


def _empty_result(framework_json: str, unit: str, period: str) -> Any:
    """The result's columns with no rows (Dask's ``meta``)."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    fw = _framework(json.loads(framework_json))
    d = fw.definition
    cols: Dict[str, Any] = {"unit": pd.Series([], dtype="object"), "name": pd.Series([], dtype="object"),
                            "period": pd.Series([], dtype="int64")}
    for prefix in [""] + [f"{c}." for c in [v["code"] for v in d.get("views", [])] + [n["code"] for n in d["nodes"]]]:
        cols[f"{prefix}value"] = pd.Series([], dtype="float64")
        cols[f"{prefix}points"] = pd.Series([], dtype="float64")
        cols[f"{prefix}rank"] = pd.Series([], dtype="float64")
    return pd.DataFrame(cols)


def score(ddf: Any, framework: FrameworkLike = "vn-pdti-2022", *, period: str = "period",
          unit: str = "unit", lenient: bool = False, layout: str = "auto") -> Any:
    """Scores a Dask DataFrame (wide or long layout, as :func:`dti.score` takes) and returns
    a lazy Dask DataFrame of :func:`dti.score`'s columns. The frame is shuffled by
    ``period`` first (one period is one cohort and must not span partitions); call
    ``.compute()`` for a pandas result."""
    fw = _framework(framework)
    framework_json = fw.to_json()
    if period not in ddf.columns:
        raise ValueError(f"the Dask frame has no '{period}' column: each period is a cohort, "
                         "and scoring in partitions needs it")
    by_period = ddf.shuffle(on=period)
    meta = _empty_result(framework_json, unit, period)
    options = {"lenient": lenient, "layout": layout}
    return by_period.map_partitions(_score_partition, framework_json, unit, period, options, meta=meta)


def _block(framework_json: str, records: str, spec: str, start: int, end: int) -> Tuple[str, bytes, bytes]:
    """Runs ``start..end`` on a worker: (units, values as f64, ranks as u32)."""
    fw = _framework(json.loads(framework_json))
    return _dti.uncertainty_runs(fw._native, records, spec, start, end)


def uncertainty(data: Any, spec: Mapping[str, Any], framework: FrameworkLike = "vn-pdti-2022", *,
                client: Any = None, blocks: Optional[int] = None, period: Optional[int] = None) -> UncertaintyResult:
    """An uncertainty analysis with its runs split into ``blocks`` (default: two per worker)
    drawn on the cluster's workers; identical, bit for bit, to :func:`dti.uncertainty` with
    the same ``spec`` and ``period`` (default: the latest in the data). ``client``: a
    ``distributed.Client`` (default: the current one)."""
    from distributed import default_client

    client = client or default_client()  # type: ignore[no-untyped-call, unused-ignore]
    fw = _framework(framework)
    records = _one_period(data, fw, period)
    spec_json = json.dumps(dict(spec))
    runs = int(spec["runs"])
    n = blocks or max(1, 2 * len(client.scheduler_info().get("workers", {})))
    n = max(1, min(n, runs))
    cuts = [runs * k // n for k in range(n + 1)]
    framework_json = fw.to_json()
    # The inputs travel once to each worker, not once per block.
    # Unique keys (hash=False): a study run twice must not meet its own released inputs.
    [fw_f, rec_f, spec_f] = client.scatter([framework_json, records, spec_json], broadcast=True, hash=False)
    futures = [client.submit(_block, fw_f, rec_f, spec_f, a, b, pure=False) for a, b in zip(cuts, cuts[1:])]
    parts: List[Tuple[str, bytes, bytes]] = client.gather(futures)
    raw = _dti.uncertainty_from_draws(fw._native, records, spec_json, parts)
    return _uncertainty_result(json.loads(raw))
