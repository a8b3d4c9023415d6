//! Errors from scoring: problems in the input (each naming the row, unit and indicator) and
//! problems computing cohort-relative methods.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A problem with one unit's input, located by row, unit id, period and indicator code.
///
/// Rows: the field `row` is the record's 0-based position in the input slice (an index:
/// `units[e.row]`); messages count from 1, as the `dti` command does ("row 1" is the first
/// record).
///
/// Serialises flat with a stable `code`:
/// `{"row": 2, "unit": "HN", "period": 2022, "indicator": "AWR", "code": "value_out_of_range", "value": 1.5}`.
///
/// ```
/// use dti_core::{Framework, UnitRecord, ScoreError, InputErrorKind};
/// let fw = Framework::from_json(
///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
/// let err = fw.score(&[UnitRecord::new("HN").value("A", 1.5)]).unwrap_err();
/// let ScoreError::Input { problems } = err else { panic!() };
/// assert_eq!(problems[0].unit, "HN");
/// assert_eq!(problems[0].indicator.as_deref(), Some("A"));
/// assert_eq!(problems[0].kind, InputErrorKind::ValueOutOfRange { value: 1.5 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
#[serde(try_from = "crate::model::forms::InputErrorForm")]
#[error("{}", Located(self))]
pub struct InputError {
    /// 0-based position of the record in the input (messages say `row + 1`).
    pub row: usize,
    /// The unit id.
    pub unit: String,
    /// The record's period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
    /// The indicator (node code) concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// What is wrong.
    #[serde(flatten)]
    pub kind: InputErrorKind,
}

struct Located<'a>(&'a InputError);

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        // Messages count rows from 1; the field is the 0-based index.
        write!(f, "row {}, unit '{}'", e.row + 1, e.unit)?;
        if let Some(p) = e.period {
            write!(f, " ({p})")?;
        }
        if let Some(i) = &e.indicator {
            write!(f, ", indicator '{i}'")?;
        }
        write!(f, ": {}", e.kind)
    }
}

impl InputError {
    /// The stable snake_case kind (the serialised `code` field).
    ///
    /// ```
    /// use dti_core::{InputError, InputErrorKind};
    /// let e = InputError { row: 0, unit: "HN".into(), period: None, indicator: None, kind: InputErrorKind::EmptyUnitId };
    /// assert_eq!(e.code(), "empty_unit_id");
    /// ```
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// What is wrong with an input entry.
///
/// ```
/// let k = dti_core::InputErrorKind::Missing;
/// assert_eq!(k.to_string(), "no value was reported and the framework's missing-data policy is 'error'");
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
#[serde(
    tag = "code",
    rename_all = "snake_case",
    try_from = "crate::model::forms::InputErrorForm"
)]
#[non_exhaustive]
pub enum InputErrorKind {
    /// The code is not a node of the framework.
    #[error("not an indicator of this framework{}", suggestion.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default())]
    UnknownIndicator {
        /// The closest existing code, if one is close.
        suggestion: Option<String>,
    },
    /// A number is NaN or infinite.
    #[error("{value} is not a finite number")]
    NotFinite {
        /// The value as text (`NaN`, `inf`, `-inf`: JSON has no number for them).
        value: String,
    },
    /// A count of whole things (a steps rule with `"whole": true`) with a fraction.
    #[error("{} is not a whole number", Num(*value))]
    NotWhole {
        /// The value.
        value: f64,
    },
    /// A count or ratio term is negative.
    #[error("{} is negative; counts cannot be", Num(*value))]
    NegativeCount {
        /// The value.
        value: f64,
    },
    /// A ratio's denominator is zero.
    #[error("the denominator is 0 (numerator {}), so the ratio is undefined", Num(*numerator))]
    ZeroDenominator {
        /// The numerator.
        numerator: f64,
    },
    /// A ratio's numerator exceeds its denominator.
    #[error("the numerator {} is larger than the denominator {}", Num(*numerator), Num(*denominator))]
    NumeratorAboveDenominator {
        /// a.
        numerator: f64,
        /// b.
        denominator: f64,
    },
    /// A percentage outside `[0, 100]`.
    #[error("{} is outside 0..100 for a percentage", Num(*value))]
    PercentOutOfRange {
        /// The value.
        value: f64,
    },
    /// A value given directly outside `[0, 1]`.
    #[error("{} is outside 0..1; a node's value is points achieved / max points", Num(*value))]
    ValueOutOfRange {
        /// The value.
        value: f64,
    },
    /// A label that the levels rule does not list.
    #[error("unknown level \"{label}\"; expected one of: {}", expected.join(", "))]
    UnknownLevel {
        /// The label given.
        label: String,
        /// The labels the rule accepts.
        expected: Vec<String>,
    },
    /// The value has the wrong type for the rule.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the rule reads.
        expected: String,
        /// What was given.
        found: String,
    },
    /// An assessed entry with neither a self-assessed nor an appraised value.
    #[error("the entry has neither a self-assessed nor an appraised value")]
    EmptyEntry,
    /// The same unit and period appear twice.
    #[error("the unit and period already appear in row {}", first_row + 1)]
    DuplicateUnit {
        /// Where it first appears (0-based index; the message counts from 1).
        first_row: usize,
    },
    /// The unit id is empty.
    #[error("the unit id is empty")]
    EmptyUnitId,
    /// The period (named in the error's location) is not a year of
    /// [`crate::model::PERIODS`]: a four-digit year.
    #[error("the period is not a year between 1000 and 9999")]
    PeriodOutOfRange,
    /// No value under missing-data policy `error`.
    #[error("no value was reported and the framework's missing-data policy is 'error'")]
    Missing,
    /// The node must be aggregated from children whose weights the source does not publish.
    #[error("the weights of its children {} are not published by the framework's source: give this node's value directly, or supply the weights", children.join(", "))]
    UnpublishedWeights {
        /// The children without weights.
        children: Vec<String>,
    },
    /// A node's value and a value of one of its descendants were both given.
    #[error("a value is given both for this node and for its descendant '{descendant}'; give one level only")]
    NodeAndDescendant {
        /// The descendant.
        descendant: String,
    },
}

