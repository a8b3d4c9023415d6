//! Scoring a filled frame and building the result frames (wide and long), ranks within
//! groups included.

use std::collections::HashMap;

use crate::options::*;
use crate::reading::*;
use dti_core::{
    CohortScores, ColumnInput, ColumnOptions, ColumnScores, Framework, InputErrorKind,
    NumberColumn, ScoreOptions,
};
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;
use rayon::prelude::*;

/// Scores the records, mapping core input problems to frame rows.
pub(crate) fn score_built(
    fw: &Framework,
    b: Built,
    opts: &BatchOptions,
    explain: bool,
) -> Result<(CohortScores, BatchReport, Vec<usize>), BatchError> {
    let Built {
        records,
        rows,
        mut report,
    } = b;
    // The core runs leniently so that its problems join the frame's in one report.
    let so = ScoreOptions::default()
        .lenient(true)
        .explain(explain)
        .pool_periods(opts.pool_periods)
        .ties(opts.ties);
    let locate = |e: &dti_core::InputError| BatchProblem {
        row: rows.get(e.row).copied(),
        column: e.indicator.clone(),
        unit: Some(e.unit.clone()),
        period: e.period,
        code: e.code().to_owned(),
        message: e.kind.to_string(),
    };
    let scores = match fw.score_with(&records, &so) {
        Ok(s) => s,
        Err(dti_core::ScoreError::Input { problems }) => {
            report.problems.extend(problems.iter().map(locate));
            return Err(BatchError::Input(report));
        }
        Err(e) => return Err(e.into()),
    };
    report.problems.extend(scores.problems.iter().map(locate));
    report.problems.sort_by_key(|p| p.row.unwrap_or(0));
    if !opts.lenient && !report.problems.is_empty() {
        return Err(BatchError::Input(report));
    }
    Ok((scores, report, rows))
}

/// Who each result row is: unit, name, period, and the group columns to rank within.
pub(crate) struct Ident {
    pub(crate) unit: Column,
    pub(crate) name: Column,
    pub(crate) period: Column,
    pub(crate) periods: Vec<Option<i32>>,
    pub(crate) groups: Vec<(String, Column)>,
}

impl Ident {
    pub(crate) fn of_scores(scores: &CohortScores, opts: &BatchOptions) -> Ident {
        let u = &scores.units;
        let periods: Vec<Option<i32>> = u.iter().map(|x| x.period).collect();
        Ident {
            unit: Column::new(
                "unit".into(),
                u.iter().map(|x| x.unit.as_str()).collect::<Vec<_>>(),
            ),
            name: Column::new(
                "name".into(),
                u.iter().map(|x| x.name.as_deref()).collect::<Vec<_>>(),
            ),
            period: Column::new("period".into(), periods.clone()),
            periods,
            groups: opts
                .rank_within
                .iter()
                .map(|g| {
                    let vals: Vec<Option<&str>> = u
                        .iter()
                        .map(|x| x.groups.get(g).map(String::as_str))
                        .collect();
                    (g.clone(), Column::new(g.as_str().into(), vals))
                })
                .collect(),
        }
    }
}

/// The record path's results as result columns (problems are reported apart).
pub(crate) fn columns_of(fw: &Framework, scores: &CohortScores) -> ColumnScores {
    let mut c = ColumnScores::from_cohort(fw, scores);
    c.problems.clear();
    c.excluded.clear();
    c
}

/// A float column of `height` rows with NaN as null, without copying the numbers (an empty
/// vector is all null).
pub(crate) fn float_column(name: &str, v: Vec<f64>, height: usize) -> Column {
    let nulls = v.iter().filter(|x| x.is_nan()).count();
    if v.len() != height {
        Column::full_null(name.into(), height, &DataType::Float64)
    } else if nulls == 0 {
        Float64Chunked::from_vec(name.into(), v).into_column()
    } else if nulls == v.len() {
        Column::full_null(name.into(), v.len(), &DataType::Float64)
    } else {
        let validity = Bitmap::from_iter(v.iter().map(|x| !x.is_nan()));
        Float64Chunked::from_vec_validity(name.into(), v, Some(validity)).into_column()
    }
}

