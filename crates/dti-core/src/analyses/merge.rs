//! Merging units: scoring a merged unit (e.g. a 2025 province) from its former units.
//!
//! The rule is the one the ministry used for the DTI 2024 results of the provinces merged in
//! 2025 (`dti-methodology.md`, "Provinces merged in 2025"): the **plain average of each
//! main-indicator value** over the former provinces, then aggregation as usual. Here "main
//! indicator" is the node level chosen by [`MergeOptions::depth`] (2 by default: the level
//! under the groups or pillars of every DTI version), so the rule works for any framework.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::engine::records::{score_cohort, ScoreOptions};
use crate::engine::results::cohort_scores;
use crate::engine::{score_grid, Cell, ColumnGrid, Grid, UnitMeta};
use crate::error::InputError;
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::plan::Plan;
use crate::model::registry::{province_named, Era};
use crate::model::result::{CohortScores, Status, UnitKey, UnitScore};

pub use crate::model::merge_map::{MergeError, MergeGroup, MergeMap, MergeProblem};

fn two() -> usize {
    2
}

/// How to merge.
///
/// ```
/// let o: dti_core::analyses::MergeOptions = serde_json::from_str(r#"{"lenient": true}"#)?;
/// assert_eq!(o.depth, 2);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MergeOptions {
    /// Average over the former units present when some are missing (and flag the merged
    /// unit), instead of failing; former units' own input problems are reported likewise.
    #[serde(default)]
    pub lenient: bool,
    /// The level whose values are averaged: nodes at this depth (top-level nodes are depth
    /// 1), and leaves above it. Default 2: the main indicators of every DTI version.
    #[serde(default = "two")]
    pub depth: usize,
    /// How the merged cohort is scored (ranks, explanations).
    #[serde(default)]
    pub score: ScoreOptions,
}

setters!(MergeOptions {
    lenient: bool,
    depth: usize,
    score: ScoreOptions
});

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            lenient: false,
            depth: 2,
            score: ScoreOptions::default(),
        }
    }
}

/// Which former units went into a merged unit.
///
/// ```
/// let m = serde_json::from_value::<dti_core::analyses::MergedUnit>(serde_json::json!({ "unit": "N", "period": Some(2024), "from": ["A"], "missing": ["B"] })).unwrap();
/// assert!(!m.missing.is_empty()); // flagged: averaged over A only
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MergedUnit {
    /// The merged unit.
    pub unit: String,
    /// The period.
    pub period: Option<i32>,
    /// The former units averaged.
    pub from: Vec<String>,
    /// Former units absent from the input (lenient mode only; the average is over `from`).
    pub missing: Vec<String>,
}

/// The result of merging.
///
/// ```
/// # use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "G", "name_vi": "G"}, {"code": "A", "parent": "G", "name_vi": "A", "max_points": 10}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.2), UnitRecord::new("Y").value("A", 0.6)];
/// let map = MergeMap::from_csv("merged,former\nXY,X\nXY,Y\n")?;
/// let m = merge_cohort(&fw, &units, &map, &MergeOptions::default())?;
/// assert_eq!(m.scores.units[0].node("A").unwrap().value, Some(0.4));
/// assert_eq!(m.scores.units[0].points, Some(4.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MergedScores {
    /// The merged units, scored.
    pub scores: CohortScores,
    /// Which former units went into each merged unit, in the order of `scores.units`.
    pub members: Vec<MergedUnit>,
    /// Input records that belong to no merged unit (not scored here).
    pub unmapped: Vec<UnitKey>,
    /// Problems with the former units' own input (lenient mode).
    pub input_problems: Vec<InputError>,
    /// Merge problems tolerated in lenient mode.
    pub problems: Vec<MergeProblem>,
}

/// A merged unit and its cells as one row: value, points and state of every node.
type MergedRow = (UnitMeta, Vec<f64>, Vec<f64>, Vec<Cell>);

