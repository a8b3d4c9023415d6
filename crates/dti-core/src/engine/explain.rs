//! Explanations: what each leaf earned, lost and contributed, and where a unit would gain
//! most.

use super::grid::Cell;
use crate::methods::aggregate::{aggregate, term};
use crate::model::framework::{Aggregator, Framework};
use crate::model::plan::{Plan, NO_PARENT};
use crate::model::result::{Explanation, LeafExplanation, Opportunity};

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

    let sums = Sums::of(plan, value, points);
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let mut leaves = Vec::with_capacity(plan.n);
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
                (v, p) = match sums.replacing(plan, up, c, (value[c], points[c]), (v, p)) {
                    Some(vp) => vp,
                    None => aggregate(plan, up, value, points, Some((c, v, p)))
                        .unwrap_or((f64::NAN, f64::NAN)),
                };
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

    // The `top_n` largest gains; equal gains in framework order. Only those are sorted (a
    // unit has one gain per leaf, and asks for a handful).
    let mut ranked: Vec<(f64, usize)> = Vec::with_capacity(leaves.len());
    ranked.extend(
        leaves
            .iter()
            .enumerate()
            .filter_map(|(k, l)| l.gain.filter(|&g| g > 0.0).map(|g| (g, k))),
    );
    let order = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if ranked.len() > top_n {
        ranked.select_nth_unstable_by(top_n, order);
        ranked.truncate(top_n);
    }
    ranked.sort_unstable_by(order);
    let opportunities = ranked
        .into_iter()
        .map(|(gain, k)| Opportunity {
            code: leaves[k].code.clone(),
            gain,
        })
        .collect();
    Explanation {
        leaves,
        opportunities,
    }
}

/// Each linear node's sums over its children, so that replacing one child costs O(1) and a
/// leaf's gain costs its depth, not the size of its siblings (a flat framework of 100,000
/// leaves would otherwise take 10¹⁰ steps per unit).
struct Sums {
    /// Points sum: (Σ points, Σ max, children counted); weighted mean: (Σ w·v, Σ w, count).
    node: Vec<Option<(f64, f64, usize)>>,
}

impl Sums {
    fn of(plan: &Plan, value: &[f64], points: &[f64]) -> Sums {
        let mut node = vec![None; plan.n + 1];
        for &p in &plan.post_order {
            if plan.threshold[p] > 0.0 {
                continue; // the share of children present matters: re-aggregate in full
            }
            let (mut a, mut b, mut k) = (0.0, 0.0, 0usize);
            for &c in &plan.children[p] {
                match Self::counted(plan, p, c, value[c], points[c]) {
                    Some((x, y)) => {
                        a += x;
                        b += y;
                        k += 1;
                    }
                    None => continue,
                }
            }
            node[p] = match plan.aggregate[p] {
                Aggregator::PointsSum | Aggregator::WeightedMean => Some((a, b, k)),
                _ => None,
            };
        }
        Sums { node }
    }

    /// Child `c`'s part of parent `p`'s sums, if it counts: (points, max) under a points sum
    /// (as `points_sum` counts them), (w·v, w) under a weighted mean.
    fn counted(plan: &Plan, p: usize, c: usize, v: f64, pts: f64) -> Option<(f64, f64)> {
        if v.is_nan() {
            return None;
        }
        match plan.aggregate[p] {
            Aggregator::PointsSum => {
                let m = plan.max[c].unwrap_or(0.0);
                (m != 0.0).then_some((pts, m))
            }
            Aggregator::WeightedMean => {
                let w = plan.weight[c];
                (w > 0.0).then_some((w * v, w))
            }
            _ => None,
        }
    }

    /// Parent `p`'s (value, points) with child `c` changed from `old` to `new`; `None` when
    /// `p` is not linear (the caller re-aggregates it in full).
    fn replacing(
        &self,
        plan: &Plan,
        p: usize,
        c: usize,
        old: (f64, f64),
        new: (f64, f64),
    ) -> Option<(f64, f64)> {
        let (mut a, mut b, mut k) = self.node[p]?;
        if let Some((x, y)) = Self::counted(plan, p, c, old.0, old.1) {
            a -= x;
            b -= y;
            k -= 1;
        }
        if let Some((x, y)) = Self::counted(plan, p, c, new.0, new.1) {
            a += x;
            b += y;
            k += 1;
        }
        let max = plan.max[p];
        Some(match plan.aggregate[p] {
            Aggregator::PointsSum if k == 0 => (f64::NAN, f64::NAN),
            Aggregator::PointsSum => {
                let v = a / b;
                let total = max.unwrap_or(0.0);
                (v, if b == total { a } else { v * total })
            }
            _ if b > 0.0 => {
                let v = a / b;
                (v, max.map_or(f64::NAN, |m| v * m))
            }
            _ => (f64::NAN, f64::NAN),
        })
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
        assert_eq!(opportunities(&fw, 2), ["C", "B"]);
    }

    /// The opportunities of a unit that reported nothing, at most `top_n`.
    fn opportunities(fw: &Framework, top_n: usize) -> Vec<String> {
        let opts = crate::ScoreOptions {
            top_n,
            ..Default::default()
        };
        let s = fw.score_with(&[UnitRecord::new("X")], &opts).unwrap();
        let e = s.units[0].explanation.as_ref().unwrap();
        e.opportunities.iter().map(|o| o.code.clone()).collect()
    }

    #[test]
    fn equal_gains_stay_in_framework_order_whatever_top_n() {
        // Gains (max − points): A 2, B 3, C 2, D 3, E 1, F 3 → B, D, F, A, C, E.
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
            {"code": "A", "name_vi": "A", "max_points": 2}, {"code": "B", "name_vi": "B", "max_points": 3},
            {"code": "C", "name_vi": "C", "max_points": 2}, {"code": "D", "name_vi": "D", "max_points": 3},
            {"code": "E", "name_vi": "E", "max_points": 1}, {"code": "F", "name_vi": "F", "max_points": 3}]}"#,
        )
        .unwrap();
        let all = ["B", "D", "F", "A", "C", "E"];
        for top_n in [0, 1, 2, 3, 4, 5, 6, 7, 100] {
            assert_eq!(
                opportunities(&fw, top_n),
                all[..top_n.min(6)],
                "top_n {top_n}"
            );
        }
    }
}