pub(crate) fn rank_column(name: &str, v: &[Option<u32>]) -> Column {
    UInt32Chunked::from_iter_options(name.into(), v.iter().copied()).into_column()
}

/// Within-group ranks of the index, per period and group value (rows without a group value
/// get none).
pub(crate) fn group_ranks(
    value: &[f64],
    periods: &[Option<i32>],
    group: &Column,
) -> Result<Vec<Option<u32>>, BatchError> {
    let s = group.as_materialized_series().cast(&DataType::String)?;
    let mut buckets: HashMap<(Option<i32>, &str), Vec<usize>> = HashMap::new();
    for (k, g) in s.str()?.iter().enumerate() {
        if let Some(g) = g {
            buckets.entry((periods[k], g)).or_default().push(k);
        }
    }
    Ok(dti_core::engine::rank_within(
        value,
        buckets.values().map(Vec::as_slice),
    ))
}

/// The wide result frame: `unit, name, period, value, points, rank`, `rank_in_<group>`, then
/// every view and node's `.value`, `.points` (and `.rank` with [`BatchOptions::node_ranks`]).
pub(crate) fn wide_frame(
    ident: Ident,
    scores: ColumnScores,
    opts: &BatchOptions,
) -> Result<DataFrame, BatchError> {
    let ColumnScores {
        index,
        views,
        nodes,
        ..
    } = scores;
    let height = ident.periods.len();
    let mut cols = vec![ident.unit, ident.name, ident.period];
    let ranks = index.rank.unwrap_or_default();
    let groups = ident
        .groups
        .iter()
        .map(|(g, col)| Ok((g, col, group_ranks(&index.value, &ident.periods, col)?)))
        .collect::<Result<Vec<_>, BatchError>>()?;
    cols.push(float_column("value", index.value, height));
    cols.push(float_column("points", index.points, height));
    cols.push(rank_column("rank", &ranks));
    for (g, col, r) in groups {
        cols.push(col.clone());
        cols.push(rank_column(&format!("rank_in_{g}"), &r));
    }
    // Views and nodes become columns in parallel (each scans its numbers for nulls).
    let per_node: Vec<Vec<Column>> = views
        .into_iter()
        .map(|v| (v, true))
        .chain(nodes.into_iter().map(|n| (n, opts.node_ranks)))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(c, with_rank)| {
            let mut out = vec![
                float_column(&format!("{}.value", c.code), c.value, height),
                float_column(&format!("{}.points", c.code), c.points, height),
            ];
            if let Some(r) = c.rank.filter(|_| with_rank) {
                out.push(rank_column(&format!("{}.rank", c.code), &r));
            }
            out
        })
        .collect();
    cols.extend(per_node.into_iter().flatten());
    Ok(DataFrame::new_infer_height(cols)?)
}

pub(crate) fn wide_result(
    fw: &Framework,
    scores: &CohortScores,
    opts: &BatchOptions,
) -> Result<DataFrame, BatchError> {
    wide_frame(Ident::of_scores(scores, opts), columns_of(fw, scores), opts)
}

/// A numeric column as dti-core's input column, borrowing the numbers when they are in one
/// chunk.
pub(crate) fn number_column<'a>(code: &'a str, ca: &'a Float64Chunked) -> NumberColumn<'a> {
    let present = |ca: &Float64Chunked| {
        (ca.null_count() > 0).then(|| ca.iter().map(|v| v.is_some()).collect::<Vec<bool>>())
    };
    if let (1, Some(arr)) = (ca.chunks().len(), ca.downcast_iter().next()) {
        let col = NumberColumn::new(code, arr.values().as_slice());
        return match present(ca) {
            Some(p) => col.with_present(p),
            None => col,
        };
    }
    let values: Vec<f64> = ca.iter().map(|v| v.unwrap_or(0.0)).collect();
    let col = NumberColumn::new(code, values);
    match present(ca) {
        Some(p) => col.with_present(p),
        None => col,
    }
}

