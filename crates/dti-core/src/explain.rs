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
            // A value the path's aggregators cannot take leaves the gain unknown.
            let (mut c, mut v, mut p) = (i, best, plan.max[i].map_or(f64::NAN, |m| best * m));
            while plan.parent[c] != NO_PARENT {
                let up = plan.parent[c];
                (v, p) = aggregate(plan, up, value, points, Some((c, v, p)))
                    .unwrap_or((f64::NAN, f64::NAN));
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

#[cfg(test)]
mod tests {
    use crate::{Framework, UnitRecord};

    #[test]
    fn gains_respect_renormalisation() {
        // Renormalise: X reports A = 0.5 only → value 0.5, 50 points of 100.
        // If B (70 points) were reported at its best: (15 + 70)/100 → 85 points, gain 35.
        // If A reached 1: 30 of 30 → value 1 → 100 points, gain 50.
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "missing": "renormalise", "nodes": [
            {"code": "A", "name_vi": "A", "max_points": 30},
            {"code": "B", "name_vi": "B", "max_points": 70}]}"#,
        )
        .unwrap();
        let s = fw.score(&[UnitRecord::new("X").value("A", 0.5)]).unwrap();
        let e = s.units[0].explanation.as_ref().unwrap();
        let gain = |c: &str| e.leaves.iter().find(|l| l.code == c).unwrap().gain.unwrap();
        assert!((gain("A") - 50.0).abs() < 1e-9);
        assert!((gain("B") - 35.0).abs() < 1e-9);
        assert_eq!(e.opportunities[0].code, "A");
        // The missing leaf contributes nothing; A carries the whole (renormalised) total.
        let a = e.leaves.iter().find(|l| l.code == "A").unwrap();
        assert_eq!(a.contribution, Some(50.0));
    }

    #[test]
    fn top_n_limits_the_opportunities() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
            {"code": "A", "name_vi": "A", "max_points": 1}, {"code": "B", "name_vi": "B", "max_points": 2},
            {"code": "C", "name_vi": "C", "max_points": 3}]}"#,
        )
        .unwrap();
        let opts = crate::ScoreOptions {
            top_n: 2,
            ..Default::default()
        };
        let s = fw.score_with(&[UnitRecord::new("X")], &opts).unwrap();
        let codes: Vec<_> = s.units[0]
            .explanation
            .as_ref()
            .unwrap()
            .opportunities
            .iter()
            .map(|o| o.code.as_str())
            .collect();
        assert_eq!(codes, ["C", "B"]);
    }
}
