//! DataFrames in and out as Arrow, through the PyCapsule interface: a polars, pandas or
//! pyarrow frame is read column by column into the core's wide reader
//! (`dti_core::io::read_wide_frame`), with no text on the way; results leave as one Arrow
//! record batch that polars takes without a copy. Anything the fast reader does not take
//! (a text cell among numbers, a NaN, a long layout) goes the general way, through the
//! frame's CSV text, whose messages name the frame's column and row.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, FieldRef, Schema};
use dti_core::io::WideNumbers;
use dti_core::io::{read_wide_frame, FrameColumn};
use dti_core::{ColumnOptions, ColumnScores, Framework, ScoreOptions};
use pyo3::prelude::*;
use pyo3_arrow::{PyChunkedArray, PyTable};
use rayon::prelude::*;
use serde_json::Value as Json;

use crate::errors::{located_json, score_error};
use crate::{read_options, score_options, PyFramework};

/// How a frame's column is read: text, numbers, whole numbers, or not at all.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Float,
    Int,
    Other,
}

fn kind(t: &DataType) -> Kind {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Kind::Text,
        // polars' Categorical and Enum, pandas' category of strings.
        DataType::Dictionary(_, v) if matches!(kind(v), Kind::Text) => Kind::Text,
        // f32 and f16 take the general path: their CSV text is the short decimal a user typed
        // (0.1), their exact value another number (0.100000001490116…).
        DataType::Float64 => Kind::Float,
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Kind::Int,
        _ => Kind::Other,
    }
}

/// A column's chunks, cast to `to` (`None`: it cannot be, e.g. a u64 past i64).
fn cast(chunks: &[ArrayRef], to: &DataType) -> Option<Vec<ArrayRef>> {
    chunks
        .iter()
        .map(|a| arrow_cast::cast(a, to).ok())
        .collect()
}

/// A numeric column as numbers, null as NaN; a NaN that is not null is not missing data
/// but a value, which the general reader refuses with its row.
fn numbers(parts: &[ArrayRef]) -> FrameColumn<'static> {
    let mut out = Vec::with_capacity(parts.iter().map(|a| a.len()).sum());
    for a in parts {
        let a: &Float64Array = a.as_primitive::<Float64Type>();
        let values = a.values();
        match a.nulls() {
            None => out.extend_from_slice(values),
            Some(n) => {
                out.extend(
                    values
                        .iter()
                        .enumerate()
                        .map(|(i, &x)| if n.is_null(i) { f64::NAN } else { x }),
                )
            }
        }
        let given_nan = (0..a.len()).any(|i| a.is_valid(i) && values[i].is_nan());
        if given_nan {
            return FrameColumn::Other;
        }
    }
    FrameColumn::Numbers(Cow::Owned(out))
}

fn integers(parts: &[ArrayRef]) -> FrameColumn<'static> {
    FrameColumn::Integers(
        parts
            .iter()
            .flat_map(|a| a.as_primitive::<Int64Type>().iter())
            .collect(),
    )
}

/// Scores a clean wide frame (see the module) given as one Arrow stream of record batches
/// (pandas, pyarrow, any producer): `None` where the general path must read it (and in
/// lenient mode, whose per-cell warnings that path gives).
#[pyfunction]
pub(crate) fn score_frame(
    py: Python<'_>,
    framework: &PyFramework,
    frame: PyTable,
    options: &str,
) -> PyResult<Option<(PyTable, String, Vec<String>)>> {
    let (batches, schema) = frame.into_inner();
    let columns = (0..schema.fields().len())
        .map(|c| batches.iter().map(|b| b.column(c).clone()).collect())
        .collect();
    drop(batches);
    let fields = schema.fields().iter().cloned().collect();
    score_chunks(py, framework, fields, columns, options)
}