/// Scores merged units from their former units: former units are scored with the framework,
/// each node at the merge level (see [`MergeOptions::depth`]) gets the plain average of its
/// former units' values, and the merged units are aggregated, ranked and explained as usual.
/// Periods are merged separately. A node above the merge level that every former unit gave
/// directly is averaged as given. The average is taken over the values sorted, so it does
/// not depend on the order of the former units.
///
/// ```
/// # use dti_core::{analyses::*, *};
/// // DTI 2024 practice: the merged province's main-indicator values are the averages.
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "scale": 300, "nodes": [
///   {"code": "F", "name_vi": "Nền tảng"},
///   {"code": "AWR", "parent": "F", "name_vi": "Nhận thức số", "max_points": 100},
///   {"code": "A", "name_vi": "Hoạt động"},
///   {"code": "GOV", "parent": "A", "name_vi": "Chính quyền số", "max_points": 200}]}"#)?;
/// let units = [
///     UnitRecord::new("P1").value("AWR", 0.9).value("GOV", 0.5),
///     UnitRecord::new("P2").value("AWR", 0.5).value("GOV", 0.7),
/// ];
/// let mut map = MergeMap::default();
/// map.add("N", Some("New province"), "P1");
/// map.add("N", None, "P2");
/// let merged = merge_cohort(&fw, &units, &map, &MergeOptions::default())?;
/// let n = &merged.scores.units[0];
/// // AWR (0.9 + 0.5)/2 = 0.7 → 70; GOV (0.5 + 0.7)/2 = 0.6 → 120; total 190.
/// assert_eq!(n.points, Some(190.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_cohort(
    fw: &Framework,
    units: &[UnitRecord],
    map: &MergeMap,
    opts: &MergeOptions,
) -> Result<MergedScores, MergeError> {
    map.check()?;
    let inner = ScoreOptions {
        explain: false,
        lenient: opts.lenient,
        ..opts.score.clone()
    };
    let formers = score_cohort(fw, units, &inner)?;
    let plan = &fw.plan;

    let d = opts.depth.max(1);

    let mapped: HashMap<&str, ()> = map
        .groups
        .iter()
        .flat_map(|g| g.from.iter().map(|f| (f.as_str(), ())))
        .collect();
    // Each scored unit under the former it is: its id, or — whatever the framework — the
    // province its id or name denotes before the 2025 merger (`Hà Nội`, `TP. HCM` in a file
    // scored with a framework of one's own are `ha-noi`, `ho-chi-minh` of the 2025 map).
    let former_of = |u: &UnitScore| -> String {
        if mapped.contains_key(u.unit.as_str()) {
            return u.unit.clone();
        }
        std::iter::once(u.unit.as_str())
            .chain(u.name.as_deref())
            .filter_map(|q| province_named(q, Era::Pre2025))
            .map(|p| p.code.clone())
            .find(|c| mapped.contains_key(c.as_str()))
            .unwrap_or_else(|| u.unit.clone())
    };
    let keys: Vec<String> = formers.units.iter().map(former_of).collect();
    let index: HashMap<(&str, Option<i32>), &UnitScore> = formers
        .units
        .iter()
        .zip(&keys)
        .map(|(u, k)| ((k.as_str(), u.period), u))
        .collect();
    let mut periods: Vec<Option<i32>> = Vec::new();
    for u in &formers.units {
        if !periods.contains(&u.period) {
            periods.push(u.period);
        }
    }
    let unmapped = unmapped_keys(units, &formers.units, &keys, &mapped);
    let mut problems = Vec::new();
    let mut members = Vec::new();
    // Each merged unit's cells as one row (value, points, state of every node).
    let mut merged: Vec<MergedRow> = Vec::new();
    let mut vals = Vec::new();
    for &period in &periods {
        for g in &map.groups {
            let mut present = Vec::new();
            let mut missing = Vec::new();
            for f in &g.from {
                match index.get(&(f.as_str(), period)) {
                    Some(s) => present.push(*s),
                    None => {
                        missing.push(f.clone());
                        problems.push(MergeProblem::MissingFormer {
                            unit: g.unit.clone(),
                            period,
                            former: f.clone(),
                        });
                    }
                }
            }
            if present.is_empty() {
                problems.push(MergeProblem::NoFormers {
                    unit: g.unit.clone(),
                    period,
                });
                continue;
            }
            let meta = UnitMeta {
                unit: g.unit.clone(),
                name: g.name.clone(),
                period,
                groups: Default::default(),
            };
            let (value, points, cells) = average_formers(plan, &present, d, &mut vals);
            merged.push((meta, value, points, cells));
            members.push(MergedUnit {
                unit: g.unit.clone(),
                period,
                from: present.iter().map(|s| s.unit.clone()).collect(),
                missing,
            });
        }
    }
    if !opts.lenient && !problems.is_empty() {
        return Err(MergeError::Input { problems });
    }
    let scores = score_merged(fw, merged, &opts.score)?;
    Ok(MergedScores {
        scores,
        members,
        unmapped,
        input_problems: formers.problems,
        problems,
    })
}

