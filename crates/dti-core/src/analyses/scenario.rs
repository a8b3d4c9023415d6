//! What-if scenarios, comparisons of scored cohorts, and target seeking.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::eval::Evaluator;
use crate::error::ScoreError;
use crate::methods::normalise::Normaliser;
use crate::methods::stats::{correlation, CorrelationMethod};
use crate::model::framework::{Aggregator, Framework, LevelDef, MissingPolicy, NodeDef};
use crate::model::input::{Entry, UnitRecord, Value};
use crate::model::result::CohortScores;
use crate::model::validate::FrameworkError;

/// How a scenario changes one value.
///
/// ```
/// let op: dti_core::analyses::ValueOp = serde_json::from_str(r#"{"op": "scale", "by": 1.1}"#)?;
/// assert_eq!(op, dti_core::analyses::ValueOp::Scale { by: 1.1 });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "op",
    rename_all = "snake_case",
    try_from = "crate::analyses::forms::ValueOpForm"
)]
pub enum ValueOp {
    /// Replace the entry.
    Set {
        /// The new value.
        value: Value,
    },
    /// Add to a number.
    Add {
        /// The amount.
        by: f64,
    },
    /// Multiply a number.
    Scale {
        /// The factor.
        by: f64,
    },
}

/// A change of one unit's value.
///
/// ```
/// let c: dti_core::analyses::ValueChange = serde_json::from_str(
///     r#"{"unit": "HN", "period": 2023, "indicator": "GOV", "op": "add", "by": 0.05}"#)?;
/// assert_eq!(c.indicator, "GOV");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::analyses::forms::ValueChangeForm")]
pub struct ValueChange {
    /// The unit.
    pub unit: String,
    /// The period (none: every period of the unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
    /// The node code.
    pub indicator: String,
    /// The change.
    #[serde(flatten)]
    pub op: ValueOp,
}

/// A what-if scenario: plain data applied on top of a baseline framework and cohort. The
/// empty scenario changes nothing.
///
/// ```
/// let s: dti_core::analyses::Scenario = serde_json::from_str(r#"{
///   "name": "more for government",
///   "max_points": {"GOV": 300, "ECO": 100},
///   "values": [{"unit": "HN", "indicator": "GOV", "op": "set", "value": 0.9}]
/// }"#)?;
/// assert_eq!(s.max_points["GOV"], 300.0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// A name for reports.
    pub name: String,
    /// Value changes, applied in order.
    pub values: Vec<ValueChange>,
    /// New weights by node code.
    pub weights: BTreeMap<String, f64>,
    /// New max points by node code.
    pub max_points: BTreeMap<String, f64>,
    /// New framework-wide aggregator.
    pub aggregate: Option<Aggregator>,
    /// New aggregators by node code.
    pub node_aggregate: BTreeMap<String, Aggregator>,
    /// New framework-wide default normaliser.
    pub normaliser: Option<Normaliser>,
    /// Per-level choices (replacing those at the same depth).
    pub levels: Vec<LevelDef>,
    /// Nodes to drop, with their descendants (and their values in the records).
    pub drop: Vec<String>,
    /// Nodes to add.
    pub add: Vec<NodeDef>,
    /// A different missing-data policy.
    pub missing: Option<MissingPolicy>,
    /// The framework's scale (needed when drops or added points change the total).
    pub scale: Option<f64>,
}

