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

use std::collections::HashMap;
use std::path::Path;

use dti_core::{
    CohortScores, Entry, Framework, MergeMap, MergeOptions, ScoreOptions, UnitRecord, Value,
};
use polars::prelude::*;
use thiserror::Error;

/// Column names of the input.
///
/// ```
/// let c = dti_polars::ColumnNames::default();
/// assert_eq!((c.unit.as_str(), c.period.as_str()), ("unit", "period"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnNames {
    /// Unit id.
    pub unit: String,
    /// Display name (optional column).
    pub name: String,
    /// Period (optional column).
    pub period: String,
    /// Long layout: the indicator code.
    pub indicator: String,
    /// Long layout: the value.
    pub value: String,
    /// Long layout: the self-assessed value (optional column).
    pub self_assessed: String,
    /// Long layout: the appraised value (optional column).
    pub appraised: String,
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            unit: "unit".into(),
            name: "name".into(),
            period: "period".into(),
            indicator: "indicator".into(),
            value: "value".into(),
            self_assessed: "self".into(),
            appraised: "appraised".into(),
        }
    }
}

/// The input layout.
///
/// ```
/// assert_eq!(dti_polars::Layout::default(), dti_polars::Layout::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Long when the indicator and value columns exist, else wide.
    #[default]
    Auto,
    /// One column per indicator.
    Wide,
    /// One row per unit, period and indicator.
    Long,
}

/// How to read and score a frame.
///
/// ```
/// let o = dti_polars::BatchOptions { lenient: true, ..Default::default() };
/// assert!(o.lenient && !o.pool_periods);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchOptions {
    /// Column names.
    pub columns: ColumnNames,
    /// Layout.
    pub layout: Layout,
    /// Columns holding groups (e.g. region), kept on the records and available for ranks.
    pub groups: Vec<String>,
    /// Also rank within each value of these group columns (per period).
    pub rank_within: Vec<String>,
    /// Score the good rows and report the bad ones instead of failing.
    pub lenient: bool,
    /// Ignore columns that are not indicators (listed in the report) instead of failing.
    pub ignore_unknown: bool,
    /// Normalise cohort-relative indicators over all periods together.
    pub pool_periods: bool,
}

/// One problem in the input, with its row (0-based, in the frame) where it has one.
///
/// ```
/// let p = dti_polars::BatchProblem { row: Some(3), column: Some("GOV".into()), unit: Some("HN".into()),
///     period: Some(2023), code: "value_out_of_range".into(), message: "1.5 is outside 0..1".into() };
/// assert_eq!(p.to_string(), "row 3, column GOV, unit 'HN' (2023): 1.5 is outside 0..1");
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}{}{}{}: {message}",
    row.map(|r| format!("row {r}")).unwrap_or_else(|| "frame".to_owned()),
    column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default(),
    unit.as_ref().map(|u| format!(", unit '{u}'")).unwrap_or_default(),
    period.map(|p| format!(" ({p})")).unwrap_or_default())]
pub struct BatchProblem {
    /// 0-based row of the frame.
    pub row: Option<usize>,
    /// The column (indicator) concerned.
    pub column: Option<String>,
    /// The unit.
    pub unit: Option<String>,
    /// The period.
    pub period: Option<i32>,
    /// A stable kind (`not_numeric`, `unknown_column`, `duplicate_unit`, or a dti-core
    /// input error code).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// Everything that was wrong with the input (and what was ignored).
///
/// ```
/// let r = dti_polars::BatchReport::default();
/// assert!(r.problems.is_empty() && r.ignored_columns.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchReport {
    /// Every problem.
    pub problems: Vec<BatchProblem>,
    /// Columns ignored as not indicators (with `ignore_unknown`).
    pub ignored_columns: Vec<String>,
}

