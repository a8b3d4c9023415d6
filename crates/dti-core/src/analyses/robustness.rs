//! Uncertainty analysis, variance-based sensitivity analysis and leave-one-out
//! (`composite-methods.md`, "Uncertainty and sensitivity analysis"; OECD/JRC Handbook 2008
//! §7; Saltelli et al. 2010).
//!
//! An uncertain assumption is data ([`Uncertain`]): noise on weights, alternative
//! normalisers, aggregators, weight sets or imputations, or a range for a parameter. Each run
//! maps a point u ∈ [0, 1)ᵈ to one choice per input; runs are independent and seeded by a
//! counter-based generator, so results are identical in any order, on any number of threads
//! (feature `parallel`) and on every platform.
//!
//! The cohort is resolved once; normalised leaf columns are computed once per combination of
//! normaliser (and imputation) choices; a run only re-aggregates flat arrays.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::eval::{uniform, Cells, Evaluator};
use crate::error::ScoreError;
use crate::methods::impute::{impute, Imputation};
use crate::methods::normalise::{Normaliser, Ties};
use crate::model::framework::{Aggregator, Framework, FrameworkDef, Rule};
use crate::model::input::UnitRecord;
use crate::model::plan::{Plan, NO_PARENT};
use crate::model::validate::FrameworkError;
use crate::sum::{exact_sum, ExactSum};

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
#[serde(try_from = "crate::model::forms::UncertainForm")]
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
    try_from = "crate::model::forms::UncertainForm"
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
fn cells_of(runs: usize, units: usize) -> Result<usize, AnalysisError> {
    runs.checked_mul(units)
        .filter(|&c| c <= MAX_CELLS)
        .ok_or_else(|| too_large("runs × units", runs as u128 * units as u128, MAX_CELLS))
}

fn too_large(what: &str, value: u128, limit: usize) -> AnalysisError {
    AnalysisError::TooLarge {
        what: what.to_owned(),
        value,
        limit: limit as u64,
    }
}

/// A run's choice for one input.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Choice {
    Alternative(usize),
    Replication(u64),
    Value(f64),
}

impl Choice {
    /// The design cell for this choice: an alternative by its name when the names are
    /// unique (by position otherwise).
    fn export(self, names: &[String]) -> DesignValue {
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
fn parameter(kind: &UncertainKind) -> Option<&'static str> {
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
fn alternative_names(kind: &UncertainKind) -> Vec<String> {
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

// Streams of the counter-based generator.
const NOISE: u64 = 1 << 32;
const SAMPLE: u64 = 2 << 32;
const SALTELLI_A: u64 = 3 << 32;
const SALTELLI_B: u64 = 4 << 32;
const BOOT: u64 = 5 << 32;

/// Everything precomputed for an analysis.
struct Prepared<'a> {
    fw: &'a Framework,
    inputs: &'a [Uncertain],
    seed: u64,
    /// Scope of each input: node indices.
    scope: Vec<Vec<usize>>,
    /// One evaluator per imputation alternative (index 0: the records as given).
    evaluators: Vec<Evaluator>,
    /// Imputation input → evaluator index per alternative.
    imputation: Option<(usize, Vec<usize>)>,
    /// Normaliser inputs, in order.
    normalisers: Vec<usize>,
    /// Leaf cells per (evaluator, normaliser choices…).
    leaves: HashMap<Vec<usize>, Cells>,
    /// Base weights per weight-set alternative (or the framework's own).
    weights: Vec<Vec<f64>>,
    weight_set: Option<usize>,
    /// Inputs that apply to no node of the framework.
    warnings: Vec<String>,
}

fn spec_err(input: &Uncertain, message: impl Into<String>) -> AnalysisError {
    AnalysisError::Spec {
        input: input.name.clone(),
        message: message.into(),
    }
}

/// What each uncertain input applies to (`scope`: nodes per input), which inputs choose
/// normalisers, the weight set and the imputation, and the inputs that apply to nothing.
struct Scopes {
    scope: Vec<Vec<usize>>,
    normalisers: Vec<usize>,
    weight_set: Option<usize>,
    imputation: Option<(usize, Vec<usize>)>,
    warnings: Vec<String>,
}

/// Checks each input and finds the nodes it applies to.
fn scopes(fw: &Framework, inputs: &[Uncertain]) -> Result<Scopes, AnalysisError> {
    let plan = &fw.plan;
    let mut scope = Vec::new();
    let internal = |i: usize| !plan.children[i].is_empty();
    let at = |i: usize, depth: Option<usize>| depth.is_none_or(|d| plan.depth[i] == d);
    let mut imputation = None;
    let mut normalisers = Vec::new();
    let mut weight_set = None;
    let mut names: Vec<&str> = Vec::new();
    let mut warnings = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        let count = alternative_names(&input.kind).len();
        if count > MAX_ALTERNATIVES {
            return Err(too_large(
                &format!("input '{}': the number of alternatives", input.name),
                count as u128,
                MAX_ALTERNATIVES,
            ));
        }
        if names.contains(&input.name.as_str()) {
            return Err(spec_err(input, "the name is used twice"));
        }
        names.push(&input.name);
        let nodes: Vec<usize> = match &input.kind {
            UncertainKind::WeightNoise { depth, factor } => {
                if !(0.0..1.0).contains(factor) {
                    return Err(spec_err(
                        input,
                        format!("the noise factor must be in [0, 1), got {factor}"),
                    ));
                }
                (0..plan.n).filter(|&i| at(i, *depth)).collect()
            }
            UncertainKind::Normaliser {
                depth,
                alternatives,
            } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                normalisers.push(k);
                (0..plan.n)
                    .filter(|&i| at(i, *depth) && plan.normaliser[i].is_some())
                    .collect()
            }
            UncertainKind::Aggregator {
                depth,
                alternatives,
            } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                (0..=plan.n)
                    .filter(|&i| internal(i) && at(i, *depth))
                    .collect()
            }
            UncertainKind::GeneralisedPower { depth, lo, hi } => {
                if !(lo.is_finite() && hi.is_finite() && lo < hi && (*lo > 0.0 || *hi < 0.0)) {
                    return Err(spec_err(
                        input,
                        format!("needs finite lo < hi on one side of 0, got [{lo}, {hi}]"),
                    ));
                }
                (0..=plan.n)
                    .filter(|&i| internal(i) && at(i, *depth))
                    .collect()
            }
            UncertainKind::WeightSet { alternatives } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                if weight_set.replace(k).is_some() {
                    return Err(spec_err(input, "only one weight-set input is allowed"));
                }
                Vec::new()
            }
            UncertainKind::Imputation { alternatives } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                if imputation.replace((k, Vec::new())).is_some() {
                    return Err(spec_err(input, "only one imputation input is allowed"));
                }
                Vec::new()
            }
        };
        let needs_nodes = !matches!(
            input.kind,
            UncertainKind::WeightSet { .. } | UncertainKind::Imputation { .. }
        );
        if needs_nodes && nodes.is_empty() {
            warnings.push(format!(
                "uncertain input '{}' applies to no node of the framework{}: it has no effect",
                input.name,
                match &input.kind {
                    UncertainKind::WeightNoise { depth: Some(d), .. }
                    | UncertainKind::Normaliser { depth: Some(d), .. }
                    | UncertainKind::Aggregator { depth: Some(d), .. }
                    | UncertainKind::GeneralisedPower { depth: Some(d), .. } =>
                        format!(" at depth {d}"),
                    _ => String::new(),
                }
            ));
        }
        scope.push(nodes);
    }

    Ok(Scopes {
        scope,
        normalisers,
        weight_set,
        imputation,
        warnings,
    })
}

/// Two inputs that set the same parameter of one node are an error: which one a run uses
/// would otherwise depend on their order.
fn check_conflicts(
    fw: &Framework,
    inputs: &[Uncertain],
    scope: &[Vec<usize>],
) -> Result<(), AnalysisError> {
    let plan = &fw.plan;
    for (k, input) in inputs.iter().enumerate() {
        let Some(param) = parameter(&input.kind) else {
            continue;
        };
        for (j, other) in inputs.iter().enumerate().take(k) {
            if parameter(&other.kind) != Some(param) {
                continue;
            }
            if let Some(&node) = scope[k].iter().find(|i| scope[j].contains(i)) {
                return Err(AnalysisError::Conflict {
                    first: other.name.clone(),
                    second: input.name.clone(),
                    parameter: param.to_owned(),
                    node: if node == plan.root {
                        fw.def.id.clone()
                    } else {
                        fw.def.nodes[node].code.clone()
                    },
                });
            }
        }
    }

    Ok(())
}