/// Why a scenario could not be applied.
///
/// ```
/// let e = dti_core::analyses::ScenarioError::UnknownUnit { unit: "ZZ".into(), period: None };
/// assert_eq!(e.to_string(), "scenario names unit 'ZZ', which is not in the cohort");
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScenarioError {
    /// A value change names a unit (and period) not in the cohort.
    #[error("scenario names unit '{unit}'{}, which is not in the cohort", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    UnknownUnit {
        /// The unit.
        unit: String,
        /// The period.
        period: Option<i32>,
    },
    /// A node code not in the framework.
    #[error("scenario names node '{node}', which is not in the framework")]
    UnknownNode {
        /// The code.
        node: String,
    },
    /// Adding to or scaling a value that is not a number.
    #[error("unit '{unit}', indicator '{indicator}': only a number can be added to or scaled (it is {found})")]
    NotNumeric {
        /// The unit.
        unit: String,
        /// The indicator.
        indicator: String,
        /// What it is.
        found: String,
    },
    /// A weight set on a node whose parent sums points, where weights count for nothing.
    #[error("scenario sets the weight of node '{node}', but its parent '{parent}' sums points, where weights do not count: change its max_points instead")]
    IneffectiveWeight {
        /// The node.
        node: String,
        /// Its parent.
        parent: String,
    },
    /// The changed framework does not validate.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
}

impl ScenarioError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let e = dti_core::analyses::ScenarioError::UnknownUnit { unit: "ZZ".into(), period: None };
    /// assert_eq!(e.code(), "unknown_unit");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ScenarioError::UnknownUnit { .. } => "unknown_unit",
            ScenarioError::UnknownNode { .. } => "unknown_node",
            ScenarioError::NotNumeric { .. } => "not_numeric",
            ScenarioError::IneffectiveWeight { .. } => "ineffective_weight",
            ScenarioError::Framework(e) => e.code(),
        }
    }
}

