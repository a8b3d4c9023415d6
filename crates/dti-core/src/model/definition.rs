//! The definition of an index as data: [`FrameworkDef`] and its parts (nodes, levels, rules,
//! views, aggregators), the serde form of the JSON/TOML schema, before validation.

use crate::model::choices::{Normaliser, Ties};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The framework schema version this crate reads and writes.
///
/// ```
/// assert_eq!(dti_core::model::SCHEMA_VERSION, 1);
/// ```
pub const SCHEMA_VERSION: u32 = 1;

/// What to do when a unit reports no value for an indicator.
///
/// ```
/// use dti_core::model::MissingPolicy;
/// let p: MissingPolicy = serde_json::from_str("\"renormalise\"")?;
/// assert_eq!(p, MissingPolicy::Renormalise);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingPolicy {
    /// A non-reported indicator scores 0 points, as the official DTI counts it
    /// (Decision 922/QĐ-BTTTT practice: no evidence, no points).
    #[default]
    Zero,
    /// A non-reported indicator is left out and its siblings' weights (or max points) are
    /// renormalised over the children that are present, as COINr does
    /// (`composite-methods.md`, "Missing values"). All children missing → the parent is missing.
    Renormalise,
    /// A non-reported indicator is an input error naming the unit and the indicator.
    Error,
}

/// How a node's children combine into the node's value.
///
/// ```
/// use dti_core::Aggregator;
/// let a: Aggregator = serde_json::from_str(r#"{"method":"weighted_mean"}"#)?;
/// assert_eq!(a, Aggregator::WeightedMean);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    try_from = "crate::model::forms::MethodForm"
)]
#[non_exhaustive]
pub enum Aggregator {
    /// The DTI's own rule (Decision 922/QĐ-BTTTT): points = Σ children's points,
    /// value = points / max points. Every child must declare `max_points`.
    #[default]
    PointsSum,
    /// Weighted arithmetic mean of the children's values: Σ wᵢvᵢ / Σ wᵢ, with `weight`
    /// relative within the group (OECD/JRC Handbook 2008, §6; `composite-methods.md`).
    WeightedMean,
    /// Weighted geometric mean exp(Σ wᵢ ln vᵢ / Σ wᵢ); a child value ≤ 0 is an error (COINr
    /// `a_gmean`; normalise to a positive range first, e.g. min-max to [1, 100]).
    GeometricMean,
    /// Weighted harmonic mean Σ wᵢ / Σ (wᵢ / vᵢ); a child value ≤ 0 is an error (COINr
    /// `a_hmean`).
    HarmonicMean,
    /// Generalised (power) mean (Σ wᵢvᵢᵖ / Σ wᵢ)^(1/p), p ≠ 0 (p = 1 arithmetic, −1 harmonic;
    /// use `geometric_mean` for the limit p → 0). Negative values are an error, and so are
    /// zeros when p < 0.
    GeneralisedMean {
        /// The power.
        p: f64,
    },
    /// Weighted median: children sorted by value, the first value at which the cumulative
    /// share of weight reaches one half.
    WeightedMedian,
    /// Copeland outranking (OECD/JRC Handbook 2008, §6.1.3): for each pair of units p, q in
    /// the period, M = Σ weights of children where p > q + ½ Σ weights where tied (weights
    /// scaled to sum 1); +1 if M > ½, −1 if M < ½, 0 if M = ½; the score is the sum over q.
    /// Cohort-relative and not a value in [0, 1], so the node cannot carry max points.
    /// (COINr 1.x's `a_copeland` sums M itself rather than its sign.)
    Copeland,
}

impl Aggregator {
    /// The snake_case name used in the schema.
    ///
    /// ```
    /// assert_eq!(dti_core::Aggregator::PointsSum.name(), "points_sum");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Aggregator::PointsSum => "points_sum",
            Aggregator::WeightedMean => "weighted_mean",
            Aggregator::GeometricMean => "geometric_mean",
            Aggregator::HarmonicMean => "harmonic_mean",
            Aggregator::GeneralisedMean { .. } => "generalised_mean",
            Aggregator::WeightedMedian => "weighted_median",
            Aggregator::Copeland => "copeland",
        }
    }

    /// Whether the result stays within the range of the children's values (every mean and
    /// the median do; points sums and Copeland scores do not).
    ///
    /// ```
    /// assert!(dti_core::Aggregator::GeometricMean.is_mean());
    /// assert!(!dti_core::Aggregator::Copeland.is_mean());
    /// ```
    pub fn is_mean(&self) -> bool {
        !matches!(self, Aggregator::PointsSum | Aggregator::Copeland)
    }
}

