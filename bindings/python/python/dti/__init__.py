"""Score Vietnam's provincial Digital Transformation Index (DTI) — and any index built the same
way — on polars and pandas DataFrames, with the numbers of the ``dti`` Rust crate.

>>> import dti
>>> fw = dti.Framework.builtin("vn-pdti-2022")
>>> ranked = dti.score(dti.bundled_panel(), fw)        # a polars DataFrame
>>> ranked.filter(ranked["period"] == 2023).sort("rank")["unit"][0]
'ho-chi-minh'

Data is a polars or pandas DataFrame (any object with the Arrow PyCapsule interface works:
polars reads it), a list of unit records (dicts), or a path to a CSV or JSON file. A DataFrame
is read by the ``dti`` command's own reader — wide (one column per indicator) or long
(``unit, period, indicator, value``), with the headers of published tables — so it gives the
command's numbers and its problems, each with its row (rows count from 1). Every number comes
from the native module; this package is glue.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union

import polars as pl

from . import _dti
from ._errors import AnalysisError, Cancelled, DtiError, FrameworkError, InputError

__version__: str = _dti.__version__

__all__ = [
    "Framework", "builtin_ids", "bundled_panel", "published", "PUBLISHED_SOURCE", "read", "score", "explain", "merge", "scenario",
    "compare", "uncertainty", "sensitivity", "leave_one_out", "coin", "CoinResult", "UncertaintyResult",
    "DtiError", "InputError", "FrameworkError", "AnalysisError", "Cancelled", "DtiWarning",
]


def __dir__() -> List[str]:
    """What ``dir(dti)`` and tab completion show: the package's names, not the modules it
    imports (``os``, ``re``, ``json``, ``pl``) — PEP 562."""
    return sorted(__all__ + ["Data", "FrameworkLike", "ProgressLike"])

#: What the functions take as data: a DataFrame (polars, pandas, or any Arrow PyCapsule
#: producer), unit records, or a path to a CSV or JSON file.
Data = Union[pl.DataFrame, Any, Sequence[Mapping[str, Any]], str, "os.PathLike[str]"]
#: A framework: a built-in id, a definition (dict), or a :class:`Framework`.
FrameworkLike = Union["Framework", str, Mapping[str, Any]]
#: A progress report: ``True`` (a tqdm bar when tqdm is installed), ``False``, or a callable
#: ``(done, total) -> bool | None`` (``False`` cancels).
ProgressLike = Union[bool, Callable[[int, int], Optional[bool]]]


class DtiWarning(UserWarning):
    """A problem the package scored around (lenient mode), with its row; or a note of the
    reader (a result column read past)."""


class Framework:
    """A validated framework: the indicator tree, weights or max points, rules and views."""

    def __init__(self, native: "_dti.Framework") -> None:
        self._native = native

    @staticmethod
    def builtin(id: str, supplement: Optional[Mapping[str, Any]] = None) -> "Framework":
        """A built-in framework (``builtin_ids()``): ``"vn-pdti-2022"`` is the DTI of 2021–2023.

        ``supplement`` completes a framework whose source does not publish every number (as
        ``dti --supplement`` does): ``{"max_points": {code: points}, "weights": {code:
        weight}}``. ``"vn-pdti-2025"`` publishes its pillars' points but not its indicators'::

            dti.Framework.builtin("vn-pdti-2025", supplement={"max_points": {...}})"""
        if supplement is None:
            return Framework(_dti.Framework.builtin(id))
        return Framework(_dti.Framework.builtin(id, _json("supplement", dict(supplement))))

    @staticmethod
    def from_json(definition: Union[str, Mapping[str, Any]]) -> "Framework":
        """A framework from its JSON definition (text or dict), validated: a
        :class:`FrameworkError` lists every problem."""
        text = definition if isinstance(definition, str) else _json("framework", definition)
        return Framework(_dti.Framework.from_json(text))

    @staticmethod
    def from_coinr(meta: Data, data: Data) -> "Framework":
        """The framework a COINr / JRC COIN Tool metadata table describes (with its data table,
        which must match it): DataFrames or paths to the two CSV files."""
        return Framework(_dti.Framework.from_coinr(_table_text(meta), _table_text(data)))

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def definition(self) -> Dict[str, Any]:
        """The definition as a dict (nodes, views, weights…)."""
        out: Dict[str, Any] = json.loads(self._native.to_json())
        return out

    def to_json(self) -> str:
        return self._native.to_json()

    def __reduce__(self) -> Any:
        # Pickled as its definition: Dask and multiprocessing ship it to other processes.
        return (Framework.from_json, (self.to_json(),))

    def __repr__(self) -> str:
        return f"Framework({self.id!r})"


def builtin_ids() -> List[str]:
    """The ids of the built-in frameworks."""
    return list(_dti.builtin_ids())


def bundled_panel() -> pl.DataFrame:
    """The synthetic 63-province panel (2021–2023, vn-pdti-2022) the ``dti`` command scores by
    default, wide: ``unit, name, period`` and the nine main indicators."""
    return pl.read_csv(io.StringIO(_dti.bundled_csv()))


#: Where the published DTI results come from (as every surface prints it).
PUBLISHED_SOURCE = ("Bộ Khoa học và Công nghệ, kết quả DTI cấp tỉnh (dti.gov.vn), as transcribed in "
                    "Tuan04-D/opendx (MIT licence); official public statistics")


def published(name: str = "dti-2024") -> pl.DataFrame:
    """The official DTI results as the ministry published them, bundled (source:
    :data:`PUBLISHED_SOURCE`): ``"dti-2024"``, DTI 2024 of the 34 provinces after the 2025
    merger (``unit``, ``name``, ``period``, ``rank``, ``DTI`` and the eight main indicators
    ``AWR`` … ``SOC``, scored by ``"vn-pdti-2024"``), or ``"dti-63"``, the DTI of the 63
    provinces for 2022, 2023 and 2024 (``unit``, ``name``, ``period``, ``DTI``: scored as
    published by the framework ``"total"``). Units are the registry's ids; names as published.

    >>> dti.score(dti.published(), "vn-pdti-2024")   # the official ranking, reproduced
    """
    raw = _dti.published_json(name)
    if raw is None:
        raise DtiError(f"name: no published data '{name}'; available: dti-2024, dti-63", "bad_argument")
    d = json.loads(raw)
    rows = []
    for r in d["rows"]:
        row: Dict[str, Any] = {"unit": r["unit"], "name": r["name"], "period": r["period"]}
        if any(x["rank"] is not None for x in d["rows"]):
            row["rank"] = r["rank"]
        row["DTI"] = r["dti"]
        for code, v in r["values"]:
            row[code] = v
        rows.append(row)
    return pl.DataFrame(rows)


def _framework(framework: FrameworkLike) -> Framework:
    if isinstance(framework, Framework):
        return framework
    if isinstance(framework, str):
        return Framework.builtin(framework)
    return Framework.from_json(framework)


def _frame(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        return data
    try:
        return pl.DataFrame(data)  # pandas, pyarrow, any Arrow PyCapsule producer
    except Exception as e:  # noqa: BLE001 - said plainly below
        raise DtiError(f"data: not a DataFrame polars can read ({type(data).__name__}): {e}", "bad_argument") from e


@dataclass
class _Source:
    name: str
    text: Optional[str] = None
    records: Optional[str] = None
    frame: bool = False


def _source(data: Data) -> _Source:
    """A file's text (paths), CSV text (DataFrames) or records JSON (lists of dicts)."""
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        if not path.is_file():
            raise DtiError(f"data: no file {path}", "bad_argument", {"path": str(path)})
        # Decoded by the core, as the command decodes files: the same encodings, messages and rows.
        return _Source(str(path), text=_dti.decode_file(str(path), path.read_bytes()))
    if isinstance(data, (list, tuple)):
        return _Source("records", records=_json("data", list(data)))
    frame = _frame(data)
    if frame.width == 0:
        raise InputError("the DataFrame has no columns", "invalid_file")
    if frame.height == 0:
        raise InputError("the DataFrame has no rows: nothing to score", "invalid_file")
    return _Source("DataFrame", text=frame.write_csv(), frame=True)


