"""DataFrames cross as Arrow (the PyCapsule interface): polars, pandas and pyarrow frames
are scored straight from their columns, results come back as one Arrow batch; anything the
fast reader does not take goes the general way, with the general way's messages."""

import json
import math
import warnings

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dti
from dti import _dti

OPTIONS = json.dumps({"layout": "auto", "groups": [], "lenient": False, "pool_periods": False})


def fast(frame, options=OPTIONS):
    """The fast path's answer: the columns, or None where the general path reads the frame."""
    got = _dti.score_frame(dti.Framework.builtin("vn-pdti-2022")._native, frame, options)
    return None if got is None else pl.DataFrame(got[0])


def test_polars_pandas_and_pyarrow_frames_are_read_as_arrow(tmp_path):
    wide = dti.bundled_panel()
    path = tmp_path / "panel.csv"
    wide.write_csv(path)
    by_text = dti.score(path)  # the file's text: the general reader
    for frame in (wide, wide.to_pandas(), wide.to_arrow()):
        got = fast(frame)
        assert got is not None, type(frame)
        assert got.equals(by_text), type(frame)
    # Arrow in chunks, a categorical unit column, whole-number indicators: the same frame.
    chunked = pa.concat_tables([wide.slice(0, 50).to_arrow(), wide.slice(50).to_arrow()])
    assert fast(chunked).equals(by_text)
    assert fast(wide.with_columns(pl.col("unit").cast(pl.Categorical))).equals(by_text)
    ones = wide.with_columns(pl.lit(1, dtype=pl.Int32).alias("AWR"))
    assert fast(ones).equals(fast(ones.with_columns(pl.col("AWR").cast(pl.Float64))))


def test_a_polars_frame_in_chunks_crosses_column_by_column(tmp_path, monkeypatch):
    """A polars frame goes column by column (each column's own Arrow stream, its chunks kept:
    the frame's export would copy them into one): the answer of the frame's file, and of the
    frame given whole."""
    wide = dti.bundled_panel()
    path = tmp_path / "panel.csv"
    wide.write_csv(path)
    by_text = dti.score(path)
    chunked = pl.concat([wide.slice(0, 20), wide.slice(20, 30), wide.slice(50)], rechunk=False)
    assert chunked.n_chunks() == 3
    asked = []
    real = _dti.score_frame_columns
    monkeypatch.setattr(_dti, "score_frame_columns", lambda *a: asked.append(a) or real(*a))
    for frame in (wide, chunked):
        assert dti.score(frame).equals(by_text)
        assert dti.score(frame, nodes=False).equals(dti.score(path, nodes=False))
    assert len(asked) == 4
    assert chunked.n_chunks() == 3  # not rechunked by the export
    columns = _dti.score_frame_columns(
        dti.Framework.builtin("vn-pdti-2022")._native, chunked.get_columns(), OPTIONS)
    assert pl.DataFrame(columns[0]).equals(by_text)
    # Columns of different lengths are no frame: the general path's business (never a panic).
    unequal = [wide["unit"], wide["GOV"].head(3)]
    assert _dti.score_frame_columns(
        dti.Framework.builtin("vn-pdti-2022")._native, unequal, OPTIONS) is None


def test_results_are_typed_columns():
    got = dti.score(dti.bundled_panel())
    assert got.schema["unit"] == pl.String and got.schema["period"] == pl.Int64
    assert got.schema["value"] == pl.Float64 and got.schema["rank"] == pl.Int64
    assert got.schema["GOV.points"] == pl.Float64 and got.schema["CQS.rank"] == pl.Int64


def test_nodes_false_keeps_the_index_and_the_pillars(tmp_path):
    """nodes=False: the command's CSV columns (index and views), the same numbers as the full
    result's, on every path (a frame read as Arrow, a file's text, records)."""
    wide = dti.bundled_panel()
    path = tmp_path / "panel.csv"
    wide.write_csv(path)
    full = dti.score(wide)
    views = [v["code"] for v in dti.Framework.builtin("vn-pdti-2022").definition["views"]]
    want = ["unit", "name", "period", "value", "points", "rank"]
    want += [f"{v}.{k}" for v in views for k in ("value", "points", "rank")]
    for data in (wide, wide.to_pandas(), path, dti.read(wide)):
        lean = dti.score(data, nodes=False)
        assert lean.columns == want, type(data)
        assert lean.equals(full.select(want)), type(data)
    with pytest.raises(dti.DtiError, match="nodes: expected True or False"):
        dti.score(wide, nodes="no")


