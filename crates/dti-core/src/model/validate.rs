//! Framework validation: every structural problem, each with the code of the node or view
//! it concerns, then compilation into a [`Plan`].

use std::collections::HashMap;

use crate::model::checks::{
    check_aggregator, check_rule, check_threshold, max_points, normalisers, views,
};
use crate::model::definition::{Aggregator, FrameworkDef, LevelDef, Param, Rule, SCHEMA_VERSION};
use crate::model::plan::{Plan, NO_PARENT};
pub use crate::model::problem::FrameworkError;
use crate::model::problem::Problem;

/// Relative tolerance for "points sum to the parent's max".
pub(crate) fn same_points(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Validates `def`, returning its compiled plan or every problem found.
pub(crate) fn validate(def: &FrameworkDef) -> Result<Plan, FrameworkError> {
    let mut problems = Vec::new();
    check_header(def, &mut problems);
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

    check_weight_sets(def, &index, &mut problems);
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

/// The framework's own fields: schema version, ties, scale, id, and that it has nodes.
fn check_header(def: &FrameworkDef, problems: &mut Vec<Problem>) {
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
}

/// Every weight set names known nodes and gives finite, non-negative weights.
fn check_weight_sets(
    def: &FrameworkDef,
    index: &HashMap<String, usize>,
    problems: &mut Vec<Problem>,
) {
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::definition::NodeDef;

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
