//! The arithmetic of scoring, on the grid: leaf values resolved by their rules,
//! normalisation within each period (or pooled), aggregation bottom-up (whole columns for
//! the linear aggregators), and the views.
//!
//! Formulas: the normalisers in `methods/normalise.rs` and the aggregators in
//! `methods/aggregate.rs`, each with its source (Decision 922/QĐ-BTTTT for points; the
//! OECD/JRC Handbook 2008 §5–6 for the composite-indicator methods).

use super::grid::{Cell, ColumnGrid, Grid, Strided, UnitIds, Units};
use crate::error::{InputErrorKind, ScoreError};
use crate::methods::aggregate::{aggregate_with, copeland, linear, linear_columns, points_sum};
use crate::methods::normalise::{Normaliser, Ties};
use crate::methods::scan::no_nan;
use crate::model::definition::{Aggregator, Rule};
use crate::model::framework::Framework;
use crate::model::input::Value;
use crate::model::plan::Plan;
use crate::model::rules::{given_value, score_leaf, Scored};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// Units grouped by period, in order of first appearance of each period.
pub(crate) type Groups = Vec<(Option<i32>, Vec<usize>)>;

/// The groups normalisation runs over: every period apart, or all pooled.
pub(crate) fn normalisation_groups(
    rank_groups: &[(Option<i32>, Vec<usize>)],
    m: usize,
    pool: bool,
) -> Vec<(Option<i32>, Vec<usize>)> {
    if pool {
        vec![(None, (0..m).collect())]
    } else {
        rank_groups.to_vec()
    }
}

pub(crate) use crate::methods::ranks::group_by_period;

/// A reported value of node `i` as its cell: `(value, points, state)` — scored by the leaf's
/// rule (raw, awaiting normalisation, for cohort-relative rules) or given directly for a node
/// with children.
#[inline]
pub(crate) fn resolve_value(
    plan: &Plan,
    i: usize,
    v: &Value,
) -> Result<(f64, f64, Cell), InputErrorKind> {
    // Most entries of a cohort-relative framework, without the rule call.
    if let (&Value::Number(x), Some(sign)) = (v, raw_sign(plan, i)) {
        if x.is_finite() {
            return Ok((sign * x, f64::NAN, Cell::Raw));
        }
    }
    resolve_by_rule(plan, i, v)
}

/// The sign a finite number reported for node `i` is multiplied by to become its raw cell,
/// when the node's rule normalises within the cohort (its direction: what `score_leaf` makes
/// of the number); `None` for any other rule.
#[inline]
pub(crate) fn raw_sign(plan: &Plan, i: usize) -> Option<f64> {
    matches!(plan.rule[i], Some(Rule::Normalised { .. })).then(|| plan.direction[i])
}

/// [`resolve_value`] through the node's rule.
fn resolve_by_rule(plan: &Plan, i: usize, v: &Value) -> Result<(f64, f64, Cell), InputErrorKind> {
    let scored = match &plan.rule[i] {
        Some(rule) => score_leaf(rule, plan.direction[i], plan.max[i], v),
        None => given_value(v, plan.max[i]),
    }?;
    Ok(match scored {
        Scored::Final { value, points } if plan.rule[i].is_some() => (value, points, Cell::Scored),
        Scored::Final { value, points } => (value, points, Cell::Given),
        Scored::Raw(x) => (x, f64::NAN, Cell::Raw),
    })
}

/// Normalises every cohort-relative leaf within each group of units.
///
/// Formulas: see [`Normaliser`] (each cites its source); a leaf is normalised over the
/// units of its group that reported it, and units that did not report it stay missing
/// (policy `zero`: 0 after normalisation, so the zero does not distort the statistics).
pub(crate) fn normalise_leaves<U: Units + ?Sized>(
    plan: &Plan,
    fw: &Framework,
    units: &U,
    groups: &[(Option<i32>, Vec<usize>)],
    ties: Ties,
    grid: &mut impl Grid,
) -> Result<(), ScoreError> {
    let mut x = Vec::new();
    let mut out = Vec::new();
    for i in 0..plan.n {
        let Some(normaliser) = &plan.normaliser[i] else {
            continue;
        };
        for (period, members) in groups {
            let col = grid.node(i);
            normalise_leaf(
                plan, fw, units, i, normaliser, *period, members, col, ties, &mut x, &mut out,
            )?;
        }
    }
    Ok(())
}

