//! Explanations: what each leaf earned, lost and contributed, and where a unit would gain
//! most. Computed on request for every row of a scored grid at once ([`Explanations`], flat
//! and unit-major, no strings); the per-unit [`Explanation`] structs are built from it at
//! the edge ([`explanation`]).

use super::grid::{Cell, ColumnGrid};
use crate::methods::aggregate::aggregate_with;
use crate::model::definition::Aggregator;
use crate::model::framework::Framework;
use crate::model::plan::{Plan, NO_PARENT};
use crate::model::result::{Explanation, LeafExplanation, Opportunity};

/// The explanations of every scored row, as numbers: for row `u` and node `i`, whether the
/// node is one of the row's explained leaves (a leaf, or a node whose value was given), its
/// contribution to the row's total and its gain, and each row's top opportunities. The
/// per-unit [`Explanation`] of a row is [`ColumnScores::explanation`].
///
/// - **Contribution**: each node's share of the total is split among its children in
///   proportion to their additive terms (points under a points sum, weight × value under a
///   weighted arithmetic mean), from the root down; exact for those two aggregators (the
///   shares add up to the total). The total is the index points, or its value when the index
///   has no points.
/// - **Gain**: the total with the leaf at its best reachable value (the normaliser's fixed
///   top, or the best value in the row's period; 1 for a given node) minus the total now.
///   While the leaf and every node above it count in points sums and weighted arithmetic
///   means, that is the leaf's change times its rate (how the total moves with it: the
///   product of w / Σw, or 1 / Σmax, down its path), so a gain is rounded as a number of its
///   own size and a leaf that cannot move the total (weight 0, no points) gains exactly 0.
///   Otherwise (a missing leaf, an aggregator that is not linear) the path is re-aggregated
///   with the leaf at its best, so that renormalisation over missing children is respected.
///
/// ```
/// use dti_core::{score_records, ColumnOptions, Framework, UnitRecord};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 40}, {"code": "B", "name_vi": "B", "max_points": 60}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.5).value("B", 0.5)];
/// let s = score_records(&fw, &units, &ColumnOptions::default().explain(true))?;
/// let e = s.explanations.as_ref().expect("asked for");
/// // A earns 20 of its 40 points; at its best it would add 20, B would add 30.
/// assert_eq!((e.contribution(0, 0), e.gain(0, 0)), (Some(20.0), Some(20.0)));
/// assert_eq!(e.opportunities(0).collect::<Vec<_>>(), [(1, 30.0), (0, 20.0)]);
/// // The same, as the per-unit struct the record path returns.
/// let x = s.explanation(&fw, 0).expect("row 0");
/// assert_eq!((x.opportunities[0].code.as_str(), x.leaves[1].contribution), ("B", Some(30.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`ColumnScores::explanation`]: crate::ColumnScores::explanation
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Explanations {
    /// Nodes per row.
    n: usize,
    /// Row-major `rows × n`: whether node `i` is explained in row `u`.
    explained: Vec<bool>,
    contribution: Vec<f64>,
    gain: Vec<f64>,
    /// Every row's opportunities, (node, gain) largest first; row `u`'s are
    /// `opportunities[starts[u]..starts[u + 1]]`.
    opportunities: Vec<(usize, f64)>,
    starts: Vec<usize>,
}

impl Explanations {
    /// How many rows are explained.
    pub fn rows(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The nodes explained in row `u`, in framework order: its scored leaves and the nodes
    /// whose values were given (empty for a row out of range).
    pub fn leaves(&self, u: usize) -> impl Iterator<Item = usize> + '_ {
        let row = self.row(u).map_or(&[][..], |r| &self.explained[r]);
        row.iter().enumerate().filter(|(_, &e)| e).map(|(i, _)| i)
    }

    /// Node `i`'s share of row `u`'s total (`None`: not explained in the row, or no share).
    pub fn contribution(&self, u: usize, i: usize) -> Option<f64> {
        self.at(&self.contribution, u, i)
    }