impl Scenario {
    /// Applies the scenario: returns the changed framework and records.
    ///
    /// ```
    /// use dti_core::{analyses::*, *};
    /// let fw = Framework::builtin("vn-pdti-2022")?;
    /// let units = [UnitRecord::new("HN").value("GOV", 0.5)];
    /// let s: Scenario = serde_json::from_str(r#"{"values": [{"unit": "HN", "indicator": "GOV", "op": "add", "by": 0.25}]}"#)?;
    /// let (fw2, units2) = s.apply(&fw, &units)?;
    /// assert_eq!(fw2.score(&units2)?.units[0].points, Some(150.0));
    /// // The empty scenario reproduces the baseline.
    /// let (fw0, units0) = Scenario::default().apply(&fw, &units)?;
    /// assert_eq!(fw0.score(&units0)?, fw.score(&units)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(
        &self,
        fw: &Framework,
        units: &[UnitRecord],
    ) -> Result<(Framework, Vec<UnitRecord>), ScenarioError> {
        let mut def = fw.def().clone();
        let known = |code: &str| def.nodes.iter().any(|n| n.code == code);
        for code in self
            .weights
            .keys()
            .chain(self.max_points.keys())
            .chain(self.node_aggregate.keys())
            .chain(&self.drop)
        {
            if !known(code) {
                return Err(ScenarioError::UnknownNode { node: code.clone() });
            }
        }
        // Drop nodes and their descendants, and their points from every ancestor that
        // declares points.
        let mut dropped: Vec<String> = Vec::new();
        for code in &self.drop {
            let mut stack = vec![code.clone()];
            while let Some(c) = stack.pop() {
                stack.extend(
                    def.nodes
                        .iter()
                        .filter(|n| n.parent.as_deref() == Some(&c))
                        .map(|n| n.code.clone()),
                );
                dropped.push(c);
            }
            let lost = fw.node_max_points(code).unwrap_or(0.0);
            let mut parent = def
                .nodes
                .iter()
                .find(|n| &n.code == code)
                .and_then(|n| n.parent.clone());
            while let Some(p) = parent {
                let node = def.nodes.iter_mut().find(|n| n.code == p);
                parent = node.as_ref().and_then(|n| n.parent.clone());
                if let Some(n) = node {
                    if let Some(m) = n.max_points.as_mut() {
                        *m -= lost;
                    }
                }
            }
            if let Some(s) = def.scale.as_mut() {
                *s -= lost;
            }
        }
        def.nodes.retain(|n| !dropped.contains(&n.code));
        for v in &mut def.views {
            v.nodes.retain(|c| !dropped.contains(c));
        }
        def.views.retain(|v| !v.nodes.is_empty());
        def.nodes.extend(self.add.iter().cloned());
        for n in &mut def.nodes {
            if let Some(&w) = self.weights.get(&n.code) {
                n.weight = Some(w);
            }
            if let Some(&m) = self.max_points.get(&n.code) {
                n.max_points = Some(m);
            }
            if let Some(&a) = self.node_aggregate.get(&n.code) {
                n.aggregate = Some(a);
            }
        }
        if let Some(a) = self.aggregate {
            def.aggregate = a;
        }
        if let Some(n) = &self.normaliser {
            def.normaliser = Some(n.clone());
        }
        for l in &self.levels {
            def.levels.retain(|x| x.depth != l.depth);
            def.levels.push(l.clone());
        }
        if let Some(m) = self.missing {
            def.missing = m;
        }
        if self.scale.is_some() {
            def.scale = self.scale;
        }
        if !self.max_points.is_empty() && self.scale.is_none() && def.scale.is_some() {
            // New points change the total: let it follow the top level.
            def.scale = None;
        }
        let framework = Framework::new(def)?;
        // A weight under a points sum counts for nothing (the points are the weights): a
        // scenario that sets one would silently change nothing.
        for code in self.weights.keys() {
            let plan = &framework.plan;
            if let Some(i) = plan.index_of(code) {
                let p = plan.parent[i];
                if plan.aggregate[p] == crate::model::framework::Aggregator::PointsSum {
                    return Err(ScenarioError::IneffectiveWeight {
                        node: code.clone(),
                        parent: if p == plan.root {
                            framework.def.id.clone()
                        } else {
                            framework.def.nodes[p].code.clone()
                        },
                    });
                }
            }
        }

        let mut out = units.to_vec();
        for rec in &mut out {
            rec.values.retain(|c, _| !dropped.contains(c));
        }
        for change in &self.values {
            let mut hit = false;
            for rec in out.iter_mut().filter(|r| {
                r.unit == change.unit && change.period.is_none_or(|p| r.period == Some(p))
            }) {
                hit = true;
                let code = &change.indicator;
                let current = rec.values.get(code).and_then(Entry::scored).cloned();
                let new = match (&change.op, current) {
                    (ValueOp::Set { value }, _) => value.clone(),
                    (ValueOp::Add { by }, Some(Value::Number(x))) => Value::Number(x + by),
                    (ValueOp::Scale { by }, Some(Value::Number(x))) => Value::Number(x * by),
                    (_, other) => {
                        return Err(ScenarioError::NotNumeric {
                            unit: rec.unit.clone(),
                            indicator: code.clone(),
                            found: other.map_or("missing".to_owned(), |v| v.kind().to_owned()),
                        })
                    }
                };
                rec.values.insert(code.clone(), Entry::Plain(new));
            }
            if !hit {
                return Err(ScenarioError::UnknownUnit {
                    unit: change.unit.clone(),
                    period: change.period,
                });
            }
        }
        Ok((framework, out))
    }
}

/// One unit's node across the cohorts compared.
///
/// ```
/// let n = serde_json::from_value::<dti_core::analyses::NodeComparison>(serde_json::json!({ "code": "GOV", "values": [Some(0.5), Some(0.6)], "ranks": [Some(3), Some(2)],
///     "value_diffs": [Some(0.0), Some(0.1)], "rank_shifts": [Some(0), Some(-1)] })).unwrap();
/// assert_eq!(n.rank_shifts[1], Some(-1));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeComparison {
    /// Node code (the framework id for the index).
    pub code: String,
    /// Value in each cohort.
    pub values: Vec<Option<f64>>,
    /// Rank in each cohort.
    pub ranks: Vec<Option<u32>>,
    /// Value minus the baseline's (the first cohort).
    pub value_diffs: Vec<Option<f64>>,
    /// Rank minus the baseline's (negative = moved up).
    pub rank_shifts: Vec<Option<i64>>,
}