/// [`score_frame`] of a frame given column by column, each its own Arrow stream (a polars
/// frame: its own export of a frame read in many chunks copies them into one first — 77 MB
/// of a 1,000,000 × 9 frame — a column's keeps them as they are).
#[pyfunction]
pub(crate) fn score_frame_columns(
    py: Python<'_>,
    framework: &PyFramework,
    columns: Vec<PyChunkedArray>,
    options: &str,
) -> PyResult<Option<(PyTable, String, Vec<String>)>> {
    let (columns, fields) = columns.into_iter().map(PyChunkedArray::into_inner).unzip();
    score_chunks(py, framework, fields, columns, options)
}

/// A frame as its columns' fields and chunks, scored (see [`score_frame`]).
fn score_chunks(
    py: Python<'_>,
    framework: &PyFramework,
    fields: Vec<FieldRef>,
    columns: Vec<Vec<ArrayRef>>,
    options: &str,
) -> PyResult<Option<(PyTable, String, Vec<String>)>> {
    let fw = &framework.fw;
    let (read, opts) = (read_options(py, options)?, score_options(py, options)?);
    let nodes = crate::wants_nodes(py, options)?;
    let length = |chunks: &Vec<ArrayRef>| chunks.iter().map(|a| a.len()).sum::<usize>();
    let rows = columns.first().map_or(0, length);
    if opts.lenient || rows == 0 || columns.iter().any(|c| length(c) != rows) {
        return Ok(None);
    }
    let header: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
    let kinds: Vec<Kind> = fields.iter().map(|f| kind(f.data_type())).collect();
    // Text columns are cast (a view or a dictionary to plain strings) before the reader
    // asks, so that the cells it borrows outlive its questions.
    let texts: Vec<Option<Vec<ArrayRef>>> = kinds
        .iter()
        .enumerate()
        .map(|(c, k)| match k {
            Kind::Text => cast(&columns[c], &DataType::Utf8),
            _ => None,
        })
        .collect();
    let wide = read_wide_frame("DataFrame", fw, &read, &header, rows, &mut |c| match (
        kinds[c], &texts[c],
    ) {
        (Kind::Text, Some(parts)) => FrameColumn::Text(
            parts
                .iter()
                .flat_map(|a| a.as_any().downcast_ref::<StringArray>())
                .flat_map(|a| a.iter())
                .collect(),
        ),
        (Kind::Float, _) => {
            cast(&columns[c], &DataType::Float64).map_or(FrameColumn::Other, |p| numbers(&p))
        }
        (Kind::Int, _) => {
            cast(&columns[c], &DataType::Int64).map_or(FrameColumn::Other, |p| integers(&p))
        }
        _ => FrameColumn::Other,
    });
    drop(texts);
    drop(columns);
    let Some(mut wide) = wide else {
        return Ok(None);
    };
    // A frame's row r is line r + 2 of its CSV text (the header is line 1): not kept
    // (8 MB of a million rows), made again for a message.
    wide.lines = Vec::new();
    score_wide(py, fw, "DataFrame", wide, &opts, nodes).map(Some)
}