def _table_text(data: Data) -> str:
    src = _source(data)
    if src.text is None:
        raise DtiError("a COINr table is a DataFrame or a CSV file", "bad_argument")
    return src.text


def _shift_rows(text: str) -> str:
    """The core's words for a DataFrame read as CSV ("DataFrame, row 5": the CSV's line,
    the header being line 1) in the frame's own: its row from 1, its columns."""
    def row(m: "re.Match[str]") -> str:
        line = int(m.group(1))
        return "DataFrame columns" if line == 1 else f"DataFrame row {line - 1}"
    text = re.sub(r"DataFrame, row (\d+)", row, text)
    # A duplicate names the row of its first record the same way.
    return re.sub(r"already appear in row (\d+)", lambda m: f"already appear in row {int(m.group(1)) - 1}", text)


def _rows(problems: List[Dict[str, Any]], src: _Source) -> List[Dict[str, Any]]:
    """A DataFrame's problems by row (from 1), not by the line of the CSV it was read as."""
    if not src.frame:
        return problems
    out = []
    for p in problems:
        p = dict(p)
        line = p.pop("line", None)
        p["row"] = None if line in (None, 1) else line - 1
        p["text"] = _shift_rows(p.get("text", ""))
        out.append(p)
    return out


def _relocated(e: DtiError, src: _Source) -> DtiError:
    if src.frame and e.problems:
        e.problems = _rows(e.problems, src)
        e.args = tuple(_shift_rows(a) if isinstance(a, str) else a for a in e.args)
        e.row = e.problems[0].get("row")
    return e


def _flag(name: str, value: Any) -> bool:
    """A keyword that must be True or False (``lenient="no"`` is not)."""
    if not isinstance(value, bool):
        raise DtiError(f"{name}: expected True or False, got {value!r}", "bad_argument", {"path": name})
    return value