/// One unit across the cohorts compared.
///
/// ```
/// let u = serde_json::from_value::<dti_core::analyses::UnitComparison>(serde_json::json!({ "unit": "HN", "period": null, "index": null, "nodes": [] })).unwrap();
/// assert!(u.nodes.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitComparison {
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: Option<i32>,
    /// The index.
    pub index: Option<NodeComparison>,
    /// Every node present in all cohorts.
    pub nodes: Vec<NodeComparison>,
}

/// How one cohort's ranking compares with the baseline's.
///
/// ```
/// let s = serde_json::from_value::<dti_core::analyses::RankingSummary>(serde_json::json!({ "cohort": 1, "units": 3, "changed": 0, "mean_abs_rank_shift": 0.0,
///     "spearman": Some(1.0), "kendall": Some(1.0),
///     "top_k": [{"k": 3, "share": 1.0}] })).unwrap();
/// assert_eq!(s.kendall, Some(1.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RankingSummary {
    /// Which cohort (1 = the second).
    pub cohort: usize,
    /// Units ranked in both.
    pub units: usize,
    /// Units whose index rank changed.
    pub changed: usize,
    /// Mean |rank shift| of the index.
    pub mean_abs_rank_shift: f64,
    /// Spearman's rho between the index rankings.
    pub spearman: Option<f64>,
    /// Kendall's tau-b between the index rankings.
    pub kendall: Option<f64>,
    /// Top-k overlap for k = 3, 5 and 10 (those not above the units ranked in both).
    pub top_k: Vec<TopK>,
}

/// How much of the baseline's top k is also in a cohort's top k.
///
/// ```
/// let t = dti_core::analyses::TopK { k: 5, share: 0.8 }; // 4 of the baseline's top 5
/// assert_eq!(serde_json::to_string(&t)?, r#"{"k":5,"share":0.8}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TopK {
    /// How many top places.
    pub k: usize,
    /// Share of the baseline's top k that is also in this cohort's top k (0 when the
    /// baseline ranks nobody in its top k).
    pub share: f64,
}

/// A comparison of cohorts.
///
/// ```
/// let c = serde_json::from_value::<dti_core::analyses::Comparison>(serde_json::json!({ "units": [], "summaries": [] })).unwrap();
/// assert!(c.summaries.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// Per unit present in the baseline.
    pub units: Vec<UnitComparison>,
    /// One per cohort after the first.
    pub summaries: Vec<RankingSummary>,
}

/// Kendall's tau-b of two rankings (pairs with a missing rank left out).
///
/// ```
/// assert_eq!(dti_core::analyses::kendall_tau(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), Some(1.0));
/// assert_eq!(dti_core::analyses::kendall_tau(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
/// ```
pub fn kendall_tau(x: &[f64], y: &[f64]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .collect();
    let (mut c, mut d, mut tx, mut ty) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..pairs.len() {
        for j in i + 1..pairs.len() {
            let dx = (pairs[i].0 - pairs[j].0).signum();
            let dy = (pairs[i].1 - pairs[j].1).signum();
            match (dx == 0.0, dy == 0.0) {
                (true, true) => {}
                (true, false) => tx += 1,
                (false, true) => ty += 1,
                _ if dx == dy => c += 1,
                _ => d += 1,
            }
        }
    }
    let denom = (((c + d + tx) * (c + d + ty)) as f64).sqrt();
    (denom > 0.0).then(|| (c - d) as f64 / denom)
}

/// Reads a unit's (value, rank) of one node.
type ValueAndRank<'a> = &'a dyn Fn(&crate::model::result::UnitScore) -> (Option<f64>, Option<u32>);