/// Choices that apply to every node at one depth of the tree (top-level nodes are depth 1),
/// unless the node sets its own.
///
/// ```
/// let l: dti_core::model::LevelDef = serde_json::from_str(
///     r#"{"depth": 1, "aggregate": {"method": "geometric_mean"}, "data_threshold": 0.66}"#)?;
/// assert_eq!(l.aggregate, Some(dti_core::Aggregator::GeometricMean));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDef {
    /// The depth (1 = top-level nodes).
    pub depth: usize,
    /// Aggregator of the nodes at this depth that have children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregator>,
    /// Normaliser of the `normalised` leaves at this depth that name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normaliser: Option<Normaliser>,
    /// Data-availability threshold of the nodes at this depth (see
    /// [`FrameworkDef::data_threshold`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_threshold: Option<f64>,
}

/// One step of a [`Rule::Steps`] table: a value of at least `at` earns `points`
/// (at most `at` for direction −1).
///
/// ```
/// let s: dti_core::model::Step = serde_json::from_str(r#"{"at": 4, "points": 20}"#)?;
/// assert_eq!(s.points, 20.0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The threshold.
    pub at: f64,
    /// Points earned when the threshold is met.
    pub points: f64,
}

/// One category of a [`Rule::Levels`] rule: `label` earns `fraction` of the max points.
///
/// ```
/// let l: dti_core::model::Level = serde_json::from_str(r#"{"label": "deputy", "fraction": 0.5}"#)?;
/// assert_eq!(l.fraction, 0.5);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The category as users write it (matched exactly).
    pub label: String,
    /// Share of the max points in `[0, 1]`.
    pub fraction: f64,
}

/// How a leaf indicator's raw input becomes a value in `[0, 1]` (and points = value × max).
///
/// The four point rules (ratio, steps, levels, yes/no) are those of the district- and
/// commune-level frameworks issued in the format of Decision 922/QĐ-BTTTT
/// (`dti-methodology.md`, "From a raw component value to points").
///
/// ```
/// use dti_core::model::Rule;
/// let r: Rule = serde_json::from_str(r#"{"type": "yes_no"}"#)?;
/// assert_eq!(r, Rule::YesNo);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    try_from = "crate::model::forms::RuleForm"
)]
#[non_exhaustive]
pub enum Rule {
    /// The value in `[0, 1]` is given directly (the published form of DTI main indicators).
    /// Direction −1 scores `1 − v`.
    #[default]
    Value,
    /// Input `{numerator: a, denominator: b}` with `0 ≤ a ≤ b`, `b > 0`: value = a / b
    /// (`1 − a/b` for direction −1).
    Ratio,
    /// Input a share in `[0, 100]`: value = p / 100 (`1 − p/100` for direction −1).
    Percent,
    /// Input a count or amount; points from a threshold table, e.g. steering committee met
    /// 4 times → 20, 3 → 15, 2 → 10, 1 → 5, else 0. Direction +1: the points of the highest
    /// threshold `at ≤ x`; direction −1: the points of the lowest threshold `at ≥ x`.
    /// Nothing met → 0. Value = points / max. With `"whole": true` the value counts whole
    /// things (meetings held, incidents): 2.5 is an error (`not_whole`), not 2 meetings.
    Steps {
        /// Thresholds in strictly ascending order of `at`.
        steps: Vec<Step>,
        /// Whether the value is a count of whole things.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        whole: bool,
    },
    /// Input a label; value = the label's fraction (e.g. chairman → 1, deputy → 0.5, none → 0).
    Levels {
        /// The accepted labels.
        levels: Vec<Level>,
    },
    /// Input `true`/`false`: value 1/0 (0/1 for direction −1).
    YesNo,
    /// Input a raw number, normalised against the whole cohort (see [`Normaliser`]); the
    /// direction is applied before normalising.
    Normalised {
        /// The normaliser and its parameters; `None` takes the level's or the framework's.
        #[serde(skip_serializing_if = "Option::is_none")]
        normaliser: Option<Normaliser>,
    },
}

