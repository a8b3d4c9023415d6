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
    analyses::MergeOptions, CohortScores, ColumnInput, ColumnOptions, ColumnScores, Entry,
    Framework, InputErrorKind, MergeMap, NumberColumn, ScoreOptions, UnitRecord, Value,
};
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;
use rayon::prelude::*;
use thiserror::Error;

/// The polars this crate is built with, so that callers build frames with the same version.
pub use polars;

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
/// let o = dti_polars::BatchOptions::default().lenient(true);
/// assert!(o.lenient && !o.pool_periods);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
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
    /// Also give every node's rank (`<code>.rank`); the index and the views are always
    /// ranked. Off by default: ranking sorts each column, which costs more than scoring it.
    pub node_ranks: bool,
    /// When two scores share a rank (default: equal up to 1e-12, relative).
    pub ties: dti_core::methods::Ties,
}

/// Setters (the struct is `#[non_exhaustive]`): `BatchOptions::default().lenient(true)`.
impl BatchOptions {
    /// Sets `columns` (see the field).
    #[must_use]
    pub fn columns(mut self, columns: ColumnNames) -> Self {
        self.columns = columns;
        self
    }
    /// Sets `layout` (see the field).
    #[must_use]
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }
    /// Sets `groups` (see the field).
    #[must_use]
    pub fn groups(mut self, groups: Vec<String>) -> Self {
        self.groups = groups;
        self
    }
    /// Sets `rank_within` (see the field).
    #[must_use]
    pub fn rank_within(mut self, rank_within: Vec<String>) -> Self {
        self.rank_within = rank_within;
        self
    }
    /// Sets `lenient` (see the field).
    #[must_use]
    pub fn lenient(mut self, lenient: bool) -> Self {
        self.lenient = lenient;
        self
    }
    /// Sets `ignore_unknown` (see the field).
    #[must_use]
    pub fn ignore_unknown(mut self, ignore_unknown: bool) -> Self {
        self.ignore_unknown = ignore_unknown;
        self
    }
    /// Sets `pool_periods` (see the field).
    #[must_use]
    pub fn pool_periods(mut self, pool_periods: bool) -> Self {
        self.pool_periods = pool_periods;
        self
    }
    /// Sets `node_ranks` (see the field).
    #[must_use]
    pub fn node_ranks(mut self, node_ranks: bool) -> Self {
        self.node_ranks = node_ranks;
        self
    }
    /// Sets `ties` (see the field).
    #[must_use]
    pub fn ties(mut self, ties: dti_core::methods::Ties) -> Self {
        self.ties = ties;
        self
    }
}

/// One problem in the input, with its row where it has one: the field is the 0-based row
/// of the frame, the message counts from 1 ("row 1" is the first row), as `dti-core` and the
/// `dti` command do.
///
/// ```
/// let p = dti_polars::BatchProblem { row: Some(3), column: Some("GOV".into()), unit: Some("HN".into()),
///     period: Some(2023), code: "value_out_of_range".into(), message: "1.5 is outside 0..1".into() };
/// assert_eq!(p.to_string(), "row 4, column GOV, unit 'HN' (2023): 1.5 is outside 0..1");
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}{}{}{}: {message}",
    row.map(|r| format!("row {}", r + 1)).unwrap_or_else(|| "frame".to_owned()),
    column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default(),
    unit.as_ref().map(|u| format!(", unit '{u}'")).unwrap_or_default(),
    period.map(|p| format!(" ({p})")).unwrap_or_default())]