/// A core problem located in the frame (columnar rows are frame rows).
pub(crate) fn frame_problem(e: &dti_core::InputError, unit_column: &str) -> BatchProblem {
    let empty = matches!(e.kind, InputErrorKind::EmptyUnitId);
    BatchProblem {
        row: Some(e.row),
        column: e
            .indicator
            .clone()
            .or_else(|| empty.then(|| unit_column.to_owned())),
        unit: (!empty).then(|| e.unit.clone()),
        period: e.period,
        code: e.code().to_owned(),
        message: e.kind.to_string(),
    }
}

/// Scores a wide frame of numeric indicator columns column by column (dti-core's
/// [`score_columns`](dti_core::score_columns)): no record per unit, and the result columns
/// are the working columns.
pub(crate) fn score_wide_numeric(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
    h: Header,
) -> Result<(DataFrame, BatchReport), BatchError> {
    let c = &opts.columns;
    let mut report = h.report;
    let unit = df
        .column(&c.unit)?
        .as_materialized_series()
        .cast(&DataType::String)
        .map_err(|e| fatal(&c.unit, "not_text", format!("the unit column {e}")))?;
    let units: Vec<&str> = unit.str()?.iter().map(|u| u.unwrap_or("")).collect();
    let periods = match &h.period {
        Some(p) => Some(periods(df.column(p)?).map_err(|m| fatal(p, "not_numeric", m))?),
        None => None,
    };
    let floats: Vec<Series> = h
        .indicators
        .iter()
        .map(|name| {
            df.column(name)?
                .as_materialized_series()
                .cast(&DataType::Float64)
        })
        .collect::<Result<_, _>>()?;
    let mut input = ColumnInput::new(units);
    input.periods = periods;
    for (name, s) in h.indicators.iter().zip(&floats) {
        input.columns.push(number_column(name, s.f64()?));
    }
    // Lenient in the core so that its problems join the frame's in one report.
    let co = ColumnOptions::default()
        .lenient(true)
        .pool_periods(opts.pool_periods)
        .node_ranks(opts.node_ranks)
        .ties(opts.ties);
    let scores = dti_core::score_columns(fw, &input, &co)?;
    // Free the input copies (casts, rechunks) before building the result.
    let input_periods = input.periods.take();
    drop(input);
    drop(floats);
    report
        .problems
        .extend(scores.problems.iter().map(|e| frame_problem(e, &c.unit)));
    report.problems.sort_by_key(|p| p.row.unwrap_or(0));
    if !opts.lenient && !report.problems.is_empty() {
        return Err(BatchError::Input(report));
    }

    let all = scores.rows.len() == df.height();
    let idx = IdxCa::from_vec(
        "row".into(),
        scores.rows.iter().map(|&r| r as IdxSize).collect(),
    );
    let take =
        |col: Column| -> Result<Column, BatchError> { Ok(if all { col } else { col.take(&idx)? }) };
    let name = match df.column(&c.name) {
        Ok(col) => col.cast(&DataType::String)?.with_name("name".into()),
        Err(_) => Column::full_null("name".into(), df.height(), &DataType::String),
    };
    let row_periods: Vec<Option<i32>> = match &input_periods {
        Some(p) => scores.rows.iter().map(|&r| p[r]).collect(),
        None => vec![None; scores.rows.len()],
    };
    let ident = Ident {
        unit: take(unit.into_column().with_name("unit".into()))?,
        name: take(name)?,
        period: Int32Chunked::from_iter_options("period".into(), row_periods.iter().copied())
            .into_column(),
        periods: row_periods,
        groups: opts
            .rank_within
            .iter()
            .filter_map(|g| df.column(g).ok().map(|col| (g.clone(), col.clone())))
            .map(|(g, col)| Ok((g, take(col)?)))
            .collect::<Result<_, BatchError>>()?,
    };
    Ok((wide_frame(ident, scores, opts)?, report))
}
