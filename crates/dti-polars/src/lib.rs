//! # dti-polars
//!
//! Batch scoring of Digital Transformation Index panels held in polars DataFrames: many
//! units, many periods, one call. Input is **wide** (unit, period, group columns, one column
//! per indicator code) or **long** (unit, period, indicator, value, optional self/appraised),
//! with configurable column names and the layout detected from the header. Results are
//! DataFrames: one row per unit and period (every node's points, value and rank, the views,
//! total points, index value and ranks within each period, optionally within groups), a long
//! variant (one row per unit × node), explanations, merged panels and comparisons.
//!
//! Every number comes from `dti-core` — the batch path scores through the same engine as a
//! single unit or the WASM package, so results are identical. Bad input is reported, never
//! dropped: every problem is collected with its row; lenient mode scores the good rows and
//! returns the report beside the result.
//!
//! ```
//! use dti_polars::{score, BatchOptions};
//! use polars::prelude::*;
//!
//! let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
//! let df = DataFrame::new_infer_height(vec![
//!     Column::new("unit".into(), ["HN", "HCM"]),
//!     Column::new("period".into(), [2023, 2023]),
//!     Column::new("GOV".into(), [0.5, 0.9]),
//!     Column::new("ECO".into(), [0.4, 0.2]),
//! ])?;
//! let (out, report) = score(&df, &fw, &BatchOptions::default())?;
//! assert!(report.problems.is_empty());
//! // HN: 0.5·200 + 0.4·150 = 160 points; HCM: 180 + 30 = 210.
//! let points: Vec<Option<f64>> = out.column("points")?.f64()?.iter().collect();
//! assert_eq!(points, [Some(160.0), Some(210.0)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod files;
mod fill;
mod options;
mod reading;
mod results;

pub use files::{read_csv, read_csv_str};
#[cfg(feature = "parquet")]
pub use files::{read_parquet, write_parquet};
pub use fill::{to_located_records, to_records};
pub use options::{BatchError, BatchOptions, BatchProblem, BatchReport, ColumnNames, Layout};
use reading::*;
use results::*;

use std::collections::HashMap;

use dti_core::{analyses::MergeOptions, Framework, MergeMap, ScoreOptions};
use polars::prelude::*;

/// The polars this crate is built with, so that callers build frames with the same version.
pub use polars;

/// Scores a frame: one row per unit and period with `unit, name, period, value, points,
/// rank` (ranks within each period), optional `rank_in_<group>`, then for every view
/// `<code>.value`, `<code>.points`, `<code>.rank` and for every node `<code>.value`,
/// `<code>.points` (and `<code>.rank` with [`BatchOptions::node_ranks`]).
///
/// A wide frame whose indicator columns all hold numbers is scored column by column
/// (fast, no per-unit records); text or boolean cells, and the long layout, go through
/// unit records. Both paths give the same numbers.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["A", "B"]),
///     Column::new("GOV".into(), [0.5, 1.5]),
/// ])?;
/// let err = dti_polars::score(&df, &fw, &Default::default()).unwrap_err();
/// assert!(err.to_string().contains("row 2, column GOV, unit 'B': 1.5 is outside 0..1"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(DataFrame, BatchReport), BatchError> {
    let h = header(df, fw, opts)?;
    if !h.long && h.numeric {
        return score_wide_numeric(df, fw, opts, h);
    }
    let b = build(df, fw, opts)?;
    let (scores, report, _) = score_built(fw, b, opts, false)?;
    Ok((wide_result(fw, &scores, opts)?, report))
}

/// [`score`] on a lazy frame (collected first).
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![Column::new("unit".into(), ["A"]), Column::new("GOV".into(), [0.5])])?;
/// let (out, _) = dti_polars::score_lazy(df.lazy(), &fw, &Default::default())?;
/// assert_eq!(out.height(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_lazy(
    lf: LazyFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(DataFrame, BatchReport), BatchError> {
    score(&lf.collect()?, fw, opts)
}

/// Scores a frame into long form: one row per unit, period and node (`unit, period, node,
/// value, points, max_points, rank`), for plotting.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![Column::new("unit".into(), ["A"]), Column::new("GOV".into(), [0.5])])?;
/// let (out, _) = dti_polars::score_long(&df, &fw, &Default::default())?;
/// assert_eq!(out.height(), 11); // 11 nodes of vn-pdti-2022
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_long(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(DataFrame, BatchReport), BatchError> {
    let b = build(df, fw, opts)?;
    let (scores, report, _) = score_built(fw, b, opts, false)?;
    let (mut unit, mut period, mut node) = (Vec::new(), Vec::new(), Vec::new());
    let (mut value, mut points, mut max, mut rank) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for u in &scores.units {
        for n in &u.nodes {
            unit.push(u.unit.clone());
            period.push(u.period);
            node.push(n.code.clone());
            value.push(n.value);
            points.push(n.points);
            max.push(n.max_points);
            rank.push(n.rank);
        }
    }
    let out = DataFrame::new_infer_height(vec![
        Column::new("unit".into(), unit),
        Column::new("period".into(), period),
        Column::new("node".into(), node),
        Column::new("value".into(), value),
        Column::new("points".into(), points),
        Column::new("max_points".into(), max),
        Column::new("rank".into(), rank),
    ])?;
    Ok((out, report))
}

/// Explanations as a frame: one row per unit, period and scored leaf (`unit, period, leaf,
/// points, max_points, lost, contribution, gain`).
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![Column::new("unit".into(), ["A"]), Column::new("GOV".into(), [0.5])])?;
/// let (out, _) = dti_polars::explain(&df, &fw, &Default::default())?;
/// let gov = out.filter(&out.column("leaf")?.str()?.equal("GOV"))?;
/// assert_eq!(gov.column("lost")?.f64()?.get(0), Some(100.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(DataFrame, BatchReport), BatchError> {
    let b = build(df, fw, opts)?;
    let (scores, report, _) = score_built(fw, b, opts, true)?;
    let (mut unit, mut period, mut leaf) = (Vec::new(), Vec::new(), Vec::new());
    let (mut points, mut max, mut lost, mut contribution, mut gain) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for u in &scores.units {
        for l in u.explanation.iter().flat_map(|e| &e.leaves) {
            unit.push(u.unit.clone());
            period.push(u.period);
            leaf.push(l.code.clone());
            points.push(l.points);
            max.push(l.max_points);
            lost.push(l.lost);
            contribution.push(l.contribution);
            gain.push(l.gain);
        }
    }
    let out = DataFrame::new_infer_height(vec![
        Column::new("unit".into(), unit),
        Column::new("period".into(), period),
        Column::new("leaf".into(), leaf),
        Column::new("points".into(), points),
        Column::new("max_points".into(), max),
        Column::new("lost".into(), lost),
        Column::new("contribution".into(), contribution),
        Column::new("gain".into(), gain),
    ])?;
    Ok((out, report))
}