/// Aggregator alternatives must fit the framework (e.g. Copeland on a node with points).
fn check_aggregators(
    fw: &Framework,
    inputs: &[Uncertain],
    scope: &[Vec<usize>],
) -> Result<(), AnalysisError> {
    let plan = &fw.plan;
    for (k, input) in inputs.iter().enumerate() {
        let alternatives: Vec<Aggregator> = match &input.kind {
            UncertainKind::Aggregator { alternatives, .. } => alternatives.clone(),
            UncertainKind::GeneralisedPower { lo, .. } => {
                vec![Aggregator::GeneralisedMean { p: *lo }]
            }
            _ => continue,
        };
        for a in alternatives {
            let mut def = (*fw.def).clone();
            // Points derived from a sum stay every node's points under a mean (views and
            // points sums elsewhere keep the maxima they had).
            def.scale = plan.max[plan.root];
            for (j, node) in def.nodes.iter_mut().enumerate() {
                if node.max_points.is_none() {
                    node.max_points = plan.max[j];
                }
            }
            for &i in &scope[k] {
                if i == plan.root {
                    def.aggregate = a;
                } else {
                    def.nodes[i].aggregate = Some(a);
                }
            }
            Framework::new(def)
                .map_err(|e| spec_err(input, format!("alternative {}: {e}", a.name())))?;
        }
    }

    Ok(())
}

/// Evaluators: the records as given, and one per imputation alternative (their slots are
/// filled into `imputation`).
fn evaluators(
    fw: &Framework,
    units: &[UnitRecord],
    inputs: &[Uncertain],
    imputation: &mut Option<(usize, Vec<usize>)>,
    pool_periods: bool,
    ties: Ties,
) -> Result<Vec<Evaluator>, AnalysisError> {
    let mut evaluators = vec![Evaluator::new(fw, units, pool_periods, ties)?];
    if let Some((k, slots)) = imputation {
        let UncertainKind::Imputation { alternatives } = &inputs[*k].kind else {
            unreachable!("imputation input")
        };
        for alt in alternatives {
            match alt {
                None => slots.push(0),
                Some(how) => {
                    let (done, _) = impute(fw, units, how);
                    evaluators.push(Evaluator::new(fw, &done, pool_periods, ties)?);
                    slots.push(evaluators.len() - 1);
                }
            }
        }
    }

    Ok(evaluators)
}

/// The weights of each weight-set alternative (the framework's own without a weight set).
fn weight_alternatives(
    fw: &Framework,
    inputs: &[Uncertain],
    weight_set: Option<usize>,
) -> Result<Vec<Vec<f64>>, AnalysisError> {
    let plan = &fw.plan;
    let mut weights = vec![plan.weight.clone()];
    if let Some(k) = weight_set {
        let UncertainKind::WeightSet { alternatives } = &inputs[k].kind else {
            unreachable!("weight-set input")
        };
        weights = alternatives
            .iter()
            .map(|name| {
                if name == "nominal" {
                    Ok(plan.weight.clone())
                } else {
                    fw.with_weight_set(name)
                        .map(|f| f.plan.weight.clone())
                        .map_err(|e| spec_err(&inputs[k], e.to_string()))
                }
            })
            .collect::<Result<_, _>>()?;
    }

    Ok(weights)
}

impl<'a> Prepared<'a> {
    fn new(
        fw: &'a Framework,
        units: &[UnitRecord],
        inputs: &'a [Uncertain],
        seed: u64,
        pool_periods: bool,
        ties: Ties,
    ) -> Result<Self, AnalysisError> {
        if inputs.len() > MAX_INPUTS {
            return Err(too_large(
                "the number of inputs",
                inputs.len() as u128,
                MAX_INPUTS,
            ));
        }
        let Scopes {
            scope,
            normalisers,
            weight_set,
            mut imputation,
            warnings,
        } = scopes(fw, inputs)?;
        check_conflicts(fw, inputs, &scope)?;
        check_aggregators(fw, inputs, &scope)?;
        let evaluators = evaluators(fw, units, inputs, &mut imputation, pool_periods, ties)?;
        let weights = weight_alternatives(fw, inputs, weight_set)?;
        let mut prepared = Prepared {
            fw,
            inputs,
            seed,
            scope,
            evaluators,
            imputation,
            normalisers,
            leaves: HashMap::new(),
            weights,
            weight_set,
            warnings,
        };
        prepared.precompute_leaves()?;
        Ok(prepared)
    }

    /// Normalised leaves for every combination of imputation and normaliser choices.
    fn precompute_leaves(&mut self) -> Result<(), AnalysisError> {
        let ev_choices: Vec<usize> = match &self.imputation {
            Some((_, slots)) => {
                let mut s = slots.clone();
                s.sort_unstable();
                s.dedup();
                s
            }
            None => vec![0],
        };
        let counts: Vec<usize> = self
            .normalisers
            .iter()
            .map(|&k| match &self.inputs[k].kind {
                UncertainKind::Normaliser { alternatives, .. } => alternatives.len(),
                _ => 1,
            })
            .collect();
        // Checked: many inputs with many alternatives must not overflow into a small number.
        let combos = counts
            .iter()
            .try_fold(ev_choices.len(), |a, &c| a.checked_mul(c))
            .filter(|&c| c <= MAX_COMBINATIONS);
        let Some(_) = combos else {
            let k = self.normalisers.first().copied().unwrap_or(0);
            return Err(spec_err(
                &self.inputs[k],
                format!(
                    "the normaliser and imputation alternatives make more than {MAX_COMBINATIONS} combinations"
                ),
            ));
        };
        let mut choice = vec![0usize; counts.len()];
        loop {
            let mut def: FrameworkDef = (*self.fw.def).clone();
            for (slot, &k) in self.normalisers.iter().enumerate() {
                let UncertainKind::Normaliser { alternatives, .. } = &self.inputs[k].kind else {
                    continue;
                };
                for &i in &self.scope[k] {
                    def.nodes[i].rule = Some(Rule::Normalised {
                        normaliser: Some(alternatives[choice[slot]].clone()),
                    });
                }
            }
            let fw = Framework::new(def).map_err(|e| {
                spec_err(
                    &self.inputs[self.normalisers[0]],
                    format!("normaliser alternative: {e}"),
                )
            })?;
            for &e in &ev_choices {
                let cells = self.evaluators[e].leaves(self.fw, &fw.plan)?;
                let mut key = vec![e];
                key.extend(&choice);
                self.leaves.insert(key, cells);
            }
            // Next combination (odometer).
            let mut slot = 0;
            loop {
                if slot == counts.len() {
                    return Ok(());
                }
                choice[slot] += 1;
                if choice[slot] < counts[slot] {
                    break;
                }
                choice[slot] = 0;
                slot += 1;
            }
        }
    }