impl Rule {
    /// The snake_case name of the rule type.
    ///
    /// ```
    /// assert_eq!(dti_core::model::Rule::Percent.name(), "percent");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Value => "value",
            Rule::Ratio => "ratio",
            Rule::Percent => "percent",
            Rule::Steps { .. } => "steps",
            Rule::Levels { .. } => "levels",
            Rule::YesNo => "yes_no",
            Rule::Normalised { .. } => "normalised",
        }
    }

    /// Whether scoring this rule needs the whole cohort.
    ///
    /// ```
    /// assert!(!dti_core::model::Rule::Ratio.is_cohort_relative());
    /// ```
    pub fn is_cohort_relative(&self) -> bool {
        matches!(self, Rule::Normalised { .. })
    }
}

/// Where an indicator's data comes from (DTI practice: self-report with evidence, automatic
/// measurement, survey).
///
/// ```
/// let s: dti_core::model::DataSource = serde_json::from_str("\"automatic\"")?;
/// assert_eq!(s, dti_core::model::DataSource::Automatic);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DataSource {
    /// Reported by the unit itself, with evidence.
    SelfReport,
    /// Measured automatically by the ministry's systems.
    Automatic,
    /// Collected by a survey.
    Survey,
}

/// Descriptive metadata of an indicator; not used in scoring.
///
/// ```
/// let m: dti_core::model::IndicatorMeta = serde_json::from_str(r#"{"unit": "meetings"}"#)?;
/// assert_eq!(m.unit.as_deref(), Some("meetings"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorMeta {
    /// Unit of measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Where the data comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<DataSource>,
    /// The evidence a unit must attach (document number, date, summary …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// A target value in the indicator's units (for [`Normaliser::DistanceToTarget`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

impl IndicatorMeta {
    fn is_empty(&self) -> bool {
        self == &IndicatorMeta::default()
    }
}

/// A node parameter that a framework's source does not publish.
///
/// ```
/// let p: dti_core::model::Param = serde_json::from_str("\"max_points\"")?;
/// assert_eq!(p, dti_core::model::Param::MaxPoints);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Param {
    /// The node's max points: the framework cannot load until they are supplied.
    MaxPoints,
    /// The node's weight among its siblings: values given for the parent directly still
    /// score; aggregating the parent from below needs the weight supplied.
    Weight,
}

impl Param {
    /// The schema name.
    ///
    /// ```
    /// assert_eq!(dti_core::model::Param::Weight.name(), "weight");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Param::MaxPoints => "max_points",
            Param::Weight => "weight",
        }
    }
}

pub(crate) fn default_direction() -> i8 {
    1
}

pub(crate) fn is_default_direction(d: &i8) -> bool {
    *d == 1
}

/// One node of the framework tree: a group or pillar, a main indicator, a component
/// indicator or a criterion. Nodes without children are leaves and carry a [`Rule`].
///
/// ```
/// let n: dti_core::model::NodeDef = serde_json::from_str(r#"{
///     "code": "AWR.1", "parent": "AWR", "name_vi": "Số cuộc họp", "name_en": "Meetings",
///     "max_points": 20, "rule": {"type": "steps", "steps": [{"at": 1, "points": 5}, {"at": 4, "points": 20}]}
/// }"#)?;
/// assert_eq!(n.direction, 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeDef {
    /// Stable code, unique in the framework (e.g. `"CQS"`, `"1.2.3"`).
    pub code: String,
    /// Code of the parent node; none for a top-level node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Maximum points (needed under a `points_sum` parent; points = value × max).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<f64>,
    /// Relative weight among siblings under a `weighted_mean` parent (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// How this node's children combine (default: the framework's `aggregate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregator>,
    /// Scoring rule of a leaf (default [`Rule::Value`]); not allowed on a node with children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// +1: higher is better; −1: lower is better.
    #[serde(
        default = "default_direction",
        skip_serializing_if = "is_default_direction"
    )]
    pub direction: i8,
    /// Descriptive metadata.
    #[serde(default, skip_serializing_if = "IndicatorMeta::is_empty")]
    pub meta: IndicatorMeta,
    /// Parameters the source does not publish (see [`Param`]); supply them with a
    /// [`Supplement`](crate::model::Supplement).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unpublished: Vec<Param>,
}

impl NodeDef {
    /// A node with a code, parent and names, everything else at its default.
    ///
    /// ```
    /// let n = dti_core::model::NodeDef::new("A", None, "Nền tảng", "Foundation");
    /// assert_eq!(n.code, "A");
    /// ```
    pub fn new(code: &str, parent: Option<&str>, name_vi: &str, name_en: &str) -> Self {
        NodeDef {
            code: code.to_owned(),
            parent: parent.map(str::to_owned),
            name_vi: name_vi.to_owned(),
            name_en: name_en.to_owned(),
            max_points: None,
            weight: None,
            aggregate: None,
            rule: None,
            direction: 1,
            meta: IndicatorMeta::default(),
            unpublished: Vec::new(),
        }
    }
}