/// Compares two or more scored cohorts against the first: per unit and node the values,
/// ranks, value differences and rank shifts, and per cohort a summary of the index ranking
/// (mean |rank shift|, Spearman's rho, Kendall's tau-b, units whose rank changed, top-k overlap
/// for k = 3, 5, 10).
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [UnitRecord::new("A").value("GOV", 0.9), UnitRecord::new("B").value("GOV", 0.5)];
/// let base = fw.score(&units)?;
/// let cmp = compare(&[&base, &base]);
/// assert_eq!(cmp.summaries[0].mean_abs_rank_shift, 0.0);
/// assert_eq!(cmp.summaries[0].kendall, Some(1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare(cohorts: &[&CohortScores]) -> Comparison {
    let Some(base) = cohorts.first() else {
        return Comparison {
            units: Vec::new(),
            summaries: Vec::new(),
        };
    };
    let find = |c: &CohortScores, unit: &str, period| c.unit(unit, period).cloned();
    let mut units = Vec::new();
    for u in &base.units {
        let others: Vec<Option<crate::model::result::UnitScore>> =
            cohorts.iter().map(|c| find(c, &u.unit, u.period)).collect();
        let make = |code: &str, get: ValueAndRank| {
            let pairs: Vec<(Option<f64>, Option<u32>)> = others
                .iter()
                .map(|o| o.as_ref().map_or((None, None), get))
                .collect();
            let (v0, r0) = pairs[0];
            NodeComparison {
                code: code.to_owned(),
                values: pairs.iter().map(|p| p.0).collect(),
                ranks: pairs.iter().map(|p| p.1).collect(),
                value_diffs: pairs.iter().map(|p| Some(p.0? - v0?)).collect(),
                rank_shifts: pairs
                    .iter()
                    .map(|p| Some(i64::from(p.1?) - i64::from(r0?)))
                    .collect(),
            }
        };
        let index = Some(make(&base.framework, &|s| (s.value, s.rank)));
        let nodes = u
            .nodes
            .iter()
            .map(|n| {
                make(&n.code, &|s: &crate::model::result::UnitScore| {
                    s.node(&n.code).map_or((None, None), |x| (x.value, x.rank))
                })
            })
            .collect();
        units.push(UnitComparison {
            unit: u.unit.clone(),
            period: u.period,
            index,
            nodes,
        });
    }
    let summaries = (1..cohorts.len())
        .map(|k| {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for uc in &units {
                let idx = uc.index.as_ref().expect("index");
                if let (Some(r0), Some(rk)) = (idx.ranks[0], idx.ranks[k]) {
                    a.push(f64::from(r0));
                    b.push(f64::from(rk));
                }
            }
            let n = a.len();
            let changed = a.iter().zip(&b).filter(|(x, y)| x != y).count();
            let mean = if n > 0 {
                crate::sum::exact_sum(a.iter().zip(&b).map(|(x, y)| (x - y).abs())) / n as f64
            } else {
                0.0
            };
            let top = |k: usize| {
                let inb: Vec<bool> = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| *x <= k as f64 && *y <= k as f64)
                    .collect();
                let in_base = a.iter().filter(|x| **x <= k as f64).count();
                TopK {
                    k,
                    share: if in_base > 0 {
                        inb.iter().filter(|x| **x).count() as f64 / in_base as f64
                    } else {
                        0.0
                    },
                }
            };
            RankingSummary {
                cohort: k,
                units: n,
                changed,
                mean_abs_rank_shift: mean,
                spearman: correlation(&a, &b, CorrelationMethod::Spearman).or(
                    if n >= 3 && changed == 0 {
                        Some(1.0)
                    } else {
                        None
                    },
                ),
                kendall: kendall_tau(&a, &b),
                top_k: [3, 5, 10]
                    .into_iter()
                    .filter(|&k| k <= n)
                    .map(top)
                    .collect(),
            }
        })
        .collect();
    Comparison { units, summaries }
}

/// What to reach.
///
/// ```
/// let g: dti_core::analyses::Goal = serde_json::from_str(r#"{"rank": 5}"#)?;
/// assert_eq!(g, dti_core::analyses::Goal::Rank(5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// A rank (or better).
    Rank(u32),
    /// An index value (or more).
    Value(f64),
}