    /// What row `u`'s total would gain with node `i` at its best (`None`: not explained in
    /// the row, or unknown).
    pub fn gain(&self, u: usize, i: usize) -> Option<f64> {
        self.at(&self.gain, u, i)
    }

    /// Row `u`'s top opportunities, (node, gain) with positive gains only, largest first,
    /// equal gains in framework order.
    pub fn opportunities(&self, u: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = match self.row(u) {
            Some(_) => self.starts[u]..self.starts[u + 1],
            None => 0..0,
        };
        self.opportunities[range].iter().copied()
    }

    fn at(&self, col: &[f64], u: usize, i: usize) -> Option<f64> {
        let j = self.row(u).filter(|_| i < self.n)?.start + i;
        let x = col[j];
        (self.explained[j] && !x.is_nan()).then_some(x)
    }

    /// Row `u`'s positions in the row-major columns (`None`: no such row; no index a caller
    /// gives can overflow).
    fn row(&self, u: usize) -> Option<std::ops::Range<usize>> {
        (u < self.rows()).then(|| u * self.n..(u + 1) * self.n)
    }

    /// The flat form of per-unit explanations (`None` for a unit without one: nothing
    /// explained); codes the framework does not have are skipped.
    pub(crate) fn from_units<'a>(
        fw: &Framework,
        units: impl ExactSizeIterator<Item = Option<&'a Explanation>>,
    ) -> Explanations {
        let n = fw.plan.n;
        let m = units.len();
        let mut out = Explanations::with_rows(n, m);
        for (u, e) in units.enumerate() {
            for l in e.iter().flat_map(|e| &e.leaves) {
                if let Some(i) = fw.plan.index_of(&l.code).filter(|&i| i < n) {
                    out.explained[u * n + i] = true;
                    out.contribution[u * n + i] = l.contribution.unwrap_or(f64::NAN);
                    out.gain[u * n + i] = l.gain.unwrap_or(f64::NAN);
                }
            }
            for o in e.iter().flat_map(|e| &e.opportunities) {
                if let Some(i) = fw.plan.index_of(&o.code).filter(|&i| i < n) {
                    out.opportunities.push((i, o.gain));
                }
            }
            out.starts.push(out.opportunities.len());
        }
        out
    }

    fn with_rows(n: usize, m: usize) -> Explanations {
        Explanations {
            n,
            explained: vec![false; n * m],
            contribution: vec![f64::NAN; n * m],
            gain: vec![f64::NAN; n * m],
            opportunities: Vec::new(),
            starts: vec![0],
        }
    }
}

/// Row `u`'s [`Explanation`], with each explained node's value and points as `value(i)` and
/// `points(i)` give them (NaN: none).
pub(crate) fn explanation(
    fw: &Framework,
    ex: &Explanations,
    u: usize,
    value: impl Fn(usize) -> f64,
    points: impl Fn(usize) -> f64,
) -> Explanation {
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let code = |i: usize| fw.def.nodes[i].code.clone();
    let leaves = ex
        .leaves(u)
        .map(|i| {
            let (max, pts) = (fw.plan.max[i], opt(points(i)));
            LeafExplanation {
                code: code(i),
                value: opt(value(i)),
                points: pts,
                max_points: max,
                lost: max.map(|m| m - pts.unwrap_or(0.0)),
                contribution: ex.contribution(u, i),
                gain: ex.gain(u, i),
            }
        })
        .collect();
    let opportunities = ex
        .opportunities(u)
        .map(|(i, gain)| Opportunity {
            code: code(i),
            gain,
        })
        .collect();
    Explanation {
        leaves,
        opportunities,
    }
}