def _names(name: str, value: Any) -> List[str]:
    """A list of column names (a bare string would be split into its letters)."""
    if isinstance(value, str):
        raise DtiError(f"{name}: expected a list of column names, got the string {value!r} "
                       f"(write {name}=[{value!r}])", "bad_argument", {"path": name})
    out = list(value)
    if not all(isinstance(v, str) for v in out):
        raise DtiError(f"{name}: expected a list of column names (strings), got {out!r}", "bad_argument", {"path": name})
    return out


def _whole(name: str, value: Any, least: int) -> int:
    """A whole number at least ``least`` (``depth=-1``, ``depth=1.5`` are not)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise DtiError(f"{name}: expected a whole number of at least {least}, got {value!r}", "bad_argument",
                       {"path": name})
    return value


def _year(name: str, value: Any) -> Optional[int]:
    """A period: a year as an int, or None (``period="2023"`` is not)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise DtiError(f"{name}: expected a year (a whole number) or None, got {value!r}", "bad_argument",
                       {"path": name})
    return value


# How deep a parameter may nest (the core's JSON reader stops at 128; no record, spec or
# framework needs more than a few levels).
_MAX_DEPTH = 100


def _unheld(value: Any, path: str) -> Optional[Tuple[str, str]]:
    """The first thing in a spec, record or framework that JSON cannot hold, as its path and
    a message naming it: a NaN or infinity, an integer too large for a number, a value of
    another type (a set, a date, a numpy integer), a key that is not text or a number,
    nesting deeper than ``_MAX_DEPTH``, or a dict or list that contains itself (json.dumps
    would raise, without a path; the walk would never end). None when there is none. Each
    container is walked once: one shared by two records holds the same the second time."""
    leave = object()
    stack: List[Any] = [(value, path, 0)]
    open_: Set[int] = set()
    done: Set[int] = set()
    while stack:
        v, p, depth = stack.pop()
        if v is leave:
            open_.discard(p)
            done.add(p)
        elif isinstance(v, float):
            if not math.isfinite(v):
                return p, f"{p}: {v} is not a finite number"
        elif v is None or isinstance(v, (str, bool)):
            continue
        elif isinstance(v, int):
            try:
                float(v)
            except OverflowError:
                # bit_length, not the digits: str() refuses ints past 4,300 digits.
                return p, f"{p}: a whole number of {v.bit_length()} bits is too large for a number (at most 1,024)"
        elif isinstance(v, (dict, list, tuple)):
            if id(v) in done:
                continue
            if id(v) in open_:
                return p, f"{p}: a container that contains itself, which JSON cannot hold"
            if depth >= _MAX_DEPTH:
                return p, f"{p}: nested more than {_MAX_DEPTH} levels deep"
            open_.add(id(v))
            stack.append((leave, id(v), depth))
            if isinstance(v, dict):
                for k in v:
                    if k is not None and not isinstance(k, (str, int, float)):
                        return p, f"{p}: the key {k!r:.60} is a {type(k).__name__}; keys are text or numbers"
                stack.extend((x, f"{p}.{k}", depth + 1) for k, x in reversed(list(v.items())))
            else:
                stack.extend((x, f"{p}[{k}]", depth + 1) for k, x in reversed(list(enumerate(v))))
        else:
            return p, (f"{p}: a {type(v).__name__} is not a value this package takes (numbers, text, "
                       "True/False, None, lists and dicts)")
    return None


def _json(name: str, value: Any) -> str:
    """A parameter as JSON, refusing what JSON cannot hold (NaN, infinities, sets, cycles …)
    by the field that holds it (json.dumps would raise without one, and the core would name a
    position in text the user never wrote)."""
    bad = _unheld(value, name)
    if bad is not None:
        raise DtiError(bad[1], "bad_argument", {"path": bad[0]})
    return json.dumps(value)


def _options(layout: str, groups: Sequence[str], delimiter: Optional[str], lenient: bool = False,
             ties: Any = None, pool_periods: bool = False, nodes: bool = True) -> str:
    o: Dict[str, Any] = {"layout": layout, "groups": _names("groups", groups), "lenient": _flag("lenient", lenient),
                         "pool_periods": _flag("pool_periods", pool_periods), "nodes": _flag("nodes", nodes)}
    if delimiter is not None:
        o["delimiter"] = delimiter
    if ties is not None:
        o["ties"] = ties
    return json.dumps(o)


def read(data: Data, framework: FrameworkLike = "vn-pdti-2022", *, layout: str = "auto",
         groups: Sequence[str] = (), delimiter: Optional[str] = None) -> List[Dict[str, Any]]:
    """The unit records of ``data`` as the ``dti`` command reads them (provinces named as
    published resolved to their codes); an :class:`InputError` lists every problem."""
    out: List[Dict[str, Any]] = json.loads(_records(data, _framework(framework), layout, groups, delimiter))
    return out