    /// Sets `plan` up for one run; returns the leaves key.
    fn configure(&self, choices: &[Choice], plan: &mut Plan) -> Vec<usize> {
        let base = &self.fw.plan;
        let ws = self.weight_set.map_or(0, |k| match choices[k] {
            Choice::Alternative(a) => a,
            _ => 0,
        });
        plan.weight.copy_from_slice(&self.weights[ws]);
        plan.aggregate.copy_from_slice(&base.aggregate);
        let mut key = vec![self
            .imputation
            .as_ref()
            .map_or(0, |(k, slots)| match choices[*k] {
                Choice::Alternative(a) => slots[a],
                _ => 0,
            })];
        for (k, input) in self.inputs.iter().enumerate() {
            let to = match (&input.kind, choices[k]) {
                (UncertainKind::Aggregator { alternatives, .. }, Choice::Alternative(a)) => {
                    alternatives[a]
                }
                (UncertainKind::GeneralisedPower { .. }, Choice::Value(p)) => {
                    Aggregator::GeneralisedMean { p }
                }
                _ => continue,
            };
            for &i in &self.scope[k] {
                plan.aggregate[i] = to;
                // A points sum weighs its children by their max points: a mean replacing it
                // keeps those weights.
                if base.aggregate[i] == Aggregator::PointsSum && to != Aggregator::PointsSum {
                    for &c in &base.children[i] {
                        plan.weight[c] = base.max[c].unwrap_or(0.0);
                    }
                }
            }
        }
        // Noise last, on the weights in force.
        for (k, input) in self.inputs.iter().enumerate() {
            if let (UncertainKind::WeightNoise { factor, .. }, Choice::Replication(r)) =
                (&input.kind, choices[k])
            {
                // Under a points sum the weights are the max points: noise perturbs them. The
                // node's value Σ pᵢ / Σ maxᵢ becomes Σ vᵢ·maxᵢ' / Σ maxᵢ' — the children's
                // max points perturbed and rescaled to the node's own total, so the scale
                // (1000 for the DTI) stays — i.e. a mean weighted by the perturbed points.
                for &i in &self.scope[k] {
                    let p = base.parent[i];
                    if p != NO_PARENT && plan.aggregate[p] == Aggregator::PointsSum {
                        plan.aggregate[p] = Aggregator::WeightedMean;
                        for &c in &base.children[p] {
                            plan.weight[c] = base.max[c].unwrap_or(0.0);
                        }
                    }
                }
                for &i in &self.scope[k] {
                    let u = uniform(self.seed, NOISE + k as u64, r, i as u64);
                    plan.weight[i] *= 1.0 + factor * (2.0 * u - 1.0);
                }
            }
        }
        for &k in &self.normalisers {
            key.push(match choices[k] {
                Choice::Alternative(a) => a,
                _ => 0,
            });
        }
        key
    }

    /// The choice of input `k` for a point u ∈ [0, 1); weight noise uses replication `rep`.
    fn choose(&self, k: usize, u: f64, rep: u64) -> Choice {
        let pick = |n: usize| Choice::Alternative(((u * n as f64) as usize).min(n - 1));
        match &self.inputs[k].kind {
            UncertainKind::WeightNoise { .. } => Choice::Replication(rep),
            UncertainKind::Normaliser { alternatives, .. } => pick(alternatives.len()),
            UncertainKind::Aggregator { alternatives, .. } => pick(alternatives.len()),
            UncertainKind::WeightSet { alternatives } => pick(alternatives.len()),
            UncertainKind::Imputation { alternatives } => pick(alternatives.len()),
            UncertainKind::GeneralisedPower { lo, hi, .. } => Choice::Value(lo + u * (hi - lo)),
        }
    }

    /// Reads a design row into choices.
    fn read_design(
        &self,
        row: usize,
        cells: &BTreeMap<String, DesignValue>,
    ) -> Result<Vec<Choice>, AnalysisError> {
        self.inputs
            .iter()
            .map(|input| {
                let err = |message: String| AnalysisError::Design {
                    row,
                    input: input.name.clone(),
                    message,
                };
                let v = cells
                    .get(&input.name)
                    .ok_or_else(|| err("no value for this input".to_owned()))?;
                let names = alternative_names(&input.kind);
                // Alternatives are named first: a cell "8" for weight sets named "1"…"200" is
                // the set named "8", never the ninth by position.
                let text = match v {
                    DesignValue::Index(i) => Some(i.to_string()),
                    DesignValue::Number(x) => Some(x.to_string()),
                    DesignValue::Name(s) => Some(s.clone()),
                };
                if !names.is_empty() {
                    if let Some(t) = &text {
                        let hits: Vec<usize> = (0..names.len()).filter(|&i| names[i] == *t).collect();
                        if let [i] = hits[..] {
                            return Ok(Choice::Alternative(i));
                        }
                    }
                    // A position is taken only when no alternative's name could be read as one.
                    let numeric_names = names.iter().any(|n| n.trim().parse::<f64>().is_ok());
                    if numeric_names && !matches!(v, DesignValue::Name(_)) {
                        return Err(err(format!(
                            "{} names no alternative (the alternatives are named {}; positions are not read when names are numbers)",
                            text.unwrap_or_default(),
                            names.join(", ")
                        )));
                    }
                }
                match (&input.kind, v) {
                    (UncertainKind::WeightNoise { .. }, DesignValue::Index(r)) => {
                        Ok(Choice::Replication(*r))
                    }
                    (UncertainKind::WeightNoise { .. }, _) => {
                        Err(err("expected a replication number".to_owned()))
                    }
                    (UncertainKind::GeneralisedPower { .. }, DesignValue::Number(p))
                        if *p != 0.0 && p.is_finite() =>
                    {
                        Ok(Choice::Value(*p))
                    }
                    (UncertainKind::GeneralisedPower { .. }, DesignValue::Index(p)) if *p != 0 => {
                        Ok(Choice::Value(*p as f64))
                    }
                    (UncertainKind::GeneralisedPower { .. }, _) => {
                        Err(err("expected a nonzero power".to_owned()))
                    }
                    (_, DesignValue::Index(i)) if (*i as usize) < names.len() => {
                        Ok(Choice::Alternative(*i as usize))
                    }
                    (_, DesignValue::Name(s)) => {
                        let hits: Vec<usize> = names
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| *n == s)
                            .map(|(i, _)| i)
                            .collect();
                        match hits[..] {
                            [i] => Ok(Choice::Alternative(i)),
                            [] => Err(err(format!("'{s}' is not one of: {}", names.join(", ")))),
                            _ => Err(err(format!(
                                "'{s}' names several alternatives; give the index"
                            ))),
                        }
                    }
                    (_, other) => Err(err(format!(
                        "{other:?} is not an alternative (0 to {})",
                        names.len().saturating_sub(1)
                    ))),
                }
            })
            .collect()
    }

    /// Evaluates runs; writes index values and ranks (runs × units).
    fn evaluate(
        &self,
        runs: &[Vec<Choice>],
        values: &mut [f64],
        ranks: &mut [f64],
        progress: Option<Progress>,
    ) -> Result<(), AnalysisError> {
        let m = self.evaluators[0].units();
        let total = runs.len();
        if m == 0 || total == 0 {
            return Ok(());
        }
        let chunk = 64;
        let work = |c: usize, vals: &mut [f64], rks: &mut [f64]| -> Result<(), AnalysisError> {
            let mut plan = (*self.fw.plan).clone();
            let mut buffers: Vec<_> = self.evaluators.iter().map(Evaluator::work).collect();
            for (j, choices) in runs[c * chunk..].iter().take(vals.len() / m).enumerate() {
                let key = self.configure(choices, &mut plan);
                let leaves = &self.leaves[&key];
                let ev = key[0];
                self.evaluators[ev].run(
                    self.fw,
                    &plan,
                    leaves,
                    &mut buffers[ev],
                    &mut vals[j * m..(j + 1) * m],
                    &mut rks[j * m..(j + 1) * m],
                )?;
            }
            Ok(())
        };
        // Waves of chunks: the workers share a wave, then the calling thread reports
        // progress (and may cancel) before the next one.
        #[cfg(feature = "parallel")]
        let per_wave = 4 * rayon::current_num_threads();
        #[cfg(not(feature = "parallel"))]
        let per_wave = 1;
        let wave = chunk * m * per_wave;
        let mut done = 0;
        for (w, (vw, rw)) in values
            .chunks_mut(wave)
            .zip(ranks.chunks_mut(wave))
            .enumerate()
        {
            let first = w * per_wave;
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                vw.par_chunks_mut(chunk * m)
                    .zip(rw.par_chunks_mut(chunk * m))
                    .enumerate()
                    .try_for_each(|(c, (v, r))| work(first + c, v, r))?;
            }
            #[cfg(not(feature = "parallel"))]
            {
                vw.chunks_mut(chunk * m)
                    .zip(rw.chunks_mut(chunk * m))
                    .enumerate()
                    .try_for_each(|(c, (v, r))| work(first + c, v, r))?;
            }
            done += vw.len() / m;
            if let Some(p) = progress {
                if !p(done, total) {
                    return Err(AnalysisError::Cancelled);
                }
            }
        }
        Ok(())
    }

    /// Whether input `k` changes any unit's index value: runs that differ from `base` only
    /// in input k's choice (every alternative up to 16, 8 noise replications, or the ends
    /// and middle of a parameter range) are compared bit for bit.
    fn has_effect(&self, k: usize, base: &[Choice]) -> Result<bool, AnalysisError> {
        let probes: Vec<Choice> = match &self.inputs[k].kind {
            UncertainKind::WeightNoise { .. } => (0..8).map(Choice::Replication).collect(),
            UncertainKind::GeneralisedPower { lo, hi, .. } => {
                vec![
                    Choice::Value(*lo),
                    Choice::Value((lo + hi) / 2.0),
                    Choice::Value(*hi),
                ]
            }
            kind => (0..alternative_names(kind).len().min(16))
                .map(Choice::Alternative)
                .collect(),
        };
        let m = self.evaluators[0].units();
        if probes.len() < 2 || m == 0 {
            return Ok(false);
        }
        let runs: Vec<Vec<Choice>> = probes
            .iter()
            .map(|&c| {
                let mut r = base.to_vec();
                r[k] = c;
                r
            })
            .collect();
        let mut values = vec![f64::NAN; runs.len() * m];
        let mut ranks = vec![f64::NAN; runs.len() * m];
        self.evaluate(&runs, &mut values, &mut ranks, None)?;
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        let first = &values[..m];
        Ok(values
            .chunks(m)
            .any(|c| c.iter().zip(first).any(|(&a, &b)| !same(a, b))))
    }

    /// Warnings for the inputs without effect (with `base`, one run's choices); an error
    /// when no input has any.
    fn effects(&self, base: &[Choice]) -> Result<Vec<String>, AnalysisError> {
        let mut warnings = self.warnings.clone();
        let mut idle = Vec::new();
        for (k, input) in self.inputs.iter().enumerate() {
            let targets_nothing = parameter(&input.kind).is_some() && self.scope[k].is_empty();
            if targets_nothing || !self.has_effect(k, base)? {
                if !targets_nothing {
                    warnings.push(format!(
                        "uncertain input '{}' changes no unit's value: it has no effect",
                        input.name
                    ));
                }
                idle.push(input.name.clone());
            }
        }
        if idle.len() == self.inputs.len() {
            return Err(AnalysisError::NoEffect { inputs: idle });
        }
        Ok(warnings)
    }

    /// The nominal run: the framework as it is.
    fn nominal(&self) -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
        let ev = &self.evaluators[0];
        let m = ev.units();
        let leaves = ev.leaves(self.fw, &self.fw.plan)?;
        let (mut v, mut r) = (vec![f64::NAN; m], vec![f64::NAN; m]);
        ev.run(
            self.fw,
            &self.fw.plan,
            &leaves,
            &mut ev.work(),
            &mut v,
            &mut r,
        )?;
        Ok((v, r))
    }
}