def test_what_the_fast_reader_does_not_take_goes_the_general_way():
    wide = dti.bundled_panel()
    assert fast(wide, OPTIONS.replace('"lenient": false', '"lenient": true')) is None
    text = wide.with_columns(pl.col("GOV").cast(pl.String))
    assert fast(text.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("n/a"))
                                  .otherwise(pl.col("GOV")).alias("GOV"))) is None
    nan = wide.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(float("nan"))
                            .otherwise(pl.col("GOV")).alias("GOV"))
    assert fast(nan) is None
    # An f32's CSV text is the short decimal a user typed; its exact value another number.
    f32 = wide.with_columns(pl.col("GOV").cast(pl.Float32))
    assert fast(f32) is None
    assert dti.score(f32).equals(dti.score(pl.read_csv(f32.write_csv().encode())))
    long = wide.unpivot(index=["unit", "name", "period"], variable_name="indicator", value_name="value")
    assert fast(long) is None


def test_a_text_cell_and_a_nan_are_named_by_column_and_row():
    wide = dti.bundled_panel()
    bad = wide.with_columns(pl.col("GOV").cast(pl.String)).with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("n/a")).otherwise(pl.col("GOV")).alias("GOV"))
    for frame in (bad, bad.to_pandas(), bad.to_arrow()):
        with pytest.raises(dti.InputError) as e:
            dti.score(frame)
        assert e.value.row == 4 and e.value.indicator == "GOV", e.value.problems
        assert "DataFrame row 4" in str(e.value)
    nan = wide.with_columns(pl.when(pl.int_range(pl.len()) == 6).then(float("nan"))
                            .otherwise(pl.col("GOV")).alias("GOV"))
    with pytest.raises(dti.InputError) as e:
        dti.score(nan)
    assert e.value.row == 7 and e.value.indicator == "GOV"


def test_a_value_out_of_range_from_the_fast_path_is_located():
    wide = dti.bundled_panel()
    bad = wide.with_columns(pl.when(pl.int_range(pl.len()) == 11).then(1.5).otherwise(pl.col("SOC")).alias("SOC"))
    assert math.isclose(bad["SOC"][11], 1.5)
    for frame in (bad, bad.to_pandas()):  # column by column, and as one stream
        with pytest.raises(dti.InputError) as e:
            dti.score(frame)
        assert (e.value.row, e.value.indicator, e.value.problems[0]["code"]) == (12, "SOC", "value_out_of_range")
        assert "DataFrame row 12" in str(e.value)


def test_hints_name_the_python_parameter(tmp_path):
    extra = dti.bundled_panel().with_columns(pl.lit("north").alias("region"))
    with pytest.raises(dti.InputError) as e:
        dti.score(extra)
    assert "pass groups=[...] for grouping columns" in str(e.value) and "--group" not in str(e.value)
    assert e.value.problems[0]["hint"] == "groups"
    assert dti.score(extra, groups=["region"]).height == 189
    with pytest.raises(dti.InputError) as e:
        dti.score(_one_column(tmp_path), delimiter=",")
    assert "delimiter=" in str(e.value) and "--delimiter" not in str(e.value)


def _one_column(tmp_path):
    p = tmp_path / "semi.csv"
    p.write_text("unit;period;GOV\nha-noi;2023;1\n")
    return str(p)


def test_values_that_look_like_percentages_are_one_message():
    pct = dti.bundled_panel().with_columns((pl.col("AWR") * 100).alias("AWR"), (pl.col("GOV") * 100).alias("GOV"))
    for frame in (pct, pct.to_pandas()):
        with pytest.raises(dti.InputError) as e:
            dti.score(frame)
        text = str(e.value)
        assert "values between 1 and 100 where a value in 0..1 is expected (AWR, GOV)" in text, text
        assert "they look like percentages; divide them by 100" in text
        assert len(text.splitlines()) <= 7, text
        assert len(e.value.problems) > 300       # every problem is still there, as data
        assert "DataFrame row 1," in text and "DataFrame, row" not in text


def test_a_unit_that_is_not_a_province_is_said_with_the_nearest_names():
    frame = pl.DataFrame({"unit": ["HCMC", "Ha Noii", "Huế"], "period": [2023] * 3,
                          "AWR": [0.5, 0.7, 0.1], "GOV": [0.5, 0.2, 0.3]})
    for data in (frame, frame.to_pandas()):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            got = dti.score(data)
        said = [str(x.message) for x in w if "not a province" in str(x.message)]
        assert len(said) == 1 and "unit 'Ha Noii' is not a province of Viet Nam" in said[0], said
        assert "the nearest: Hà Nội" in said[0]
        assert sorted(got["unit"].to_list()) == ["Ha Noii", "ho-chi-minh", "hue"]
