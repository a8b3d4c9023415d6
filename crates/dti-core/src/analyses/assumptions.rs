//! The uncertain assumptions of an analysis as data ([`Uncertain`]), experimental designs,
//! the analyses' errors and limits, and how a run's point becomes one choice per input
//! (`composite-methods.md`, "Uncertainty and sensitivity analysis").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::ScoreError;
use crate::methods::impute::Imputation;
use crate::methods::normalise::Normaliser;
use crate::model::definition::Aggregator;
use crate::model::validate::FrameworkError;

/// A progress callback: `(runs done, runs in all)`; returning `false` cancels the analysis.
/// It is always called on the calling thread, between waves of runs (with feature
/// `parallel` the workers run a wave, then the callback is asked), so it need not be `Sync`
/// and the feature changes no signature.
pub type Progress<'a> = &'a dyn Fn(usize, usize) -> bool;

/// One uncertain assumption, named.
///
/// ```
/// let u: dti_core::analyses::Uncertain = serde_json::from_str(
///     r#"{"name": "weights", "kind": "weight_noise", "factor": 0.25}"#)?;
/// assert_eq!(u.name, "weights");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::analyses::forms::UncertainForm")]
pub struct Uncertain {
    /// Name (a column of designs and exported draws).
    pub name: String,
    /// What is uncertain.
    #[serde(flatten)]
    pub kind: UncertainKind,
}

/// What is uncertain. `depth` limits an input to the nodes at one depth (top level 1, the
/// index 0); without it, every node the input can apply to.
///
/// ```
/// let k: dti_core::analyses::UncertainKind = serde_json::from_str(
///     r#"{"kind": "normaliser", "alternatives": [{"method": "min_max"}, {"method": "z_score"}]}"#)?;
/// assert!(matches!(k, dti_core::analyses::UncertainKind::Normaliser { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    try_from = "crate::analyses::forms::UncertainForm"
)]
#[non_exhaustive]
pub enum UncertainKind {
    /// Each weight w becomes w·(1 + f·U(−1, 1)), independently per node and run.
    WeightNoise {
        /// Depth of the weights perturbed.
        #[serde(default)]
        depth: Option<usize>,
        /// The noise factor f (e.g. 0.25 for ±25 %).
        factor: f64,
    },
    /// One of several normalisers for the `normalised` leaves.
    Normaliser {
        /// Depth of the leaves.
        #[serde(default)]
        depth: Option<usize>,
        /// The alternatives.
        alternatives: Vec<Normaliser>,
    },
    /// One of several aggregators for the nodes with children.
    Aggregator {
        /// Depth of the nodes (0 = the index).
        #[serde(default)]
        depth: Option<usize>,
        /// The alternatives.
        alternatives: Vec<Aggregator>,
    },
    /// One of the framework's named weight sets (`"nominal"` = its own weights).
    WeightSet {
        /// The set names.
        alternatives: Vec<String>,
    },
    /// One of several imputations of the input (`null` = none).
    Imputation {
        /// The alternatives.
        alternatives: Vec<Option<Imputation>>,
    },
    /// A generalised mean whose power p is drawn uniformly from [lo, hi] (not spanning 0).
    GeneralisedPower {
        /// Depth of the nodes (0 = the index).
        #[serde(default)]
        depth: Option<usize>,
        /// Lowest p.
        lo: f64,
        /// Highest p.
        hi: f64,
    },
}

/// One cell of a design or of exported draws: an alternative or replication by index, a
/// parameter value, or an alternative by name.
///
/// ```
/// let v: Vec<dti_core::analyses::DesignValue> = serde_json::from_str(r#"[3, 0.75, "z_score"]"#)?;
/// assert_eq!(v[0], dti_core::analyses::DesignValue::Index(3));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DesignValue {
    /// An alternative (0-based) or a weight-noise replication.
    Index(u64),
    /// A parameter value.
    Number(f64),
    /// An alternative by name (normaliser or aggregator method, weight set, imputation method
    /// or `"none"`).
    Name(String),
}