/// Sorts ranks ascending: by counting when they are whole numbers from 1 to `m` (as ranks
/// of `m` units are), else by comparison.
fn sort_ranks(r: &mut [f64], m: usize) {
    let mut counts = vec![0usize; m + 1];
    for &x in r.iter() {
        if !(x >= 1.0 && x <= m as f64 && x.fract() == 0.0) {
            r.sort_unstable_by(f64::total_cmp);
            return;
        }
        counts[x as usize] += 1;
    }
    let mut k = 0;
    for (rank, &n) in counts.iter().enumerate() {
        r[k..k + n].fill(rank as f64);
        k += n;
    }
}

/// The sample variance (denominator n − 1; 0 for fewer than two values).
fn sample_variance(y: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = y.clone().count();
    if n < 2 {
        return 0.0;
    }
    let mean = exact_sum(y.clone()) / n as f64;
    exact_sum(y.map(|v| (v - mean) * (v - mean))) / (n - 1) as f64
}

/// Linear-interpolation quantile ("type 7") of sorted values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// An uncertainty analysis.
///
/// ```
/// let s: dti_core::analyses::UncertaintySpec = serde_json::from_str(
///     r#"{"runs": 1000, "seed": 42, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}]}"#)?;
/// assert_eq!(s.runs, 1000);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UncertaintySpec {
    /// The uncertain inputs.
    pub inputs: Vec<Uncertain>,
    /// Number of runs (ignored with a given design).
    #[serde(default)]
    pub runs: usize,
    /// Seed.
    #[serde(default)]
    pub seed: u64,
    /// Keep every run's choices, values and ranks in the result.
    #[serde(default)]
    pub keep_draws: bool,
    /// Normalise over all periods together.
    #[serde(default)]
    pub pool_periods: bool,
    /// When two index values share a rank (default: equal up to 1e-12, relative).
    #[serde(default)]
    pub ties: Ties,
}

setters!(UncertaintySpec { inputs: Vec<Uncertain>, runs: usize, seed: u64, keep_draws: bool, pool_periods: bool, ties: Ties });

/// One unit's rank and score distribution over the runs.
///
/// ```
/// # let u = serde_json::from_value::<dti_core::analyses::UnitUncertainty>(serde_json::json!({ "unit": "A", "period": null, "nominal_value": Some(0.5), "nominal_rank": Some(2),
/// #   "mean_rank": Some(2.0), "median_rank": Some(2.0), "rank_p05": Some(1.0), "rank_p95": Some(3.0),
/// #   "value_mean": Some(0.5), "value_p05": Some(0.4), "value_median": Some(0.5), "value_p95": Some(0.6) })).unwrap();
/// assert_eq!(u.rank_p95, Some(3.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitUncertainty {
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: Option<i32>,
    /// Index value under the framework as it is.
    pub nominal_value: Option<f64>,
    /// Rank under the framework as it is.
    pub nominal_rank: Option<u32>,
    /// Mean rank over the runs.
    pub mean_rank: Option<f64>,
    /// Median rank.
    pub median_rank: Option<f64>,
    /// 5th percentile rank.
    pub rank_p05: Option<f64>,
    /// 95th percentile rank.
    pub rank_p95: Option<f64>,
    /// Mean index value.
    pub value_mean: Option<f64>,
    /// 5th percentile value.
    pub value_p05: Option<f64>,
    /// Median value.
    pub value_median: Option<f64>,
    /// 95th percentile value.
    pub value_p95: Option<f64>,
}

/// Every run of an analysis, for export.
///
/// ```
/// let d = serde_json::from_value::<dti_core::analyses::Draws>(serde_json::json!({ "inputs": ["w"], "units": ["A"], "choices": [], "values": [], "ranks": [] })).unwrap();
/// assert!(d.values.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Draws {
    /// Input names (columns of `choices`).
    pub inputs: Vec<String>,
    /// Unit ids (columns of `values` and `ranks`).
    pub units: Vec<String>,
    /// Per run, the choice of each input (a design that reproduces the runs).
    pub choices: Vec<Vec<DesignValue>>,
    /// Per run, each unit's index value.
    pub values: Vec<Vec<Option<f64>>>,
    /// Per run, each unit's rank.
    pub ranks: Vec<Vec<Option<u32>>>,
}

impl Draws {
    /// Runs' values and ranks of `units` (run by run), without the choices: what
    /// [`uncertainty_from_draws`] needs of a block drawn elsewhere (it draws the choices again
    /// from the seed).
    pub fn from_runs(
        units: Vec<String>,
        values: Vec<Vec<Option<f64>>>,
        ranks: Vec<Vec<Option<u32>>>,
    ) -> Draws {
        Draws {
            inputs: Vec::new(),
            units,
            choices: Vec::new(),
            values,
            ranks,
        }
    }
}

/// The result of an uncertainty analysis.
///
/// ```
/// let r = serde_json::from_value::<dti_core::analyses::UncertaintyResult>(serde_json::json!({ "runs": 0, "units": [], "draws": null, "warnings": [] })).unwrap();
/// assert_eq!(r.runs, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UncertaintyResult {
    /// Runs made.
    pub runs: usize,
    /// Per unit.
    pub units: Vec<UnitUncertainty>,
    /// Every run (with `keep_draws`).
    pub draws: Option<Draws>,
    /// What the analysis noticed but did not stop for (an input without effect).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Runs an uncertainty analysis with `spec.runs` seeded draws.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units: Vec<UnitRecord> = (0..5).map(|k| {
