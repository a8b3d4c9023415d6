//! The compiled form of a validated framework: flat arrays indexed by node position, so
//! that scoring (and, later, thousands of scenario draws) never touches strings or maps.
//!
//! Node `i < n` is `def.nodes[i]`; index `n` is the framework root (the index total).

use std::collections::HashMap;

use crate::model::choices::Normaliser;
use crate::model::definition::{Aggregator, MissingPolicy, Rule};

/// What the missing-data policy ([`MissingPolicy`], with its sources) does with a leaf
/// nobody reported; one answer for the record path and the column path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum MissingFill {
    /// Nothing yet: a `normalised` leaf under policy zero is zero-filled after
    /// normalisation, so the zero does not distort the cohort's statistics.
    Later,
    /// Value 0 and points 0 (NaN without max points); the cell counts as missing.
    Zero { points: f64 },
    /// Left out; its parent's aggregator renormalises over the children present.
    Omit,
    /// The unit cannot be scored (policy `error`).
    Fail,
}

/// Sentinel parent of the root.
pub(crate) const NO_PARENT: usize = usize::MAX;

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Number of framework nodes; the root is index `n`.
    pub n: usize,
    pub root: usize,
    pub index: HashMap<String, usize>,
    /// Parent of each node (`root` for top-level nodes, [`NO_PARENT`] for the root).
    pub parent: Vec<usize>,
    /// Children of each node in definition order.
    pub children: Vec<Vec<usize>>,
    /// Every node with children, the root last, each after all its descendants.
    pub post_order: Vec<usize>,
    /// Every node but the root, each after its parent.
    pub pre_order: Vec<usize>,
    /// Effective max points.
    pub max: Vec<Option<f64>>,
    /// Relative weight (default 1).
    pub weight: Vec<f64>,
    /// Aggregator of each node with children.
    pub aggregate: Vec<Aggregator>,
    /// Rule of each leaf; `None` for nodes with children.
    pub rule: Vec<Option<Rule>>,
    /// +1.0 or −1.0.
    pub direction: Vec<f64>,
    pub missing: MissingPolicy,
    /// Views: member node indices.
    pub views: Vec<Vec<usize>>,
    /// Nodes whose weight the source does not publish (and nobody supplied).
    pub weight_unpublished: Vec<bool>,
    /// The resolved normaliser of each `normalised` leaf.
    pub normaliser: Vec<Option<Normaliser>>,
    /// Data-availability threshold of each node with children (0 = any child suffices).
    pub threshold: Vec<f64>,
    /// Depth of each node (top level 1, root 0).
    pub depth: Vec<usize>,
}

impl Plan {
    /// Children of `i` whose weights are unpublished, when `i` aggregates by weights.
    pub fn unpublished_weights(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let weighted = self.aggregate[i] == Aggregator::WeightedMean;
        self.children[i]
            .iter()
            .copied()
            .filter(move |&c| weighted && self.weight_unpublished[c])
    }

    /// The missing-data policy for leaf `i` when it has no value.
    pub fn missing_fill(&self, i: usize) -> MissingFill {
        match self.missing {
            MissingPolicy::Zero if matches!(self.rule[i], Some(Rule::Normalised { .. })) => {
                MissingFill::Later
            }
            MissingPolicy::Zero => MissingFill::Zero {
                points: self.max[i].map_or(f64::NAN, |_| 0.0),
            },
            MissingPolicy::Renormalise => MissingFill::Omit,
            MissingPolicy::Error => MissingFill::Fail,
        }
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// The highest value a leaf can reach: 1 for every rule except unbounded normalisers,
    /// whose best is taken from the cohort (`None` here).
    pub fn leaf_top_value(&self, i: usize) -> Option<f64> {
        match &self.normaliser[i] {
            Some(normaliser) => normaliser.upper_bound(),
            None => Some(1.0),
        }
    }
}

/// Whether `a` is a strict ancestor of `b` in a parent array. Bounded by the array length,
/// so it also terminates on the cyclic input that validation is busy rejecting.
pub(crate) fn is_ancestor(parent: &[usize], a: usize, b: usize) -> bool {
    let mut p = parent[b];
    for _ in 0..parent.len() {
        if p == NO_PARENT {
            return false;
        }
        if p == a {
            return true;
        }
        p = parent[p];
    }
    false
}