/// The smallest change of one indicator that reaches a goal.
///
/// ```
/// let t = serde_json::from_value::<dti_core::analyses::TargetResult>(serde_json::json!({ "indicator": "GOV", "from": 0.5, "to": Some(0.75), "change": Some(0.25),
///     "points": Some(50.0), "value_after": Some(0.6), "rank_after": Some(1) })).unwrap();
/// assert!(t.to.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TargetResult {
    /// The indicator (leaf, or node given directly).
    pub indicator: String,
    /// Its current value (0..1 or the normalised scale).
    pub from: f64,
    /// The value that reaches the goal; none if even its best value does not.
    pub to: Option<f64>,
    /// to − from.
    pub change: Option<f64>,
    /// The points that change is worth (for indicators with points).
    pub points: Option<f64>,
    /// The unit's index value after the change.
    pub value_after: Option<f64>,
    /// Its rank after the change.
    pub rank_after: Option<u32>,
}

/// Why target seeking could not run.
///
/// ```
/// let e = dti_core::analyses::TargetError::UnknownUnit { unit: "ZZ".into(), period: None };
/// assert!(e.to_string().contains("ZZ"));
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TargetError {
    /// The unit is not in the cohort.
    #[error("unit '{unit}'{} is not in the cohort", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    UnknownUnit {
        /// The unit.
        unit: String,
        /// The period.
        period: Option<i32>,
    },
    /// The indicator is not a leaf (nor a node the unit gave directly).
    #[error("'{indicator}' is not an indicator the unit is scored on")]
    NotAnIndicator {
        /// The code.
        indicator: String,
    },
    /// Scoring failed.
    #[error(transparent)]
    Score(#[from] ScoreError),
}

impl TargetError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let e = dti_core::analyses::TargetError::UnknownUnit { unit: "ZZ".into(), period: None };
    /// assert_eq!(e.code(), "unknown_unit");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            TargetError::UnknownUnit { .. } => "unknown_unit",
            TargetError::NotAnIndicator { .. } => "not_an_indicator",
            TargetError::Score(e) => e.code(),
        }
    }
}