///     let v = 0.3 + 0.1 * k as f64;
///     ["AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC"].iter()
///         .fold(UnitRecord::new(&format!("P{k}")), |u, c| u.value(c, v))
/// }).collect();
/// // The 2022 index sums points; the geometric alternative weighs children by those points.
/// let spec: UncertaintySpec = serde_json::from_str(r#"{"runs": 200, "seed": 7, "inputs": [
///   {"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#)?;
/// let r = uncertainty(&fw, &units, &spec, None)?;
/// // Every unit is uniformly better than the next: ranks never move.
/// assert!(r.units.iter().all(|u| u.rank_p05 == u.rank_p95));
/// assert_eq!(r.units[4].nominal_rank, Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uncertainty(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    progress: Option<Progress>,
) -> Result<UncertaintyResult, AnalysisError> {
    if spec.runs == 0 {
        return Err(AnalysisError::Invalid {
            field: "runs".to_owned(),
            message: "give the number of runs (at least 1), or a design".to_owned(),
        });
    }
    if spec.runs > MAX_RUNS {
        return Err(too_large("runs", spec.runs as u128, MAX_RUNS));
    }
    let prepared = prepare(fw, units, spec)?;
    // Before any run is drawn: the results must fit.
    cells_of(spec.runs, prepared.evaluators[0].units())?;
    let runs: Vec<Vec<Choice>> = (0..spec.runs)
        .map(|r| run_choices(&prepared, spec, r))
        .collect();
    summarise_runs(&prepared, &runs, spec.keep_draws, progress)
}

/// The analysis's inputs prepared on the units (the evaluators, the nominal scores).
fn prepare<'a>(
    fw: &'a Framework,
    units: &[UnitRecord],
    spec: &'a UncertaintySpec,
) -> Result<Prepared<'a>, AnalysisError> {
    Prepared::new(
        fw,
        units,
        &spec.inputs,
        spec.seed,
        spec.pool_periods,
        spec.ties,
    )
}

/// The choices of run `r`: counter-based (seed, run, input), so any run can be drawn alone.
fn run_choices(prepared: &Prepared, spec: &UncertaintySpec, r: usize) -> Vec<Choice> {
    let r = r as u64;
    (0..spec.inputs.len())
        .map(|k| prepared.choose(k, uniform(spec.seed, SAMPLE, r, k as u64), r))
        .collect()
}

/// Runs `runs` (a range of run numbers, within `0..spec.runs`) of the uncertainty analysis
/// [`uncertainty`] makes, and returns them as [`Draws`]: each run's draws depend only on
/// the seed, the run's number and the input, so a study split into blocks across processes
/// or machines draws exactly the runs of one process. Combine the blocks with
/// [`uncertainty_from_draws`].
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units: Vec<UnitRecord> = (0..6).map(|k| ["AWR", "GOV", "ECO", "SOC"].iter().enumerate()
///     .fold(UnitRecord::new(&format!("P{k}")), |u, (j, c)| u.value(c, 0.2 + 0.1 * ((k * 7 + j * 3) % 6) as f64))).collect();
/// let spec: UncertaintySpec = serde_json::from_str(r#"{"runs": 300, "seed": 9,
///   "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}"#)?;
/// let blocks = [uncertainty_runs(&fw, &units, &spec, 0..120, None)?, uncertainty_runs(&fw, &units, &spec, 120..300, None)?];
/// assert_eq!(uncertainty_from_draws(&fw, &units, &spec, &blocks)?, uncertainty(&fw, &units, &spec, None)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uncertainty_runs(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    runs: std::ops::Range<usize>,
    progress: Option<Progress>,
) -> Result<Draws, AnalysisError> {
    if runs.is_empty() || runs.end > spec.runs {
        return Err(AnalysisError::Invalid {
            field: "runs".to_owned(),
            message: format!(
                "the block {}..{} is empty or outside the analysis's {} runs",
                runs.start, runs.end, spec.runs
            ),
        });
    }
    if spec.runs > MAX_RUNS {
        return Err(too_large("runs", spec.runs as u128, MAX_RUNS));
    }
    let prepared = prepare(fw, units, spec)?;
    let m = prepared.evaluators[0].units();
    let cells = cells_of(runs.len(), m)?;
    let choices: Vec<Vec<Choice>> = runs.map(|r| run_choices(&prepared, spec, r)).collect();
    let mut values = vec![f64::NAN; cells];
    let mut ranks = vec![f64::NAN; cells];
    prepared.evaluate(&choices, &mut values, &mut ranks, progress)?;
    Ok(draws_of(&prepared, &choices, &values, &ranks))
}

/// Combines the blocks of runs [`uncertainty_runs`] made — in run order, together every
/// run of `spec` once — into the result [`uncertainty`] gives for the whole analysis, bit
/// for bit: each unit's summary is computed from its sorted ranks and values, whatever
/// process drew them.
pub fn uncertainty_from_draws(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    blocks: &[Draws],
) -> Result<UncertaintyResult, AnalysisError> {
    let prepared = prepare(fw, units, spec)?;
    let meta = &prepared.evaluators[0].meta;
    let n: usize = blocks.iter().map(|b| b.values.len()).sum();
    let invalid = |message: String| AnalysisError::Invalid {
        field: "blocks".to_owned(),
        message,
    };
    if n != spec.runs {
        return Err(invalid(format!(
            "the blocks hold {n} runs; the analysis has {}",
            spec.runs
        )));
    }
    let cells = cells_of(n, meta.len())?;
    let (mut values, mut ranks) = (Vec::with_capacity(cells), Vec::with_capacity(cells));
    for (k, b) in blocks.iter().enumerate() {
        let same_units = b.units.len() == meta.len()
            && b.units.iter().zip(meta.iter()).all(|(a, m)| *a == m.unit);
        let whole = b.ranks.len() == b.values.len()
            && b.values.iter().all(|v| v.len() == meta.len())
            && b.ranks.iter().all(|r| r.len() == meta.len());
        if !same_units || !whole {
            return Err(invalid(format!(
                "block {} was not drawn on these units and this framework",
                k + 1
            )));
        }
        values.extend(b.values.iter().flatten().map(|x| x.unwrap_or(f64::NAN)));
        ranks.extend(
            b.ranks
                .iter()
                .flatten()
                .map(|x| x.map_or(f64::NAN, f64::from)),
        );
    }
    let nominal = prepared.nominal()?;
    let warnings = prepared.effects(&run_choices(&prepared, spec, 0))?;
    let choices: Vec<Vec<Choice>> = if spec.keep_draws {
        (0..n).map(|r| run_choices(&prepared, spec, r)).collect()
    } else {
        Vec::new()
    };
    let shape = (n, spec.keep_draws);
    summary(
        &prepared, &choices, &values, &ranks, shape, nominal, warnings,
    )
}

/// Runs an uncertainty analysis over a given design (one row per run naming each input's
/// choice), so that a study designed elsewhere is reproduced run for run.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.9).value("B", 0.1), UnitRecord::new("Y").value("A", 0.2).value("B", 0.6)];
/// let spec: UncertaintySpec = serde_json::from_str(r#"{"inputs": [
///   {"name": "agg", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#)?;
/// let design: Design = serde_json::from_str(r#"{"rows": [{"agg": "weighted_mean"}, {"agg": 1}]}"#)?;
/// let r = uncertainty_design(&fw, &units, &spec, &design, None)?;
/// assert_eq!(r.runs, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uncertainty_design(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    design: &Design,
    progress: Option<Progress>,
) -> Result<UncertaintyResult, AnalysisError> {
    if design.rows.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "design".to_owned(),
            message: "the design has no rows".to_owned(),
        });
    }
    if design.rows.len() > MAX_RUNS {
        return Err(too_large(
            "design rows",
            design.rows.len() as u128,
            MAX_RUNS,
        ));
    }
    let prepared = Prepared::new(
        fw,
        units,
        &spec.inputs,
        spec.seed,
        spec.pool_periods,
        spec.ties,
    )?;
    let runs = design
        .rows
        .iter()
        .enumerate()
        .map(|(row, cells)| prepared.read_design(row, cells))
        .collect::<Result<Vec<_>, _>>()?;
    summarise_runs(&prepared, &runs, spec.keep_draws, progress)
}

fn summarise_runs(
    prepared: &Prepared,
    runs: &[Vec<Choice>],
    keep: bool,
    progress: Option<Progress>,
) -> Result<UncertaintyResult, AnalysisError> {
    let meta = &prepared.evaluators[0].meta;
    let m = meta.len();
    let n = runs.len();
    let (nominal_v, nominal_r) = prepared.nominal()?;
    let warnings = match runs.first() {
        Some(base) => prepared.effects(base)?,
        None => prepared.warnings.clone(),
    };
    let cells = cells_of(n, m)?;
    let mut values = vec![f64::NAN; cells];
    let mut ranks = vec![f64::NAN; cells];
    prepared.evaluate(runs, &mut values, &mut ranks, progress)?;
    let nominal = (nominal_v, nominal_r);
    summary(
        prepared,
        runs,
        &values,
        &ranks,
        (n, keep),
        nominal,
        warnings,
    )
}