/// Normalises leaf `i` (its cells: `col`) over one group of units (`x` and `out` are scratch
/// buffers).
#[allow(clippy::too_many_arguments)]
pub(crate) fn normalise_leaf<U: Units + ?Sized>(
    plan: &Plan,
    fw: &Framework,
    units: &U,
    i: usize,
    normaliser: &Normaliser,
    period: Option<i32>,
    members: &[usize],
    col: Strided<'_>,
    ties: Ties,
    x: &mut Vec<f64>,
    out: &mut Vec<f64>,
) -> Result<(), ScoreError> {
    let reference = match normaliser {
        Normaliser::DistanceToReference { unit, .. } => {
            members.iter().position(|&u| units.id(u) == unit)
        }
        _ => None,
    };
    let failed = |source| ScoreError::Normalise {
        indicator: fw.def.nodes[i].code.clone(),
        period,
        source,
    };
    // The common case — a whole column (one period, column layout) that every unit
    // reported — normalises the column in place: no gathering, one pass to write back.
    let whole = col.stride == 1 && col.offset == 0 && members.len() == col.cells.len();
    if whole && !members.is_empty() && col.cells.iter().all(|&c| c == Cell::Raw) {
        out.clear();
        normaliser
            .normalise_into(col.value, plan.direction[i], reference, ties, out)
            .map_err(failed)?;
        col.value.copy_from_slice(out);
        let max = plan.max[i];
        for (p, &y) in col.points.iter_mut().zip(out.iter()) {
            *p = max.map_or(f64::NAN, |m| y * m);
        }
        col.cells.fill(Cell::Scored);
        return Ok(());
    }
    let at = |u: usize| u * col.stride + col.offset;
    x.clear();
    x.extend(members.iter().map(|&u| {
        let k = at(u);
        if col.cells[k] == Cell::Raw {
            col.value[k]
        } else {
            f64::NAN
        }
    }));
    out.clear();
    // Nobody reported it: nothing to normalise, the missing policy decides.
    if x.iter().any(|v| !v.is_nan()) {
        normaliser
            .normalise_into(x, plan.direction[i], reference, ties, out)
            .map_err(failed)?;
    } else {
        out.resize(x.len(), f64::NAN);
    }
    let max = plan.max[i];
    for (&u, &y) in members.iter().zip(out.iter()) {
        let k = at(u);
        match col.cells[k] {
            // A node without max points may have no points column at all (columnar input).
            Cell::Raw => {
                col.value[k] = y;
                if let Some(p) = col.points.get_mut(k) {
                    *p = max.map_or(f64::NAN, |m| y * m);
                }
                col.cells[k] = Cell::Scored;
            }
            Cell::Empty => {
                // Only policy `zero` leaves normalised cells empty.
                col.value[k] = 0.0;
                if let Some(p) = col.points.get_mut(k) {
                    *p = max.map_or(f64::NAN, |_| 0.0);
                }
                col.cells[k] = Cell::Missing;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Aggregates every unit bottom-up, node by node (Copeland compares the units of a period);
/// given and covered nodes keep what they have. `units` lists the units to aggregate.
///
/// Formulas: see `methods/aggregate.rs` (points sum per Decision 922/QĐ-BTTTT, the means per the
/// OECD/JRC Handbook 2008 §6).
pub(crate) fn aggregate_all<U: Units + ?Sized>(
    fw: &Framework,
    plan: &Plan,
    units: &U,
    groups: &[(Option<i32>, Vec<usize>)],
    grid: &mut impl Grid,
) -> Result<(), ScoreError> {
    for &i in &plan.post_order {
        aggregate_node(fw, plan, units, groups, i, 0..units.count(), grid)?;
    }
    Ok(())
}

/// Aggregates node `i` for the units in `range` (Copeland: for every group, whatever the
/// range).
pub(crate) fn aggregate_node<U: Units + ?Sized>(
    fw: &Framework,
    plan: &Plan,
    units: &U,
    groups: &[(Option<i32>, Vec<usize>)],
    i: usize,
    range: std::ops::Range<usize>,
    grid: &mut impl Grid,
) -> Result<(), ScoreError> {
    let keep = |c: Cell| matches!(c, Cell::Given | Cell::Covered);
    if plan.aggregate[i] == Aggregator::Copeland {
        for (_, members) in groups {
            let scores = copeland(plan, i, members, |u, c| grid.get(u, c).0);
            for (&u, s) in members.iter().zip(scores) {
                if !keep(grid.cell(u, i)) {
                    grid.set(u, i, s, f64::NAN, Cell::Aggregated);
                }
            }
        }
        return Ok(());
    }
    for u in range {
        if keep(grid.cell(u, i)) {
            continue;
        }
        let (v, p) = aggregate_with(plan, i, |c| grid.get(u, c))
            .map_err(|bad| aggregate_error(fw, plan, units, u, i, bad))?;
        if v.is_infinite() || p.is_infinite() {
            return Err(overflow(fw, plan, units, u, i));
        }
        grid.set(u, i, v, p, Cell::Aggregated);
    }
    Ok(())
}

/// A node's code for errors (the framework id for the index).
pub(crate) fn node_code(fw: &Framework, plan: &Plan, i: usize) -> String {
    if i == plan.root {
        fw.def.id.clone()
    } else {
        fw.def.nodes[i].code.clone()
    }
}

/// The error for node `i` of unit `u` whose aggregate is infinite.
pub(crate) fn overflow<U: Units + ?Sized>(
    fw: &Framework,
    plan: &Plan,
    units: &U,
    u: usize,
    i: usize,
) -> ScoreError {
    ScoreError::Overflow {
        unit: units.id(u).to_owned(),
        period: units.period(u),
        node: node_code(fw, plan, i),
        method: plan.aggregate[i].name().to_owned(),
    }
}

/// The error for node `i` of unit `u` whose aggregator cannot take a child's value.
pub(crate) fn aggregate_error<U: Units + ?Sized>(
    fw: &Framework,
    plan: &Plan,
    units: &U,
    u: usize,
    i: usize,
    bad: crate::methods::aggregate::BadChild,
) -> ScoreError {
    ScoreError::Aggregate {
        unit: units.id(u).to_owned(),
        period: units.period(u),
        node: node_code(fw, plan, i),
        method: plan.aggregate[i].name().to_owned(),
        child: fw.def.nodes[bad.child].code.clone(),
        value: bad.value,
    }
}

/// A grid scored: every node's cells in the grid, the views' `(value, points)` columns,
/// and the period groups ranks are taken within.
pub(crate) struct ScoredGrid {
    pub grid: ColumnGrid,
    pub views: Vec<(Vec<f64>, Vec<f64>)>,
    pub rank_groups: Groups,
}

/// Normalises, aggregates and sums the views of a checked grid. `release`: the caller
/// reads no node's column but the index's and the views' members' — each other node's
/// values and points are let go once its parent is aggregated (a million units: 16 MB a
/// node), so the grid's peak is its leaves, not every node; its cells stay. The rows' ids
/// and periods are let go once the nodes are made, before the views' columns (native).
pub(crate) fn score_grid(
    fw: &Framework,
    mut grid: ColumnGrid,
    units: UnitIds<'_>,
    pool_periods: bool,
    ties: Ties,
    release: bool,
) -> Result<ScoredGrid, ScoreError> {
    let plan = &fw.plan;
    let m = grid.units();
    let rank_groups = group_by_period(&units.periods);
    // (Not made when nothing is normalised: a copy of every row number.)
    let norm_groups = if plan.normaliser.iter().any(Option::is_some) {
        normalisation_groups(&rank_groups, m, pool_periods)
    } else {
        Vec::new()
    };
    // A column normalised as it was read had only finite numbers, so it has no NaN now.
    let mut complete: Vec<Option<bool>> = (0..grid.value.len())
        .map(|i| grid.is_normalised(i).then_some(true))
        .collect();
    // An adapter defers points only where nothing but sums will read them.
    #[cfg(feature = "parallel")]
    debug_assert!((0..grid.deferred.len())
        .all(|i| grid.deferred(i).is_none() || (release && may_defer_points(plan, i))));
    normalise_columns(fw, &mut grid, &units, &norm_groups, ties)?;
    let mut scratch = Vec::new();
    for &i in &plan.post_order {
        aggregate_column(
            fw,
            &mut grid,
            &units,
            &rank_groups,
            i,
            &mut scratch,
            &mut complete,
        )?;
        if release {
            for &c in &plan.children[i] {
                if !plan.views.iter().any(|members| members.contains(&c)) {
                    grid.value[c] = Vec::new();
                    grid.points[c] = Vec::new();
                    #[cfg(feature = "parallel")]
                    if let Some(d) = grid.deferred.get_mut(c) {
                        *d = None;
                    }
                }
            }
        }
    }
    // Not read past here: let go before the views' columns are made (a large panel's peak;
    // native only, feature `parallel`: the browser package's size is budgeted).
    #[cfg(feature = "parallel")]
    drop((units, norm_groups, scratch));
    let views = plan
        .views
        .iter()
        .map(|members| view_column(plan, &grid, members))
        .collect();
    // (A view's members may still defer theirs: with `release` they are let go unread.)
    Ok(ScoredGrid {
        grid,
        views,
        rank_groups,
    })
}

/// Whether node `i`'s points may be left unmade when the grid releases each node once its
/// parent is made (no node returned, ranked or explained): only its parent's points sum and
/// the views read them, and both sum value × max points as they are read.
#[cfg(feature = "parallel")]
pub(crate) fn may_defer_points(plan: &Plan, i: usize) -> bool {
    let parent = plan
        .parent
        .get(i)
        .copied()
        .unwrap_or(crate::model::plan::NO_PARENT);
    parent != crate::model::plan::NO_PARENT
        && plan.aggregate.get(parent) == Some(&Aggregator::PointsSum)
}

/// Each normalised leaf over its groups (in parallel with feature `parallel`); the first
/// error in node order is the one reported.
fn normalise_columns(
    fw: &Framework,
    grid: &mut ColumnGrid,
    units: &UnitIds<'_>,
    groups: &Groups,
    ties: Ties,
) -> Result<(), ScoreError> {
    let plan = &fw.plan;
    let done = std::mem::take(&mut grid.normalised);
    // `scratch`: the gather and output buffers, one pair per thread for every column.
    let normalise =
        |scratch: &mut Scratch, (i, ((value, points), cells)): (usize, NodeColumnMut<'_>)| {
            let Some(normaliser) = plan.normaliser.get(i).and_then(Option::as_ref) else {
                return Ok(());
            };
            if done.get(i).copied().unwrap_or(false) {
                return Ok(());
            }
            let (x, out) = scratch;
            for (period, members) in groups {
                let col = Strided {
                    value,
                    points,
                    cells,
                    stride: 1,
                    offset: 0,
                };
                normalise_leaf(
                    plan, fw, units, i, normaliser, *period, members, col, ties, x, out,
                )?;
            }
            Ok(())
        };
    #[cfg(feature = "parallel")]
    let outcomes: Vec<Result<(), ScoreError>> = if parallel_worth_it(grid) {
        grid.value
            .par_iter_mut()
            .zip(grid.points.par_iter_mut())
            .zip(grid.cells.par_iter_mut())
            .enumerate()
            .map_init(Scratch::default, normalise)
            .collect()
    } else {
        serial(grid, normalise)
    };
    #[cfg(not(feature = "parallel"))]
    let outcomes: Vec<Result<(), ScoreError>> = serial(grid, normalise);
    outcomes.into_iter().collect()
}

/// Cells below which a second thread costs more than it saves (measured: a 63 × 98 cohort
/// scores slower with rayon than without).
#[cfg(feature = "parallel")]
pub(crate) const PARALLEL_CELLS: usize = 1 << 16;

/// Whether a grid is big enough to normalise its columns in parallel.
#[cfg(feature = "parallel")]
pub(crate) fn parallel_worth_it(grid: &ColumnGrid) -> bool {
    grid.units() * grid.value.len() >= PARALLEL_CELLS
}

/// Scratch buffers of [`normalise_leaf`] (gathered values, normalised values).
type Scratch = (Vec<f64>, Vec<f64>);

fn serial(
    grid: &mut ColumnGrid,
    f: impl Fn(&mut Scratch, (usize, NodeColumnMut<'_>)) -> Result<(), ScoreError>,
) -> Vec<Result<(), ScoreError>> {
    let mut scratch = Scratch::default();
    grid.value
        .iter_mut()
        .zip(grid.points.iter_mut())
        .zip(grid.cells.iter_mut())
        .enumerate()
        .map(|c| f(&mut scratch, c))
        .collect()
}

/// One node's value, points and cells columns, borrowed for writing.
type NodeColumnMut<'a> = ((&'a mut Vec<f64>, &'a mut Vec<f64>), &'a mut Vec<Cell>);

/// Aggregates node `i`: points sums and weighted means over whole columns (bit for bit the
/// unit-by-unit formula), the rest unit by unit; given and covered cells keep what they have.
/// `complete` caches, per node, whether its value column holds no NaN (`None`: not looked
/// at yet): over complete children the linear kernels skip their per-cell checks.
fn aggregate_column(
    fw: &Framework,
    grid: &mut ColumnGrid,
    units: &UnitIds<'_>,
    groups: &Groups,
    i: usize,
    scratch: &mut Vec<u32>,
    complete: &mut [Option<bool>],
) -> Result<(), ScoreError> {
    let plan = &fw.plan;
    if linear(plan.aggregate[i]) {
        for &c in &plan.children[i] {
            if complete[c].is_none() {
                complete[c] = Some(no_nan(&grid.value[c]));
            }
        }
    }
    // A sum with gaps is made unit by unit from its children's points: made now where they
    // were deferred (a panel with gaps under a renormalising policy; rare).
    #[cfg(feature = "parallel")]
    if plan.children[i].iter().any(|&c| complete[c] != Some(true)) {
        for &c in &plan.children[i] {
            if grid.deferred(c).is_some() {
                grid.hold(c);
            }
        }
    }
    let is_complete = |c: usize| complete[c] == Some(true);
    // (Only native builds defer points.)
    #[cfg(feature = "parallel")]
    let is_deferred = |c: usize| grid.deferred(c).is_some();
    #[cfg(feature = "parallel")]
    let deferred: Option<&(dyn Fn(usize) -> bool + Sync)> = Some(&is_deferred);
    #[cfg(not(feature = "parallel"))]
    let deferred = None;
    let Some((v, p)) = linear_columns(
        plan,
        i,
        grid.units(),
        &grid.value,
        &grid.points,
        &is_complete,
        deferred,
        scratch,
    ) else {
        grid.make(plan, i);
        return aggregate_node(fw, plan, units, groups, i, 0..grid.units(), grid);
    };
    // First a pass without a branch per unit (in vectors); the unit only when one overflowed.
    let infinite = |x: &[f64]| x.iter().fold(false, |any, x| any | x.is_infinite());
    if infinite(&v) || infinite(&p) {
        let overflowed = |u: usize| v[u].is_infinite() || p.get(u).is_some_and(|x| x.is_infinite());
        if let Some(u) = (0..v.len()).find(|&u| overflowed(u)) {
            return Err(overflow(fw, plan, units, u, i));
        }
    }
    if grid.cells[i].iter().any(|c| c.kept()) {
        grid.make(plan, i);
        for (u, v) in v.into_iter().enumerate() {
            if !grid.cells[i][u].kept() {
                let p = p.get(u).copied().unwrap_or(f64::NAN);
                grid.set(u, i, v, p, Cell::Aggregated);
            }
        }
    } else {
        grid.value[i] = v;
        grid.points[i] = p;
        grid.cells[i].fill(Cell::Aggregated);
    }
    Ok(())
}

/// A view's `(value, points)` columns: a points sum over its members; a member below a
/// given node makes it missing.
fn view_column(plan: &Plan, grid: &ColumnGrid, members: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let total = crate::sum::exact_sum(members.iter().filter_map(|&i| plan.max[i]));
    let unit = |u: usize| {
        if members.iter().any(|&i| grid.cells[i][u] == Cell::Covered) {
            return (f64::NAN, f64::NAN);
        }
        points_sum(
            members.iter().map(|&i| {
                (
                    plan.max[i].unwrap_or(0.0),
                    grid.value[i][u],
                    grid.get(u, i).1,
                )
            }),
            total,
        )
    };
    #[cfg(feature = "parallel")]
    if grid.units() >= PARALLEL_CELLS {
        if let Some(columns) = complete_view(plan, grid, members, total) {
            return columns;
        }
        // Each unit's sum is its own: on every core for a large grid.
        return (0..grid.units()).into_par_iter().map(unit).unzip();
    }
    (0..grid.units()).map(unit).unzip()
}

/// A large view whose members with points all have a value for every unit and none is
/// below a given node, a column at a time (native, feature `parallel`: the browser
/// package's size is budgeted): each unit's `points_sum` then counts every such member,
/// so its available max is `total` and its points the exact sum of the members' points —
/// the same terms, the same bits ([`crate::sum::column_sums`] rounds each sum once, as
/// `ExactSum` does). `None`: a unit the per-unit rule must decide.
#[cfg(feature = "parallel")]
fn complete_view(
    plan: &Plan,
    grid: &ColumnGrid,
    members: &[usize],
    total: f64,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let m = grid.units();
    let counted: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| plan.max[i].unwrap_or(0.0) != 0.0)
        .collect();
    let whole = |i: usize| {
        grid.value[i].len() == m
            && (grid.points[i].len() == m || grid.deferred(i).is_some())
            && !grid.value[i].iter().any(|x| x.is_nan())
    };
    if counted.is_empty()
        || !counted.iter().all(|&i| whole(i))
        || members
            .iter()
            .any(|&i| grid.cells[i].contains(&Cell::Covered))
    {
        return None;
    }
    // A member's points, × 1 (exactly themselves), or its values × its max points where its
    // points are deferred: the same terms.
    let cols: Vec<(&[f64], f64)> = counted
        .iter()
        .map(|&i| match grid.deferred(i) {
            Some(max) => (&grid.value[i][..], max),
            None => (&grid.points[i][..], 1.0),
        })
        .collect();
    let scaled = counted.iter().any(|&i| grid.deferred(i).is_some());
    let mut points = vec![0.0; m];
    crate::sum::column_sums(&cols, scaled, &mut points);
    let value = points.iter().map(|&p| p / total).collect();
    Some((value, points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_group_in_order_of_appearance() {
        let g = group_by_period(&[Some(2024), None, Some(2023), Some(2024)]);
        assert_eq!(
            g,
            vec![
                (Some(2024), vec![0, 3]),
                (None, vec![1]),
                (Some(2023), vec![2])
            ]
        );
    }
}