/// A named reporting aggregate over a set of nodes: value = Σ points / Σ max points of its
/// members. This is how each DTI 2022 pillar shares the whole foundation group
/// (`dti-methodology.md`, version 2022: pillar value = (foundation points + activity points)
/// / (500 + activity max)).
///
/// ```
/// let v: dti_core::model::ViewDef = serde_json::from_str(
///     r#"{"code": "CQS", "name_vi": "Chính quyền số", "name_en": "Digital government", "nodes": ["F", "A1"]}"#)?;
/// assert_eq!(v.nodes.len(), 2);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewDef {
    /// Stable code, distinct from every node code.
    pub code: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Codes of the member nodes; each must declare max points, and no member may contain another.
    pub nodes: Vec<String>,
}

/// The plain description of an index: what a JSON or TOML framework file holds.
///
/// Build one by hand or deserialise it, then turn it into a scorable [`Framework`](crate::Framework) with
/// [`Framework::new`](crate::Framework::new), which validates it.
///
/// ```
/// use dti_core::{model::NodeDef, FrameworkDef, Framework};
/// let mut def = FrameworkDef::new("toy", "Chỉ số thử", "Toy index");
/// let mut a = NodeDef::new("A", None, "Chỉ số A", "Indicator A");
/// a.max_points = Some(60.0);
/// let mut b = NodeDef::new("B", None, "Chỉ số B", "Indicator B");
/// b.max_points = Some(40.0);
/// def.nodes = vec![a, b];
/// let fw = Framework::new(def)?;
/// assert_eq!(fw.max_points(), Some(100.0));
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkDef {
    /// Must equal [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Stable identifier, e.g. `"vn-pdti-2022"`.
    pub id: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// Version of the framework itself.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The regulation or handbook the framework follows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Total points of the index (e.g. 1000); the index value is total points / scale.
    /// Under a `points_sum` root it must equal the sum of the top-level nodes' max points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// How the top-level nodes combine, and the default for every node with children.
    #[serde(default)]
    pub aggregate: Aggregator,
    /// The missing-data policy.
    #[serde(default)]
    pub missing: MissingPolicy,
    /// Share of a node's children that must have a value for the node to have one (COINr's
    /// `dat_thresh`); below it the node is missing. None: any one child suffices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_threshold: Option<f64>,
    /// Default normaliser of `normalised` leaves that name none (and whose level names none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normaliser: Option<Normaliser>,
    /// How the index's ranks treat near-equal values when the caller asks for none
    /// ([`Ties::Auto`]): e.g. `{"rounded": 4}` for the official DTI, which ranks its
    /// published 4-decimal values. None: a relative tolerance of 1e-12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ties: Option<Ties>,
    /// Per-depth choices of aggregator, normaliser and data threshold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelDef>,
    /// Named alternative weight sets: set name → node code → weight (see
    /// [`Framework::with_weight_set`](crate::Framework::with_weight_set)).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weight_sets: BTreeMap<String, BTreeMap<String, f64>>,
    /// Free-form notes (status, what is unpublished, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The nodes, parents before or after children (order is kept for output).
    pub nodes: Vec<NodeDef>,
    /// Reporting views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewDef>,
}

impl FrameworkDef {
    /// An empty definition with the current schema version and defaults.
    ///
    /// ```
    /// let def = dti_core::FrameworkDef::new("x", "X", "X");
    /// assert!(def.nodes.is_empty());
    /// ```
    pub fn new(id: &str, name_vi: &str, name_en: &str) -> Self {
        FrameworkDef {
            schema_version: SCHEMA_VERSION,
            id: id.to_owned(),
            name_vi: name_vi.to_owned(),
            name_en: name_en.to_owned(),
            version: String::new(),
            source: String::new(),
            scale: None,
            aggregate: Aggregator::default(),
            missing: MissingPolicy::default(),
            data_threshold: None,
            normaliser: None,
            ties: None,
            levels: Vec::new(),
            weight_sets: BTreeMap::new(),
            notes: Vec::new(),
            nodes: Vec::new(),
            views: Vec::new(),
        }
    }
}