/// Explains every row of a scored grid (rows grouped by period in `groups`), listing at most
/// `top_n` opportunities per row.
pub(crate) fn explain_grid(
    fw: &Framework,
    grid: &ColumnGrid,
    groups: &[(Option<i32>, Vec<usize>)],
    top_n: usize,
) -> Explanations {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let m = grid.units();
    let tops = Tops::of(fw, &grid.value, groups, m);
    let mut out = Explanations::with_rows(plan.n, m);
    let mut nodes: Vec<Node> = (0..n1)
        .map(|i| {
            let parent = plan.parent.get(i).copied().unwrap_or(NO_PARENT);
            Node {
                value: f64::NAN,
                points: f64::NAN,
                cell: Cell::Empty,
                share: f64::NAN,
                rate: (f64::NAN, f64::NAN),
                term_sum: f64::NAN,
                sums: NO_PART,
                part: NO_PART,
                split: match parent {
                    NO_PARENT => Split::Other,
                    p => Split::of(plan, p, i),
                },
                linear: plan.threshold[i] <= 0.0
                    && matches!(
                        plan.aggregate[i],
                        Aggregator::PointsSum | Aggregator::WeightedMean
                    ),
                points_sum: plan.aggregate[i] == Aggregator::PointsSum,
                max: plan.max[i],
                parent,
                leaf: plan.children[i].is_empty(),
            }
        })
        .collect();
    let mut ranked = Vec::new();
    for u in 0..m {
        let columns = grid.value.iter().zip(&grid.points).zip(&grid.cells);
        for (node, ((value, points), cells)) in nodes.iter_mut().zip(columns) {
            node.value = value[u];
            // An empty points column is all NaN.
            node.points = points.get(u).copied().unwrap_or(f64::NAN);
            node.cell = cells[u];
        }
        explain_row(fw, &mut nodes, &tops, u, &mut out, &mut ranked);
        push_opportunities(&mut out, top_n, &mut ranked);
    }
    out
}

/// One node's cells in the row being explained, and its working space (reused from row to
/// row).
#[derive(Clone, Copy)]
struct Node {
    value: f64,
    points: f64,
    cell: Cell,
    /// Its share of the row's total.
    share: f64,
    /// How the row's total moves with its value and with its points, each other node as it
    /// is, while it and every node above it count in linear parents (NaN: not so; a
    /// leaf's gain is then re-aggregated along its path).
    rate: (f64, f64),
    /// The sum of its children's additive terms.
    term_sum: f64,
    /// Its sums over its children (when linear), and its part of its parent's.
    sums: Part,
    part: Part,
    /// How it enters its parent.
    split: Split,
    /// Whether its sums can be updated child by child (a points sum or weighted arithmetic
    /// mean without a coverage threshold); other nodes are re-aggregated in full.
    linear: bool,
    /// Its aggregator is a points sum.
    points_sum: bool,
    /// Its max points, parent and whether it has no children (from the plan).
    max: Option<f64>,
    parent: usize,
    leaf: bool,
}

