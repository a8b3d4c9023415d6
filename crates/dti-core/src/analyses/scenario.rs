//! What-if scenarios, comparisons of scored cohorts, and target seeking.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::methods::normalise::Normaliser;
use crate::model::definition::{Aggregator, FrameworkDef, LevelDef, MissingPolicy, NodeDef};
use crate::model::framework::Framework;
use crate::model::input::{Entry, UnitRecord, Value};
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
        let dropped = drop_nodes(fw, &mut def, &self.drop);
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
        self.check_weights(&framework)?;
        let out = self.change_values(units, &dropped)?;
        Ok((framework, out))
    }

    /// A weight under a points sum counts for nothing (the points are the weights): a
    /// scenario that sets one would silently change nothing, so it is refused.
    fn check_weights(&self, framework: &Framework) -> Result<(), ScenarioError> {
        for code in self.weights.keys() {
            let plan = &framework.plan;
            if let Some(i) = plan.index_of(code) {
                let p = plan.parent[i];
                if plan.aggregate[p] == crate::model::definition::Aggregator::PointsSum {
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
        Ok(())
    }

    /// The units with the dropped nodes' values removed and the value changes made.
    fn change_values(
        &self,
        units: &[UnitRecord],
        dropped: &[String],
    ) -> Result<Vec<UnitRecord>, ScenarioError> {
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
        Ok(out)
    }
}

/// Drops the nodes `drop` and their descendants from `def`, and their points from every
/// ancestor that declares points (and the scale); returns every code dropped.
fn drop_nodes(fw: &Framework, def: &mut FrameworkDef, drop: &[String]) -> Vec<String> {
    let mut dropped: Vec<String> = Vec::new();
    for code in drop {
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
    dropped
}
