//! The per-node checks of validation: normalisers, points, views, thresholds, aggregators and
//! rules. Each adds its findings to the list; [`super::validate`] decides.

use std::collections::{HashMap, HashSet};

use crate::model::choices::Normaliser;
use crate::model::definition::{Aggregator, FrameworkDef, LevelDef, Param, Rule};
use crate::model::plan::is_ancestor;
use crate::model::problem::Problem;
use crate::model::validate::{is_code, same_points};

/// The normaliser of each `normalised` leaf.
pub(super) fn normalisers(
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
pub(super) fn max_points(
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
pub(super) fn views(
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

pub(super) fn check_threshold(at: &str, t: f64, problems: &mut Vec<Problem>) {
    if !(0.0..=1.0).contains(&t) {
        problems.push(Problem::InvalidThreshold {
            node: at.to_owned(),
            threshold: t,
        });
    }
}

/// The largest power a generalised mean takes (|p|).
const MAX_POWER: f64 = 100.0;

pub(super) fn check_aggregator(at: &str, a: &Aggregator, problems: &mut Vec<Problem>) {
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

pub(super) fn check_rule(
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
            let mut prev: Option<&crate::model::definition::Step> = None;
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