/// Explains row `u` (its cells in `nodes`) into `out`, and puts its positive gains in
/// `ranked` as (gain, node), in framework order.
fn explain_row(
    fw: &Framework,
    nodes: &mut [Node],
    tops: &Tops,
    u: usize,
    out: &mut Explanations,
    ranked: &mut Vec<(f64, usize)>,
) {
    let plan = &fw.plan;
    let root = plan.root;
    let has_points = !nodes[root].points.is_nan();
    let total = |v: f64, p: f64| if has_points { p } else { v };
    let old_total = total(nodes[root].value, nodes[root].points);

    // Each node's sum of its children's additive terms (for contributions) and, for linear
    // nodes, its sums and each child's part of them (for gains), in one pass.
    for &p in &plan.post_order {
        // A sum over the children, as f64's `Sum` starts it; NaN if a term is not additive.
        let (mut t, mut sum) = (-0.0, NO_PART);
        for &c in &plan.children[p] {
            let child = &mut nodes[c];
            let (x, counted) = child.split.apply(child.value, child.points);
            t += x;
            child.part = match counted {
                Some((x, y)) => {
                    sum = (sum.0 + x, sum.1 + y, sum.2 + 1);
                    (x, y, 1)
                }
                None => NO_PART,
            };
        }
        let parent = &mut nodes[p];
        parent.term_sum = t;
        parent.sums = sum;
    }

    // Contributions: split each node's share of the total among its children in proportion
    // to their additive terms. Exact for points sums and weighted arithmetic means.
    // Rates, in the same pass: the total is the root's points or its value.
    nodes[root].share = old_total;
    nodes[root].rate = if has_points { (0.0, 1.0) } else { (1.0, 0.0) };
    for &i in &plan.pre_order {
        let parent = &nodes[nodes[i].parent];
        let (kept, sum, above) = (parent.cell.kept(), parent.term_sum, parent.share);
        let rate = Sums::rate(parent, nodes[i].split);
        let node = &mut nodes[i];
        node.share = if kept {
            f64::NAN
        } else if sum == 0.0 {
            0.0
        } else {
            above * node.split.apply(node.value, node.points).0 / sum
        };
        node.rate = rate;
    }

    // Gains: each leaf's change times its rates, or its path re-aggregated with it at its
    // best.
    let row = u * plan.n..(u + 1) * plan.n;
    let top = tops.row(u);
    ranked.clear();
    let outs = out.explained[row.clone()]
        .iter_mut()
        .zip(&mut out.contribution[row.clone()])
        .zip(&mut out.gain[row]);
    for (i, (node, ((explained, contribution), gain_out))) in nodes.iter().zip(outs).enumerate() {
        let given = node.cell == Cell::Given;
        if !(given || (node.leaf && node.cell != Cell::Covered)) {
            continue;
        }
        let best = if given {
            1.0
        } else {
            top.map_or(f64::NAN, |t| t[i])
        };
        let gain = if best.is_nan() || old_total.is_nan() {
            f64::NAN
        } else if node.value >= best {
            0.0
        } else if !node.value.is_nan() && !node.rate.0.is_nan() {
            // The leaf counts and so does every node above it: its change times its rates
            // (a leaf without points has a points rate of 0).
            let dp = node.max.map_or(0.0, |m| best * m - node.points);
            node.rate.0 * (best - node.value) + node.rate.1 * dp
        } else {
            // Missing, or below a node that is not linear: re-aggregated along its path.
            at_best(plan, nodes, i, best).map_or(0.0, |(v, p)| total(v, p) - old_total)
        };
        *explained = true;
        *contribution = node.share;
        *gain_out = gain;
        if gain > 0.0 {
            ranked.push((gain, i));
        }
    }
}

/// The root's (value, points) with node `i` at value `best`, everything else as in the row
/// in `nodes`: the path re-aggregated up, a linear node by replacing one child's part of its
/// sums. `None` when the change stops on the way (a part of the sums or a node's value that
/// comes out the same): the total is as it is. A value the path's aggregators cannot take
/// gives NaN.
fn at_best(plan: &Plan, nodes: &[Node], i: usize, best: f64) -> Option<(f64, f64)> {
    let mut vp = (best, nodes[i].max.map_or(f64::NAN, |m| best * m));
    let mut c = i;
    while nodes[c].parent != NO_PARENT {
        let up = nodes[c].parent;
        let (child, parent) = (&nodes[c], &nodes[up]);
        vp = if parent.linear {
            Sums::replacing(parent, child, vp)?
        } else {
            let now = vp;
            aggregate_with(plan, up, |x| {
                if x == c {
                    now
                } else {
                    (nodes[x].value, nodes[x].points)
                }
            })
            .unwrap_or((f64::NAN, f64::NAN))
        };
        // The same bits (any NaN the same as any other: NaN's bits differ between targets).
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan();
        if same(vp.0, parent.value) && same(vp.1, parent.points) {
            return None;
        }
        c = up;
    }
    Some(vp)
}

/// The `top_n` largest of a row's positive gains in `ranked` (in framework order), equal
/// gains in framework order, appended to `out`'s opportunities. Only those are sorted (a row
/// has one gain per leaf, and asks for a handful).
fn push_opportunities(out: &mut Explanations, top_n: usize, ranked: &mut Vec<(f64, usize)>) {
    let order = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if ranked.len() > top_n {
        ranked.select_nth_unstable_by(top_n, order);
        ranked.truncate(top_n);
    }
    ranked.sort_unstable_by(order);
    out.opportunities
        .extend(ranked.iter().map(|&(gain, i)| (i, gain)));
    out.starts.push(out.opportunities.len());
}