impl InputErrorKind {
    /// The stable snake_case kind.
    ///
    /// ```
    /// assert_eq!(dti_core::InputErrorKind::Missing.code(), "missing");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            InputErrorKind::UnknownIndicator { .. } => "unknown_indicator",
            InputErrorKind::NotFinite { .. } => "not_finite",
            InputErrorKind::NegativeCount { .. } => "negative_count",
            InputErrorKind::NotWhole { .. } => "not_whole",
            InputErrorKind::ZeroDenominator { .. } => "zero_denominator",
            InputErrorKind::NumeratorAboveDenominator { .. } => "numerator_above_denominator",
            InputErrorKind::PercentOutOfRange { .. } => "percent_out_of_range",
            InputErrorKind::ValueOutOfRange { .. } => "value_out_of_range",
            InputErrorKind::UnknownLevel { .. } => "unknown_level",
            InputErrorKind::WrongType { .. } => "wrong_type",
            InputErrorKind::EmptyEntry => "empty_entry",
            InputErrorKind::DuplicateUnit { .. } => "duplicate_unit",
            InputErrorKind::EmptyUnitId => "empty_unit_id",
            InputErrorKind::PeriodOutOfRange => "period_out_of_range",
            InputErrorKind::Missing => "missing",
            InputErrorKind::NodeAndDescendant { .. } => "node_and_descendant",
            InputErrorKind::UnpublishedWeights { .. } => "unpublished_weights",
        }
    }
}

/// Why a cohort could not be scored.
///
/// ```
/// use dti_core::{Framework, UnitRecord, ScoreError};
/// let fw = Framework::from_json(
///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
/// let err = fw.score(&[UnitRecord::new("HN").value("B", 0.5), UnitRecord::new("HN")]).unwrap_err();
/// assert_eq!(err.code(), "input");
/// let ScoreError::Input { problems } = &err else { panic!() };
/// assert_eq!(problems.len(), 2); // the unknown code and the duplicate unit, both reported
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScoreError {
    /// Problems in the input (every one found). Use lenient mode to score the rest.
    #[error("{} problem(s) in the input:{}", problems.len(), InputList(problems))]
    Input {
        /// All problems found.
        problems: Vec<InputError>,
    },
    /// An aggregator met a child value it cannot take (e.g. 0 in a geometric mean).
    #[error("unit '{unit}'{}, node '{node}': the {method} cannot take child '{child}' = {value}; normalise to a positive range first (e.g. min_max to [1, 100]) or choose another aggregator", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    Aggregate {
        /// The unit.
        unit: String,
        /// Its period.
        period: Option<i32>,
        /// The node being aggregated.
        node: String,
        /// The aggregator.
        method: String,
        /// The offending child.
        child: String,
        /// Its value.
        value: f64,
    },
    /// A cohort-relative normaliser could not be applied to an indicator's column.
    #[error("indicator '{indicator}'{}: {source}", period.map(|p| format!(" in period {p}")).unwrap_or_default())]
    Normalise {
        /// The indicator.
        indicator: String,
        /// The period whose cohort was normalised (none when pooled or without periods).
        period: Option<i32>,
        /// What went wrong.
        source: NormaliseError,
    },
    /// A node's value or points overflow a 64-bit float (e.g. a generalised mean of huge
    /// values): never reported as infinity.
    #[error("unit '{unit}'{}, node '{node}': the {method} of its children overflows a 64-bit float; rescale the values", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    Overflow {
        /// The unit.
        unit: String,
        /// Its period.
        period: Option<i32>,
        /// The node being aggregated.
        node: String,
        /// The aggregator.
        method: String,
    },
    /// The unit asked for is not in the cohort ([`explain_unit`](crate::explain_unit)).
    #[error("no unit '{unit}'{} in the cohort", period.map(|p| format!(" in {p}")).unwrap_or_default())]
    UnknownUnit {
        /// What was asked for.
        unit: String,
        /// The period asked for.
        period: Option<i32>,
    },
    /// A column of columnar input cannot be used: it names no node of the framework, names
    /// one twice, or its length differs from the unit column's.
    #[error("column '{column}' {problem}")]
    Column {
        /// The column.
        column: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl ScoreError {
    /// The stable snake_case kind.
    ///
    /// ```
    /// let e = dti_core::ScoreError::Input { problems: vec![] };
    /// assert_eq!(e.code(), "input");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ScoreError::Input { .. } => "input",
            ScoreError::Normalise { .. } => "normalise",
            ScoreError::Aggregate { .. } => "aggregate",
            ScoreError::Column { .. } => "column",
            ScoreError::UnknownUnit { .. } => "unknown_unit",
            ScoreError::Overflow { .. } => "overflow",
        }
    }
}