def _records(data: Data, fw: Framework, layout: str = "auto", groups: Sequence[str] = (),
             delimiter: Optional[str] = None) -> str:
    """The records JSON of ``data`` (strict: every problem raises, with its row)."""
    src = _source(data)
    if src.records is not None:
        return src.records
    try:
        units, _notes, _problems = _dti.read_records(fw._native, src.name, src.text or "",
                                                     _options(layout, groups, delimiter), True)
    except DtiError as e:
        raise _relocated(e, src) from None
    return units


def _score_frame(data: Data, fw: Framework, options: str) -> Optional[pl.DataFrame]:
    """A clean wide DataFrame (polars, pandas, pyarrow: any Arrow PyCapsule producer) scored
    straight from its Arrow columns, the results handed to polars without a copy; ``None``
    where the general path (the frame's CSV text, with its located messages) must read it."""
    if isinstance(data, (str, os.PathLike, list, tuple)) or not hasattr(data, "__arrow_c_stream__"):
        return None
    # A polars frame column by column: its own export copies a frame of many chunks (as
    # read_csv makes) into one; each column's keeps them.
    series = data.get_columns() if isinstance(data, pl.DataFrame) and data.width else None
    if series is not None and not all(hasattr(c, "__arrow_c_stream__") for c in series):
        series = None  # an older polars: the frame's own export
    try:
        if series is not None:
            got = _dti.score_frame_columns(fw._native, series, options)
        else:
            got = _dti.score_frame(fw._native, data, options)
    except DtiError as e:
        raise _relocated(e, _Source("DataFrame", frame=True)) from None
    except Exception:  # noqa: BLE001 - a producer that cannot export: the general path says why
        return None
    if got is None:
        return None
    columns, _problems, notes = got
    for n in notes:
        warnings.warn(n, DtiWarning, stacklevel=3)
    return pl.DataFrame(columns)


def score(data: Data, framework: FrameworkLike = "vn-pdti-2022", *, layout: str = "auto",
          groups: Sequence[str] = (), delimiter: Optional[str] = None, lenient: bool = False,
          ties: Any = None, pool_periods: bool = False, nodes: bool = True) -> pl.DataFrame:
    """Scores every unit and period: one row each, with ``unit``, ``name``, ``period``,
    ``value``, ``points``, ``rank`` and every view's and node's ``<code>.value``,
    ``<code>.points`` and ``<code>.rank``. Each period is a cohort.
    ``nodes=False``: the index's and the views' (pillars') columns only, the columns of the
    command's table and CSV — on a large frame a result under a third the size, each node's
    column let go as soon as its parent is made.

    Strict by default: any problem raises :class:`InputError` with every problem and its row.
    ``lenient=True`` scores the rest, as the command does: a refused value counts as missing
    (the framework's missing policy), a row that cannot be read is left out; one
    :class:`DtiWarning` gives the count and the first problem, and a ``problems`` column gives
    each row's (null where there are none).
    ``ties``: how ranks treat near-equal values, in every ranking and rank normaliser:
    ``"auto"`` (the default: the framework's own rule — the DTI frameworks rank values
    rounded to 4 decimals, as the ministry publishes them; others a relative 1e-12),
    ``{"rounded": 4}``, ``"exact"`` (as COINr ranks) or ``{"tolerance": 1e-12}``."""
    fw = _framework(framework)
    options = _options(layout, groups, delimiter, lenient, ties, pool_periods, nodes)
    fast = _score_frame(data, fw, options)
    if fast is not None:
        return fast
    src = _source(data)
    try:
        if src.records is not None:
            columns, problems, notes = _dti.score_records(fw._native, src.records, options)
        else:
            columns, problems, notes = _dti.score_text(fw._native, src.name, src.text or "", options)
    except DtiError as e:
        raise _relocated(e, src) from None
    for n in notes:
        warnings.warn(n, DtiWarning, stacklevel=2)
    out = pl.DataFrame(columns)
    if lenient:
        out = _lenient(out, _rows(json.loads(problems), src))
    return out


def _lenient(out: pl.DataFrame, problems: List[Dict[str, Any]]) -> pl.DataFrame:
    """Lenient scores as the command gives them: one summary warning, and a ``problems``
    column with each row's problems ("; " between them; null where there are none)."""
    by_row: Dict[Any, List[str]] = {}
    for p in problems:
        by_row.setdefault((p.get("unit"), p.get("period")), []).append(str(p.get("text") or p.get("message")))
    rows = list(zip(out["unit"].to_list(), out["period"].to_list()))
    column = ["; ".join(by_row[k]) if k in by_row else None for k in rows]
    out = out.with_columns(pl.Series("problems", column, dtype=pl.String))
    if problems:
        placed = set(rows)
        left_out = sum(len(v) for k, v in by_row.items() if k not in placed)
        where = f"{len(problems) - left_out} in the 'problems' column"
        if left_out:
            where += f", {left_out} in rows left out"
        first = str(problems[0].get("text") or problems[0].get("message"))
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        warnings.warn(f"lenient: {len(problems)} problem(s) not scored as given ({where}); first: {first}{more}",
                      DtiWarning, stacklevel=3)
    return out


