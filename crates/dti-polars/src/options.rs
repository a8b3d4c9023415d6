//! The options of a batch, its problems and errors.

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