/// Each run's draws as [`Draws`]: `values` and `ranks` hold `choices.len()` runs of every
/// unit, run-major.
fn draws_of(prepared: &Prepared, choices: &[Vec<Choice>], values: &[f64], ranks: &[f64]) -> Draws {
    let meta = &prepared.evaluators[0].meta;
    let m = meta.len().max(1);
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let names: Vec<Vec<String>> = prepared
        .inputs
        .iter()
        .map(|i| alternative_names(&i.kind))
        .collect();
    Draws {
        inputs: prepared.inputs.iter().map(|i| i.name.clone()).collect(),
        units: meta.iter().map(|u| u.unit.clone()).collect(),
        choices: choices
            .iter()
            .map(|c| c.iter().zip(&names).map(|(x, n)| x.export(n)).collect())
            .collect(),
        values: values
            .chunks(m)
            .map(|c| c.iter().map(|&x| opt(x)).collect())
            .collect(),
        ranks: ranks
            .chunks(m)
            .map(|c| c.iter().map(|&x| opt(x).map(|r| r as u32)).collect())
            .collect(),
    }
}

/// The result from `n` runs' values and ranks (run-major), the nominal values and ranks, and
/// the warnings; `runs` holds every run's choices when the draws are kept.
fn summary(
    prepared: &Prepared,
    runs: &[Vec<Choice>],
    values: &[f64],
    ranks: &[f64],
    (n, keep): (usize, bool),
    (nominal_v, nominal_r): (Vec<f64>, Vec<f64>),
    warnings: Vec<String>,
) -> Result<UncertaintyResult, AnalysisError> {
    let meta = &prepared.evaluators[0].meta;
    let m = meta.len();
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    // The runs are run-major: each unit's column is gathered for a group of adjacent units
    // in one pass (a cache line of each run holds the group), not one strided pass per unit.
    // Groups are independent (with `parallel`, on every core): the numbers are the same.
    const GROUP: usize = 8;
    let group = |start: usize| -> Vec<UnitUncertainty> {
        let g = GROUP.min(m - start);
        let mut rs: Vec<Vec<f64>> = (0..g).map(|_| Vec::with_capacity(n)).collect();
        let mut vs: Vec<Vec<f64>> = (0..g).map(|_| Vec::with_capacity(n)).collect();
        for j in 0..n {
            let at = j * m + start;
            for (c, (r, v)) in rs.iter_mut().zip(&mut vs).enumerate() {
                let (x, y) = (ranks[at + c], values[at + c]);
                if !x.is_nan() {
                    r.push(x);
                }
                if !y.is_nan() {
                    v.push(y);
                }
            }
        }
        let mean =
            |x: &[f64]| (!x.is_empty()).then(|| exact_sum(x.iter().copied()) / x.len() as f64);
        rs.into_iter()
            .zip(vs)
            .zip(&meta[start..start + g])
            .enumerate()
            .map(|(c, ((mut r, mut v), um))| {
                let u = start + c;
                // Ranks are whole numbers from 1 to m: a counting sort. Values: an unstable
                // sort (under total_cmp equal keys are the same number, so the order is the
                // same).
                sort_ranks(&mut r, m);
                v.sort_unstable_by(f64::total_cmp);
                UnitUncertainty {
                    unit: um.unit.clone(),
                    period: um.period,
                    nominal_value: opt(nominal_v[u]),
                    nominal_rank: opt(nominal_r[u]).map(|x| x as u32),
                    mean_rank: mean(&r),
                    median_rank: opt(quantile(&r, 0.5)),
                    rank_p05: opt(quantile(&r, 0.05)),
                    rank_p95: opt(quantile(&r, 0.95)),
                    value_mean: mean(&v),
                    value_p05: opt(quantile(&v, 0.05)),
                    value_median: opt(quantile(&v, 0.5)),
                    value_p95: opt(quantile(&v, 0.95)),
                }
            })
            .collect()
    };
    let starts: Vec<usize> = (0..m).step_by(GROUP).collect();
    #[cfg(feature = "parallel")]
    let groups: Vec<Vec<UnitUncertainty>> = {
        use rayon::prelude::*;
        starts.par_iter().map(|&s| group(s)).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let groups: Vec<Vec<UnitUncertainty>> = starts.iter().map(|&s| group(s)).collect();
    let units: Vec<UnitUncertainty> = groups.into_iter().flatten().collect();
    let draws = keep.then(|| draws_of(prepared, runs, values, ranks));
    Ok(UncertaintyResult {
        runs: n,
        units,
        draws,
        warnings,
    })
}

/// A variance-based sensitivity analysis.
///
/// ```
/// let s: dti_core::analyses::SensitivitySpec = serde_json::from_str(r#"{"n": 1000, "seed": 1, "inputs": []}"#)?;
/// assert_eq!(s.bootstrap, 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SensitivitySpec {
    /// The uncertain inputs.
    pub inputs: Vec<Uncertain>,
    /// Base sample size N: the design has N(d + 2) runs (not needed with a given design).
    #[serde(default)]
    pub n: usize,
    /// Seed.
    #[serde(default)]
    pub seed: u64,
    /// Bootstrap resamples for 95 % intervals (0: none).
    #[serde(default)]
    pub bootstrap: usize,
    /// Normalise over all periods together.
    #[serde(default)]
    pub pool_periods: bool,
    /// When two index values share a rank (default: equal up to 1e-12, relative).
    #[serde(default)]
    pub ties: Ties,
}

setters!(SensitivitySpec { inputs: Vec<Uncertain>, n: usize, seed: u64, bootstrap: usize, pool_periods: bool, ties: Ties });

/// First-order and total Sobol indices of one input.
///
/// ```
/// let s = serde_json::from_value::<dti_core::analyses::SobolIndex>(serde_json::json!({ "input": "w", "first_order": 0.6, "total": 0.7, "first_order_ci": null, "total_ci": null })).unwrap();
/// assert!(s.total >= s.first_order);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SobolIndex {
    /// Input name.
    pub input: String,
    /// First-order index Sᵢ.
    pub first_order: f64,
    /// Total index STᵢ.
    pub total: f64,
    /// 95 % bootstrap interval of Sᵢ.
    pub first_order_ci: Option<(f64, f64)>,
    /// 95 % bootstrap interval of STᵢ.
    pub total_ci: Option<(f64, f64)>,
}

/// The result of a sensitivity analysis: the output is the mean absolute rank change from the
/// nominal ranking.
///
/// ```
/// let r = serde_json::from_value::<dti_core::analyses::SensitivityResult>(serde_json::json!({ "runs": 0, "variance": 0.0, "mean": 0.0, "indices": [], "warnings": [] })).unwrap();
/// assert_eq!(r.runs, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SensitivityResult {
    /// Runs made: N(d + 2).
    pub runs: usize,
    /// Mean of the output over A and B.
    pub mean: f64,
    /// Sample variance (denominator 2N − 1) of the output over A and B.
    pub variance: f64,
    /// One entry per input.
    pub indices: Vec<SobolIndex>,
    /// What the analysis noticed but did not stop for (an input without effect, an output
    /// without variance).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Saltelli's base matrices A and B (N × d, uniform on [0, 1)), from the seed.
///
/// ```
/// let (a, b) = dti_core::analyses::saltelli_matrices(4, 2, 9);
/// assert_eq!((a.len(), a[0].len()), (4, 2));
/// assert_ne!(a, b);
/// ```
pub fn saltelli_matrices(n: usize, d: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let m = |stream| {
        (0..n as u64)
            .map(|k| (0..d as u64).map(|j| uniform(seed, stream, k, j)).collect())
            .collect()
    };
    (m(SALTELLI_A), m(SALTELLI_B))
}