def explain(data: Data, unit: str, framework: FrameworkLike = "vn-pdti-2022", *,
            period: Optional[int] = None) -> Dict[str, Any]:
    """One unit's result with its explanation: every node's points against its max, what each
    leaf contributed and lost, and its best improvement opportunities (``code``, ``name_vi``,
    ``name_en``, ``gain``). ``unit`` is an id, a
    name (case and diacritics ignored) or a province's name; ``period`` defaults to the
    unit's latest."""
    fw = _framework(framework)
    out: Dict[str, Any] = json.loads(_dti.explain(fw._native, _records(data, fw), unit, _year("period", period), "{}"))
    # Each opportunity with its leaf's names, as the command's JSON and npm give them.
    nodes = {n["code"]: n for n in fw.definition["nodes"]}
    for o in (out.get("explanation") or {}).get("opportunities", []):
        n = nodes.get(o["code"], {})
        o["name_vi"], o["name_en"] = n.get("name_vi", ""), n.get("name_en", "")
    return out


def merge(data: Data, framework: FrameworkLike = "vn-pdti-2022", *,
          map: Optional[Mapping[str, Any]] = None, lenient: bool = False) -> pl.DataFrame:
    """Scores merged units from their former ones (default: the 2025 province merger, 63 → 34):
    the columns of :func:`score` and ``from``, the former units of each."""
    fw = _framework(framework)
    options = json.dumps({"lenient": _flag("lenient", lenient)})
    columns, report_json = _dti.merge(fw._native, _records(data, fw), None if map is None else _json("map", map), options)
    report = json.loads(report_json)
    if report["unmapped"]:
        left = sorted({u["unit"] for u in report["unmapped"]})
        warnings.warn(f"{len(left)} unit(s) are in no group of the map and are not in the result: "
                      f"{', '.join(left[:10])}{' …' if len(left) > 10 else ''}", DtiWarning, stacklevel=2)
    df = pl.DataFrame(columns, strict=False)
    former = {(m["unit"], m["period"]): m["from"] for m in report["members"]}
    return df.with_columns(pl.Series("from", [former.get((u, p), []) for u, p in zip(df["unit"], df["period"])],
                                     dtype=pl.List(pl.String)))


def _comparison(cohorts: List[str], labels: Sequence[str]) -> pl.DataFrame:
    c = json.loads(_dti.compare(cohorts))
    rows = []
    for u in c["units"]:
        idx = u["index"]
        if idx is None:
            continue
        row: Dict[str, Any] = {"unit": u["unit"], "period": u["period"]}
        for k, label in enumerate(labels):
            row[f"value_{label}"] = idx["values"][k]
            row[f"rank_{label}"] = idx["ranks"][k]
        first, last = idx["ranks"][0], idx["ranks"][-1]
        row["rank_shift"] = None if first is None or last is None else last - first
        rows.append(row)
    both = [r for r in rows if all(r[f"rank_{label}"] is not None for label in labels)]
    if not both:
        raise AnalysisError("the two rankings have no unit and period in common: nothing to compare", "no_effect")
    return pl.DataFrame(rows, strict=False)


def scenario(data: Data, scenario: Mapping[str, Any], framework: FrameworkLike = "vn-pdti-2022") -> pl.DataFrame:
    """Applies a what-if scenario (values set, added or scaled; weights, max points,
    aggregators, normalisers changed; nodes dropped or added) and compares it with the
    baseline: ``value_baseline``, ``rank_baseline``, ``value_scenario``, ``rank_scenario``,
    ``rank_shift`` (the rank after minus the rank before: negative = moved up, as in the
    command, Rust and npm) per unit and period."""
    fw = _framework(framework)
    records = _records(data, fw)
    fw2_json, records2 = _dti.apply_scenario(fw._native, records, _json("scenario", dict(scenario)))
    fw2 = Framework.from_json(fw2_json)
    base = _dti.score_json(fw._native, records, "{}")
    after = _dti.score_json(fw2._native, records2, "{}")
    out = _comparison([base, after], ["baseline", "scenario"])
    if out["rank_shift"].abs().sum() == 0 and (out["value_baseline"] == out["value_scenario"]).all():
        warnings.warn("the scenario changes no unit's value or rank", DtiWarning, stacklevel=2)
    return out


