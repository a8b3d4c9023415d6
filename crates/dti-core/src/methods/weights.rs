//! Weights: effective weights down the tree, named weight sets, equal weights.
//!
//! Weights are relative within each group (OECD/JRC Handbook 2008 §6; `composite-methods.md`,
//! "Aggregation"): a child's share is its weight over the sum of its siblings' weights, or —
//! under a `points_sum` parent — its max points over the sum of its siblings' max points.
//! The effective weight of a node is the product of its shares from the top down.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::definition::{Aggregator, FrameworkDef};
use crate::model::framework::Framework;
use crate::model::problem::{FrameworkError, Problem};

/// A node's effective weight in the index.
///
/// ```
/// let w = serde_json::from_value::<dti_core::methods::EffectiveWeight>(serde_json::json!({ "code": "GOV", "share": 0.4, "weight": 0.2 })).unwrap();
/// assert_eq!(w.weight, 0.2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EffectiveWeight {
    /// Node code.
    pub code: String,
    /// Its share among its siblings.
    pub share: f64,
    /// The product of the shares from the top down: its weight in the index.
    pub weight: f64,
}

impl Framework {
    /// The effective weight of every node, in definition order. Over the leaves (and over
    /// any complete level) they sum to 1. Cohort-relative aggregators (Copeland) and the
    /// nonlinear means still use these weights, though the index is then not a weighted sum.
    ///
    /// ```
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
    /// let w = fw.effective_weights();
    /// let gov = w.iter().find(|w| w.code == "GOV").unwrap();
    /// assert_eq!(gov.weight, 0.2); // 200 of 1000 points
    /// let leaves: f64 = w.iter().filter(|w| fw.is_leaf(&w.code) == Some(true)).map(|w| w.weight).sum();
    /// assert!((leaves - 1.0).abs() < 1e-12);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn effective_weights(&self) -> Vec<EffectiveWeight> {
        let plan = &self.plan;
        let mut share = vec![0.0; plan.n + 1];
        let mut weight = vec![0.0; plan.n + 1];
        weight[plan.root] = 1.0;
        let term = |p: usize, c: usize| match plan.aggregate[p] {
            Aggregator::PointsSum => plan.max[c].unwrap_or(0.0),
            _ => plan.weight[c],
        };
        for &i in &plan.pre_order {
            let p = plan.parent[i];
            let total = crate::sum::exact_sum(plan.children[p].iter().map(|&c| term(p, c)));
            share[i] = if total > 0.0 { term(p, i) / total } else { 0.0 };
            weight[i] = weight[p] * share[i];
        }
        self.def
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| EffectiveWeight {
                code: n.code.clone(),
                share: share[i],
                weight: weight[i],
            })
            .collect()
    }

    /// This framework with some nodes' weights replaced (code → weight), validated. Every
    /// unknown code is reported.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let fw = dti_core::Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "aggregate": {"method": "weighted_mean"},
    ///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
    /// let fw = fw.with_weights(&BTreeMap::from([("A".to_owned(), 3.0)]))?;
    /// assert_eq!(fw.effective_weights()[0].weight, 0.75);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn with_weights(
        &self,
        weights: &BTreeMap<String, f64>,
    ) -> Result<Framework, FrameworkError> {
        let mut def = (*self.def).clone();
        set_weights(&mut def, weights)?;
        Framework::new(def)
    }

    /// This framework with one of its named weight sets applied.
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "aggregate": {"method": "weighted_mean"},
    ///   "weight_sets": {"economy-first": {"A": 1, "B": 4}},
    ///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
    /// let alt = fw.with_weight_set("economy-first")?;
    /// assert_eq!(alt.effective_weights()[1].weight, 0.8);
    /// assert!(fw.with_weight_set("nope").is_err());
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn with_weight_set(&self, name: &str) -> Result<Framework, FrameworkError> {
        let set =
            self.def
                .weight_sets
                .get(name)
                .ok_or_else(|| FrameworkError::UnknownWeightSet {
                    set: name.to_owned(),
                    available: self.def.weight_sets.keys().cloned().collect(),
                })?;
        self.with_weights(set)
    }

    /// This framework with every weight set to 1 (equal weights within each group under the
    /// weighted aggregators; points sums keep their max points).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "aggregate": {"method": "weighted_mean"},
    ///   "nodes": [{"code": "A", "name_vi": "A", "weight": 9}, {"code": "B", "name_vi": "B"}]}"#)?;
    /// assert_eq!(fw.with_equal_weights()?.effective_weights()[0].weight, 0.5);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn with_equal_weights(&self) -> Result<Framework, FrameworkError> {
        let mut def = (*self.def).clone();
        for n in &mut def.nodes {
            n.weight = Some(1.0);
        }
        Framework::new(def)
    }
}

/// Sets node weights in a definition; unknown codes are reported together.
pub(crate) fn set_weights(
    def: &mut FrameworkDef,
    weights: &BTreeMap<String, f64>,
) -> Result<(), FrameworkError> {
    let mut problems = Vec::new();
    for (code, &w) in weights {
        match def.nodes.iter_mut().find(|n| &n.code == code) {
            Some(n) => n.weight = Some(w),
            None => problems.push(Problem::UnknownNode { node: code.clone() }),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(FrameworkError::Invalid {
            id: def.id.clone(),
            problems,
        })
    }
}