/// The best reachable value of every leaf for every row: the normaliser's fixed top, or
/// else the best value in the row's period.
struct Tops {
    n1: usize,
    /// Each row's period group (`usize::MAX`: none).
    group: Vec<usize>,
    /// `n + 1` per group.
    top: Vec<f64>,
}

impl Tops {
    fn of(
        fw: &Framework,
        value: &[Vec<f64>],
        groups: &[(Option<i32>, Vec<usize>)],
        m: usize,
    ) -> Tops {
        let plan = &fw.plan;
        let n1 = plan.n + 1;
        let mut tops = Tops {
            n1,
            group: vec![usize::MAX; m],
            top: vec![f64::NAN; groups.len() * n1],
        };
        for (g, (_, members)) in groups.iter().enumerate() {
            for (i, column) in value.iter().enumerate().take(plan.n) {
                tops.top[g * n1 + i] = plan.leaf_top_value(i).unwrap_or_else(|| {
                    members
                        .iter()
                        .map(|&u| column[u])
                        .filter(|v| !v.is_nan())
                        .fold(f64::NAN, f64::max)
                });
            }
            for &u in members {
                tops.group[u] = g;
            }
        }
        tops
    }

    /// Row `u`'s tops (`None`: the row is in no period group).
    fn row(&self, u: usize) -> Option<&[f64]> {
        match self.group[u] {
            usize::MAX => None,
            g => Some(&self.top[g * self.n1..(g + 1) * self.n1]),
        }
    }
}

/// How child `c` enters parent `p`'s aggregate, for explanations.
#[derive(Clone, Copy)]
enum Split {
    /// Under a points sum, with the child's max points.
    Points(f64),
    /// Under a weighted arithmetic mean, with the child's weight.
    Weighted(f64),
    /// Under an aggregator that is not additive.
    Other,
}

impl Split {
    fn of(plan: &Plan, p: usize, c: usize) -> Split {
        match plan.aggregate[p] {
            Aggregator::PointsSum => Split::Points(plan.max[c].unwrap_or(0.0)),
            Aggregator::WeightedMean => Split::Weighted(plan.weight[c]),
            _ => Split::Other,
        }
    }

    /// The child's additive term at value `v` and points `pts` (points under a points sum,
    /// w·v under a weighted mean, 0 when missing or of no max; NaN when the aggregator is not
    /// additive), and its part of the parent's sums if it counts: (points, max) under a
    /// points sum (as `points_sum` counts them), (w·v, w) under a weighted mean.
    #[inline]
    fn apply(self, v: f64, pts: f64) -> (f64, Option<(f64, f64)>) {
        match self {
            Split::Other => (f64::NAN, None),
            _ if v.is_nan() => (0.0, None),
            Split::Points(0.0) => (0.0, None),
            Split::Points(m) => (pts, Some((pts, m))),
            Split::Weighted(w) => (w * v, (w > 0.0).then_some((w * v, w))),
        }
    }
}

/// A linear node's sums over its children, or one child's part of them: points sum: (Σ
/// points, Σ max, children counted); weighted mean: (Σ w·v, Σ w, count).
type Part = (f64, f64, u32);

/// The part of a child that does not count.
const NO_PART: Part = (0.0, 0.0, 0);

/// The arithmetic of each linear node's sums over its children, so that replacing one child
/// costs O(1) and a leaf's gain costs its depth, not the size of its siblings (a flat
/// framework of 100,000 leaves would otherwise take 10¹⁰ steps per unit). Points sum:
/// (Σ points, Σ max, children counted); weighted mean: (Σ w·v, Σ w, count).
struct Sums;

