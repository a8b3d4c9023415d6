//! What can be wrong with a framework: [`FrameworkError`] and each [`Problem`], with the code
//! of the node or view it concerns.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// Why a framework could not be loaded.
///
/// ```
/// use dti_core::{Framework, FrameworkError};
/// let err = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 1},
///   {"code": "A", "name_vi": "A again", "max_points": 1},
///   {"code": "B", "parent": "Z", "name_vi": "B", "max_points": 1}]}"#).unwrap_err();
/// let FrameworkError::Invalid { problems, .. } = err else { panic!() };
/// assert_eq!(problems.len(), 2); // the duplicate and the unknown parent, both reported
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FrameworkError {
    /// The text is not valid JSON/TOML or does not fit the schema.
    #[error("could not read the framework as {format}: {message}")]
    Parse {
        /// `"JSON"` or `"TOML"`.
        format: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// No built-in framework has this id.
    #[error("no built-in framework '{id}'; available: {}", available.join(", "))]
    UnknownBuiltin {
        /// The id asked for.
        id: String,
        /// The built-in ids.
        available: Vec<String>,
    },
    /// The framework has no weight set of this name.
    #[error("no weight set '{set}'; available: {}", if available.is_empty() { "none".to_owned() } else { available.join(", ") })]
    UnknownWeightSet {
        /// The name asked for.
        set: String,
        /// The framework's weight sets.
        available: Vec<String>,
    },
    /// The definition parsed but breaks the rules; every problem is listed.
    #[error("framework '{id}' has {} problem(s):{}", problems.len(), ProblemList(problems))]
    #[serde(rename = "invalid_framework")]
    Invalid {
        /// The framework id.
        id: String,
        /// All problems found.
        problems: Vec<Problem>,
    },
}

impl FrameworkError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let e = dti_core::Framework::builtin("vn-pdti-1999").unwrap_err();
    /// assert_eq!(e.code(), "unknown_builtin");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            FrameworkError::Parse { .. } => "parse",
            FrameworkError::UnknownBuiltin { .. } => "unknown_builtin",
            FrameworkError::UnknownWeightSet { .. } => "unknown_weight_set",
            FrameworkError::Invalid { .. } => "invalid_framework",
        }
    }
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.0 {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

/// One problem in a framework definition. `node` and `view` are codes from the definition.
///
/// Serialises with a stable `code` field naming the kind, e.g.
/// `{"code": "duplicate_code", "node": "A"}`.
///
/// ```
/// let p = dti_core::Problem::DuplicateCode { node: "A".into() };
/// assert_eq!(p.code(), "duplicate_code");
/// assert_eq!(serde_json::to_value(&p)?["node"], "A");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// `schema_version` is not the one this crate reads.
    #[error("schema_version {found} is not supported (expected {expected})")]
    UnsupportedSchema {
        /// The version in the file.
        found: u32,
        /// [`SCHEMA_VERSION`](crate::model::SCHEMA_VERSION).
        expected: u32,
    },
    /// The framework id is empty.
    #[error("the framework id is empty")]
    EmptyId,
    /// There are no nodes.
    #[error("the framework has no nodes")]
    NoNodes,
    /// A node has an empty code.
    #[error("node #{position} (counting from 1) has an empty code")]
    EmptyCode {
        /// 1-based position in `nodes`.
        position: usize,
    },
    /// A node or view code (or the framework id) outside the documented characters: see
    /// [`is_code`](crate::model::is_code). Codes land in tables, attributes, URLs and file names; text does not.
    #[error("code '{node}': only letters, digits, '.', '_', '-' (1 to 64)")]
    BadCode {
        /// The code as given.
        node: String,
    },
    /// Two nodes (or a node and a view) share a code.
    #[error("code '{node}' is used more than once")]
    DuplicateCode {
        /// The repeated code.
        node: String,
    },
    /// A node names a parent that does not exist.
    #[error("node '{node}': parent '{parent}' does not exist")]
    UnknownParent {
        /// The node.
        node: String,
        /// The missing parent code.
        parent: String,
    },
    /// A node is its own ancestor.
    #[error("node '{node}' is part of a parent cycle")]
    Cycle {
        /// A node on the cycle.
        node: String,
    },
    /// `max_points` is negative or not finite (or the framework's `scale`, named by the
    /// framework id, is not > 0).
    #[error(
        "node '{node}': max_points must be a finite number ≥ 0 (the scale > 0), got {max_points}"
    )]
    InvalidMaxPoints {
        /// The node.
        node: String,
        /// The value given.
        max_points: f64,
    },
    /// A sum of weights or max points overflows a 64-bit float.
    #[error("node '{node}': {what} add up to more than a 64-bit float holds (rescale them)")]
    Overflow {
        /// The node whose children are summed.
        node: String,
        /// What is summed.
        what: String,
    },
    /// `weight` is negative or not finite.
    #[error("node '{node}': weight must be a finite number ≥ 0, got {weight}")]
    InvalidWeight {
        /// The node.
        node: String,
        /// The value given.
        weight: f64,
    },
    /// Every child of a weighted node has weight 0.
    #[error("node '{node}': the weights of its children are all zero")]
    AllWeightsZero {
        /// The parent (the framework id for the top level).
        node: String,
    },
    /// A child of a `points_sum` node has no max points.
    #[error("node '{node}': its parent '{parent}' sums points, so it needs max_points")]
    MissingMaxPoints {
        /// The child.
        node: String,
        /// The parent (the framework id for the top level).
        parent: String,
    },
    /// A `points_sum` node declares max points different from its children's sum.
    #[error("node '{node}': max_points {declared} differs from its children's sum {children_sum}")]
    PointsMismatch {
        /// The node (the framework id for `scale`).
        node: String,
        /// Declared max points.
        declared: f64,
        /// Sum of the children's max points.
        children_sum: f64,
    },
    /// A node with children carries a leaf rule.
    #[error("node '{node}' has children, so it cannot have a rule (rules are for leaves)")]
    RuleOnParent {
        /// The node.
        node: String,
    },
    /// A leaf carries an aggregator.
    #[error("node '{node}' has no children, so `aggregate` does not apply")]
    AggregateOnLeaf {
        /// The node.
        node: String,
    },
    /// `direction` is neither 1 nor −1.
    #[error("node '{node}': direction must be 1 or -1, got {direction}")]
    InvalidDirection {
        /// The node.
        node: String,
        /// The value given.
        direction: i8,
    },
    /// The rule needs max points on its leaf.
    #[error("node '{node}': a '{rule}' rule needs max_points > 0")]
    RuleNeedsMaxPoints {
        /// The leaf.
        node: String,
        /// The rule type.
        rule: &'static str,
    },
    /// A steps or levels rule has no entries.
    #[error("node '{node}': the '{rule}' rule lists nothing")]
    EmptyRule {
        /// The leaf.
        node: String,
        /// The rule type.
        rule: &'static str,
    },
    /// Step thresholds are not finite and strictly ascending.
    #[error("node '{node}': step thresholds must be finite and strictly ascending; {at} is out of order")]
    UnsortedSteps {
        /// The leaf.
        node: String,
        /// The first threshold out of order.
        at: f64,
    },
    /// Step points outside `[0, max_points]`.
    #[error("node '{node}': step points {points} are outside [0, {max_points}]")]
    StepPointsOutOfRange {
        /// The leaf.
        node: String,
        /// The points.
        points: f64,
        /// The leaf's max points.
        max_points: f64,
    },
    /// Step points go against the indicator's direction.
    #[error(
        "node '{node}': step points must not fall as the value improves (direction {direction})"
    )]
    StepsNotMonotone {
        /// The leaf.
        node: String,
        /// The leaf's direction.
        direction: i8,
    },
    /// A label appears twice in a levels rule.
    #[error("node '{node}': level '{label}' is listed more than once")]
    DuplicateLevel {
        /// The leaf.
        node: String,
        /// The label.
        label: String,
    },
    /// A level fraction outside `[0, 1]`.
    #[error("node '{node}': level '{label}' has fraction {fraction}, outside [0, 1]")]
    FractionOutOfRange {
        /// The leaf.
        node: String,
        /// The label.
        label: String,
        /// The fraction.
        fraction: f64,
    },
    /// Direction −1 on a rule whose categories carry their own fractions.
    #[error(
        "node '{node}': a '{rule}' rule sets each category's fraction itself; direction must be 1"
    )]
    DirectionNotApplicable {
        /// The leaf.
        node: String,
        /// The rule type.
        rule: &'static str,
    },
    /// A normaliser's parameters are invalid.
    #[error("node '{node}': normaliser '{method}': {reason}")]
    InvalidNormaliser {
        /// The leaf.
        node: String,
        /// The normaliser.
        method: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A normaliser that can leave `[0, 1]` on a leaf that turns its value into points.
    #[error("node '{node}': normaliser '{method}' can give values outside [0, 1], so it cannot score points; use min_max to [0, 1], percentile_rank or distance_to_max, or drop max_points")]
    UnboundedNormaliser {
        /// The leaf.
        node: String,
        /// The normaliser.
        method: &'static str,
    },
    /// A parameter the source does not publish was not supplied.
    #[error("node '{node}': {parameter} is not published by the framework's source; supply it (a supplement with the node's {parameter})")]
    Unpublished {
        /// The node.
        node: String,
        /// The parameter.
        parameter: &'static str,
    },
    /// A supplement or extension names a node that does not exist.
    #[error("node '{node}' does not exist in the framework being supplemented or extended")]
    UnknownNode {
        /// The code.
        node: String,
    },
    /// An extension extends another framework.
    #[error("the extension extends '{extends}', not this framework '{framework}'")]
    ExtensionMismatch {
        /// What the extension extends.
        extends: String,
        /// The framework it was applied to.
        framework: String,
    },
    /// A `normalised` leaf with no normaliser anywhere.
    #[error("node '{node}' is normalised but names no normaliser, and neither its level nor the framework sets one")]
    NoNormaliser {
        /// The leaf.
        node: String,
    },
    /// An aggregator's parameters are invalid.
    #[error("node '{node}': aggregator '{method}': {reason}")]
    InvalidAggregator {
        /// The node (or level, or framework id).
        node: String,
        /// The aggregator.
        method: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// An aggregator whose result is not a value in [0, 1] on a node with max points.
    #[error("node '{node}': the '{method}' aggregator gives scores, not shares of a maximum, so the node cannot have max_points")]
    UnboundedAggregator {
        /// The node.
        node: String,
        /// The aggregator.
        method: &'static str,
    },
    /// A data threshold outside [0, 1].
    #[error("{node}: the data threshold must be a share in [0, 1], got {threshold}")]
    InvalidThreshold {
        /// Where (node, level or framework id).
        node: String,
        /// The value.
        threshold: f64,
    },
    /// A level that does not exist or is listed twice.
    #[error("level {level}: {reason}")]
    InvalidLevel {
        /// The depth.
        level: usize,
        /// What is wrong.
        reason: String,
    },
    /// A weight set names a node that does not exist.
    #[error("weight set '{set}': node '{node}' does not exist")]
    WeightSetUnknownNode {
        /// The set.
        set: String,
        /// The code.
        node: String,
    },
    /// A view lists no nodes.
    #[error("view '{view}' lists no nodes")]
    EmptyView {
        /// The view.
        view: String,
    },
    /// A view names a node that does not exist.
    #[error("view '{view}': node '{node}' does not exist")]
    ViewUnknownNode {
        /// The view.
        view: String,
        /// The missing code.
        node: String,
    },
    /// A view member without max points.
    #[error("view '{view}': node '{node}' has no max_points, so it cannot be summed in a view")]
    ViewNodeWithoutPoints {
        /// The view.
        view: String,
        /// The member.
        node: String,
    },
    /// The framework's tie rule is out of range (a tolerance outside [0, 1), more than 15
    /// decimals).
    #[error("ties: {reason}")]
    InvalidTies {
        /// What is wrong with it.
        reason: String,
    },
    /// A view member appears twice or inside another member, so its points would count twice.
    #[error("view '{view}': node '{node}' is already counted (listed twice or inside '{inside}')")]
    ViewOverlap {
        /// The view.
        view: String,
        /// The member counted twice.
        node: String,
        /// The member that already contains it (or itself).
        inside: String,
    },
}

impl Problem {
    /// The stable snake_case kind of the problem (the serialised `code` field).
    ///
    /// ```
    /// assert_eq!(dti_core::Problem::EmptyId.code(), "empty_id");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Problem::UnsupportedSchema { .. } => "unsupported_schema",
            Problem::EmptyId => "empty_id",
            Problem::NoNodes => "no_nodes",
            Problem::EmptyCode { .. } => "empty_code",
            Problem::BadCode { .. } => "bad_code",
            Problem::DuplicateCode { .. } => "duplicate_code",
            Problem::UnknownParent { .. } => "unknown_parent",
            Problem::Cycle { .. } => "cycle",
            Problem::InvalidMaxPoints { .. } => "invalid_max_points",
            Problem::InvalidWeight { .. } => "invalid_weight",
            Problem::Overflow { .. } => "overflow",
            Problem::AllWeightsZero { .. } => "all_weights_zero",
            Problem::MissingMaxPoints { .. } => "missing_max_points",
            Problem::PointsMismatch { .. } => "points_mismatch",
            Problem::RuleOnParent { .. } => "rule_on_parent",
            Problem::AggregateOnLeaf { .. } => "aggregate_on_leaf",
            Problem::InvalidDirection { .. } => "invalid_direction",
            Problem::RuleNeedsMaxPoints { .. } => "rule_needs_max_points",
            Problem::EmptyRule { .. } => "empty_rule",
            Problem::UnsortedSteps { .. } => "unsorted_steps",
            Problem::StepPointsOutOfRange { .. } => "step_points_out_of_range",
            Problem::StepsNotMonotone { .. } => "steps_not_monotone",
            Problem::DuplicateLevel { .. } => "duplicate_level",
            Problem::FractionOutOfRange { .. } => "fraction_out_of_range",
            Problem::DirectionNotApplicable { .. } => "direction_not_applicable",
            Problem::InvalidNormaliser { .. } => "invalid_normaliser",
            Problem::UnboundedNormaliser { .. } => "unbounded_normaliser",
            Problem::Unpublished { .. } => "unpublished",
            Problem::UnknownNode { .. } => "unknown_node",
            Problem::ExtensionMismatch { .. } => "extension_mismatch",
            Problem::NoNormaliser { .. } => "no_normaliser",
            Problem::InvalidAggregator { .. } => "invalid_aggregator",
            Problem::UnboundedAggregator { .. } => "unbounded_aggregator",
            Problem::InvalidThreshold { .. } => "invalid_threshold",
            Problem::InvalidLevel { .. } => "invalid_level",
            Problem::WeightSetUnknownNode { .. } => "weight_set_unknown_node",
            Problem::EmptyView { .. } => "empty_view",
            Problem::ViewUnknownNode { .. } => "view_unknown_node",
            Problem::ViewNodeWithoutPoints { .. } => "view_node_without_points",
            Problem::ViewOverlap { .. } => "view_overlap",
            Problem::InvalidTies { .. } => "invalid_ties",
        }
    }

    /// The node or view code the problem is about, if any.
    ///
    /// ```
    /// let p = dti_core::Problem::Cycle { node: "X".into() };
    /// assert_eq!(p.location(), Some("X"));
    /// ```
    pub fn location(&self) -> Option<&str> {
        use Problem::*;
        match self {
            UnsupportedSchema { .. } | EmptyId | NoNodes | EmptyCode { .. } => None,
            ExtensionMismatch { .. } | InvalidLevel { .. } | InvalidTies { .. } => None,
            DuplicateCode { node }
            | BadCode { node }
            | UnknownParent { node, .. }
            | Cycle { node }
            | InvalidMaxPoints { node, .. }
            | InvalidWeight { node, .. }
            | Overflow { node, .. }
            | AllWeightsZero { node }
            | MissingMaxPoints { node, .. }
            | PointsMismatch { node, .. }
            | RuleOnParent { node }
            | AggregateOnLeaf { node }
            | InvalidDirection { node, .. }
            | RuleNeedsMaxPoints { node, .. }
            | EmptyRule { node, .. }
            | UnsortedSteps { node, .. }
            | StepPointsOutOfRange { node, .. }
            | StepsNotMonotone { node, .. }
            | DuplicateLevel { node, .. }
            | FractionOutOfRange { node, .. }
            | DirectionNotApplicable { node, .. }
            | InvalidNormaliser { node, .. }
            | UnboundedNormaliser { node, .. }
            | Unpublished { node, .. }
            | UnknownNode { node }
            | NoNormaliser { node }
            | InvalidAggregator { node, .. }
            | UnboundedAggregator { node, .. }
            | InvalidThreshold { node, .. }
            | WeightSetUnknownNode { node, .. } => Some(node),
            EmptyView { view }
            | ViewUnknownNode { view, .. }
            | ViewNodeWithoutPoints { view, .. }
            | ViewOverlap { view, .. } => Some(view),
        }
    }
}