/// Finds the smallest change of one indicator (or, with `indicator: None`, of the single
/// indicator that needs the fewest points — or the smallest value change in an index without
/// points) that takes a unit to a goal, everything else fixed. The indicator's value moves
/// on its own scale (0..1, or the normaliser's for cohort-relative indicators, other units'
/// normalised values held fixed) up to its best; the search is a bisection to 1e-9.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [UnitRecord::new("A").value("GOV", 0.8), UnitRecord::new("B").value("GOV", 0.5).value("ECO", 0.2)];
/// // B has 100 + 30 = 130 points, A 160: B needs 30 more points, i.e. GOV +0.15 (0.65·200 = 130 → 160)
/// // — or, as the DTI ranks its values rounded to 4 decimals, 29.95 points: DTI 0.15995 shows
/// // as 0.1600, tied with A (GOV 0.64975).
/// let t = seek_target(&fw, &units, "B", None, Some("GOV"), Goal::Rank(1))?;
/// assert!((t.to.unwrap() - 0.64975).abs() < 1e-6);
/// let exact = seek_target(&fw.clone().with_ties(Some(methods::Ties::Exact)), &units, "B", None, Some("GOV"), Goal::Rank(1))?;
/// assert!((exact.to.unwrap() - 0.65).abs() < 1e-6);
/// assert_eq!(t.rank_after, Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn seek_target(
    fw: &Framework,
    units: &[UnitRecord],
    unit: &str,
    period: Option<i32>,
    indicator: Option<&str>,
    goal: Goal,
) -> Result<TargetResult, TargetError> {
    let ev = Evaluator::new(fw, units, false, crate::methods::normalise::Ties::default())?;
    let u = ev
        .meta
        .iter()
        .position(|m| m.unit == unit && (period.is_none() || m.period == period))
        .ok_or_else(|| TargetError::UnknownUnit {
            unit: unit.to_owned(),
            period,
        })?;
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let base = ev.leaves(fw, plan)?;
    let m = ev.units();
    let mut work = ev.work();
    let (mut v, mut r) = (vec![f64::NAN; m], vec![f64::NAN; m]);
    // The unit's effective leaves: leaves not covered, and nodes it gave directly.
    use crate::engine::Cell;
    let candidates: Vec<usize> = (0..plan.n)
        .filter(|&i| match base.cells[u * n1 + i] {
            Cell::Given => true,
            Cell::Covered => false,
            _ => plan.children[i].is_empty(),
        })
        .collect();
    let chosen: Vec<usize> = match indicator {
        Some(code) => {
            let i = plan
                .index_of(code)
                .filter(|i| candidates.contains(i))
                .ok_or_else(|| TargetError::NotAnIndicator {
                    indicator: code.to_owned(),
                })?;
            vec![i]
        }
        None => candidates.clone(),
    };
    let reached = |val: f64, rank: f64| match goal {
        Goal::Rank(k) => !rank.is_nan() && rank <= f64::from(k),
        Goal::Value(t) => !val.is_nan() && val >= t,
    };
    let mut best: Option<TargetResult> = None;
    let mut state = base.clone();
    for &i in &chosen {
        let k = u * n1 + i;
        let from = if base.value[k].is_nan() {
            0.0
        } else {
            base.value[k]
        };
        let top = if base.cells[k] == Cell::Given {
            Some(1.0)
        } else {
            plan.leaf_top_value(i).or_else(|| {
                (0..m)
                    .map(|w| base.value[w * n1 + i])
                    .filter(|x| !x.is_nan())
                    .reduce(f64::max)
            })
        };
        let Some(top) = top.filter(|t| *t >= from) else {
            continue;
        };
        let mut eval_at = |x: f64, v: &mut [f64], r: &mut [f64]| -> Result<(), ScoreError> {
            let cell = match state.cells[k] {
                Cell::Missing => Cell::Scored,
                c => c,
            };
            state.set(n1, u, i, x, plan.max[i].map_or(f64::NAN, |mx| x * mx), cell);
            ev.run(fw, plan, &state, &mut work, v, r)
        };
        eval_at(top, &mut v, &mut r)?;
        let result = if !reached(v[u], r[u]) {
            TargetResult {
                indicator: fw.def.nodes[i].code.clone(),
                from,
                to: None,
                change: None,
                points: None,
                value_after: (!v[u].is_nan()).then_some(v[u]),
                rank_after: (!r[u].is_nan()).then_some(r[u] as u32),
            }
        } else {
            let (mut lo, mut hi) = (from, top);
            eval_at(lo, &mut v, &mut r)?;
            if !reached(v[u], r[u]) {
                while hi - lo > 1e-9 {
                    let mid = (lo + hi) / 2.0;
                    eval_at(mid, &mut v, &mut r)?;
                    if reached(v[u], r[u]) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
            } else {
                hi = lo;
            }
            eval_at(hi, &mut v, &mut r)?;
            TargetResult {
                indicator: fw.def.nodes[i].code.clone(),
                from,
                to: Some(hi),
                change: Some(hi - from),
                points: plan.max[i].map(|mx| (hi - from) * mx),
                value_after: (!v[u].is_nan()).then_some(v[u]),
                rank_after: (!r[u].is_nan()).then_some(r[u] as u32),
            }
        };
        // Restore the cell for the next candidate.
        state.set(n1, u, i, base.value[k], base.points[k], base.cells[k]);
        let cost = |t: &TargetResult| t.points.or(t.change).unwrap_or(f64::INFINITY);
        best = match best {
            None => Some(result),
            Some(b) if b.to.is_none() && result.to.is_some() => Some(result),
            Some(b) if result.to.is_some() && cost(&result) < cost(&b) => Some(result),
            other => other,
        };
    }
    best.ok_or_else(|| TargetError::NotAnIndicator {
        indicator: indicator.unwrap_or("").to_owned(),
    })
}