/// First-order and total Sobol indices from outputs on A, B and each ABᵢ (A with column i from
/// B): V = the *sample* variance of the 2N outputs on A and B (denominator 2N − 1, as COINr's
/// `get_sensitivity` computes it); Sᵢ = mean(y_B·(y_ABᵢ − y_A))/V (Saltelli 2010);
/// STᵢ = Σ(y_A − y_ABᵢ)²/(2N·V) (Jansen). Returns (Sᵢ, STᵢ) per input; zero variance gives
/// zeros.
///
/// Worked by hand: y_A = (1, 3), y_B = (2, 6), y_AB₁ = (1, 6): mean 3, V = 14/3,
/// S₁ = ((2·0 + 6·3)/2)/V = 27/14, ST₁ = (0 + 9)/(4·V) = 27/56.
///
/// ```
/// let s = dti_core::analyses::sobol_indices(&[1.0, 3.0], &[2.0, 6.0], &[vec![1.0, 6.0]]);
/// assert!((s[0].first_order - 27.0 / 14.0).abs() < 1e-12 && (s[0].total - 27.0 / 56.0).abs() < 1e-12);
/// ```
///
/// ```
/// // y = 2·x1 (x2 plays no part): S1 = ST1 = 1, S2 = ST2 = 0.
/// let (a, b) = dti_core::analyses::saltelli_matrices(2000, 2, 5);
/// let f = |x: &[f64]| 2.0 * x[0];
/// let ya: Vec<f64> = a.iter().map(|x| f(x)).collect();
/// let yb: Vec<f64> = b.iter().map(|x| f(x)).collect();
/// let yab: Vec<Vec<f64>> = (0..2).map(|i| a.iter().zip(&b).map(|(xa, xb)| {
///     let mut x = xa.clone(); x[i] = xb[i]; f(&x) }).collect()).collect();
/// let s = dti_core::analyses::sobol_indices(&ya, &yb, &yab);
/// assert!((s[0].first_order - 1.0).abs() < 0.1 && (s[0].total - 1.0).abs() < 0.1); // sampling error
/// assert!(s[1].first_order.abs() < 1e-12 && s[1].total.abs() < 1e-12);
/// ```
pub fn sobol_indices(ya: &[f64], yb: &[f64], yab: &[Vec<f64>]) -> Vec<SobolEstimate> {
    let n = ya.len() as f64;
    let var = sample_variance(ya.iter().chain(yb).copied());
    yab.iter()
        .map(|yi| {
            if var == 0.0 {
                return SobolEstimate {
                    first_order: 0.0,
                    total: 0.0,
                };
            }
            let s = exact_sum(ya.iter().zip(yb).zip(yi).map(|((a, b), ab)| b * (ab - a))) / n / var;
            let st =
                exact_sum(ya.iter().zip(yi).map(|(a, ab)| (a - ab) * (a - ab))) / (2.0 * n * var);
            SobolEstimate {
                first_order: s,
                total: st,
            }
        })
        .collect()
}

/// One input's Sobol estimates from one sample ([`sobol_indices`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SobolEstimate {
    /// First-order index Sᵢ.
    pub first_order: f64,
    /// Total-effect index STᵢ.
    pub total: f64,
}

/// Runs a variance-based sensitivity analysis: Saltelli design, first-order and total Sobol
/// indices of the mean absolute rank change from the nominal ranking, with optional bootstrap
/// intervals.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
/// let units: Vec<UnitRecord> = (0..6).map(|k| UnitRecord::new(&format!("U{k}"))
///     .value("A", k as f64 / 10.0).value("B", 0.5 - k as f64 / 12.0)).collect();
/// let spec: SensitivitySpec = serde_json::from_str(r#"{"n": 256, "seed": 3, "inputs": [
///   {"name": "weights", "kind": "weight_noise", "factor": 0.9},
///   {"name": "median", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#)?;
/// let r = sensitivity(&fw, &units, &spec, None)?;
/// assert_eq!(r.runs, 256 * 4);
/// assert!(r.indices.iter().all(|s| s.total >= -0.1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sensitivity(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &SensitivitySpec,
    progress: Option<Progress>,
) -> Result<SensitivityResult, AnalysisError> {
    let d = spec.inputs.len();
    let n = spec.n;
    if n < 2 {
        return Err(AnalysisError::Invalid {
            field: "n".to_owned(),
            message: format!("the base sample size must be at least 2, got {n}"),
        });
    }
    let total = (n as u128) * (d as u128 + 2);
    if total > MAX_RUNS as u128 {
        return Err(too_large("N·(d + 2) runs", total, MAX_RUNS));
    }
    let prepared = sobol_prepared(fw, units, spec)?;
    cells_of(total as usize, prepared.evaluators[0].units())?;
    let (a, b) = saltelli_matrices(n, d, spec.seed);
    let to_run = |u: &[f64]| -> Vec<Choice> {
        (0..d)
            .map(|k| {
                // Weight noise: u picks one of N replications.
                let rep = ((u[k] * n as f64) as u64).min(n.saturating_sub(1) as u64);
                prepared.choose(k, u[k], rep)
            })
            .collect()
    };
    let mut runs: Vec<Vec<Choice>> = Vec::with_capacity(n * (d + 2));
    runs.extend(a.iter().map(|u| to_run(u)));
    runs.extend(b.iter().map(|u| to_run(u)));
    for i in 0..d {
        runs.extend(a.iter().zip(&b).map(|(ua, ub)| {
            let mut u = ua.clone();
            u[i] = ub[i];
            to_run(&u)
        }));
    }
    sobol(&prepared, &runs, n, spec, progress)
}

/// Runs a sensitivity analysis over a given Saltelli design: its rows are the N runs of A,
/// then the N runs of B, then N runs of each ABᵢ in the order of `spec.inputs` — N(d + 2)
/// rows, as [`sensitivity`] makes them — so that a design made elsewhere (COINr's
/// `get_sensitivity`, a design file exported earlier) is replayed run for run. `spec.n` is
/// ignored: N is the number of rows divided by d + 2.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.9).value("B", 0.1), UnitRecord::new("Y").value("A", 0.2).value("B", 0.6)];
/// let spec: SensitivitySpec = serde_json::from_str(r#"{"n": 2, "inputs": [
///   {"name": "agg", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#)?;
/// // A = (mean, median), B = (median, median), AB₁ = B's column: (median, median).
/// let design: Design = serde_json::from_str(r#"{"rows": [{"agg": "weighted_mean"}, {"agg": "weighted_median"},
///   {"agg": "weighted_median"}, {"agg": "weighted_median"}, {"agg": "weighted_median"}, {"agg": "weighted_median"}]}"#)?;
/// let r = sensitivity_design(&fw, &units, &spec, &design, None)?;
/// assert_eq!(r.runs, 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sensitivity_design(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &SensitivitySpec,
    design: &Design,
    progress: Option<Progress>,
) -> Result<SensitivityResult, AnalysisError> {
    let d = spec.inputs.len();
    let rows = design.rows.len();
    if rows > MAX_RUNS {
        return Err(too_large("design rows", rows as u128, MAX_RUNS));
    }
    if rows == 0 || rows % (d + 2) != 0 || rows / (d + 2) < 2 {
        return Err(AnalysisError::Invalid {
            field: "design".to_owned(),
            message: format!(
                "a Saltelli design for {d} input(s) has N·{} rows (A, B and one ABᵢ per input, N ≥ 2 each); this one has {rows}",
                d + 2
            ),
        });
    }
    let prepared = sobol_prepared(fw, units, spec)?;
    let runs = design
        .rows
        .iter()
        .enumerate()
        .map(|(row, cells)| prepared.read_design(row, cells))
        .collect::<Result<Vec<_>, _>>()?;
    sobol(&prepared, &runs, rows / (d + 2), spec, progress)
}

/// The checks every sensitivity analysis shares (inputs to study, bootstrap within bounds),
/// then the cohort prepared once.
fn sobol_prepared<'a>(
    fw: &'a Framework,
    units: &[UnitRecord],
    spec: &'a SensitivitySpec,
) -> Result<Prepared<'a>, AnalysisError> {
    if spec.inputs.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "inputs".to_owned(),
            message: "no uncertain input to study".to_owned(),
        });
    }
    if spec.bootstrap > MAX_BOOTSTRAP {
        return Err(too_large(
            "bootstrap",
            spec.bootstrap as u128,
            MAX_BOOTSTRAP,
        ));
    }
    Prepared::new(
        fw,
        units,
        &spec.inputs,
        spec.seed,
        spec.pool_periods,
        spec.ties,
    )
}

