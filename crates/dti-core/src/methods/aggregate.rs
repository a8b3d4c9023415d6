//! Aggregating a node from its children.
//!
//! Formulas (`composite-methods.md`, "Aggregation"; OECD/JRC Handbook 2008 §6; COINr's
//! `a_amean`, `a_gmean`, `a_hmean`; Decision 922/QĐ-BTTTT for points):
//! - points sum: points = Σ pᵢ over the children that have a value; value = points / Σ maxᵢ
//!   over the same children; when some are missing (policy `renormalise`) the node's points
//!   are value × its max, i.e. the available points scaled up to the whole.
//! - weighted arithmetic mean Σ (wᵢ/W)·vᵢ, W = Σ wᵢ (COINr's `a_amean` order); geometric exp(Σ wᵢ ln vᵢ / Σ wᵢ); harmonic
//!   Σ wᵢ / Σ (wᵢ/vᵢ); generalised (Σ wᵢvᵢᵖ / Σ wᵢ)^(1/p); weighted median — each over the
//!   children that have a value, weights renormalised over them.
//! - Copeland outranking: over the units of a period (see [`copeland`]).
//!
//! Every sum here (of points, of maxima, of weights, of terms) is exact, rounded once
//! ([`super::sum`]), as R's `sum()` gives it: so COINr's numbers to the last bit.
//!
//! Children with max points 0 (the DTI 2022 smart-city indicator) neither earn points nor
//! count as missing in a points sum. A node whose children are all missing — or fewer than
//! its data threshold — is missing (NaN).

use crate::model::definition::Aggregator;
use crate::model::plan::Plan;
use crate::sum::{exact_sum, ExactSum};

/// A child value the aggregator cannot take (e.g. 0 in a geometric mean).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BadChild {
    pub child: usize,
    pub value: f64,
}