/// Scores a panel read by a wide reader (a frame's, without its lines: row r is line
/// r + 2; or a file's) as columns: the results as Arrow, the problems (lenient) as JSON,
/// and what is said aloud about the data. `nodes`: every node's columns too (else the
/// engine keeps only the index's and the views').
pub(crate) fn score_wide(
    py: Python<'_>,
    fw: &Framework,
    name: &str,
    mut wide: WideNumbers,
    opts: &ScoreOptions,
    nodes: bool,
) -> PyResult<(PyTable, String, Vec<String>)> {
    let copts = ColumnOptions::default()
        .lenient(opts.lenient)
        .pool_periods(opts.pool_periods)
        .node_ranks(nodes)
        .nodes(nodes)
        .ties(opts.ties);
    // The rows' lines, for messages: made only when there is one to say (16 MB of a
    // million rows).
    let read = wide.panel.len();
    let located = || {
        let mut lines = dti_core::io::Records::new(name, Vec::new());
        lines.lines = if wide.lines.is_empty() {
            (0..read).map(|r| Some(r + 2)).collect()
        } else {
            wide.lines.iter().map(|&l| Some(l)).collect()
        };
        lines
    };
    // What is said about the data reads the columns: said before they move into the engine.
    let mut notes = wide.notes.clone();
    notes.extend(dti_core::engine::absent_in_panel(fw, &wide.panel).messages());
    notes.extend(dti_core::engine::not_provinces(fw, wide.panel.units.iter()));
    let input = wide.panel.take_input();
    let mut s = py
        .detach(|| dti_core::score_columns_owned(fw, input, &copts))
        .map_err(|e| score_error(py, &e, Some(&located())))?;
    let problems: Vec<Json> = if s.problems.is_empty() {
        Vec::new()
    } else {
        let lines = located();
        s.problems
            .iter()
            .map(|e| located_json(&lines.located(e)))
            .collect()
    };
    // The ids read from the panel row by row as the arrays are made (no list of them).
    let rows = std::mem::take(&mut s.rows);
    let p = &wide.panel;
    let ids = |k: usize| {
        let r = rows[k];
        (&p.units[r], p.name(r), p.periods[r])
    };
    Ok((
        table(s, rows.len(), ids)?,
        Json::Array(problems).to_string(),
        notes,
    ))
}

/// The scores as one Arrow batch: `unit`, `name`, `period` (of row `k`: `id(k)`, for the
/// `n` rows), then `value`, `points` and `rank` of the index and `<code>.value`, `.points`,
/// `.rank` of every view and node (null where there is none; a column without points is
/// all null).
pub(crate) fn table<'a>(
    s: ColumnScores,
    n: usize,
    id: impl Fn(usize) -> (&'a str, Option<&'a str>, Option<i32>),
) -> PyResult<PyTable> {
    let mut fields = vec![
        Field::new("unit", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("period", DataType::Int64, true),
    ];
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values((0..n).map(|k| id(k).0))),
        Arc::new((0..n).map(|k| id(k).1).collect::<StringArray>()),
        Arc::new(
            (0..n)
                .map(|k| id(k).2.map(i64::from))
                .collect::<Int64Array>(),
        ),
    ];
    // Each result column becomes an array on its own, side by side on every core; the
    // numbers move into the arrays (no copy: NaN, no value, is marked null beside them).
    enum Part {
        Values(Vec<f64>),
        Ranks(Vec<Option<u32>>),
        NoPoints(usize),
    }
    let mut parts: Vec<Part> = Vec::new();
    let index = (String::new(), s.index);
    let others = s
        .views
        .into_iter()
        .chain(s.nodes)
        .map(|c| (format!("{}.", c.code), c));
    for (prefix, c) in std::iter::once(index).chain(others) {
        let n = c.value.len();
        fields.push(Field::new(
            format!("{prefix}value"),
            DataType::Float64,
            true,
        ));
        parts.push(Part::Values(c.value));
        fields.push(Field::new(
            format!("{prefix}points"),
            DataType::Float64,
            true,
        ));
        parts.push(if c.points.len() == n {
            Part::Values(c.points)
        } else {
            Part::NoPoints(n)
        });
        if let Some(r) = c.rank {
            fields.push(Field::new(format!("{prefix}rank"), DataType::Int64, true));
            parts.push(Part::Ranks(r));
        }
    }
    arrays.extend(
        parts
            .into_par_iter()
            .map(|p| -> ArrayRef {
                match p {
                    Part::Values(v) => {
                        let given = NullBuffer::from_iter(v.iter().map(|x| !x.is_nan()));
                        let nulls = (given.null_count() > 0).then_some(given);
                        Arc::new(Float64Array::new(ScalarBuffer::from(v), nulls))
                    }
                    Part::Ranks(r) => {
                        Arc::new(r.iter().map(|r| r.map(i64::from)).collect::<Int64Array>())
                    }
                    Part::NoPoints(n) => Arc::new(Float64Array::new_null(n)),
                }
            })
            .collect::<Vec<_>>(),
    );
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    PyTable::try_new(vec![batch], schema)
}