def compare(a: Data, b: Data, framework: FrameworkLike = "vn-pdti-2022",
            framework_b: Optional[FrameworkLike] = None, *, from_period: Optional[int] = None,
            to_period: Optional[int] = None) -> pl.DataFrame:
    """Compares two rankings (two data sets, or one under two frameworks): ``value_a``,
    ``rank_a``, ``value_b``, ``rank_b``, ``rank_shift`` (``rank_b - rank_a``: negative = moved
    up, as everywhere) per unit and period; raises when they
    have nothing in common.

    ``from_period`` and ``to_period`` compare one period of ``a`` with one of ``b``, units
    matched by id. When that period of ``a`` holds the 63 provinces before the 2025 merger and
    ``b``'s the 34 after it, ``a`` is merged onto the 34 first by the ministry's rule (plain
    means of the former provinces' values), with a :class:`DtiWarning` saying so::

        dti.compare(dti.published("dti-63"), dti.published().select("unit", "name", "period", "DTI"),
                    "total", from_period=2023, to_period=2024)"""
    fw = _framework(framework)
    fw_b = _framework(framework_b) if framework_b is not None else fw
    if from_period is None and to_period is None:
        sa = _dti.score_json(fw._native, _records(a, fw), "{}")
        sb = _dti.score_json(fw_b._native, _records(b, fw_b), "{}")
        return _comparison([sa, sb], ["a", "b"])
    before = [r for r in json.loads(_records(a, fw)) if from_period is None or r.get("period") == from_period]
    after = [r for r in json.loads(_records(b, fw_b)) if to_period is None or r.get("period") == to_period]
    for side, rows, period in (("a", before, from_period), ("b", after, to_period)):
        if not rows:
            raise DtiError(f"{'from_period' if side == 'a' else 'to_period'}: {side} has no rows for {period}",
                           "bad_argument")
    sb = _dti.score_json(fw_b._native, json.dumps(after), "{}")
    c, merged = _dti.compare_across_merger(fw._native, json.dumps(before), sb)
    if merged:
        warnings.warn(f"the {len(before)} provinces of {from_period} were merged onto the 34 of the 2025 map "
                      "first (plain means of the former provinces' values, the ministry's rule), then compared",
                      DtiWarning, stacklevel=2)
    rows = []
    for u in json.loads(c)["units"]:
        idx = u["index"]
        if idx is None:
            continue
        (va, vb), (ra, rb) = idx["values"], idx["ranks"]
        rows.append({"unit": u["unit"], "value_a": va, "rank_a": ra, "value_b": vb, "rank_b": rb,
                     "rank_shift": None if ra is None or rb is None else rb - ra})
    if not any(r["rank_a"] is not None and r["rank_b"] is not None for r in rows):
        raise AnalysisError("the two rankings have no unit in common: nothing to compare", "no_effect")
    return pl.DataFrame(rows, strict=False)


@dataclass
class UncertaintyResult:
    """Rank and value intervals under uncertain weights and methods."""

    runs: int
    #: Per unit and period: ``nominal_rank``, ``median_rank``, ``rank_p05``, ``rank_p95``,
    #: ``mean_rank`` and the value's ``value_p05`` … ``value_p95``.
    units: pl.DataFrame
    #: Inputs that changed nothing, by name.
    warnings: List[str]
    #: Every run's choices, values and ranks (``keep_draws``).
    draws: Optional[Dict[str, Any]]
    #: The result as the core gives it (JSON), for exact comparisons.
    raw: Dict[str, Any]


def _progress(progress: ProgressLike, what: str) -> Any:
    """A progress callback for the native module (``None``: none)."""
    if callable(progress):
        return progress
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    bar: Dict[str, Any] = {}

    def report(done: int, total: int) -> bool:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=what, unit="run")
        bar["bar"].update(done - bar["bar"].n)
        if done >= total:
            bar["bar"].close()
        return True

    return report


def _uncertainty_result(raw: Dict[str, Any]) -> UncertaintyResult:
    units = pl.DataFrame(raw["units"], strict=False) if raw["units"] else pl.DataFrame()
    return UncertaintyResult(raw["runs"], units, raw.get("warnings", []), raw.get("draws"), raw)


def _one_period(data: Data, fw: Framework, period: Optional[int]) -> str:
    """The records of one period, as every analysis of every surface takes them: ``period``,
    or the latest in the data (the command's ``--year``)."""
    try:
        return _dti.one_period(_records(data, fw), _year("period", period))
    except DtiError as e:
        # The core names its fields; Python users know them as ``period=`` and ``data``.
        if str(e).startswith("period: "):
            raise DtiError(f"period={period}: {str(e)[len('period: '):]}", "bad_argument", {"path": "period"}) from None
        if str(e).startswith("units: "):
            raise DtiError(f"data: {str(e)[len('units: '):]}", "bad_argument", {"path": "data"}) from None
        raise


def uncertainty(data: Data, spec: Mapping[str, Any], framework: FrameworkLike = "vn-pdti-2022", *,
                progress: ProgressLike = True, design: Optional[Mapping[str, Any]] = None,
                period: Optional[int] = None) -> UncertaintyResult:
    """An uncertainty analysis: ``spec`` as the command's (``runs``, ``seed``, ``inputs`` such
    as ``{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2}``), on one
    ``period`` (default: the latest in the data, as the command). Draws are
    counter-based: the same seed gives the same result here, in the command, in the browser
    and on a Dask cluster (:func:`dti.dask.uncertainty`). Ctrl-C stops it."""
    fw = _framework(framework)
    raw = _dti.uncertainty(fw._native, _one_period(data, fw, period), _json("spec", dict(spec)),
                           _progress(progress, "uncertainty"), None if design is None else _json("design", dict(design)))
    return _uncertainty_result(json.loads(raw))