// Read by hand: a whole non-negative number is an index, any other number a value, a text a
// name (serde's untagged reading would buffer every cell and try each variant in turn).
impl<'de> Deserialize<'de> for DesignValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DesignValue, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DesignValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an index, a number or a name")
            }
            fn visit_u64<E>(self, v: u64) -> Result<DesignValue, E> {
                Ok(DesignValue::Index(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<DesignValue, E> {
                Ok(u64::try_from(v).map_or(DesignValue::Number(v as f64), DesignValue::Index))
            }
            fn visit_f64<E>(self, v: f64) -> Result<DesignValue, E> {
                Ok(DesignValue::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<DesignValue, E> {
                Ok(DesignValue::Name(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A given design: one row per run, one value per uncertain input (by name).
///
/// ```
/// let d: dti_core::analyses::Design = serde_json::from_str(r#"{"rows": [{"normaliser": "z_score", "weights": 17}]}"#)?;
/// assert_eq!(d.rows.len(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Design {
    /// The runs.
    pub rows: Vec<BTreeMap<String, DesignValue>>,
}

/// Why an analysis could not run.
///
/// ```
/// let e = dti_core::analyses::AnalysisError::Cancelled;
/// assert_eq!(e.to_string(), "the analysis was cancelled");
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AnalysisError {
    /// The specification does not fit the framework.
    #[error("uncertain input '{input}': {message}")]
    #[serde(rename = "analysis_spec")]
    Spec {
        /// The input's name.
        input: String,
        /// What is wrong.
        message: String,
    },
    /// A design row cannot be read.
    #[error("design row {}, input '{input}': {message}", row + 1)]
    #[serde(rename = "analysis_design")]
    Design {
        /// 0-based row of the design (the message counts from 1).
        row: usize,
        /// The input.
        input: String,
        /// What is wrong.
        message: String,
    },
    /// An alternative makes the framework invalid.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
    /// Scoring failed (the input, or a run's method choice).
    #[error(transparent)]
    Score(#[from] ScoreError),
    /// Two inputs set the same parameter of the same node: which one a run uses would be
    /// decided by their order, silently.
    #[error("uncertain inputs '{first}' and '{second}' both set the {parameter} of node '{node}'")]
    Conflict {
        /// The first input.
        first: String,
        /// The second input.
        second: String,
        /// What both set (`weights`, `normaliser`, `aggregator`).
        parameter: String,
        /// The node (its code, or the framework id for the index).
        node: String,
    },
    /// No uncertain input changes any unit's value: the analysis would report the nominal
    /// ranking as its answer.
    #[error("no uncertain input changes any unit's value ({})", inputs.join(", "))]
    NoEffect {
        /// The inputs, each without effect.
        inputs: Vec<String>,
    },
    /// A field of the specification has a value the analysis cannot use.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (`runs`, `n`, `rows` …).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A count in the specification is beyond its limit.
    #[error("{what} is {value}: at most {limit}")]
    TooLarge {
        /// What was counted (`runs`, `n`, `n·(d + 2) runs`, `bootstrap`, …).
        what: String,
        /// The value given (or the product, for a derived size).
        value: u128,
        /// The limit.
        limit: u64,
    },
    /// The progress callback asked to stop.
    #[error("the analysis was cancelled")]
    Cancelled,
}

impl AnalysisError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; a wrapped
    /// framework or scoring error gives its own code).
    ///
    /// ```
    /// assert_eq!(dti_core::analyses::AnalysisError::Cancelled.code(), "cancelled");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            AnalysisError::Spec { .. } => "analysis_spec",
            AnalysisError::Design { .. } => "analysis_design",
            AnalysisError::Framework(e) => e.code(),
            AnalysisError::Score(e) => e.code(),
            AnalysisError::Conflict { .. } => "conflict",
            AnalysisError::NoEffect { .. } => "no_effect",
            AnalysisError::TooLarge { .. } => "too_large",
            AnalysisError::Invalid { .. } => "invalid",
            AnalysisError::Cancelled => "cancelled",
        }
    }
}

/// Most runs of one analysis (uncertainty runs, or N·(d + 2) Sobol runs): each run keeps
/// one value and one rank per unit, so 10⁷ runs of 63 units hold about 10 GB.
pub const MAX_RUNS: usize = 10_000_000;
/// Most bootstrap resamples of a sensitivity analysis.
pub const MAX_BOOTSTRAP: usize = 100_000;
/// Most uncertain inputs in one specification.
pub const MAX_INPUTS: usize = 1_000;
/// Most alternatives of one uncertain input.
pub const MAX_ALTERNATIVES: usize = 10_000;
/// Most combinations of normaliser and imputation alternatives (each combination's
/// normalised leaves are computed once and kept).
pub const MAX_COMBINATIONS: usize = 4_096;

/// Most result cells (runs × units) an analysis keeps: a value and a rank each, 1.6 GB.
pub const MAX_CELLS: usize = 100_000_000;

/// The result cells of `runs` runs over `units` units, within [`MAX_CELLS`].
pub(crate) fn cells_of(runs: usize, units: usize) -> Result<usize, AnalysisError> {
    runs.checked_mul(units)
        .filter(|&c| c <= MAX_CELLS)
        .ok_or_else(|| too_large("runs × units", runs as u128 * units as u128, MAX_CELLS))
}

pub(crate) fn too_large(what: &str, value: u128, limit: usize) -> AnalysisError {
    AnalysisError::TooLarge {
        what: what.to_owned(),
        value,
        limit: limit as u64,
    }
}

/// A run's choice for one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Choice {
    Alternative(usize),
    Replication(u64),
    Value(f64),
}

impl Choice {
    /// The design cell for this choice: an alternative by its name when the names are
    /// unique (by position otherwise).
    pub(crate) fn export(self, names: &[String]) -> DesignValue {
        match self {
            Choice::Alternative(i) => {
                let unique = names.iter().filter(|n| **n == names[i]).count() == 1;
                if unique {
                    DesignValue::Name(names[i].clone())
                } else {
                    DesignValue::Index(i as u64)
                }
            }
            Choice::Replication(r) => DesignValue::Index(r),
            Choice::Value(v) => DesignValue::Number(v),
        }
    }
}

/// The parameter an input sets, for the check that no two inputs set the same one.
pub(crate) fn parameter(kind: &UncertainKind) -> Option<&'static str> {
    match kind {
        UncertainKind::WeightNoise { .. } => Some("weight noise"),
        UncertainKind::Normaliser { .. } => Some("normaliser"),
        UncertainKind::Aggregator { .. } | UncertainKind::GeneralisedPower { .. } => {
            Some("aggregator")
        }
        _ => None,
    }
}

/// The names of an input's alternatives (empty for noise and parameter ranges).
pub(crate) fn alternative_names(kind: &UncertainKind) -> Vec<String> {
    match kind {
        UncertainKind::Normaliser { alternatives, .. } => {
            alternatives.iter().map(|a| a.name().to_owned()).collect()
        }
        UncertainKind::Aggregator { alternatives, .. } => {
            alternatives.iter().map(|a| a.name().to_owned()).collect()
        }
        UncertainKind::WeightSet { alternatives } => alternatives.clone(),
        UncertainKind::Imputation { alternatives } => alternatives
            .iter()
            .map(|a| a.as_ref().map_or("none", Imputation::name).to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn spec_err(input: &Uncertain, message: impl Into<String>) -> AnalysisError {
    AnalysisError::Spec {
        input: input.name.clone(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_values_read_by_kind() {
        let v: Vec<DesignValue> = serde_json::from_str(r#"[3, -1, 3.0, 0.75, "z_score"]"#).unwrap();
        assert_eq!(
            v,
            [
                DesignValue::Index(3),
                DesignValue::Number(-1.0),
                DesignValue::Number(3.0),
                DesignValue::Number(0.75),
                DesignValue::Name("z_score".into()),
            ]
        );
        let again: Vec<DesignValue> =
            serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!(again, v);
        let e = serde_json::from_str::<DesignValue>("true")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("invalid type: boolean `true`, expected an index, a number or a name"),
            "{e}"
        );
    }
}
