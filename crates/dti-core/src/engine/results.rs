//! Results at the edge: the scored grid turned into per-unit structs ([`CohortScores`]),
//! with explanations only when asked. The columnar result ([`ColumnScores`]) is the grid's
//! own columns (see `columns.rs`).
//!
//! [`ColumnScores`]: crate::ColumnScores

use std::collections::HashMap;

use super::explain::{explain_grid, explanation};
use super::grid::UnitMeta;
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
        .map(|members| crate::sum::exact_sum(members.iter().filter_map(|&i| plan.max[i])))
        .collect();
    let explanations = opts
        .explain
        .then(|| explain_grid(fw, &grid, &rank_groups, opts.top_n));
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let points_of = |i: usize, u: usize| grid.points[i].get(u).copied().unwrap_or(f64::NAN);
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
            let explanation = explanations
                .as_ref()
                .map(|ex| explanation(fw, ex, u, |i| grid.value[i][u], |i| points_of(i, u)));
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