def sensitivity(data: Data, spec: Mapping[str, Any], framework: FrameworkLike = "vn-pdti-2022", *,
                progress: ProgressLike = True, period: Optional[int] = None) -> pl.DataFrame:
    """A variance-based sensitivity analysis (``spec``: ``n``, ``seed``, ``inputs``,
    ``bootstrap``) on one ``period`` (default: the latest): first-order and total Sobol
    indices of the mean absolute rank shift, one row per input — ``input``, ``first_order``,
    ``first_order_low``, ``first_order_high``, ``total``, ``total_low``, ``total_high`` (the
    95 % bootstrap intervals, as the command's table; null without ``bootstrap``)."""
    fw = _framework(framework)
    raw = json.loads(_dti.sensitivity(fw._native, _one_period(data, fw, period), _json("spec", dict(spec)),
                                      _progress(progress, "sensitivity")))
    rows = []
    for i in raw["indices"]:
        row: Dict[str, Any] = {"input": i["input"]}
        for k in ("first_order", "total"):
            ci = i.get(f"{k}_ci")
            row[k] = i[k]
            row[f"{k}_low"], row[f"{k}_high"] = (ci[0], ci[1]) if ci else (None, None)
        rows.append(row)
    schema = {"input": pl.String, **{f"{k}{e}": pl.Float64 for k in ("first_order", "total") for e in ("", "_low", "_high")}}
    return pl.DataFrame(rows, schema=schema)


def leave_one_out(data: Data, framework: FrameworkLike = "vn-pdti-2022", *, depth: int = 2,
                  period: Optional[int] = None) -> pl.DataFrame:
    """Leaves each node of a level out in turn: per node left out, the mean absolute rank
    shift and the largest. The defaults are the command's: ``depth=2`` (the main indicators)
    on one period, ``period`` (default: the latest in the data)."""
    fw = _framework(framework)
    raw = json.loads(_dti.leave_one_out(fw._native, _one_period(data, fw, period), _whole("depth", depth, 1)))
    rows = []
    for c in raw["components"]:
        shifts = [abs(x) for x in c["shifts"] if x is not None]
        rows.append({"left_out": c["code"], "mean_abs_rank_shift": c["mean_abs_rank_shift"],
                     "max_abs_rank_shift": max(shifts) if shifts else None})
    return pl.DataFrame(rows, strict=False)


@dataclass
class CoinResult:
    """What COINr's coin holds after a pipeline, with the ``dti coin`` command's names: the
    results, every data set by stage, the treatment log, the weights, the statistics and the
    correlations (``dti coin --out-dir`` writes the same tables as CSV files)."""

    #: The results: per unit and period, the index ``value`` and ``rank``, and every node's
    #: ``<code>.value`` and ``<code>.rank`` (COINr's ``Results$FullScore``).
    results: pl.DataFrame
    #: The data sets by stage, as COINr names them: ``Raw``, then ``Denominated``,
    #: ``Imputed``, ``Screened``, ``Treated`` when those steps ran, ``Normalised`` and
    #: ``Aggregated`` — ``uCode``, ``uName``, ``Time`` and one column per indicator
    #: (``Aggregated``: then one per aggregate, every level's and the index's).
    data: Dict[str, pl.DataFrame]
    #: The treatment log, per indicator and period: ``indicator``, ``period``, ``skew``,
    #: ``kurtosis``, ``passed``, ``winsorised_high``, ``winsorised_low``, ``log``,
    #: ``skew_after``, ``kurtosis_after``, ``units`` (the units winsorised). Empty without
    #: ``treat``.
    treatment: pl.DataFrame
    #: Every node's share among its siblings and effective weight in the index: ``iCode``,
    #: ``parent``, ``share``, ``effective_weight``.
    weights: pl.DataFrame
    #: Each indicator's statistics over the raw data, under COINr ``get_stats``' names:
    #: ``iCode``, ``Min``, ``Max``, ``Mean``, ``Median``, ``Std``, ``Skew``, ``Kurt``,
    #: ``N.Avail``, ``Frc.Avail``, ``Flag.Avail`` (LOW/ok), ``Flag.SkewKurt`` (OUT/ok); then
    #: ``N`` (rows), ``Frc.Zero`` and ``flags`` (every flag by name).
    statistics: pl.DataFrame
    #: Pearson correlations of the normalised indicators (COINr's ``get_corr``): ``iCode`` and
    #: one column per indicator.
    correlations: pl.DataFrame
    #: Units screened out, values imputed and values left missing for want of a denominator,
    #: and everything above, as the core gives it (JSON; ``dti coin --format json``).
    raw: Dict[str, Any]