struct InputList<'a>(&'a [InputError]);

impl fmt::Display for InputList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.0 {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

/// A number for a message: as written, or with an exponent when it is very large or very
/// small (1e308, not 309 digits).
pub(crate) struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if v != 0.0 && v.is_finite() && !(1e-7..1e16).contains(&v.abs()) {
            write!(f, "{v:e}")
        } else {
            write!(f, "{v}")
        }
    }
}

/// Why a normaliser could not be applied to a column.
///
/// ```
/// use dti_core::{methods::NormaliseError, Normaliser};
/// let err = Normaliser::MinMax { l: 0.0, u: 1.0 }.normalise(&[2.0, 2.0]).unwrap_err();
/// assert_eq!(err, NormaliseError::ZeroRange { value: 2.0 });
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NormaliseError {
    /// Every present value is the same, so the range is zero.
    #[error("every unit has the same value {value}, so the range is zero and min-max scaling is undefined")]
    ZeroRange {
        /// The common (direction-adjusted) value.
        value: f64,
    },
    /// The standard deviation is zero.
    #[error("every unit has the same value {value}, so the standard deviation is zero")]
    ZeroSpread {
        /// The common (direction-adjusted) value.
        value: f64,
    },
    /// Too few non-missing values.
    #[error("needs at least {needed} units with a value, found {found}")]
    TooFewValues {
        /// Required.
        needed: usize,
        /// Present.
        found: usize,
    },
    /// The maximum is zero, so a fraction of it is undefined.
    #[error("the largest value is 0, so a fraction of the maximum is undefined")]
    ZeroMax,
    /// The reference unit is not in the cohort, or has no value.
    #[error("the reference unit '{unit}' is not in the cohort or has no value")]
    ReferenceAbsent {
        /// The reference unit.
        unit: String,
    },
    /// The reference unit has the worst value, so distances to it are undefined.
    #[error("the reference unit '{unit}' has the worst value, so the distance to it is undefined")]
    ReferenceAtMinimum {
        /// The reference unit.
        unit: String,
    },
    /// The target is not better than the worst value.
    #[error("the target {target} is not better than the worst value {worst}, so the distance to it is undefined")]
    TargetNotAboveMinimum {
        /// The target (indicator units).
        target: f64,
        /// The worst value (indicator units).
        worst: f64,
    },
    /// No target was given, neither in the normaliser nor in the indicator's metadata.
    #[error("no target: give one in the normaliser or in the indicator's meta.target")]
    NoTarget,
    /// The values are too large for the normaliser: a statistic (range, mean, spread) or a
    /// result overflows a 64-bit float.
    #[error("the value {value:e} cannot be normalised: the values are so large that the column's range, mean or spread overflows (rescale the indicator)")]
    Overflow {
        /// The first value whose result is not finite (indicator units).
        value: f64,
    },
}

impl NormaliseError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// assert_eq!(dti_core::methods::NormaliseError::ZeroMax.code(), "zero_max");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            NormaliseError::ZeroRange { .. } => "zero_range",
            NormaliseError::ZeroSpread { .. } => "zero_spread",
            NormaliseError::TooFewValues { .. } => "too_few_values",
            NormaliseError::ZeroMax => "zero_max",
            NormaliseError::ReferenceAbsent { .. } => "reference_absent",
            NormaliseError::ReferenceAtMinimum { .. } => "reference_at_minimum",
            NormaliseError::TargetNotAboveMinimum { .. } => "target_not_above_minimum",
            NormaliseError::NoTarget => "no_target",
            NormaliseError::Overflow { .. } => "overflow",
        }
    }
}