/// Scores merged units of a panel, period by period (see [`dti_core::merge_cohort`]).
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["A", "B"]), Column::new("GOV".into(), [0.2, 0.6])])?;
/// let map = dti_core::MergeMap::from_csv("merged,former\nN,A\nN,B\n")?;
/// let (out, _) = dti_polars::merge(&df, &fw, &map, &Default::default())?;
/// assert_eq!(out.column("GOV.value")?.f64()?.get(0), Some(0.4));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge(
    df: &DataFrame,
    fw: &Framework,
    map: &MergeMap,
    opts: &BatchOptions,
) -> Result<(DataFrame, BatchReport), BatchError> {
    let (records, report) = to_records(df, fw, opts)?;
    let mo = MergeOptions::default().lenient(opts.lenient).score(
        ScoreOptions::default()
            .explain(false)
            .pool_periods(opts.pool_periods),
    );
    let merged = dti_core::merge_cohort(fw, &records, map, &mo)?;
    Ok((wide_result(fw, &merged.scores, opts)?, report))
}

/// Compares two scored frames (from [`score`]) on unit and period: `unit, period, value_a,
/// value_b, value_diff, rank_a, rank_b, rank_shift` (b − a; a negative shift moved up).
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let a = DataFrame::new_infer_height(vec![Column::new("unit".into(), ["A", "B"]), Column::new("GOV".into(), [0.2, 0.6])])?;
/// let b = DataFrame::new_infer_height(vec![Column::new("unit".into(), ["A", "B"]), Column::new("GOV".into(), [0.9, 0.6])])?;
/// let (sa, _) = dti_polars::score(&a, &fw, &Default::default())?;
/// let (sb, _) = dti_polars::score(&b, &fw, &Default::default())?;
/// let cmp = dti_polars::compare(&sa, &sb)?;
/// let shift: Vec<Option<i64>> = cmp.column("rank_shift")?.i64()?.iter().collect();
/// assert_eq!(shift, [Some(-1), Some(1)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare(a: &DataFrame, b: &DataFrame) -> Result<DataFrame, BatchError> {
    let key = |df: &DataFrame| -> Result<Vec<(String, Option<i32>)>, BatchError> {
        let u = strings(df.column("unit")?).map_err(|m| BatchError::File {
            path: "frame".into(),
            message: m,
        })?;
        let p: Vec<Option<i32>> = df
            .column("period")?
            .as_materialized_series()
            .cast(&DataType::Int32)?
            .i32()?
            .iter()
            .collect();
        Ok(u.into_iter()
            .map(|x| x.unwrap_or_default())
            .zip(p)
            .collect())
    };
    let num = |df: &DataFrame, c: &str| -> Result<Vec<Option<f64>>, BatchError> {
        Ok(df
            .column(c)?
            .as_materialized_series()
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .collect())
    };
    let (ka, kb) = (key(a)?, key(b)?);
    let (va, vb) = (num(a, "value")?, num(b, "value")?);
    let (ra, rb) = (num(a, "rank")?, num(b, "rank")?);
    let at: HashMap<&(String, Option<i32>), usize> =
        kb.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let (mut unit, mut period, mut v1, mut v2, mut dv, mut r1, mut r2, mut dr) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (i, k) in ka.iter().enumerate() {
        let j = at.get(k).copied();
        let vb_ = j.and_then(|j| vb[j]);
        let rb_ = j.and_then(|j| rb[j]);
        unit.push(k.0.clone());
        period.push(k.1);
        v1.push(va[i]);
        v2.push(vb_);
        dv.push(va[i].zip(vb_).map(|(x, y)| y - x));
        r1.push(ra[i].map(|x| x as i64));
        r2.push(rb_.map(|x| x as i64));
        dr.push(ra[i].zip(rb_).map(|(x, y)| y as i64 - x as i64));
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("unit".into(), unit),
        Column::new("period".into(), period),
        Column::new("value_a".into(), v1),
        Column::new("value_b".into(), v2),
        Column::new("value_diff".into(), dv),
        Column::new("rank_a".into(), r1),
        Column::new("rank_b".into(), r2),
        Column::new("rank_shift".into(), dr),
    ])?)
}