/// Evaluates a Saltelli design's runs (A, B, AB₁ … AB_d, N each) and estimates the indices.
fn sobol(
    prepared: &Prepared,
    runs: &[Vec<Choice>],
    n: usize,
    spec: &SensitivitySpec,
    progress: Option<Progress>,
) -> Result<SensitivityResult, AnalysisError> {
    let d = spec.inputs.len();
    let m = prepared.evaluators[0].units();
    let (_, nominal) = prepared.nominal()?;
    let mut warnings = prepared.effects(&runs[0])?;
    let cells = cells_of(runs.len(), m)?;
    let mut values = vec![f64::NAN; cells];
    let mut ranks = vec![f64::NAN; cells];
    prepared.evaluate(runs, &mut values, &mut ranks, progress)?;
    let y: Vec<f64> = ranks
        .chunks(m.max(1))
        .map(|r| {
            let (mut s, mut c) = (ExactSum::new(), 0);
            for (x, nom) in r.iter().zip(&nominal) {
                if !x.is_nan() && !nom.is_nan() {
                    s.add((x - nom).abs());
                    c += 1;
                }
            }
            if c > 0 {
                s.value() / c as f64
            } else {
                0.0
            }
        })
        .collect();
    let ya = &y[..n];
    let yb = &y[n..2 * n];
    let yab: Vec<Vec<f64>> = (0..d)
        .map(|i| y[(2 + i) * n..(3 + i) * n].to_vec())
        .collect();
    let point = sobol_indices(ya, yb, &yab);
    let all: Vec<f64> = ya.iter().chain(yb).copied().collect();
    let mean = exact_sum(all.iter().copied()) / all.len().max(1) as f64;
    let variance = sample_variance(all.iter().copied());
    if variance == 0.0 {
        warnings.push(
            "the output (mean absolute rank change) is the same in every run of A and B: no rank \
             moved, so every index is 0"
                .to_owned(),
        );
    }

    // Bootstrap: resample the N rows of A, B and every ABᵢ together.
    let mut boots: Vec<Vec<SobolEstimate>> = Vec::new();
    for r in 0..spec.bootstrap as u64 {
        let idx: Vec<usize> = (0..n as u64)
            .map(|j| ((uniform(spec.seed, BOOT, r, j) * n as f64) as usize).min(n - 1))
            .collect();
        let pick = |v: &[f64]| idx.iter().map(|&k| v[k]).collect::<Vec<f64>>();
        let yab_b: Vec<Vec<f64>> = yab.iter().map(|v| pick(v)).collect();
        boots.push(sobol_indices(&pick(ya), &pick(yb), &yab_b));
    }
    let ci = |i: usize, second: bool| -> Option<(f64, f64)> {
        if boots.is_empty() {
            return None;
        }
        let mut v: Vec<f64> = boots
            .iter()
            .map(|b| if second { b[i].total } else { b[i].first_order })
            .collect();
        v.sort_unstable_by(f64::total_cmp);
        Some((quantile(&v, 0.025), quantile(&v, 0.975)))
    };
    let indices = spec
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| SobolIndex {
            input: input.name.clone(),
            first_order: point[i].first_order,
            total: point[i].total,
            first_order_ci: ci(i, false),
            total_ci: ci(i, true),
        })
        .collect();
    Ok(SensitivityResult {
        runs: runs.len(),
        mean,
        variance,
        indices,
        warnings,
    })
}

/// One component left out.
///
/// ```
/// let c = serde_json::from_value::<dti_core::analyses::LeftOut>(serde_json::json!({ "code": "GOV", "mean_abs_rank_shift": 1.5, "shifts": [Some(1), Some(-2)] })).unwrap();
/// assert_eq!(c.shifts.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeftOut {
    /// The component.
    pub code: String,
    /// Mean over units of |rank without it − nominal rank|.
    pub mean_abs_rank_shift: f64,
    /// Per unit (in `LeaveOneOut::units` order): rank without it − nominal rank (positive
    /// = falls).
    pub shifts: Vec<Option<i64>>,
}

/// A unit and its period, as an analysis lists the units it ranked.
///
/// ```
/// let u = dti_core::analyses::UnitPeriod { unit: "ha-noi".into(), period: Some(2023) };
/// assert_eq!(serde_json::to_string(&u)?, r#"{"unit":"ha-noi","period":2023}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPeriod {
    /// The unit id.
    pub unit: String,
    /// Its period.
    pub period: Option<i32>,
}

/// The result of leaving each component of a level out in turn.
///
/// ```
/// let l = serde_json::from_value::<dti_core::analyses::LeaveOneOut>(serde_json::json!({ "depth": 2, "units": [], "nominal_ranks": [], "components": [] })).unwrap();
/// assert_eq!(l.depth, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeaveOneOut {
    /// The depth whose components were left out.
    pub depth: usize,
    /// Unit ids (with periods, in input order).
    pub units: Vec<UnitPeriod>,
    /// Nominal ranks.
    pub nominal_ranks: Vec<Option<u32>>,
    /// One entry per component.
    pub components: Vec<LeftOut>,
}

/// Leaves each component at `depth` out in turn — its weight set to 0 (and under a points sum,
/// its max points too, so the remaining points are renormalised) — and reports the rank shifts.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [
///     UnitRecord::new("X").value("GOV", 1.0).value("ECO", 0.0),
///     UnitRecord::new("Y").value("GOV", 0.0).value("ECO", 1.0),
/// ];
/// let loo = leave_one_out(&fw, &units, 2)?;
/// // X leads on GOV (200 points vs 150): without GOV, Y leads.
/// let gov = loo.components.iter().find(|c| c.code == "GOV").unwrap();
/// assert_eq!(gov.shifts, [Some(1), Some(-1)]);
/// assert_eq!(gov.mean_abs_rank_shift, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn leave_one_out(
    fw: &Framework,
    units: &[UnitRecord],
    depth: usize,
) -> Result<LeaveOneOut, AnalysisError> {
    let plan: &Plan = &fw.plan;
    let ev = Evaluator::new(fw, units, false, Ties::default())?;
    let m = ev.units();
    let leaves = ev.leaves(fw, plan)?;
    let mut work = ev.work();
    let (mut v, mut nominal) = (vec![f64::NAN; m], vec![f64::NAN; m]);
    ev.run(fw, plan, &leaves, &mut work, &mut v, &mut nominal)?;
    let opt_rank = |x: f64| (!x.is_nan()).then_some(x as u32);
    let mut components = Vec::new();
    let mut ranks = vec![f64::NAN; m];
    for j in (0..plan.n).filter(|&j| plan.depth[j] == depth) {
        let mut p = plan.clone();
        p.weight[j] = 0.0;
        if p.aggregate[p.parent[j]] == Aggregator::PointsSum {
            p.max[j] = Some(0.0);
        }
        ev.run(fw, &p, &leaves, &mut work, &mut v, &mut ranks)?;
        let shifts: Vec<Option<i64>> = ranks
            .iter()
            .zip(&nominal)
            .map(|(r, n)| (!r.is_nan() && !n.is_nan()).then(|| *r as i64 - *n as i64))
            .collect();
        let present: Vec<i64> = shifts.iter().flatten().copied().collect();
        let mean = if present.is_empty() {
            0.0
        } else {
            exact_sum(present.iter().map(|s| s.abs() as f64)) / present.len() as f64
        };
        components.push(LeftOut {
            code: fw.def.nodes[j].code.clone(),
            mean_abs_rank_shift: mean,
            shifts,
        });
    }
    if components.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "depth".to_owned(),
            message: format!(
                "no component at depth {depth} (the framework's depths are 1 to {})",
                plan.depth.iter().max().copied().unwrap_or(0)
            ),
        });
    }
    Ok(LeaveOneOut {
        depth,
        units: ev
            .meta
            .iter()
            .map(|u| UnitPeriod {
                unit: u.unit.clone(),
                period: u.period,
            })
            .collect(),
        nominal_ranks: nominal.iter().map(|&r| opt_rank(r)).collect(),
        components,
    })
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

    #[test]
    fn quantiles_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.5), 2.5);
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 4.0);
        // h = 3·0.05 = 0.15 → 1 + 0.15·1.
        assert!((quantile(&x, 0.05) - 1.15).abs() < 1e-12);
    }
}
