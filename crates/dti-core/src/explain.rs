//! Explanations: what each leaf earned, lost and contributed, and where a unit would gain
//! most.

use crate::aggregate::{aggregate, term};
use crate::framework::Framework;
use crate::plan::NO_PARENT;
use crate::result::{Explanation, LeafExplanation, Opportunity};
use crate::score::Cell;

/// Explains one unit from its scored cells. `top` holds each leaf's best reachable value.
pub(crate) fn explain(
    fw: &Framework,
    value: &[f64],
    points: &[f64],
    cells: &[Cell],
    top: &[f64],
    top_n: usize,
) -> Explanation {
    let plan = &fw.plan;
    let root = plan.root;
    let has_points = !points[root].is_nan();
    let total = |v: f64, p: f64| if has_points { p } else { v };
    let old_total = total(value[root], points[root]);

    // Contributions: split each node's share of the total among its children in proportion
    // to their additive terms. Exact for points sums and weighted arithmetic means.
    let mut share = vec![f64::NAN; plan.n + 1];
    share[root] = old_total;
    let mut term_sum = vec![f64::NAN; plan.n + 1];
    for &p in &plan.post_order {
        term_sum[p] = plan.children[p]
            .iter()
            .map(|&c| term(plan, p, c, value, points))
            .sum::<Option<f64>>()
            .unwrap_or(f64::NAN);
    }
    for &i in &plan.pre_order {
        let p = plan.parent[i];
        if matches!(cells[p], Cell::Given | Cell::Covered) {
            continue;
        }
        let t = term(plan, p, i, value, points).unwrap_or(f64::NAN);
        share[i] = if term_sum[p] == 0.0 {
            0.0
        } else {
            share[p] * t / term_sum[p]
        };
    }

    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let mut leaves = Vec::new();
    for i in 0..plan.n {
        let effective = match cells[i] {
            Cell::Given => true,
            Cell::Covered => false,
            _ => plan.children[i].is_empty(),
        };
        if !effective {
            continue;
        }
        let best = if cells[i] == Cell::Given { 1.0 } else { top[i] };
        let gain = if best.is_nan() || old_total.is_nan() {
            f64::NAN
        } else if value[i] >= best {
            0.0
        } else {
            // Re-aggregate the path to the root with this leaf at its best.
            let (mut c, mut v, mut p) = (i, best, plan.max[i].map_or(f64::NAN, |m| best * m));
            while plan.parent[c] != NO_PARENT {
                let up = plan.parent[c];
                (v, p) = aggregate(plan, up, value, points, Some((c, v, p)));
                c = up;
            }
            total(v, p) - old_total
        };
        let max = plan.max[i];
        let pts = opt(points[i]);
        leaves.push(LeafExplanation {
            code: fw.def.nodes[i].code.clone(),
            value: opt(value[i]),
            points: pts,
            max_points: max,
            lost: max.map(|m| m - pts.unwrap_or(0.0)),
            contribution: opt(share[i]),
            gain: opt(gain),
        });
    }

    let mut ranked: Vec<&LeafExplanation> = leaves
        .iter()
        .filter(|l| l.gain.is_some_and(|g| g > 0.0))
        .collect();
    // Stable: equal gains stay in framework order.
    ranked.sort_by(|a, b| b.gain.unwrap_or(0.0).total_cmp(&a.gain.unwrap_or(0.0)));
    let opportunities = ranked
        .into_iter()
        .take(top_n)
        .map(|l| Opportunity {
            code: l.code.clone(),
            gain: l.gain.unwrap_or(0.0),
        })
        .collect();
    Explanation {
        leaves,
        opportunities,
    }
}
