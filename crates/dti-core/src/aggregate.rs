//! Aggregating a node from its children, for one unit.
//!
//! Formulas (`composite-methods.md`, "Aggregation"; Decision 922/QĐ-BTTTT for points):
//! - points sum: points = Σ pᵢ over the children that have a value; value = points / Σ maxᵢ
//!   over the same children; when some are missing (policy `renormalise`) the node's points
//!   are value × its max, i.e. the available points scaled up to the whole.
//! - weighted arithmetic mean: value = Σ wᵢvᵢ / Σ wᵢ over children with a value.
//!
//! Children with max points 0 (the DTI 2022 smart-city indicator) neither earn points nor
//! count as missing. A node whose children are all missing is missing (NaN).

use crate::framework::Aggregator;
use crate::plan::Plan;

/// Points sum over `(max, value, points)` terms: returns (value, points). `total_max` is the
/// node's max points (the sum of every term's max).
pub(crate) fn points_sum(
    terms: impl Iterator<Item = (f64, f64, f64)>,
    total_max: f64,
) -> (f64, f64) {
    let (mut pts, mut avail, mut any) = (0.0, 0.0, false);
    for (m, v, p) in terms {
        if m == 0.0 || v.is_nan() {
            continue;
        }
        pts += p;
        avail += m;
        any = true;
    }
    if !any {
        // Nothing to measure: missing, but a node worth nothing has 0 points all the same.
        let p = if total_max == 0.0 { 0.0 } else { f64::NAN };
        return (f64::NAN, p);
    }
    let value = pts / avail;
    // Exactly Σ points when nothing is missing, so published totals add up to the digit.
    let points = if avail == total_max {
        pts
    } else {
        value * total_max
    };
    (value, points)
}

/// Aggregates node `i` for one unit whose cells are `value` and `points` (indexed by node).
/// `over` replaces one child's `(value, points)`, for what-if explanations.
pub(crate) fn aggregate(
    plan: &Plan,
    i: usize,
    value: &[f64],
    points: &[f64],
    over: Option<(usize, f64, f64)>,
) -> (f64, f64) {
    let cell = |c: usize| match over {
        Some((o, v, p)) if o == c => (v, p),
        _ => (value[c], points[c]),
    };
    let children = &plan.children[i];
    match plan.aggregate[i] {
        Aggregator::PointsSum => points_sum(
            children.iter().map(|&c| {
                let (v, p) = cell(c);
                (plan.max[c].unwrap_or(0.0), v, p)
            }),
            plan.max[i].unwrap_or(0.0),
        ),
        Aggregator::WeightedMean => {
            let (mut s, mut w) = (0.0, 0.0);
            for &c in children {
                let (v, _) = cell(c);
                if v.is_nan() {
                    continue;
                }
                s += plan.weight[c] * v;
                w += plan.weight[c];
            }
            let value = if w > 0.0 { s / w } else { f64::NAN };
            (value, plan.max[i].map_or(f64::NAN, |m| value * m))
        }
    }
}

/// The additive term a child contributes to its parent's aggregate (for explanations), or
/// `None` when the aggregator is not additive.
pub(crate) fn term(
    plan: &Plan,
    parent: usize,
    c: usize,
    value: &[f64],
    points: &[f64],
) -> Option<f64> {
    let v = value[c];
    Some(match plan.aggregate[parent] {
        Aggregator::PointsSum if plan.max[c].unwrap_or(0.0) == 0.0 || v.is_nan() => 0.0,
        Aggregator::PointsSum => points[c],
        Aggregator::WeightedMean if v.is_nan() => 0.0,
        Aggregator::WeightedMean => plan.weight[c] * v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAN: f64 = f64::NAN;

    #[test]
    fn points_sum_complete_is_exact() {
        // 0.1·30 + 0.2·70 = 3 + 14 = 17 of 100.
        let (v, p) = points_sum([(30.0, 0.1, 3.0), (70.0, 0.2, 14.0)].into_iter(), 100.0);
        assert_eq!(p, 17.0);
        assert_eq!(v, 0.17);
    }

    #[test]
    fn points_sum_renormalises_over_available() {
        // Only the 30-point child: 3 of 30 = 0.1, scaled to 100 → 10 points.
        let (v, p) = points_sum([(30.0, 0.1, 3.0), (70.0, NAN, NAN)].into_iter(), 100.0);
        assert_eq!(v, 0.1);
        assert_eq!(p, 10.0);
        let (v, p) = points_sum([(30.0, NAN, NAN)].into_iter(), 30.0);
        assert!(v.is_nan() && p.is_nan());
    }

    #[test]
    fn zero_max_children_are_ignored() {
        let (v, p) = points_sum([(0.0, 0.9, 0.0), (10.0, 0.5, 5.0)].into_iter(), 10.0);
        assert_eq!((v, p), (0.5, 5.0));
        let (v, p) = points_sum([(0.0, 0.9, 0.0)].into_iter(), 0.0);
        assert!(v.is_nan());
        assert_eq!(p, 0.0);
    }
}
