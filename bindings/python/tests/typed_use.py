"""A researcher's typical use, type-checked by mypy against the package's annotations and the
native module's stubs (tests/test_types.py runs mypy on it)."""

from typing import List, Optional

import polars as pl

import dti


def ranked_names(year: int) -> List[str]:
    fw: dti.Framework = dti.Framework.builtin("vn-pdti-2022")
    ranked: pl.DataFrame = dti.score(dti.bundled_panel(), fw, lenient=False)
    names: List[str] = ranked.filter(pl.col("period") == year).sort("rank")["unit"].to_list()
    return names


def widest_interval() -> Optional[int]:
    study: dti.UncertaintyResult = dti.uncertainty(
        dti.bundled_panel(), {"runs": 10, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}]},
        progress=lambda done, total: done < total,
    )
    try:
        dti.score([{"unit": "HN", "values": {"GOV": 1.5}}])
    except dti.InputError as e:
        code: str = e.code
        row: Optional[int] = e.row
        print(code, row, e.problems)
    return study.runs
