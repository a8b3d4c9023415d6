//! Results at the edge: the scored grid turned into per-unit structs ([`CohortScores`]),
//! with explanations only when asked. The columnar result ([`ColumnScores`]) is the grid's
//! own columns (see `columns.rs`).
//!
//! [`ColumnScores`]: crate::ColumnScores

use std::collections::HashMap;

use super::explain::explain;
use super::grid::{Cell, UnitMeta};
use super::kernel::ScoredGrid;
use super::ranks::ranks;
use super::records::ScoreOptions;
use crate::model::framework::Framework;
use crate::model::result::{AssessedScore, CohortScores, NodeScore, UnitScore, ViewScore};

/// Self-assessed and appraised pairs by (grid row, node).
pub(crate) type Sides = HashMap<(usize, usize), (Option<AssessedScore>, Option<AssessedScore>)>;

/// Per-unit results of a scored grid whose rows are `meta`: the points, value, rank and
/// status of every node and view, and each unit's explanation if `opts.explain`.
pub(crate) fn cohort_scores(
    fw: &Framework,
    scored: ScoredGrid,
    meta: Vec<UnitMeta>,
    mut sides: Sides,
    opts: &ScoreOptions,
) -> CohortScores {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let ScoredGrid {
        grid,
        views,
        rank_groups,
    } = scored;
    let node_ranks: Vec<Vec<Option<u32>>> = grid
        .value
        .iter()
        .map(|v| ranks(v, &rank_groups, opts.ties))
        .collect();
    let view_ranks: Vec<Vec<Option<u32>>> = views
        .iter()
        .map(|(v, _)| ranks(v, &rank_groups, opts.ties))
        .collect();
    let view_max: Vec<f64> = plan
        .views
        .iter()
        .map(|members| members.iter().filter_map(|&i| plan.max[i]).sum())
        .collect();
    let top = if opts.explain {
        leaf_tops(fw, &grid.value, &rank_groups, meta.len())
    } else {
        Vec::new()
    };
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let points_of = |i: usize, u: usize| grid.points[i].get(u).copied().unwrap_or(f64::NAN);
    let (mut value_row, mut points_row, mut cells_row) =
        (vec![0.0; n1], vec![0.0; n1], vec![Cell::Empty; n1]);
    let units = meta
        .into_iter()
        .enumerate()
        .map(|(u, rec)| {
            let nodes = (0..plan.n)
                .map(|i| {
                    // Most cohorts have no assessed pairs: no lookup per cell then.
                    let (self_assessed, appraised) = if sides.is_empty() {
                        Default::default()
                    } else {
                        sides.remove(&(u, i)).unwrap_or_default()
                    };
                    NodeScore {
                        code: fw.def.nodes[i].code.clone(),
                        points: opt(points_of(i, u)),
                        max_points: plan.max[i],
                        value: opt(grid.value[i][u]),
                        rank: node_ranks[i][u],
                        status: grid.cells[i][u].status(),
                        self_assessed,
                        appraised,
                    }
                })
                .collect();
            let views = fw
                .def
                .views
                .iter()
                .enumerate()
                .map(|(k, v)| ViewScore {
                    code: v.code.clone(),
                    points: opt(views[k].1[u]),
                    max_points: Some(view_max[k]),
                    value: opt(views[k].0[u]),
                    rank: view_ranks[k][u],
                })
                .collect();
            let explanation = opts.explain.then(|| {
                grid.row(u, &mut value_row, &mut points_row, &mut cells_row);
                explain(
                    fw,
                    &value_row,
                    &points_row,
                    &cells_row,
                    &top[u * n1..(u + 1) * n1],
                    opts.top_n,
                )
            });
            UnitScore {
                unit: rec.unit,
                name: rec.name,
                period: rec.period,
                groups: rec.groups,
                points: opt(points_of(plan.root, u)),
                max_points: plan.max[plan.root],
                value: opt(grid.value[plan.root][u]),
                rank: node_ranks[plan.root][u],
                nodes,
                views,
                explanation,
            }
        })
        .collect();
    CohortScores {
        framework: fw.def.id.clone(),
        units,
        problems: Vec::new(),
        excluded: Vec::new(),
    }
}

/// The best reachable value of every leaf for every unit (unit-major, `n + 1` per unit):
/// the normaliser's fixed top, or else the best value in the unit's period.
fn leaf_tops(
    fw: &Framework,
    value: &[Vec<f64>],
    groups: &[(Option<i32>, Vec<usize>)],
    m: usize,
) -> Vec<f64> {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let mut top = vec![f64::NAN; m * n1];
    for (_, members) in groups {
        for i in 0..plan.n {
            let t = plan.leaf_top_value(i).unwrap_or_else(|| {
                members
                    .iter()
                    .map(|&u| value[i][u])
                    .filter(|v| !v.is_nan())
                    .fold(f64::NAN, f64::max)
            });
            for &u in members {
                top[u * n1 + i] = t;
            }
        }
    }
    top
}