pub struct BatchProblem {
    /// 0-based row of the frame (the message says `row + 1`).
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
    Merge(#[from] dti_core::analyses::MergeError),
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

/// What the header and column types of a frame say, before any row is read.
struct Header {
    long: bool,
    /// Wide layout: the indicator columns (codes of the framework), in frame order.
    indicators: Vec<String>,
    /// Whether every indicator column holds numbers (or only nulls): then the frame can be
    /// scored column by column.
    numeric: bool,
    /// The period column, when there is one and it holds whole years.
    period: Option<String>,
    /// Group columns present in the frame (groups, then rank_within, each once).
    groups: Vec<String>,
    report: BatchReport,
}

fn problem(row: Option<usize>, column: Option<&str>, code: &str, message: String) -> BatchProblem {
    BatchProblem {
        row,
        column: column.map(str::to_owned),
        unit: None,
        period: None,
        code: code.to_owned(),
        message,
    }
}

/// A frame-level problem that stops reading (strict or not).
fn fatal(column: &str, code: &str, message: String) -> BatchError {
    BatchError::Input(BatchReport {
        problems: vec![problem(None, Some(column), code, message)],
        ignored_columns: Vec::new(),
    })
}

fn header(df: &DataFrame, fw: &Framework, opts: &BatchOptions) -> Result<Header, BatchError> {
    let c = &opts.columns;
    let mut report = BatchReport::default();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if !has(&c.unit) {
        return Err(fatal(
            &c.unit,
            "missing_column",
            "the unit column is missing".to_owned(),
        ));
    }
    let long = match opts.layout {
        Layout::Long => true,
        Layout::Wide => false,
        Layout::Auto => has(&c.indicator) && has(&c.value),
    };
    let period = if has(&c.period) {
        let dt = df.column(&c.period)?.dtype();
        if dt.is_integer() {
            Some(c.period.clone())
        } else {
            report.problems.push(problem(
                None,
                Some(&c.period),
                "not_numeric",
                format!("the period column has type {dt}, not whole years"),
            ));
            None
        }
    } else {
        None
    };
    let mut groups: Vec<String> = Vec::new();
    for g in opts.groups.iter().chain(&opts.rank_within) {
        if groups.contains(g) {
            continue;
        }
        if has(g) {
            groups.push(g.clone());
        } else {
            report.problems.push(problem(
                None,
                Some(g),
                "missing_column",
                format!("group column '{g}' is not in the frame"),
            ));
        }
    }
    let mut indicators = Vec::new();
    let mut numeric = true;
    if !long {
        let reserved: Vec<&str> = [&c.unit, &c.name, &c.period]
            .into_iter()
            .map(String::as_str)
            .chain(groups.iter().map(String::as_str))
            .collect();
        for name in &names {
            if reserved.contains(&name.as_str()) {
                continue;
            }
            if fw.node(name).is_none() {
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
            match df.column(name)?.dtype() {
                dt if dt.is_primitive_numeric() || dt == &DataType::Null => {}
                DataType::Boolean | DataType::String => numeric = false,
                other => {
                    report.problems.push(problem(
                        None,
                        Some(name),
                        "not_numeric",
                        format!("column '{name}' has type {other}, which does not hold indicator values"),
                    ));
                    continue;
                }
            }
            indicators.push(name.clone());
        }
    }
    Ok(Header {
        long,
        indicators,
        numeric,
        period,
        groups,
        report,
    })
}

fn build(df: &DataFrame, fw: &Framework, opts: &BatchOptions) -> Result<Built, BatchError> {
    let c = &opts.columns;
    let Header {
        long,
        indicators,
        period: period_col,
        groups,
        mut report,
        ..
    } = header(df, fw, opts)?;
    let height = df.height();
    let units = strings(df.column(&c.unit)?)
        .map_err(|m| fatal(&c.unit, "not_text", format!("the unit column {m}")))?;
    let unit_names = match df.column(&c.name) {
        Ok(col) => strings(col).unwrap_or_else(|_| vec![None; height]),
        Err(_) => vec![None; height],
    };
    let period = match &period_col {
        Some(p) => periods(df.column(p)?).unwrap_or_else(|_| vec![None; height]),
        None => vec![None; height],
    };
    let mut group_cols = Vec::new();
    for g in &groups {
        group_cols.push((
            g.clone(),
            strings(df.column(g)?).unwrap_or_else(|_| vec![None; height]),
        ));
    }
    let ids = RowIds {
        units: &units,
        names: &unit_names,
        periods: &period,
        groups: &group_cols,
    };
    let mut index = index_records(&ids, long, c, &mut report);
    if long {
        fill_long(df, fw, opts, &mut index, &mut report)?;
    } else {
        fill_wide(df, &indicators, &mut index)?;
    }
    Ok(Built {
        records: index.records,
        rows: index.rows,
        report,
    })
}

/// A frame's id columns, one entry per row.
struct RowIds<'a> {
    units: &'a [Option<String>],
    names: &'a [Option<String>],
    periods: &'a [Option<i32>],
    groups: &'a [(String, Vec<Option<String>>)],
}

/// The frame's records, one per (unit, period), and where their rows are.
struct RecordIndex {
    records: Vec<UnitRecord>,
    /// The first row of each record.
    rows: Vec<usize>,
    /// Each row's record (`usize::MAX`: none — no unit, or a wide duplicate).
    record_of_row: Vec<usize>,
}

/// One record per (unit, period), in order of first appearance; rows without a unit, and
/// wide rows repeating a unit and period, are reported and belong to no record.
fn index_records(
    ids: &RowIds<'_>,
    long: bool,
    c: &ColumnNames,
    report: &mut BatchReport,
) -> RecordIndex {
    let height = ids.units.len();
    let mut records: Vec<UnitRecord> = Vec::new();
    let mut rows: Vec<usize> = Vec::new();
    let mut index: HashMap<(String, Option<i32>), usize> = HashMap::new();
    let mut record_of_row = vec![usize::MAX; height];
    for r in 0..height {
        let Some(u) = ids.units[r].clone().filter(|u| !u.trim().is_empty()) else {
            let mut p = problem(
                Some(r),
                Some(&c.unit),
                "empty_unit_id",
                "the unit is empty".to_owned(),
            );
            p.period = ids.periods[r];
            report.problems.push(p);
            continue;
        };
        let key = (u.clone(), ids.periods[r]);
        if let Some(&first) = index.get(&key) {
            if !long {
                let mut p = problem(
                    Some(r),
                    None,
                    "duplicate_unit",
                    format!(
                        "the unit and period already appear in row {}",
                        rows[first] + 1
                    ),
                );
                p.unit = Some(u);
                p.period = ids.periods[r];
                report.problems.push(p);
                continue;
            }
            record_of_row[r] = first;
            continue;
        }
        let mut rec = UnitRecord::new(&u);
        rec.period = ids.periods[r];
        rec.name = ids.names[r].clone();
        for (g, vals) in ids.groups {
            if let Some(v) = &vals[r] {
                rec.groups.insert(g.clone(), v.clone());
            }
        }
        index.insert(key, records.len());
        record_of_row[r] = records.len();
        records.push(rec);
        rows.push(r);
    }
    RecordIndex {
        records,
        rows,
        record_of_row,
    }
}

/// Fills the records from a long frame's indicator, value and self-assessed/appraised
/// columns, reporting unknown indicators (unless ignored) and values given twice.
fn fill_long(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
    index: &mut RecordIndex,
    report: &mut BatchReport,
) -> Result<(), BatchError> {
    let c = &opts.columns;
    let height = df.height();
    let records = &mut index.records;
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
    let side = |name: &str| df.column(name).ok().and_then(|col| values(col).ok());
    let (selfs, apprs) = (side(&c.self_assessed), side(&c.appraised));
    for r in 0..height {
        let k = index.record_of_row[r];
        if k == usize::MAX {
            continue;
        }
        let Some(ind) = inds[r].clone() else { continue };
        if fw.node(&ind).is_none() {
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
    Ok(())
}

/// Fills the records from a wide frame's indicator columns (each record from its own row).
fn fill_wide(
    df: &DataFrame,
    indicators: &[String],
    index: &mut RecordIndex,
) -> Result<(), BatchError> {
    for name in indicators {
        // The header checked the type: only text, booleans and numbers get here.
        let Ok(vals) = values(df.column(name)?) else {
            continue;
        };
        for (r, &k) in index.record_of_row.iter().enumerate() {
            if k == usize::MAX || index.rows[k] != r {
                continue;
            }
            if let Some(v) = vals[r].clone() {
                index.records[k]
                    .values
                    .insert(name.clone(), Entry::Plain(v));
            }
        }
    }
    Ok(())
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
    to_located_records(df, fw, opts).map(|(records, _, report)| (records, report))
}

/// [`to_records`], with the frame row (0-based) each record was read from, so that later
/// problems can be located in the frame.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["", "HN"]),
///     Column::new("GOV".into(), [0.5, 0.6]),
/// ])?;
/// let opts = dti_polars::BatchOptions::default().lenient(true);
/// let (records, rows, report) = dti_polars::to_located_records(&df, &fw, &opts)?;
/// assert_eq!((records.len(), rows[0], report.problems.len()), (1, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_located_records(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(Vec<UnitRecord>, Vec<usize>, BatchReport), BatchError> {
    let b = build(df, fw, opts)?;
    if !opts.lenient && !b.report.problems.is_empty() {
        return Err(BatchError::Input(b.report));
    }
    Ok((b.records, b.rows, b.report))
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
struct Ident {
    unit: Column,
    name: Column,
    period: Column,
    periods: Vec<Option<i32>>,
    groups: Vec<(String, Column)>,
}

impl Ident {
    fn of_scores(scores: &CohortScores, opts: &BatchOptions) -> Ident {
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
fn columns_of(fw: &Framework, scores: &CohortScores) -> ColumnScores {
    let mut c = ColumnScores::from_cohort(fw, scores);
    c.problems.clear();
    c.excluded.clear();
    c
}

/// A float column of `height` rows with NaN as null, without copying the numbers (an empty
/// vector is all null).
fn float_column(name: &str, v: Vec<f64>, height: usize) -> Column {
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

fn rank_column(name: &str, v: &[Option<u32>]) -> Column {
    UInt32Chunked::from_iter_options(name.into(), v.iter().copied()).into_column()
}

/// Within-group ranks of the index, per period and group value (rows without a group value
/// get none).
fn group_ranks(
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
fn wide_frame(
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

fn wide_result(
    fw: &Framework,
    scores: &CohortScores,
    opts: &BatchOptions,
) -> Result<DataFrame, BatchError> {
    wide_frame(Ident::of_scores(scores, opts), columns_of(fw, scores), opts)
}

/// A numeric column as dti-core's input column, borrowing the numbers when they are in one
/// chunk.
fn number_column<'a>(code: &'a str, ca: &'a Float64Chunked) -> NumberColumn<'a> {
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
fn frame_problem(e: &dti_core::InputError, unit_column: &str) -> BatchProblem {
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
fn score_wide_numeric(
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
    let bytes = std::fs::read(path).map_err(|e| file(e.to_string()))?;
    let text = dti_core::io::decode(bytes).map_err(|e| file(e.to_string()))?;
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
    // The checks of every reader in the workspace (dti_core::io): a damaged file is an error
    // with its physical line, never a frame with a row lost or a column shifted.
    let delimiter = dti_core::io::sniff_delimiter(text);
    if let Some(line) = dti_core::io::unterminated_quote(text, delimiter) {
        return Err(format!(
            "line {line}: a quoted field opens here and no quote closes it before the end of the file"
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    if let Some(dti_core::io::HeaderProblem { message, .. }) =
        dti_core::io::header_problems(&header).into_iter().next()
    {
        return Err(format!("line 1: {message}"));
    }
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
    let mut rec = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        if !reader
            .read_record(&mut rec)
            .map_err(|e| format!("line {line}: {e}"))?
        {
            break;
        }
        if rec.len() != header.len() {
            if rec.len() == 1 && rec.get(0).is_some_and(str::is_empty) {
                continue; // a blank line
            }
            return Err(format!(
                "line {line}: {} cell(s) where the header has {}",
                rec.len(),
                header.len()
            ));
        }
        for (c, col) in cells.iter_mut().enumerate() {
            let v = rec.get(c).unwrap_or("");
            col.push((!dti_core::io::is_missing(v)).then(|| v.to_owned()));
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

/// Writes a frame to a Parquet file (feature `parquet`): e.g. a panel, or scores for another
/// tool.
///
/// ```no_run
/// let mut df = dti_polars::read_csv("panel.csv".as_ref())?;
/// dti_polars::write_parquet(&mut df, "panel.parquet".as_ref())?;
/// # Ok::<(), dti_polars::BatchError>(())
/// ```
#[cfg(feature = "parquet")]
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), BatchError> {
    let f = std::fs::File::create(path).map_err(|e| BatchError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    ParquetWriter::new(f).finish(df)?;
    Ok(())
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
