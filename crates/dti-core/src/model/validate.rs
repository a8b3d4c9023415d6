//! Framework validation: every structural problem, each with the code of the node or view
//! it concerns, then compilation into a [`Plan`].

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use thiserror::Error;

use crate::model::choices::Normaliser;
use crate::model::framework::{Aggregator, FrameworkDef, LevelDef, Param, Rule, SCHEMA_VERSION};
use crate::model::plan::{is_ancestor, Plan, NO_PARENT};

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
        /// [`SCHEMA_VERSION`].
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
    /// [`is_code`]. Codes land in tables, attributes, URLs and file names; text does not.
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

/// Relative tolerance for "points sum to the parent's max".
fn same_points(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Validates `def`, returning its compiled plan or every problem found.
pub(crate) fn validate(def: &FrameworkDef) -> Result<Plan, FrameworkError> {
    let mut problems = Vec::new();
    if def.schema_version != SCHEMA_VERSION {
        problems.push(Problem::UnsupportedSchema {
            found: def.schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    if let Some(Err(reason)) = def.ties.map(|t| t.check()) {
        problems.push(Problem::InvalidTies { reason });
    }
    // The index's scale divides its points: a negative, zero or non-finite one is refused
    // (it was ignored, and the scale taken from the nodes, silently).
    if let Some(scale) = def.scale.filter(|s| !(s.is_finite() && *s > 0.0)) {
        problems.push(Problem::InvalidMaxPoints {
            node: def.id.clone(),
            max_points: scale,
        });
    }
    if def.id.trim().is_empty() {
        problems.push(Problem::EmptyId);
    } else if !def.id.split('+').all(is_code) {
        // A framework with extensions is `base+extension`.
        problems.push(Problem::BadCode {
            node: def.id.clone(),
        });
    }
    if def.nodes.is_empty() {
        problems.push(Problem::NoNodes);
    }
    let n = def.nodes.len();
    let root = n;
    let index = codes(def, &mut problems);
    let Tree {
        parent,
        children,
        post_order,
        pre_order,
    } = tree(def, &index, &mut problems);
    let (depth, level_of) = levels(def, &parent, &pre_order, &mut problems);
    let Fields {
        direction,
        weight,
        aggregate,
        rule,
        weight_unpublished,
    } = fields(def, &children, &depth, &level_of, &mut problems);
    let threshold: Vec<f64> = (0..=n)
        .map(|i| {
            level_of
                .get(&depth[i])
                .filter(|_| i != root)
                .and_then(|l| l.data_threshold)
                .or(def.data_threshold)
                .unwrap_or(0.0)
        })
        .collect();

    let normaliser = normalisers(def, &rule, &depth, &level_of, &mut problems);
    let max = max_points(
        def,
        &children,
        &post_order,
        &weight,
        &aggregate,
        &weight_unpublished,
        &mut problems,
    );
    // Leaf rules.
    for (i, node) in def.nodes.iter().enumerate() {
        if let Some(r) = &rule[i] {
            check_rule(
                &node.code,
                r,
                normaliser[i].as_ref(),
                node.direction,
                max[i],
                &mut problems,
            );
        }
    }

    // Weight sets.
    for (set, weights) in &def.weight_sets {
        for (code, &w) in weights {
            if !index.contains_key(code) {
                problems.push(Problem::WeightSetUnknownNode {
                    set: set.clone(),
                    node: code.clone(),
                });
            } else if !w.is_finite() || w < 0.0 {
                problems.push(Problem::InvalidWeight {
                    node: code.clone(),
                    weight: w,
                });
            }
        }
    }

    let views = views(def, &index, &parent, &max, &mut problems);
    if !problems.is_empty() {
        return Err(FrameworkError::Invalid {
            id: def.id.clone(),
            problems,
        });
    }
    Ok(Plan {
        n,
        root,
        index,
        parent,
        children,
        post_order,
        pre_order,
        max,
        weight,
        aggregate,
        rule,
        direction,
        missing: def.missing,
        views,
        weight_unpublished,
        normaliser,
        threshold,
        depth,
    })
}

/// Whether `s` may be a code (a node's, a view's, a framework's id): 1 to 64 characters,
/// each an ASCII letter or digit, `.`, `_` or `-`, or a non-ASCII character that is not a
/// space, a control or an invisible format character (so `CQS`, `AWR.MEET`, `Chỉ_số-1`).
/// No spaces, quotes, angle brackets, ampersands, control or bidi characters: a code is
/// safe as it is in an HTML attribute, a URL fragment, a CSV cell or a file name.
///
/// ```
/// use dti_core::model::is_code;
/// assert!(is_code("AWR.MEET") && is_code("vn-pdti-2024") && is_code("Chỉ_số"));
/// assert!(!is_code("\"><img src=x>") && !is_code("A B") && !is_code("") && !is_code(&"X".repeat(65)));
/// assert!(!is_code("A\u{202e}B") && !is_code("A\u{a0}B") && !is_code("A\u{200b}"));
/// ```
pub fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || visible(c))
}

/// A non-ASCII character that shows as itself: not a space, a control, or a zero-width or
/// bidirectional format character (U+061C, U+200B–U+200F, U+2028–U+202E, U+2060–U+206F,
/// U+FEFF). A table of letters would cost the browser package kilobytes.
fn visible(c: char) -> bool {
    !c.is_ascii()
        && !c.is_control()
        && !c.is_whitespace()
        && !matches!(c, '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// Each node's position by code; empty, malformed and repeated codes are problems.
fn codes(def: &FrameworkDef, problems: &mut Vec<Problem>) -> HashMap<String, usize> {
    let n = def.nodes.len();
    let mut index = HashMap::with_capacity(n);
    for (i, node) in def.nodes.iter().enumerate() {
        if node.code.trim().is_empty() {
            problems.push(Problem::EmptyCode { position: i + 1 });
        } else if !is_code(&node.code) {
            problems.push(Problem::BadCode {
                node: node.code.clone(),
            });
        } else if index.insert(node.code.clone(), i).is_some() {
            problems.push(Problem::DuplicateCode {
                node: node.code.clone(),
            });
        }
    }

    index
}

/// The tree: parents, children, and the orders the engine walks.
struct Tree {
    parent: Vec<usize>,
    children: Vec<Vec<usize>>,
    post_order: Vec<usize>,
    pre_order: Vec<usize>,
}

/// Parents and children (an unknown parent is a problem), the walk orders, and cycles.
fn tree(def: &FrameworkDef, index: &HashMap<String, usize>, problems: &mut Vec<Problem>) -> Tree {
    let n = def.nodes.len();
    let root = n;
    // Parents and children. An unknown parent leaves the node detached (reported once).
    let mut parent = vec![NO_PARENT; n + 1];
    let mut children = vec![Vec::new(); n + 1];
    for (i, node) in def.nodes.iter().enumerate() {
        let p = match &node.parent {
            None => Some(root),
            Some(code) => match index.get(code) {
                // With duplicate codes the map holds the last; attach to it.
                Some(&p) => Some(p),
                None => {
                    problems.push(Problem::UnknownParent {
                        node: node.code.clone(),
                        parent: code.clone(),
                    });
                    None
                }
            },
        };
        if let Some(p) = p {
            parent[i] = p;
            children[p].push(i);
        }
    }

    // Post-order from the root; anything attached but unreached sits on a cycle.
    let mut post_order = Vec::new();
    let mut pre_order = Vec::with_capacity(n);
    let mut reached = vec![false; n + 1];
    let mut stack = vec![(root, false)];
    while let Some((i, expanded)) = stack.pop() {
        if expanded {
            if !children[i].is_empty() {
                post_order.push(i);
            }
            continue;
        }
        reached[i] = true;
        if i != root {
            pre_order.push(i);
        }
        stack.push((i, true));
        for &c in children[i].iter().rev() {
            stack.push((c, false));
        }
    }
    for (i, node) in def.nodes.iter().enumerate() {
        if !reached[i] && parent[i] != NO_PARENT {
            problems.push(Problem::Cycle {
                node: node.code.clone(),
            });
        }
    }

    Tree {
        parent,
        children,
        post_order,
        pre_order,
    }
}

/// Each node's depth (top-level nodes 1) and the level choices by depth.
fn levels<'d>(
    def: &'d FrameworkDef,
    parent: &[usize],
    pre_order: &[usize],
    problems: &mut Vec<Problem>,
) -> (Vec<usize>, HashMap<usize, &'d LevelDef>) {
    let n = def.nodes.len();
    let root = n;
    // Depths (top-level nodes 1) and per-level choices.
    let mut depth = vec![0usize; n + 1];
    for &i in pre_order {
        let p = parent[i];
        depth[i] = if p == root { 1 } else { depth[p] + 1 };
    }
    let max_depth = depth.iter().copied().max().unwrap_or(0);
    let mut level_of: HashMap<usize, &LevelDef> = HashMap::new();
    for l in &def.levels {
        let at = format!("level {}", l.depth);
        if l.depth == 0 || l.depth > max_depth {
            problems.push(Problem::InvalidLevel {
                level: l.depth,
                reason: format!("the tree has depths 1 to {max_depth}"),
            });
        } else if level_of.insert(l.depth, l).is_some() {
            problems.push(Problem::InvalidLevel {
                level: l.depth,
                reason: "listed more than once".to_owned(),
            });
        }
        if let Some(t) = l.data_threshold {
            check_threshold(&at, t, problems);
        }
        if let Some(a) = &l.aggregate {
            check_aggregator(&at, a, problems);
        }
    }
    if let Some(t) = def.data_threshold {
        check_threshold(&def.id, t, problems);
    }
    check_aggregator(&def.id, &def.aggregate, problems);

    (depth, level_of)
}

/// Per-node fields, checked and resolved (levels' aggregators included).
struct Fields {
    direction: Vec<f64>,
    weight: Vec<f64>,
    aggregate: Vec<Aggregator>,
    rule: Vec<Option<Rule>>,
    weight_unpublished: Vec<bool>,
}

fn fields(
    def: &FrameworkDef,
    children: &[Vec<usize>],
    depth: &[usize],
    level_of: &HashMap<usize, &LevelDef>,
    problems: &mut Vec<Problem>,
) -> Fields {
    let n = def.nodes.len();
    // Per-node fields.
    let mut direction = vec![1.0; n + 1];
    let mut weight = vec![1.0; n + 1];
    let mut aggregate = vec![def.aggregate; n + 1];
    let mut rule = vec![None; n + 1];
    let mut weight_unpublished = vec![false; n + 1];
    for (i, node) in def.nodes.iter().enumerate() {
        let code = &node.code;
        for &param in &node.unpublished {
            match param {
                Param::MaxPoints if node.max_points.is_none() => {
                    problems.push(Problem::Unpublished {
                        node: code.clone(),
                        parameter: param.name(),
                    })
                }
                Param::Weight if node.weight.is_none() => weight_unpublished[i] = true,
                _ => {}
            }
        }
        if let Some(m) = node.max_points {
            if !m.is_finite() || m < 0.0 {
                problems.push(Problem::InvalidMaxPoints {
                    node: code.clone(),
                    max_points: m,
                });
            }
        }
        if let Some(w) = node.weight {
            if !w.is_finite() || w < 0.0 {
                problems.push(Problem::InvalidWeight {
                    node: code.clone(),
                    weight: w,
                });
            } else {
                weight[i] = w;
            }
        }
        match node.direction {
            1 => {}
            -1 => direction[i] = -1.0,
            d => problems.push(Problem::InvalidDirection {
                node: code.clone(),
                direction: d,
            }),
        }
        if children[i].is_empty() {
            if node.aggregate.is_some() {
                problems.push(Problem::AggregateOnLeaf { node: code.clone() });
            }
            rule[i] = Some(node.rule.clone().unwrap_or_default());
        } else {
            if node.rule.is_some() {
                problems.push(Problem::RuleOnParent { node: code.clone() });
            }
            match node.aggregate {
                Some(a) => {
                    check_aggregator(code, &a, problems);
                    aggregate[i] = a;
                }
                None => {
                    if let Some(a) = level_of.get(&depth[i]).and_then(|l| l.aggregate) {
                        aggregate[i] = a;
                    }
                }
            }
            if aggregate[i] == Aggregator::Copeland && node.max_points.is_some() {
                problems.push(Problem::UnboundedAggregator {
                    node: code.clone(),
                    method: aggregate[i].name(),
                });
            }
        }
    }
    Fields {
        direction,
        weight,
        aggregate,
        rule,
        weight_unpublished,
    }
}

/// The normaliser of each `normalised` leaf.
fn normalisers(
    def: &FrameworkDef,
    rule: &[Option<Rule>],
    depth: &[usize],
    level_of: &HashMap<usize, &LevelDef>,
    problems: &mut Vec<Problem>,
) -> Vec<Option<Normaliser>> {
    let n = def.nodes.len();
    // The normaliser of each `normalised` leaf: its own, its level's, or the framework's;
    // a distance to target without a target takes the leaf's meta.target.
    let mut normaliser: Vec<Option<Normaliser>> = vec![None; n + 1];
    for (i, node) in def.nodes.iter().enumerate() {
        let Some(Rule::Normalised { normaliser: own }) = &rule[i] else {
            continue;
        };
        let chosen = own
            .clone()
            .or_else(|| level_of.get(&depth[i]).and_then(|l| l.normaliser.clone()))
            .or_else(|| def.normaliser.clone());
        let Some(mut chosen) = chosen else {
            problems.push(Problem::NoNormaliser {
                node: node.code.clone(),
            });
            continue;
        };
        if let Normaliser::DistanceToTarget { target, .. } = &mut chosen {
            if target.is_none() {
                *target = node.meta.target;
            }
            if target.is_none() {
                problems.push(Problem::InvalidNormaliser {
                    node: node.code.clone(),
                    method: "distance_to_target",
                    reason: "no target: give one in the normaliser or in meta.target".to_owned(),
                });
            }
        }
        normaliser[i] = Some(chosen);
    }

    normaliser
}

/// Effective max points, bottom-up: points sums must add up; means need usable weights.
#[allow(clippy::too_many_arguments)]
fn max_points(
    def: &FrameworkDef,
    children: &[Vec<usize>],
    post_order: &[usize],
    weight: &[f64],
    aggregate: &[Aggregator],
    weight_unpublished: &[bool],
    problems: &mut Vec<Problem>,
) -> Vec<Option<f64>> {
    let n = def.nodes.len();
    let root = n;
    let code_of = |i: usize| -> String {
        if i == root {
            def.id.clone()
        } else {
            def.nodes[i].code.clone()
        }
    };
    // Effective max points, bottom-up.
    let declared = |i: usize| -> Option<f64> {
        if i == root {
            def.scale
        } else {
            def.nodes[i].max_points
        }
        .filter(|m| m.is_finite() && *m >= 0.0)
    };
    let mut max: Vec<Option<f64>> = (0..=n).map(declared).collect();
    // A node whose missing max points are already explained by an `unpublished` report.
    // (Also a node whose declared max points were rejected as invalid.)
    let mut unexplained: Vec<bool> = (0..=n)
        .map(|i| {
            i == root
                || (!def.nodes[i].unpublished.contains(&Param::MaxPoints)
                    && def.nodes[i]
                        .max_points
                        .is_none_or(|m| m.is_finite() && m >= 0.0))
        })
        .collect();
    for &i in post_order {
        if aggregate[i] != Aggregator::PointsSum {
            if children[i]
                .iter()
                .all(|&c| weight[c] == 0.0 && !weight_unpublished[c])
            {
                problems.push(Problem::AllWeightsZero { node: code_of(i) });
            }
            // Weights are divided by their sum: a sum that overflows (1e308 + 1e308) would
            // turn every weight into 0.
            let total = crate::sum::exact_sum(children[i].iter().map(|&c| weight[c]));
            if !total.is_finite() {
                problems.push(Problem::Overflow {
                    node: code_of(i),
                    what: "the weights of its children".to_owned(),
                });
            }
            continue;
        }
        let mut sum = crate::sum::ExactSum::new();
        let mut complete = true;
        for &c in &children[i] {
            match max[c] {
                Some(m) => sum.add(m),
                None => {
                    complete = false;
                    // Missing because unpublished points below were already reported.
                    if unexplained[c] {
                        problems.push(Problem::MissingMaxPoints {
                            node: code_of(c),
                            parent: code_of(i),
                        });
                    } else if max[i].is_none() {
                        unexplained[i] = false;
                    }
                }
            }
        }
        let sum = sum.value();
        if !sum.is_finite() {
            problems.push(Problem::Overflow {
                node: code_of(i),
                what: "the max points of its children".to_owned(),
            });
            continue;
        }
        match (max[i], complete) {
            (Some(d), true) if !same_points(d, sum) => problems.push(Problem::PointsMismatch {
                node: code_of(i),
                declared: d,
                children_sum: sum,
            }),
            (None, true) => max[i] = Some(sum),
            _ => {}
        }
    }

    max
}

/// Views: members that exist, have points, and do not overlap.
fn views(
    def: &FrameworkDef,
    index: &HashMap<String, usize>,
    parent: &[usize],
    max: &[Option<f64>],
    problems: &mut Vec<Problem>,
) -> Vec<Vec<usize>> {
    // Views.
    let mut views = Vec::with_capacity(def.views.len());
    let mut view_codes = HashSet::new();
    for view in &def.views {
        if !is_code(&view.code) {
            problems.push(Problem::BadCode {
                node: view.code.clone(),
            });
        } else if index.contains_key(&view.code) || !view_codes.insert(view.code.as_str()) {
            problems.push(Problem::DuplicateCode {
                node: view.code.clone(),
            });
        }
        if view.nodes.is_empty() {
            problems.push(Problem::EmptyView {
                view: view.code.clone(),
            });
        }
        let mut members: Vec<usize> = Vec::with_capacity(view.nodes.len());
        for code in &view.nodes {
            let Some(&m) = index.get(code) else {
                problems.push(Problem::ViewUnknownNode {
                    view: view.code.clone(),
                    node: code.clone(),
                });
                continue;
            };
            if max[m].is_none() {
                problems.push(Problem::ViewNodeWithoutPoints {
                    view: view.code.clone(),
                    node: code.clone(),
                });
            }
            let inside = members
                .iter()
                .find(|&&o| o == m || is_ancestor(parent, o, m) || is_ancestor(parent, m, o));
            if let Some(&o) = inside {
                problems.push(Problem::ViewOverlap {
                    view: view.code.clone(),
                    node: code.clone(),
                    inside: def.nodes[o].code.clone(),
                });
                continue;
            }
            members.push(m);
        }
        views.push(members);
    }

    views
}

fn check_threshold(at: &str, t: f64, problems: &mut Vec<Problem>) {
    if !(0.0..=1.0).contains(&t) {
        problems.push(Problem::InvalidThreshold {
            node: at.to_owned(),
            threshold: t,
        });
    }
}

/// The largest power a generalised mean takes (|p|).
const MAX_POWER: f64 = 100.0;

fn check_aggregator(at: &str, a: &Aggregator, problems: &mut Vec<Problem>) {
    if let Aggregator::GeneralisedMean { p } = *a {
        // Beyond |p| = 100 the powers of ordinary values overflow or vanish (100^1000): the
        // mean would be 0 or missing for every unit, silently.
        if !p.is_finite() || p == 0.0 || p.abs() > MAX_POWER {
            problems.push(Problem::InvalidAggregator {
                node: at.to_owned(),
                method: a.name(),
                reason: format!(
                    "the power p must be between -{MAX_POWER} and {MAX_POWER} and not 0 (use geometric_mean for p → 0), got {p}"
                ),
            });
        }
    }
}

fn check_rule(
    code: &str,
    rule: &Rule,
    normaliser: Option<&Normaliser>,
    direction: i8,
    max: Option<f64>,
    problems: &mut Vec<Problem>,
) {
    let node = || code.to_owned();
    match rule {
        Rule::Steps { steps, .. } => {
            let Some(m) = max.filter(|m| *m > 0.0) else {
                problems.push(Problem::RuleNeedsMaxPoints {
                    node: node(),
                    rule: rule.name(),
                });
                return;
            };
            if steps.is_empty() {
                problems.push(Problem::EmptyRule {
                    node: node(),
                    rule: rule.name(),
                });
            }
            let mut prev: Option<&crate::model::framework::Step> = None;
            let mut monotone = true;
            for s in steps {
                if !s.at.is_finite() || prev.is_some_and(|p| s.at <= p.at) {
                    problems.push(Problem::UnsortedSteps {
                        node: node(),
                        at: s.at,
                    });
                }
                if !s.points.is_finite() || s.points < 0.0 || s.points > m {
                    problems.push(Problem::StepPointsOutOfRange {
                        node: node(),
                        points: s.points,
                        max_points: m,
                    });
                }
                if let Some(p) = prev {
                    // Ascending thresholds: +1 must not lose points, −1 must not gain them.
                    let falls = if direction < 0 {
                        s.points > p.points
                    } else {
                        s.points < p.points
                    };
                    monotone &= !falls;
                }
                prev = Some(s);
            }
            if !monotone {
                problems.push(Problem::StepsNotMonotone {
                    node: node(),
                    direction,
                });
            }
        }
        Rule::Levels { levels } => {
            if levels.is_empty() {
                problems.push(Problem::EmptyRule {
                    node: node(),
                    rule: rule.name(),
                });
            }
            if direction != 1 {
                problems.push(Problem::DirectionNotApplicable {
                    node: node(),
                    rule: rule.name(),
                });
            }
            let mut seen = HashSet::new();
            for l in levels {
                if !seen.insert(l.label.as_str()) {
                    problems.push(Problem::DuplicateLevel {
                        node: node(),
                        label: l.label.clone(),
                    });
                }
                if !(0.0..=1.0).contains(&l.fraction) {
                    problems.push(Problem::FractionOutOfRange {
                        node: node(),
                        label: l.label.clone(),
                        fraction: l.fraction,
                    });
                }
            }
        }
        Rule::Normalised { .. } => {
            let Some(normaliser) = normaliser else {
                return; // reported as NoNormaliser
            };
            if let Err(reason) = normaliser.check() {
                problems.push(Problem::InvalidNormaliser {
                    node: node(),
                    method: normaliser.name(),
                    reason,
                });
            }
            if max.is_some() && !normaliser.is_unit_bounded() {
                problems.push(Problem::UnboundedNormaliser {
                    node: node(),
                    method: normaliser.name(),
                });
            }
        }
        Rule::Value | Rule::Ratio | Rule::Percent | Rule::YesNo => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::framework::NodeDef;

    fn def(nodes: &[(&str, Option<&str>, Option<f64>)]) -> FrameworkDef {
        let mut d = FrameworkDef::new("t", "T", "T");
        d.nodes = nodes
            .iter()
            .map(|&(c, p, m)| {
                let mut n = NodeDef::new(c, p, c, c);
                n.max_points = m;
                n
            })
            .collect();
        d
    }

    #[test]
    fn orders_and_derived_points() {
        // Children listed before their parents on purpose.
        let plan = validate(&def(&[
            ("G.1", Some("G"), Some(30.0)),
            ("G.2.a", Some("G.2"), Some(5.0)),
            ("G.2", Some("G"), None),
            ("G", None, None),
        ]))
        .unwrap();
        let pos = |v: &[usize], i: usize| v.iter().position(|&x| x == i).unwrap();
        // post_order: every parent after its children, the root last.
        assert_eq!(*plan.post_order.last().unwrap(), plan.root);
        assert!(pos(&plan.post_order, 2) < pos(&plan.post_order, 3));
        // pre_order: every node after its parent.
        assert!(pos(&plan.pre_order, 3) < pos(&plan.pre_order, 2));
        assert!(pos(&plan.pre_order, 2) < pos(&plan.pre_order, 1));
        assert_eq!(plan.max[2], Some(5.0));
        assert_eq!(plan.max[3], Some(35.0));
        assert_eq!(plan.max[plan.root], Some(35.0));
    }

    #[test]
    fn tolerance_of_point_sums() {
        assert!(same_points(0.1 + 0.2, 0.3));
        assert!(!same_points(100.0, 100.001));
    }
}