/// Why a batch could not be scored.
///
/// ```
/// let e = dti_polars::BatchError::Input(Default::default());
/// assert!(e.to_string().starts_with("0 problem(s)"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Problems in the input (strict mode): every one, with its row.
    #[error("{} problem(s) in the input:{}", .0.problems.len(), .0.problems.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    Input(BatchReport),
    /// A cohort-relative method failed, or merging failed.
    #[error(transparent)]
    Score(#[from] dti_core::ScoreError),
    /// Merging failed.
    #[error(transparent)]
    Merge(#[from] dti_core::MergeError),
    /// A polars operation failed.
    #[error(transparent)]
    Polars(#[from] PolarsError),
    /// A file could not be read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Records built from a frame, with the frame row of each.
struct Built {
    records: Vec<UnitRecord>,
    rows: Vec<usize>,
    report: BatchReport,
}

/// A column's cells as values (`None` = missing), or why it cannot hold values.
fn values(col: &Column) -> Result<Vec<Option<Value>>, String> {
    let s = col.as_materialized_series();
    match s.dtype() {
        DataType::Boolean => Ok(s
            .bool()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|b| b.map(Value::Bool))
            .collect()),
        DataType::String => Ok(s
            .str()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|v| v.and_then(Value::from_text))
            .collect()),
        dt if dt.is_primitive_numeric() => {
            let f = s.cast(&DataType::Float64).map_err(|e| e.to_string())?;
            Ok(f.f64()
                .map_err(|e| e.to_string())?
                .iter()
                .map(|v| v.map(Value::Number))
                .collect())
        }
        DataType::Null => Ok(vec![None; s.len()]),
        other => Err(format!(
            "has type {other}, which does not hold indicator values"
        )),
    }
}

fn strings(col: &Column) -> Result<Vec<Option<String>>, String> {
    let s = col
        .as_materialized_series()
        .cast(&DataType::String)
        .map_err(|e| e.to_string())?;
    Ok(s.str()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}

fn periods(col: &Column) -> Result<Vec<Option<i32>>, String> {
    let s = col.as_materialized_series();
    if !s.dtype().is_integer() {
        return Err(format!("has type {}, not whole years", s.dtype()));
    }
    let c = s.cast(&DataType::Int32).map_err(|e| e.to_string())?;
    Ok(c.i32().map_err(|e| e.to_string())?.iter().collect())
}

fn build(df: &DataFrame, fw: &Framework, opts: &BatchOptions) -> Result<Built, BatchError> {
    let c = &opts.columns;
    let mut report = BatchReport::default();
    let problem =
        |row: Option<usize>, column: Option<&str>, code: &str, message: String| BatchProblem {
            row,
            column: column.map(str::to_owned),
            unit: None,
            period: None,
            code: code.to_owned(),
            message,
        };
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if !has(&c.unit) {
        return Err(BatchError::Input(BatchReport {
            problems: vec![problem(
                None,
                Some(&c.unit),
                "missing_column",
                "the unit column is missing".to_owned(),
            )],
            ignored_columns: Vec::new(),
        }));
    }
    let long = match opts.layout {
        Layout::Long => true,
        Layout::Wide => false,
        Layout::Auto => has(&c.indicator) && has(&c.value),
    };
    let height = df.height();
    let units = strings(df.column(&c.unit)?).map_err(|m| {
        BatchError::Input(BatchReport {
            problems: vec![problem(
                None,
                Some(&c.unit),
                "not_text",
                format!("the unit column {m}"),
            )],
            ignored_columns: Vec::new(),
        })
    })?;
    let unit_names = if has(&c.name) {
        strings(df.column(&c.name)?).unwrap_or_else(|_| vec![None; height])
    } else {
        vec![None; height]
    };
    let period = if has(&c.period) {
        match periods(df.column(&c.period)?) {
            Ok(p) => p,
            Err(m) => {
                report.problems.push(problem(
                    None,
                    Some(&c.period),
                    "not_numeric",
                    format!("the period column {m}"),
                ));
                vec![None; height]
            }
        }
    } else {
        vec![None; height]
    };
    let mut group_cols = Vec::new();
    for g in opts.groups.iter().chain(&opts.rank_within) {
        if group_cols.iter().any(|(n, _): &(String, _)| n == g) {
            continue;
        }
        match df.column(g) {
            Ok(col) => group_cols.push((
                g.clone(),
                strings(col).unwrap_or_else(|_| vec![None; height]),
            )),
            Err(_) => report.problems.push(problem(
                None,
                Some(g),
                "missing_column",
                format!("group column '{g}' is not in the frame"),
            )),
        }
    }
    let long_cols = [&c.indicator, &c.value, &c.self_assessed, &c.appraised];
    let reserved: Vec<&str> = [&c.unit, &c.name, &c.period]
        .into_iter()
        .chain(long_cols.into_iter().filter(|_| long))
        .map(String::as_str)
        .chain(group_cols.iter().map(|(g, _)| g.as_str()))
        .collect();
    let is_code = |s: &str| fw.node(s).is_some();

    // Record index by (unit, period); rows of the frame per record.
    let mut records: Vec<UnitRecord> = Vec::new();
    let mut rows: Vec<usize> = Vec::new();
    let mut index: HashMap<(String, Option<i32>), usize> = HashMap::new();
    let mut record_of_row = vec![usize::MAX; height];
    for r in 0..height {
        let Some(u) = units[r].clone().filter(|u| !u.trim().is_empty()) else {
            let mut p = problem(
                Some(r),
                Some(&c.unit),
                "empty_unit_id",
                "the unit is empty".to_owned(),
            );
            p.period = period[r];
            report.problems.push(p);
            continue;
        };
        let key = (u.clone(), period[r]);
        if let Some(&first) = index.get(&key) {
            if !long {
                let mut p = problem(
                    Some(r),
                    None,
                    "duplicate_unit",
                    format!("the unit and period already appear in row {}", rows[first]),
                );
                p.unit = Some(u);
                p.period = period[r];
                report.problems.push(p);
                continue;
            }
            record_of_row[r] = first;
            continue;
        }
        let mut rec = UnitRecord::new(&u);
        rec.period = period[r];
        rec.name = unit_names[r].clone();
        for (g, vals) in &group_cols {
            if let Some(v) = &vals[r] {
                rec.groups.insert(g.clone(), v.clone());
            }
        }
        index.insert(key, records.len());
        record_of_row[r] = records.len();
        records.push(rec);
        rows.push(r);
    }

    if long {
        let inds = strings(df.column(&c.indicator)?).unwrap_or_else(|_| vec![None; height]);
        let vals = values(df.column(&c.value)?).map_err(|m| {
            BatchError::Input(BatchReport {
                problems: vec![problem(
                    None,
                    Some(&c.value),
                    "not_numeric",
                    format!("the value column {m}"),
                )],
                ignored_columns: Vec::new(),
            })
        })?;
        let selfs = if has(&c.self_assessed) {
            values(df.column(&c.self_assessed)?).ok()
        } else {
            None
        };
        let apprs = if has(&c.appraised) {
            values(df.column(&c.appraised)?).ok()
        } else {
            None
        };
        for r in 0..height {
            let k = record_of_row[r];
            if k == usize::MAX {
                continue;
            }
            let Some(ind) = inds[r].clone() else { continue };
            if !is_code(&ind) {
                if opts.ignore_unknown {
                    if !report.ignored_columns.contains(&ind) {
                        report.ignored_columns.push(ind);
                    }
                } else {
                    let mut p = problem(
                        Some(r),
                        Some(&ind),
                        "unknown_indicator",
                        format!("'{ind}' is not an indicator of framework '{}'", fw.id()),
                    );
                    p.unit = Some(records[k].unit.clone());
                    p.period = records[k].period;
                    report.problems.push(p);
                }
                continue;
            }
            let s = selfs.as_ref().and_then(|v| v[r].clone());
            let a = apprs.as_ref().and_then(|v| v[r].clone());
            let entry = if s.is_some() || a.is_some() {
                Some(Entry::assessed(s, a))
            } else {
                vals[r].clone().map(Entry::Plain)
            };
            if let Some(e) = entry {
                if records[k].values.insert(ind.clone(), e).is_some() {
                    let mut p = problem(
                        Some(r),
                        Some(&ind),
                        "duplicate_value",
                        "this indicator is given twice for the unit and period".to_owned(),
                    );
                    p.unit = Some(records[k].unit.clone());
                    p.period = records[k].period;
                    report.problems.push(p);
                }
            }
        }
    } else {
        for name in &names {
            if reserved.contains(&name.as_str()) {
                continue;
            }
            if !is_code(name) {
                if opts.ignore_unknown {
                    report.ignored_columns.push(name.clone());
                } else {
                    report.problems.push(problem(
                        None,
                        Some(name),
                        "unknown_column",
                        format!(
                            "column '{name}' is not an indicator of framework '{}'",
                            fw.id()
                        ),
                    ));
                }
                continue;
            }
            match values(df.column(name)?) {
                Ok(vals) => {
                    for r in 0..height {
                        let k = record_of_row[r];
                        if k == usize::MAX || rows[k] != r {
                            continue;
                        }
                        if let Some(v) = vals[r].clone() {
                            records[k].values.insert(name.clone(), Entry::Plain(v));
                        }
                    }
                }
                Err(m) => report.problems.push(problem(
                    None,
                    Some(name),
                    "not_numeric",
                    format!("column '{name}' {m}"),
                )),
            }
        }
    }
    Ok(Built {
        records,
        rows,
        report,
    })
}

/// Builds unit records from a frame (the batch reader behind [`score`]), with every
/// problem found; fails in strict mode when there is any.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["HN", "HN"]),
///     Column::new("period".into(), [2022, 2023]),
///     Column::new("indicator".into(), ["GOV", "GOV"]),
///     Column::new("value".into(), [0.5, 0.6]),
/// ])?;
/// let (records, report) = dti_polars::to_records(&df, &fw, &Default::default())?;
/// assert_eq!(records.len(), 2); // long layout detected
/// assert!(report.problems.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_records(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(Vec<UnitRecord>, BatchReport), BatchError> {
    let b = build(df, fw, opts)?;
    if !opts.lenient && !b.report.problems.is_empty() {
        return Err(BatchError::Input(b.report));
    }
    Ok((b.records, b.report))
}

/// Scores the records, mapping core input problems to frame rows.
fn score_built(
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
    let so = ScoreOptions {
        lenient: true,
        explain,
        pool_periods: opts.pool_periods,
        ..ScoreOptions::default()
    };
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

fn opt_f(v: impl Iterator<Item = Option<f64>>, name: &str) -> Column {
    Column::new(name.into(), v.collect::<Vec<Option<f64>>>())
}

fn opt_u(v: impl Iterator<Item = Option<u32>>, name: &str) -> Column {
    Column::new(name.into(), v.collect::<Vec<Option<u32>>>())
}

/// Within-group ranks of the index: per period and group value.
fn group_ranks(scores: &CohortScores, group: &str) -> Vec<Option<u32>> {
    let mut out = vec![None; scores.units.len()];
    let mut buckets: HashMap<(Option<i32>, &str), Vec<usize>> = HashMap::new();
    for (k, u) in scores.units.iter().enumerate() {
        if let (Some(g), Some(_)) = (u.groups.get(group), u.value) {
            buckets.entry((u.period, g.as_str())).or_default().push(k);
        }
    }
    for members in buckets.values() {
        for &k in members {
            let v = scores.units[k].value.unwrap_or(f64::NAN);
            let better = members
                .iter()
                .filter(|&&j| {
                    scores.units[j]
                        .value
                        .is_some_and(|w| w - v > 1e-12 * w.abs().max(v.abs()))
                })
                .count();
            out[k] = Some(better as u32 + 1);
        }
    }
    out
}

fn wide_result(
    fw: &Framework,
    scores: &CohortScores,
    opts: &BatchOptions,
) -> Result<DataFrame, BatchError> {
    let u = &scores.units;
    let mut cols = vec![
        Column::new(
            "unit".into(),
            u.iter().map(|x| x.unit.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "name".into(),
            u.iter().map(|x| x.name.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "period".into(),
            u.iter().map(|x| x.period).collect::<Vec<_>>(),
        ),
        opt_f(u.iter().map(|x| x.value), "value"),
        opt_f(u.iter().map(|x| x.points), "points"),
        opt_u(u.iter().map(|x| x.rank), "rank"),
    ];
    for g in &opts.rank_within {
        cols.push(Column::new(
            g.as_str().into(),
            u.iter()
                .map(|x| x.groups.get(g).map(String::as_str))
                .collect::<Vec<_>>(),
        ));
        cols.push(opt_u(
            group_ranks(scores, g).into_iter(),
            &format!("rank_in_{g}"),
        ));
    }
    for (k, v) in fw.def().views.iter().enumerate() {
        cols.push(opt_f(
            u.iter().map(|x| x.views[k].value),
            &format!("{}.value", v.code),
        ));
        cols.push(opt_f(
            u.iter().map(|x| x.views[k].points),
            &format!("{}.points", v.code),
        ));
        cols.push(opt_u(
            u.iter().map(|x| x.views[k].rank),
            &format!("{}.rank", v.code),
        ));
    }
    for (k, n) in fw.def().nodes.iter().enumerate() {
        cols.push(opt_f(
            u.iter().map(|x| x.nodes[k].value),
            &format!("{}.value", n.code),
        ));
        cols.push(opt_f(
            u.iter().map(|x| x.nodes[k].points),
            &format!("{}.points", n.code),
        ));
        cols.push(opt_u(
            u.iter().map(|x| x.nodes[k].rank),
            &format!("{}.rank", n.code),
        ));
    }
    Ok(DataFrame::new_infer_height(cols)?)
}

/// Scores a frame: one row per unit and period with `unit, name, period, value, points,
/// rank` (ranks within each period), optional `rank_in_<group>`, then for every view and node
/// `<code>.value`, `<code>.points`, `<code>.rank`.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["A", "B"]),
///     Column::new("GOV".into(), [0.5, 1.5]),
/// ])?;
/// let err = dti_polars::score(&df, &fw, &Default::default()).unwrap_err();
/// assert!(err.to_string().contains("row 1, column GOV, unit 'B': 1.5 is outside 0..1"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(DataFrame, BatchReport), BatchError> {
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
    let mo = MergeOptions {
        lenient: opts.lenient,
        score: ScoreOptions {
            explain: false,
            pool_periods: opts.pool_periods,
            ..ScoreOptions::default()
        },
        ..MergeOptions::default()
    };
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

/// Reads a CSV file into a frame: every column whose cells all parse as numbers becomes
/// Float64 (`period`-like integer columns Int64), the rest String; empty cells and `NA` are
/// nulls.
///
/// ```no_run
/// let df = dti_polars::read_csv("panel.csv".as_ref())?;
/// # Ok::<(), dti_polars::BatchError>(())
/// ```
pub fn read_csv(path: &Path) -> Result<DataFrame, BatchError> {
    let file = |message: String| BatchError::File {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file(e.to_string()))?;
    read_csv_str(&text).map_err(file)
}

/// [`read_csv`] from text.
///
/// ```
/// let df = dti_polars::read_csv_str("unit,period,GOV\nA,2023,0.5\nB,2023,NA\n")?;
/// assert_eq!(df.column("GOV")?.f64()?.get(1), None);
/// assert_eq!(df.column("period")?.i64()?.get(0), Some(2023));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_str(text: &str) -> Result<DataFrame, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
    for (k, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", k + 2))?;
        for (c, col) in cells.iter_mut().enumerate() {
            let v = rec.get(c).unwrap_or("");
            col.push((!v.is_empty() && !v.eq_ignore_ascii_case("na")).then(|| v.to_owned()));
        }
    }
    let cols = header
        .iter()
        .zip(cells)
        .map(|(h, col)| {
            let ints: Option<Vec<Option<i64>>> = col
                .iter()
                .map(|v| {
                    v.as_ref()
                        .map_or(Some(None), |s| s.parse::<i64>().ok().map(Some))
                })
                .collect();
            let floats: Option<Vec<Option<f64>>> = col
                .iter()
                .map(|v| {
                    v.as_ref()
                        .map_or(Some(None), |s| s.parse::<f64>().ok().map(Some))
                })
                .collect();
            let is_period = ["period", "year", "time"].contains(&h.to_lowercase().as_str());
            match (ints, floats) {
                (Some(i), _) if is_period => Column::new(h.as_str().into(), i),
                (_, Some(f)) if col.iter().any(Option::is_some) => {
                    Column::new(h.as_str().into(), f)
                }
                _ => Column::new(h.as_str().into(), col),
            }
        })
        .collect();
    DataFrame::new_infer_height(cols).map_err(|e| e.to_string())
}

/// Reads a Parquet file (feature `parquet`).
#[cfg(feature = "parquet")]
pub fn read_parquet(path: &Path) -> Result<DataFrame, BatchError> {
    let f = std::fs::File::open(path).map_err(|e| BatchError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(ParquetReader::new(f).finish()?)
}