impl Sums {
    /// A linear `parent`'s (value, points) from its sums with `child`'s part changed to that
    /// of the child's new `(value, points)` (`None`: the part is the same, and so is the
    /// parent).
    fn replacing(parent: &Node, child: &Node, new: (f64, f64)) -> Option<(f64, f64)> {
        // Taking out or putting in a part that does not count (zeros) changes nothing: the
        // sums start at +0.0 and so are never -0.0, the one value adding +0.0 would change.
        let (x, y, n) = match child.split.apply(new.0, new.1).1 {
            Some((x, y)) => (x, y, 1),
            None => NO_PART,
        };
        let (sums, old) = (parent.sums, child.part);
        if (x, y, n) == old {
            return None;
        }
        let (a, b, k) = (sums.0 - old.0 + x, sums.1 - old.1 + y, sums.2 - old.2 + n);
        let max = parent.max;
        Some(if parent.points_sum {
            if k == 0 {
                return Some((f64::NAN, f64::NAN));
            }
            let v = a / b;
            let total = max.unwrap_or(0.0);
            (v, if b == total { a } else { v * total })
        } else if b > 0.0 {
            let v = a / b;
            (v, max.map_or(f64::NAN, |m| v * m))
        } else {
            (f64::NAN, f64::NAN)
        })
    }

    /// The rates of a child entering `parent` by `split` (see [`Node::rate`]), from the
    /// parent's: under a weighted mean, the parent's value moves by w / Σw of the child's
    /// value (its points by its max times that); under a points sum, by 1 / Σmax of the
    /// child's points (its points by the same, or one for one when every child counts, as
    /// [`points_sum`](crate::methods::aggregate) scales them). A child of weight 0 or no
    /// max moves nothing; under a parent that is missing or not linear, NaN.
    fn rate(parent: &Node, split: Split) -> (f64, f64) {
        let (kv, kp) = parent.rate;
        if !parent.linear || parent.value.is_nan() || kv.is_nan() {
            return (f64::NAN, f64::NAN);
        }
        // A parent without points has a points rate of 0 (nothing above counts them).
        let (b, max) = (parent.sums.1, parent.max.unwrap_or(0.0));
        match split {
            Split::Weighted(w) if w > 0.0 => ((kv + kp * max) * w / b, 0.0),
            Split::Points(m) if m != 0.0 => {
                let points = if b == max { kp } else { kp * max / b };
                (0.0, kv / b + points)
            }
            // Weight 0 or no max (a linear parent's children are never `Other`).
            _ => (0.0, 0.0),
        }
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

    /// Each unit's explanation does not depend on where its row falls (the working space is
    /// reused from row to row, and a cohort reversed puts every row elsewhere), and its
    /// contributions add up to its total (a points sum splits exactly).
    #[test]
    fn explanations_do_not_depend_on_the_row_order() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let codes: Vec<String> = fw.leaves().map(|n| n.code.clone()).collect();
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let m = 101;
        let units: Vec<UnitRecord> = (0..m)
            .map(|u| {
                let mut r = UnitRecord::new(&format!("U{u}")).period(2020 + (u % 2));
                for c in &codes {
                    if next() > 0.2 {
                        r = r.value(c, (next() * 100.0).round() / 100.0);
                    }
                }
                r
            })
            .collect();
        let forward = fw.score(&units).unwrap();
        let reversed: Vec<UnitRecord> = units.iter().rev().cloned().collect();
        let backward = fw.score(&reversed).unwrap();
        for u in &forward.units {
            let v = backward.units.iter().find(|v| v.unit == u.unit).unwrap();
            assert_eq!(
                format!("{:?}", u.explanation),
                format!("{:?}", v.explanation)
            );
            let e = u.explanation.as_ref().unwrap();
            let sum: f64 = e.leaves.iter().filter_map(|l| l.contribution).sum();
            assert!((sum - u.points.unwrap()).abs() < 1e-9, "{}: {sum}", u.unit);
        }
    }