/// Points sum over `(max, value, points)` terms: returns (value, points). `total_max` is the
/// node's max points (the sum of every term's max).
pub(crate) fn points_sum(
    terms: impl Iterator<Item = (f64, f64, f64)>,
    total_max: f64,
) -> (f64, f64) {
    let (mut pts, mut avail, mut any) = (ExactSum::new(), ExactSum::new(), false);
    for (m, v, p) in terms {
        if m == 0.0 || v.is_nan() {
            continue;
        }
        pts.add(p);
        avail.add(m);
        any = true;
    }
    let (pts, avail) = (pts.value(), avail.value());
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

/// Aggregates node `i` for one unit, reading each child's `(value, points)` through `cell`,
/// wherever the cells are stored (a unit's row, or one column per node; a what-if
/// explanation replaces one child's). Copeland, which needs the whole cohort, gives NaN here
/// (see [`copeland`]).
#[inline]
pub(crate) fn aggregate_with(
    plan: &Plan,
    i: usize,
    cell: impl Fn(usize) -> (f64, f64),
) -> Result<(f64, f64), BadChild> {
    let children = &plan.children[i];
    if plan.threshold[i] > 0.0 {
        let present = children.iter().filter(|&&c| !cell(c).0.is_nan()).count();
        if (present as f64) < plan.threshold[i] * children.len() as f64 {
            return Ok((f64::NAN, f64::NAN));
        }
    }
    // Children of weight 0 take no part in a mean (so a 0-point child cannot break a
    // geometric mean).
    let weighted = || {
        children.iter().filter_map(|&c| {
            let (v, _) = cell(c);
            (!v.is_nan() && plan.weight[c] > 0.0).then_some((c, plan.weight[c], v))
        })
    };
    let value = match plan.aggregate[i] {
        Aggregator::PointsSum => {
            return Ok(points_sum(
                children.iter().map(|&c| {
                    let (v, p) = cell(c);
                    (plan.max[c].unwrap_or(0.0), v, p)
                }),
                plan.max[i].unwrap_or(0.0),
            ))
        }
        Aggregator::WeightedMean => {
            // COINr's `a_amean`: the weights of the children present are divided by their sum
            // first, then Σ (wᵢ/W)·vᵢ — the same order to the last bit, which can make or break
            // a near-tie.
            // One pass over the children into a stack buffer (most nodes have few children),
            // a second over the buffer; more children than it holds are read twice.
            let mut buf = [(0.0f64, 0.0f64); 32];
            let (mut total, mut n, mut spilled) = (ExactSum::new(), 0usize, false);
            for (_, w, v) in weighted() {
                total.add(w);
                if n < buf.len() {
                    buf[n] = (w, v);
                    n += 1;
                } else {
                    spilled = true;
                }
            }
            let total = total.value();
            if total > 0.0 {
                let mut s = ExactSum::new();
                if spilled {
                    for (_, w, v) in weighted() {
                        s.add((w / total) * v);
                    }
                } else {
                    for &(w, v) in &buf[..n] {
                        s.add((w / total) * v);
                    }
                }
                s.value()
            } else {
                f64::NAN
            }
        }
        Aggregator::GeometricMean => mean(
            weighted(),
            |v| {
                if v > 0.0 {
                    Ok(crate::math::ln(v))
                } else {
                    Err(())
                }
            },
            crate::math::exp,
        )?,
        Aggregator::HarmonicMean => {
            let (mut w, mut s, mut any) = (ExactSum::new(), ExactSum::new(), false);
            for (c, wc, v) in weighted() {
                if v <= 0.0 {
                    return Err(BadChild { child: c, value: v });
                }
                w.add(wc);
                s.add(wc / v);
                any = true;
            }
            let (w, s) = (w.value(), s.value());
            if any && s > 0.0 {
                w / s
            } else {
                f64::NAN
            }
        }
        Aggregator::GeneralisedMean { p } => mean(
            weighted(),
            |v| {
                if v < 0.0 || (p < 0.0 && v == 0.0) {
                    Err(())
                } else {
                    Ok(crate::math::pow(v, p))
                }
            },
            |s| crate::math::pow(s, 1.0 / p),
        )?,
        Aggregator::WeightedMedian => {
            let mut items: Vec<(f64, f64)> = weighted().map(|(_, w, v)| (v, w)).collect();
            weighted_median(&mut items)
        }
        Aggregator::Copeland => f64::NAN,
    };
    Ok((value, plan.max[i].map_or(f64::NAN, |m| value * m)))
}

/// Σ wᵢ f(vᵢ) / Σ wᵢ, then `back`; NaN when no child has a value or the weights sum to 0.
fn mean(
    items: impl Iterator<Item = (usize, f64, f64)>,
    f: impl Fn(f64) -> Result<f64, ()>,
    back: impl Fn(f64) -> f64,
) -> Result<f64, BadChild> {
    let (mut s, mut w) = (ExactSum::new(), ExactSum::new());
    for (c, wc, v) in items {
        let fv = f(v).map_err(|()| BadChild { child: c, value: v })?;
        s.add(wc * fv);
        w.add(wc);
    }
    let (s, w) = (s.value(), w.value());
    Ok(if w > 0.0 { back(s / w) } else { f64::NAN })
}

/// The value at which the cumulative share of weight, over values sorted ascending, first
/// reaches one half.
fn weighted_median(items: &mut [(f64, f64)]) -> f64 {
    let total = exact_sum(items.iter().map(|&(_, w)| w));
    if items.is_empty() || total <= 0.0 {
        return f64::NAN;
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cum = ExactSum::new();
    for &(v, w) in items.iter() {
        cum.add(w / total);
        if cum.value() >= 0.5 - 1e-12 {
            return v;
        }
    }
    items[items.len() - 1].0
}

/// Points sum or weighted arithmetic mean of node `i` for every unit at once, from one column
/// per node (`value[c][u]`): the same terms added in the same order as [`aggregate_with`]
/// adds them for one unit (children in definition order), so the results are identical to
/// the bit — only the loops are turned inside out, which lets them run over whole columns.
/// `None` for the other aggregators. The points column comes back empty when the node has
/// no max points and is a mean (its points would all be NaN). `complete(c)`: child `c`'s
/// value column is known to hold no NaN (`false` when unknown).
#[allow(clippy::too_many_arguments)]
pub(crate) fn linear_columns(
    plan: &Plan,
    i: usize,
    m: usize,
    value: &[Vec<f64>],
    points: &[Vec<f64>],
    complete: &(dyn Fn(usize) -> bool + Sync),
    deferred: Option<&(dyn Fn(usize) -> bool + Sync)>,
    count: &mut Vec<u32>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    if !linear(plan.aggregate[i]) {
        return None;
    }
    // A mean without max points has no points: no column for them (every write to `p` in
    // the kernels below is a fill or a zip for a mean, so an empty one stays empty).
    let pointless = plan.aggregate[i] == Aggregator::WeightedMean && plan.max[i].is_none();
    let mut v = vec![0.0; m];
    let mut p = if pointless {
        Vec::new()
    } else {
        vec![f64::NAN; m]
    };
    // The scratch column is reused from node to node (every cell is written before read).
    count.resize(m, 0);
    #[cfg(feature = "parallel")]
    if m >= PARALLEL_UNITS {
        return linear_in_blocks(
            plan, i, value, points, complete, deferred, &mut v, &mut p, count,
        )
        .then_some((v, p));
    }
    let columns = Columns {
        value: &|c| value[c].as_slice(),
        points: &|c| points[c].as_slice(),
        complete,
        deferred: deferred.map(|d| d as &dyn Fn(usize) -> bool),
    };
    if !linear_into(plan, i, &columns, &mut v, &mut p, count) {
        return None;
    }
    Some((v, p))
}

/// Columns this long or longer are aggregated in blocks of units on every core (feature
/// `parallel`).
#[cfg(feature = "parallel")]
const PARALLEL_UNITS: usize = 1 << 16;

/// [`linear_into`] over blocks of units, on every core: each unit's value and points are
/// its own (sums over its children alone), so a block gives the bits the whole would.
#[cfg(feature = "parallel")]
#[allow(clippy::too_many_arguments)]
fn linear_in_blocks(
    plan: &Plan,
    i: usize,
    value: &[Vec<f64>],
    points: &[Vec<f64>],
    complete: &(dyn Fn(usize) -> bool + Sync),
    deferred: Option<&(dyn Fn(usize) -> bool + Sync)>,
    v: &mut [f64],
    p: &mut [f64],
    count: &mut [u32],
) -> bool {
    use rayon::prelude::*;
    const BLOCK: usize = 1 << 14;
    let m = v.len();
    let blocks = m.div_ceil(BLOCK);
    // A mean without max points has an empty points column: empty in every block too.
    let mut p_blocks: Vec<&mut [f64]> = if p.is_empty() {
        (0..blocks).map(|_| &mut [][..]).collect()
    } else {
        p.chunks_mut(BLOCK).collect()
    };
    // A block's stretch of a column (an empty column — the points of a child without max
    // points — stays empty).
    fn cut(col: &[f64], r: std::ops::Range<usize>) -> &[f64] {
        col.get(r).unwrap_or(&[])
    }
    v.par_chunks_mut(BLOCK)
        .zip(p_blocks.par_iter_mut())
        .zip(count.par_chunks_mut(BLOCK))
        .enumerate()
        .map(|(k, ((v, p), count))| {
            let r = k * BLOCK..((k + 1) * BLOCK).min(m);
            let columns = Columns {
                value: &|c| cut(&value[c], r.clone()),
                points: &|c| cut(&points[c], r.clone()),
                complete,
                deferred: deferred.map(|d| d as &dyn Fn(usize) -> bool),
            };
            linear_into(plan, i, &columns, v, p, count)
        })
        .collect::<Vec<bool>>()
        .into_iter()
        .all(|done| done)
}

/// Whether an aggregator is one [`linear_into`] computes over whole columns.
pub(crate) fn linear(a: Aggregator) -> bool {
    matches!(a, Aggregator::PointsSum | Aggregator::WeightedMean)
}

/// Where [`linear_into`] reads each child's value and points column, and whether a child's
/// value column is known to hold no NaN (`false` when unknown).
pub(crate) struct Columns<'a> {
    pub value: &'a dyn Fn(usize) -> &'a [f64],
    pub points: &'a dyn Fn(usize) -> &'a [f64],
    pub complete: &'a dyn Fn(usize) -> bool,
    /// Child `c`'s points are not held (its points column is empty): each is its value ×
    /// its max points, computed as it is summed — the same product, the same bits. `None`:
    /// every child's are.
    pub deferred: Option<&'a dyn Fn(usize) -> bool>,
}

/// [`linear_columns`] into preallocated buffers (each of the units' length): `v` and `p`
/// receive the node's values and points (NaN points without max points; for a mean without
/// max points `p` may be empty), `count` is scratch. Returns `false`, writing nothing, for an aggregator that is not linear.
pub(crate) fn linear_into(
    plan: &Plan,
    i: usize,
    col: &Columns<'_>,
    v: &mut [f64],
    p: &mut [f64],
    count: &mut [u32],
) -> bool {
    let children = &plan.children[i];
    match plan.aggregate[i] {
        Aggregator::PointsSum => {
            // v = Σ points, over Σ max, of the children that have a value. Children without
            // max points add nothing (and may have an empty points column).
            let counted = || {
                children
                    .iter()
                    .map(|&c| (c, plan.max[c].unwrap_or(0.0)))
                    .filter(|&(_, mc)| mc != 0.0)
            };
            let held =
                |c: usize| col.deferred.is_some_and(|d| d(c)) || (col.points)(c).len() == v.len();
            if counted().all(|(c, _)| (col.complete)(c) && held(c)) {
                points_sum_complete(plan, i, col, v, p, counted());
                return threshold(plan, i, col, v, p, count);
            }
            // (A deferred child's points are made before a sum with gaps: see the kernel.)
            let cols: Vec<(&[f64], &[f64], f64)> = counted()
                .map(|(c, mc)| ((col.value)(c), (col.points)(c), mc))
                .collect();
            let total = plan.max[i].unwrap_or(0.0);
            for u in 0..v.len() {
                let (mut pts, mut avail, mut any) = (ExactSum::new(), ExactSum::new(), false);
                for &(x, pc, mc) in &cols {
                    if !x[u].is_nan() {
                        pts.add(pc[u]);
                        avail.add(mc);
                        any = true;
                    }
                }
                (v[u], p[u]) = if any {
                    let (pts, avail) = (pts.value(), avail.value());
                    let x = pts / avail;
                    (x, if avail == total { pts } else { x * total })
                } else {
                    (f64::NAN, if total == 0.0 { 0.0 } else { f64::NAN })
                };
            }
        }
        Aggregator::WeightedMean => {
            // W = Σ wᵢ over the children that have a value and a weight, then
            // v = Σ (wᵢ/W)·vᵢ (COINr's order, as `aggregate_with`), each sum exact.
            let mut cols: Vec<(&[f64], f64)> = Vec::with_capacity(children.len());
            let mut complete = true;
            for &c in children {
                let w = plan.weight[c];
                if w > 0.0 {
                    cols.push(((col.value)(c), w));
                    complete &= (col.complete)(c);
                }
            }
            if complete {
                // No value is missing: every unit's total is W, one share per child (the
                // weights become the shares in place: one allocation per node).
                let all = exact_sum(cols.iter().map(|c| c.1));
                if all > 0.0 {
                    for c in &mut cols {
                        c.1 /= all;
                    }
                    crate::sum::column_sums(&cols, true, v);
                } else {
                    v.fill(f64::NAN);
                }
            } else {
                for (u, vu) in v.iter_mut().enumerate() {
                    let mut w = ExactSum::new();
                    for &(x, wc) in &cols {
                        if !x[u].is_nan() {
                            w.add(wc);
                        }
                    }
                    let total = w.value();
                    *vu = if total > 0.0 {
                        let mut s = ExactSum::new();
                        for &(x, wc) in &cols {
                            if !x[u].is_nan() {
                                s.add((wc / total) * x[u]);
                            }
                        }
                        s.value()
                    } else {
                        f64::NAN
                    };
                }
            }
            match plan.max[i] {
                Some(mx) => {
                    for (pu, &x) in p.iter_mut().zip(v.iter()) {
                        *pu = x * mx;
                    }
                }
                None => p.fill(f64::NAN),
            }
        }
        _ => return false,
    }
    threshold(plan, i, col, v, p, count)
}

/// The points sum of node `i` when every counted child (`counted`: children with max points,
/// in definition order) has a value for every unit: the general loop without its checks —
/// each unit's available max is then the same sum of the same terms, so the same bits.
fn points_sum_complete(
    plan: &Plan,
    i: usize,
    col: &Columns<'_>,
    v: &mut [f64],
    p: &mut [f64],
    counted: impl Iterator<Item = (usize, f64)> + Clone,
) {
    let cols: Vec<(&[f64], f64)> = counted
        .clone()
        .map(|(c, mc)| ((col.points)(c), mc))
        .collect();
    let any = !cols.is_empty();
    let avail = exact_sum(cols.iter().map(|c| c.1));
    // The points as they are (the max points beside them are not weights) — or, where a
    // child's are deferred, its values × its max points and the others' points × 1 (exactly
    // themselves): the same terms.
    #[cfg(feature = "parallel")]
    let scaled = col
        .deferred
        .is_some_and(|d| counted.clone().any(|(c, _)| d(c)));
    #[cfg(feature = "parallel")]
    let cols: Vec<(&[f64], f64)> = if scaled {
        counted
            .map(|(c, mc)| match col.deferred.is_some_and(|d| d(c)) {
                true => ((col.value)(c), mc),
                false => ((col.points)(c), 1.0),
            })
            .collect()
    } else {
        cols
    };
    #[cfg(not(feature = "parallel"))]
    let scaled = false;
    crate::sum::column_sums(&cols, scaled, v);
    let total = plan.max[i].unwrap_or(0.0);
    if !any {
        v.fill(f64::NAN);
        p.fill(if total == 0.0 { 0.0 } else { f64::NAN });
        return;
    }
    for (vu, pu) in v.iter_mut().zip(p.iter_mut()) {
        let (pts, x) = (*vu, *vu / avail);
        (*vu, *pu) = (x, if avail == total { pts } else { x * total });
    }
}

/// Makes node `i` missing for the units with fewer children present than its data threshold
/// (as `aggregate_with` decides first); returns `true`.
fn threshold(
    plan: &Plan,
    i: usize,
    col: &Columns<'_>,
    v: &mut [f64],
    p: &mut [f64],
    count: &mut [u32],
) -> bool {
    if plan.threshold[i] > 0.0 {
        let children = &plan.children[i];
        let need = plan.threshold[i] * children.len() as f64;
        count.fill(0);
        for &c in children {
            for (n, x) in count.iter_mut().zip((col.value)(c)) {
                *n += u32::from(!x.is_nan());
            }
        }
        for u in 0..v.len() {
            if f64::from(count[u]) < need {
                v[u] = f64::NAN;
                // A mean without max points may have no points column.
                if let Some(x) = p.get_mut(u) {
                    *x = f64::NAN;
                }
            }
        }
    }
    true
}

/// Copeland scores of node `i` over a group of units: `child(u, c)` gives unit u's value of
/// child c. Weights are scaled to sum to 1 over all children; a comparison with a missing
/// value counts for neither unit (as in COINr's outranking matrix). Units without any child
/// value score NaN and are not compared.
pub(crate) fn copeland(
    plan: &Plan,
    i: usize,
    units: &[usize],
    child: impl Fn(usize, usize) -> f64,
) -> Vec<f64> {
    let children = &plan.children[i];
    let wsum = exact_sum(children.iter().map(|&c| plan.weight[c]));
    let present: Vec<bool> = units
        .iter()
        .map(|&u| children.iter().any(|&c| !child(u, c).is_nan()))
        .collect();
    let mut score = vec![0.0; units.len()];
    for a in 0..units.len() {
        if !present[a] {
            score[a] = f64::NAN;
            continue;
        }
        for b in 0..units.len() {
            if a == b || !present[b] {
                continue;
            }
            let mut m = 0.0;
            for &c in children {
                let (x, y) = (child(units[a], c), child(units[b], c));
                let w = plan.weight[c] / wsum;
                if x > y {
                    m += w;
                } else if x == y {
                    m += w / 2.0;
                }
            }
            score[a] += if (m - 0.5).abs() <= 1e-12 {
                0.0
            } else if m > 0.5 {
                1.0
            } else {
                -1.0
            };
        }
    }
    score
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

    /// Aggregation in blocks of units on every core gives the bits of one pass over the
    /// whole column: a points sum over children with and without values (and a child of 0
    /// points, whose points column is empty), and a weighted mean without max points (no
    /// points column at all), with a data threshold.
    #[cfg(feature = "parallel")]
    #[test]
    fn blocks_of_units_aggregate_as_the_whole() {
        let sums = r#"{"schema_version": 1, "id": "t", "name_vi": "T", "data_threshold": 0.5, "nodes": [
              {"code": "S", "name_vi": "S", "max_points": 50},
              {"code": "a", "name_vi": "a", "parent": "S", "max_points": 30},
              {"code": "b", "name_vi": "b", "parent": "S", "max_points": 20},
              {"code": "z", "name_vi": "z", "parent": "S", "max_points": 0}]}"#;
        let means = r#"{"schema_version": 1, "id": "t", "name_vi": "T", "data_threshold": 0.5,
              "aggregate": {"method": "weighted_mean"}, "nodes": [
              {"code": "M", "name_vi": "M"},
              {"code": "c", "name_vi": "c", "parent": "M", "weight": 2},
              {"code": "d", "name_vi": "d", "parent": "M"}]}"#;
        for (json, node) in [(sums, "S"), (means, "M")] {
            blocks_as_whole(&crate::model::Framework::from_json(json).unwrap(), node);
        }
    }

    #[cfg(feature = "parallel")]
    fn blocks_as_whole(fw: &crate::model::Framework, node: &str) {
        let plan = &fw.plan;
        let m = PARALLEL_UNITS + 12_345;
        let mut state = 0x5EEDu64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut value = vec![Vec::new(); plan.n + 1];
        let mut points = vec![Vec::new(); plan.n + 1];
        for (i, node) in fw.def.nodes.iter().enumerate() {
            if !plan.children[i].is_empty() {
                // An aggregate's own column, as the grid holds it before aggregation.
                value[i] = vec![f64::NAN; m];
                continue;
            }
            let v: Vec<f64> = (0..m)
                .map(|_| {
                    let x = next();
                    if x < 0.2 {
                        f64::NAN
                    } else {
                        x
                    }
                })
                .collect();
            points[i] = match plan.max[i] {
                Some(max) if max > 0.0 => v.iter().map(|x| x * max).collect(),
                _ => Vec::new(),
            };
            value[i] = v;
            assert!(!node.code.is_empty());
        }
        let complete = |_: usize| false;
        {
            let i = plan.index_of(node).unwrap();
            let (mut v, mut p) = (
                vec![0.0; m],
                if plan.max[i].is_some() {
                    vec![f64::NAN; m]
                } else {
                    Vec::new()
                },
            );
            let mut count = vec![0; m];
            let columns = Columns {
                value: &|c| value[c].as_slice(),
                points: &|c| points[c].as_slice(),
                complete: &complete,
                deferred: None,
            };
            assert!(linear_into(plan, i, &columns, &mut v, &mut p, &mut count));
            let (bv, bp) = linear_columns(
                plan,
                i,
                m,
                &value,
                &points,
                &complete,
                None,
                &mut Vec::new(),
            )
            .unwrap();
            let differs = |a: &[f64], b: &[f64]| {
                a.len() != b.len() || a.iter().zip(b).any(|(x, y)| x.to_bits() != y.to_bits())
            };
            assert!(!differs(&bv, &v), "{node}: values differ");
            assert!(!differs(&bp, &p), "{node}: points differ");
            assert_eq!(bv.len(), m);
            assert!(
                v.iter().any(|x| x.is_nan()) && v.iter().any(|x| !x.is_nan()),
                "{node}"
            );
        }
    }

    #[test]
    fn weighted_median_by_hand() {
        // Sorted 1 (w 1), 2 (w 1), 10 (w 2): cumulative shares 0.25, 0.5 → median 2.
        let mut items = vec![(10.0, 2.0), (1.0, 1.0), (2.0, 1.0)];
        assert_eq!(weighted_median(&mut items), 2.0);
        // Heavier top weight: 1 (w 1), 2 (w 1), 10 (w 3): 0.2, 0.4, 1.0 → 10.
        let mut items = vec![(10.0, 3.0), (1.0, 1.0), (2.0, 1.0)];
        assert_eq!(weighted_median(&mut items), 10.0);
        assert!(weighted_median(&mut []).is_nan());
    }
}