/// The formers of `units` (scored as `scored`, under `keys`) that no group of the map names.
fn unmapped_keys(
    units: &[UnitRecord],
    scored: &[UnitScore],
    keys: &[String],
    mapped: &HashMap<&str, ()>,
) -> Vec<UnitKey> {
    scored
        .iter()
        .zip(keys)
        .filter(|(_, k)| !mapped.contains_key(k.as_str()))
        .map(|(u, _)| UnitKey {
            row: units
                .iter()
                .position(|r| r.unit == u.unit && r.period == u.period)
                .unwrap_or(0),
            unit: u.unit.clone(),
            period: u.period,
        })
        .collect()
}

/// One merged unit's row (value, points, state of every node): at the cut depth `d` (and
/// above it where every former gave the node), the mean of the formers' values; below a
/// given node, covered; the rest is aggregated from below when scored.
fn average_formers(
    plan: &Plan,
    present: &[&UnitScore],
    d: usize,
    vals: &mut Vec<f64>,
) -> (Vec<f64>, Vec<f64>, Vec<Cell>) {
    let n1 = plan.n + 1;
    let depth = &plan.depth;
    let in_cut = |i: usize| depth[i] == d || (depth[i] < d && plan.children[i].is_empty());
    let (mut value, mut points, mut cells) = (
        vec![f64::NAN; n1],
        vec![f64::NAN; n1],
        vec![Cell::Empty; n1],
    );
    for &i in &plan.pre_order {
        let p = plan.parent[i];
        if p != plan.root && (in_cut(p) || matches!(cells[p], Cell::Given | Cell::Covered)) {
            cells[i] = Cell::Covered;
            continue;
        }
        let everywhere = present.iter().all(|s| s.nodes[i].status == Status::Given);
        if !(in_cut(i) || (depth[i] < d && everywhere)) {
            continue; // aggregated from below
        }
        vals.clear();
        vals.extend(present.iter().filter_map(|s| s.nodes[i].value));
        if vals.is_empty() {
            cells[i] = Cell::Missing;
            continue;
        }
        // Sorted, so the sum does not depend on the order of the former units.
        vals.sort_by(f64::total_cmp);
        let avg = crate::sum::exact_sum(vals.iter().copied()) / vals.len() as f64;
        value[i] = avg;
        points[i] = plan.max[i].map_or(f64::NAN, |m| avg * m);
        cells[i] = Cell::Given;
    }
    (value, points, cells)
}

/// Scores the merged rows as one cohort, with the framework's ties where none are asked.
fn score_merged(
    fw: &Framework,
    merged: Vec<MergedRow>,
    opts: &ScoreOptions,
) -> Result<CohortScores, MergeError> {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let mut grid = ColumnGrid::empty(plan, merged.len());
    for (u, (_, value, points, cells)) in merged.iter().enumerate() {
        for i in 0..n1 {
            grid.set(u, i, value[i], points[i], cells[i]);
        }
    }
    let meta: Vec<UnitMeta> = merged.into_iter().map(|(m, ..)| m).collect();
    let units = crate::engine::grid::UnitIds {
        ids: meta.iter().map(|m| m.unit.as_str()).collect(),
        periods: meta.iter().map(|m| m.period).collect(),
    };
    let score = ScoreOptions {
        ties: fw.ties(opts.ties),
        ..opts.clone()
    };
    let scored = score_grid(fw, grid, units, score.pool_periods, score.ties, false)?;
    let scores = cohort_scores(fw, scored, meta, Default::default(), &score);
    Ok(scores)
}