def _coin_tables(report: Dict[str, Any], fw_nodes: Dict[str, Optional[str]], index: str) -> Dict[str, pl.DataFrame]:
    treated = []
    for r in report["treatment"]:
        moved = sorted(r["winsorised"], key=lambda w: w["row"])
        treated.append({
            "indicator": r["indicator"], "period": r["period"], "skew": r["skew"], "kurtosis": r["kurtosis"],
            "passed": r["passed"], "winsorised_high": sum(1 for w in moved if w["to"] < w["from"]),
            "winsorised_low": sum(1 for w in moved if w["to"] > w["from"]), "log": r["log"],
            "skew_after": r["skew_after"], "kurtosis_after": r["kurtosis_after"],
            "units": [w["unit"] for w in moved],
        })
    treatment_schema: Dict[str, Any] = {"indicator": pl.String, "period": pl.Int64, "skew": pl.Float64, "kurtosis": pl.Float64,
                        "passed": pl.Boolean, "winsorised_high": pl.Int64, "winsorised_low": pl.Int64,
                        "log": pl.Boolean, "skew_after": pl.Float64, "kurtosis_after": pl.Float64,
                        "units": pl.List(pl.String)}
    weights = [{"iCode": w["code"], "parent": fw_nodes.get(w["code"]) or index, "share": w["share"],
                "effective_weight": w["weight"]} for w in report["effective_weights"]]
    # COINr get_stats' names, then ours (as `dti coin --out-dir`'s Statistics.csv).
    coinr = (("Min", "min"), ("Max", "max"), ("Mean", "mean"), ("Median", "median"), ("Std", "sd"),
             ("Skew", "skew"), ("Kurt", "kurtosis"))
    stats = []
    for st in report["statistics"]:
        m, flags = st["summary"], list(st["flags"])
        stats.append({"iCode": st["code"], **{name: m.get(k) for name, k in coinr}, "N.Avail": m["available"],
                      "Frc.Avail": m["share_available"],
                      "Flag.Avail": "LOW" if "low_availability" in flags else "ok",
                      "Flag.SkewKurt": "OUT" if "outliers" in flags else "ok",
                      "N": m["n"], "Frc.Zero": m["share_zero"], "flags": flags})
    stats_schema: Dict[str, Any] = {"iCode": pl.String, **{name: pl.Float64 for name, _ in coinr}, "N.Avail": pl.Int64,
                                    "Frc.Avail": pl.Float64, "Flag.Avail": pl.String, "Flag.SkewKurt": pl.String,
                                    "N": pl.Int64, "Frc.Zero": pl.Float64, "flags": pl.List(pl.String)}
    c = report["correlations"]
    corr = pl.DataFrame({"iCode": c["codes"], **{code: [row[k] for row in c["matrix"]] for k, code in enumerate(c["codes"])}},
                        schema={"iCode": pl.String, **{code: pl.Float64 for code in c["codes"]}})
    return {"treatment": pl.DataFrame(treated, schema=treatment_schema),
            "weights": pl.DataFrame(weights, schema={"iCode": pl.String, "parent": pl.String, "share": pl.Float64,
                                                     "effective_weight": pl.Float64}),
            "statistics": pl.DataFrame(stats, schema=stats_schema), "correlations": corr}


def coin(meta: Data, data: Data, *, denominate: bool = False, impute: Optional[Any] = None,
         screen: Optional[float] = None, treat: Optional[Any] = None, normalise: Optional[Any] = None,
         aggregate: Optional[Any] = None) -> CoinResult:
    """The COINr pipeline on its two tables (metadata and data, DataFrames or CSV paths):
    denominate, impute, screen, treat, normalise (default min-max to 0–100), aggregate
    (default arithmetic means), as COINr computes them. A :class:`CoinResult`: ``results``
    (the columns of :func:`score`), ``data`` by stage (``Raw`` … ``Normalised``, ``Aggregated``),
    ``treatment``, ``weights``, ``statistics``, ``correlations``.

    Each method is a dict (``{"method": "min_max", "l": 0, "u": 100}``) or the command's short
    form (``normalise="minmax:0,100"``, ``aggregate="geometric"``, ``impute="group-mean:Region"``,
    ``treat="winsor:5"``; ``dti coin --help`` lists them)."""
    pipeline: Dict[str, Any] = {"denominate": denominate}
    for k, v in (("impute", impute), ("screen", screen), ("treat", treat), ("normalise", normalise), ("aggregate", aggregate)):
        if isinstance(v, str) and k != "screen":
            v = json.loads(_dti.method_spec(k, v))
        if v is not None:
            pipeline[k] = v
    meta_text = _table_text(meta)
    columns, report_json, stages = _dti.coin(meta_text, _table_text(data), json.dumps(pipeline))
    report = json.loads(report_json)
    fw = json.loads(_dti.Framework.from_coinr(meta_text, _table_text(data)).to_json())
    parents = {n["code"]: n.get("parent") for n in fw["nodes"]}
    by_stage = {name: pl.read_csv(io.StringIO(text), infer_schema_length=None,
                                  schema_overrides={"uCode": pl.String, "uName": pl.String})
                for name, text in stages}
    return CoinResult(pl.DataFrame(columns, strict=False), by_stage, raw=report,
                      **_coin_tables(report, parents, fw["id"]))