    /// Rows and nodes out of range, and a framework other than the one that scored, give
    /// nothing rather than a panic.
    #[test]
    fn out_of_range_asks_give_nothing() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let units = [UnitRecord::new("X").value("GOV", 0.5)];
        let opts = crate::ColumnOptions::default().explain(true);
        let s = crate::score_records(&fw, &units, &opts).unwrap();
        let e = s.explanations.as_ref().unwrap();
        assert!(e.leaves(0).count() > 0 && s.explanation(&fw, 0).is_some());
        for u in [1, usize::MAX / 2, usize::MAX] {
            assert_eq!(e.leaves(u).count(), 0);
            assert_eq!(e.opportunities(u).count(), 0);
            assert_eq!((e.contribution(u, 0), e.gain(u, usize::MAX)), (None, None));
            assert!(s.explanation(&fw, u).is_none());
        }
        assert_eq!(e.contribution(0, usize::MAX), None);
        let other = Framework::builtin("vn-pdti-2020").unwrap();
        assert!(s.explanation(&other, 0).is_none());
    }

    /// A gain under an aggregator that is not linear is the path re-aggregated: the
    /// geometric mean of A 0.25 and C 0.64 is 0.4; A at 1 → 0.8 (gain 0.4), C at 1 → 0.5
    /// (gain 0.1).
    #[test]
    fn gains_under_a_geometric_mean_by_hand() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "geometric_mean"},
            "nodes": [{"code": "A", "name_vi": "A"}, {"code": "C", "name_vi": "C"}]}"#,
        )
        .unwrap();
        let gains = gains(&fw, UnitRecord::new("X").value("A", 0.25).value("C", 0.64));
        close(&gains, &[("A", 0.4), ("C", 0.1)], 1e-12);
    }

    /// A leaf whose change cannot reach the total (under a group of weight 0, or of no
    /// points) gains exactly 0, not the total's rounding: DTI 2022's smart-city leaf (0
    /// points) in a cohort, and a zero-weight group of a weighted mean.
    #[test]
    fn a_leaf_that_cannot_move_the_total_gains_exactly_zero() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let codes: Vec<String> = fw.leaves().map(|n| n.code.clone()).collect();
        let units: Vec<UnitRecord> = (0..40)
            .map(|u| {
                let mut r = UnitRecord::new(&format!("U{u}"));
                for (k, c) in codes.iter().enumerate() {
                    r = r.value(c, ((u * 37 + k * 11) % 97) as f64 / 97.0);
                }
                r
            })
            .collect();
        let s = fw.score(&units).unwrap();
        let mut seen = 0;
        for u in &s.units {
            let e = u.explanation.as_ref().unwrap();
            for l in e.leaves.iter().filter(|l| l.code == "SMART") {
                assert_eq!(l.gain, Some(0.0), "{}", u.unit);
                seen += 1;
            }
            assert!(e.opportunities.iter().all(|o| o.gain > 1e-9), "{}", u.unit);
        }
        assert_eq!(seen, units.len());

        // A weighted mean of A, B (weight 1) and Z (weight 0); Z's leaves move Z, not the
        // index.
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
            "nodes": [
            {"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"},
            {"code": "Z", "name_vi": "Z", "weight": 0},
            {"code": "Z1", "parent": "Z", "name_vi": "Z1"}, {"code": "Z2", "parent": "Z", "name_vi": "Z2"}]}"#,
        )
        .unwrap();
        let values = [0.1, 0.7, 0.3, 0.9, 0.2, 0.6, 0.3, 0.8];
        for (k, pair) in values.windows(2).enumerate() {
            let unit = UnitRecord::new("X")
                .value("A", pair[0])
                .value("B", pair[1])
                .value("Z1", values[k % 3])
                .value("Z2", 0.5);
            for (code, gain) in gains(&fw, unit) {
                if code.starts_with('Z') {
                    assert_eq!(gain, 0.0, "{code} at {pair:?}");
                }
            }
        }
    }

    /// A gain is rounded as a number of its own size, not as the total it changes: B at
    /// 1 − 2⁻⁴⁰ of its 400 points gains 400 · 2⁻⁴⁰ exactly, whatever A's and C's points (the
    /// total now is rounded once from its exact sum; a total at best summed otherwise would
    /// be some 2⁻⁴⁴ off, a part in 6,400 of this gain).
    #[test]
    fn a_small_gain_is_not_lost_in_the_totals_rounding() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
            {"code": "A", "name_vi": "A", "max_points": 300}, {"code": "B", "name_vi": "B", "max_points": 400},
            {"code": "C", "name_vi": "C", "max_points": 300}]}"#,
        )
        .unwrap();
        let b = 1.0 - 2f64.powi(-40);
        for (a, c) in [
            (0.1, 0.2),
            (0.652, 0.789),
            (0.094, 0.028),
            (0.836, 0.433),
            (0.901, 0.031),
        ] {
            let unit = UnitRecord::new("X")
                .value("A", a)
                .value("B", b)
                .value("C", c);
            let gain = gains(&fw, unit)[1].clone();
            assert_eq!(
                gain,
                ("B".into(), 400.0 * 2f64.powi(-40)),
                "A at {a}, C at {c}"
            );
        }
    }

    /// Gains under weighted means of unequal weights, by hand: the index is (A + 3·G)/4,
    /// G = (G1 + 2·G2)/3, each leaf's best 1. A 0.5, G1 0.2, G2 0.8: G 0.6, index 0.575;
    /// A at 1 → 0.7 (gain 0.125), G1 at 1 → G 0.8667, index 0.775 (0.2), G2 at 1 → G
    /// 0.7333, index 0.675 (0.1). With G2 missing and renormalised: G 0.2, index 0.275; G2
    /// at 1 → G 0.7333, index 0.675 (0.4); G1 at 1 → G 1, index 0.875 (0.6). On a scale of
    /// 1000 points the total is the points, and every gain is 1000 times as many points.
    #[test]
    fn gains_under_weighted_means_by_hand() {
        for (scale, times) in [("", 1.0), (r#""scale": 1000,"#, 1000.0)] {
            let fw = Framework::from_json(&format!(
                r#"{{"schema_version": 1, "id": "t", "name_vi": "T", {scale}
                "aggregate": {{"method": "weighted_mean"}}, "missing": "renormalise", "nodes": [
                {{"code": "A", "name_vi": "A"}}, {{"code": "G", "name_vi": "G", "weight": 3}},
                {{"code": "G1", "parent": "G", "name_vi": "G1"}},
                {{"code": "G2", "parent": "G", "name_vi": "G2", "weight": 2}}]}}"#
            ))
            .unwrap();
            let full = UnitRecord::new("X").value("A", 0.5).value("G1", 0.2);
            let want = [("A", 0.125), ("G1", 0.2), ("G2", 0.1)].map(|(c, g)| (c, g * times));
            close(
                &gains(&fw, full.clone().value("G2", 0.8)),
                &want,
                1e-12 * times,
            );
            let want = [("A", 0.125), ("G1", 0.6), ("G2", 0.4)].map(|(c, g)| (c, g * times));
            close(&gains(&fw, full), &want, 1e-12 * times);
        }
    }

    /// Each explained leaf's (code, gain) for `unit` scored alone, in framework order.
    fn gains(fw: &Framework, unit: UnitRecord) -> Vec<(String, f64)> {
        let s = fw.score(&[unit]).unwrap();
        let e = s.units[0].explanation.clone().unwrap();
        let gain = |l: &crate::model::result::LeafExplanation| l.gain.expect("a gain");
        e.leaves.iter().map(|l| (l.code.clone(), gain(l))).collect()
    }

    /// Whether `got` names `want`'s leaves, in order, with gains within `tolerance`.
    fn close(got: &[(String, f64)], want: &[(&str, f64)], tolerance: f64) {
        assert_eq!(got.len(), want.len(), "{got:?}");
        for ((code, g), (c, w)) in got.iter().zip(want) {
            assert!(
                code == c && (g - w).abs() < tolerance,
                "{code} {g} vs {c} {w}"
            );
        }
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
