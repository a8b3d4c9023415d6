//! Scoring a cohort: input resolution, leaf rules, cohort-relative normalisation,
//! aggregation, views, ranks and explanations.
//!
//! The engine works on flat per-unit arrays indexed by node (see `plan.rs`): every step
//! after validation is arithmetic over `f64` slices, with `NaN` marking a missing value
//! internally (input NaN is rejected, so the two never mix).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::aggregate::{aggregate_with, copeland, points_sum};
use crate::error::{InputError, InputErrorKind, ScoreError};
use crate::explain::explain;
use crate::framework::{Aggregator, Framework};
use crate::input::{Entry, UnitRecord, Value};
use crate::normalise::{ranks_ascending_by, Normaliser, Ties};
use crate::plan::{MissingFill, Plan};
use crate::result::{
    AssessedScore, CohortScores, NodeScore, Status, UnitKey, UnitScore, ViewScore,
};
use crate::rules::{given_value, score_leaf, Scored};
use crate::suggest::closest;

/// How to score a cohort.
///
/// ```
/// let o: dti_core::ScoreOptions = serde_json::from_str(r#"{"lenient": true}"#)?;
/// assert!(o.lenient && o.explain);
/// assert_eq!(o.top_n, 5);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreOptions {
    /// Collect input problems into [`CohortScores::problems`] and score the rest, instead of
    /// failing. A rejected value counts as not reported; duplicate records after the first,
    /// units with missing values under missing policy `error`, and units that would need
    /// unpublished weights, are left out and listed in [`CohortScores::excluded`].
    pub lenient: bool,
    /// Compute each unit's [`Explanation`](crate::Explanation).
    pub explain: bool,
    /// How many improvement opportunities each explanation lists.
    pub top_n: usize,
    /// Normalise cohort-relative indicators over all periods together (comparable over
    /// time) instead of within each period. Ranks are always within each period.
    pub pool_periods: bool,
    /// When two scores share a rank (default: equal up to 1e-12, relative).
    pub ties: Ties,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            lenient: false,
            explain: true,
            top_n: 5,
            pool_periods: false,
            ties: Ties::default(),
        }
    }
}

/// The state of one cell (unit × node) while scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    Empty,
    /// Direction-adjusted raw value awaiting normalisation.
    Raw,
    Scored,
    Given,
    Aggregated,
    Missing,
    Covered,
}

/// Who a row of the matrix is.
#[derive(Debug, Clone)]
pub(crate) struct UnitMeta {
    pub unit: String,
    pub name: Option<String>,
    pub period: Option<i32>,
    pub groups: BTreeMap<String, String>,
}

impl UnitMeta {
    fn of(rec: &UnitRecord) -> UnitMeta {
        UnitMeta {
            unit: rec.unit.clone(),
            name: rec.name.clone(),
            period: rec.period,
            groups: rec.groups.clone(),
        }
    }
}

/// One self-assessed / appraised pair: (unit row, node, self, appraised).
type AssessedCell = (usize, usize, Option<AssessedScore>, Option<AssessedScore>);

/// Per-unit cell arrays (unit-major: unit `u`, node `i` at `u * (n + 1) + i`), ready to be
/// normalised, aggregated and reported.
#[derive(Debug, Default)]
pub(crate) struct Matrix {
    pub meta: Vec<UnitMeta>,
    pub value: Vec<f64>,
    pub points: Vec<f64>,
    pub cells: Vec<Cell>,
    pub assessed: Vec<AssessedCell>,
}

impl Matrix {
    /// Appends a unit with every cell empty; returns its row.
    pub fn push(&mut self, meta: UnitMeta, n1: usize) -> usize {
        let u = self.meta.len();
        self.meta.push(meta);
        self.value.resize((u + 1) * n1, f64::NAN);
        self.points.resize((u + 1) * n1, f64::NAN);
        self.cells.resize((u + 1) * n1, Cell::Empty);
        u
    }

    /// Removes the last unit.
    fn pop(&mut self, n1: usize) {
        let u = self.meta.len() - 1;
        self.meta.pop();
        self.value.truncate(u * n1);
        self.points.truncate(u * n1);
        self.cells.truncate(u * n1);
    }
}

impl Cell {
    fn status(self) -> Status {
        match self {
            Cell::Scored | Cell::Raw => Status::Scored,
            Cell::Given => Status::Given,
            Cell::Aggregated => Status::Aggregated,
            Cell::Empty | Cell::Missing => Status::Missing,
            Cell::Covered => Status::Covered,
        }
    }
}

/// Scores a cohort of unit records against a framework.
///
/// Every node and view gets points, a value and a rank within its period; every problem in
/// the input is reported (all of them, with row, unit and indicator). See [`ScoreOptions`].
///
/// ```
/// use dti_core::{score_cohort, Framework, ScoreOptions, UnitRecord};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "scale": 100,
///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 60}, {"code": "B", "name_vi": "B", "max_points": 40}]}"#)?;
/// let units = [
///     UnitRecord::new("X").value("A", 0.5).value("B", 1.0), // 30 + 40 = 70
///     UnitRecord::new("Y").value("A", 1.0).value("B", 0.0), // 60 +  0 = 60
/// ];
/// let s = score_cohort(&fw, &units, &ScoreOptions::default())?;
/// assert_eq!(s.units[0].points, Some(70.0));
/// assert_eq!(s.units[0].rank, Some(1));
/// assert_eq!(s.units[1].node("A").and_then(|n| n.rank), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_cohort(
    fw: &Framework,
    units: &[UnitRecord],
    opts: &ScoreOptions,
) -> Result<CohortScores, ScoreError> {
    let resolved = resolve_cohort(fw, units, opts)?;
    let mut scores = finish(fw, resolved.matrix, opts)?;
    scores.problems = resolved.problems;
    scores.excluded = resolved.excluded;
    Ok(scores)
}

/// A cohort's input, resolved into cells (leaf rules applied, coverage and missing values
/// settled), before normalisation and aggregation.
pub(crate) struct Resolved {
    pub matrix: Matrix,
    pub problems: Vec<InputError>,
    pub excluded: Vec<UnitKey>,
}

/// Validates and resolves every record (strict: any problem is an error).
pub(crate) fn resolve_cohort(
    fw: &Framework,
    units: &[UnitRecord],
    opts: &ScoreOptions,
) -> Result<Resolved, ScoreError> {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let mut problems = Vec::new();
    let mut excluded = Vec::new();

    // Keep the first record of each (unit, period); resolve each into its cells.
    // Ids that differ only by case, diacritics or spacing are one unit (`unit_key`).
    let mut first_row: HashMap<(std::borrow::Cow<'_, str>, Option<i32>), usize> =
        HashMap::with_capacity(units.len());
    let mut matrix = Matrix::default();
    let mut scratch = vec![usize::MAX; n1];
    for (row, rec) in units.iter().enumerate() {
        let key = || UnitKey {
            row,
            unit: rec.unit.clone(),
            period: rec.period,
        };
        let fail = |kind| InputError {
            row,
            unit: rec.unit.clone(),
            period: rec.period,
            indicator: None,
            kind,
        };
        if rec.unit.trim().is_empty() {
            problems.push(fail(InputErrorKind::EmptyUnitId));
            excluded.push(key());
            continue;
        }
        let id = crate::text::unit_key(&rec.unit);
        if let Some(&first) = first_row.get(&(id.clone(), rec.period)) {
            problems.push(fail(InputErrorKind::DuplicateUnit { first_row: first }));
            excluded.push(key());
            continue;
        }
        first_row.insert((id, rec.period), row);

        let u = matrix.push(UnitMeta::of(rec), n1);
        let range = u * n1..(u + 1) * n1;
        let mut sides = Vec::new();
        let unscorable = resolve_unit(
            fw,
            rec,
            row,
            &mut matrix.value[range.clone()],
            &mut matrix.points[range.clone()],
            &mut matrix.cells[range.clone()],
            &mut scratch,
            &mut problems,
            &mut sides,
        );
        if opts.lenient && unscorable {
            // Policy `error`: a unit with missing values cannot be scored.
            matrix.pop(n1);
            excluded.push(key());
            continue;
        }
        matrix
            .assessed
            .extend(sides.into_iter().map(|(i, s, a)| (u, i, s, a)));
    }
    if !opts.lenient && !problems.is_empty() {
        return Err(ScoreError::Input { problems });
    }
    Ok(Resolved {
        matrix,
        problems,
        excluded,
    })
}

/// Normalises, aggregates, computes views, ranks and explanations, and assembles results.
pub(crate) fn finish(
    fw: &Framework,
    matrix: Matrix,
    opts: &ScoreOptions,
) -> Result<CohortScores, ScoreError> {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let Matrix {
        meta,
        mut value,
        mut points,
        mut cells,
        assessed,
    } = matrix;
    let m = meta.len();
    let periods: Vec<Option<i32>> = meta.iter().map(|u| u.period).collect();
    let rank_groups = group_by_period(&periods);
    let norm_groups = normalisation_groups(&rank_groups, m, opts.pool_periods);

    let mut grid = Rows {
        n1,
        value: &mut value,
        points: &mut points,
        cells: &mut cells,
    };
    normalise_leaves(plan, fw, meta.as_slice(), &norm_groups, &mut grid)?;
    aggregate_all(fw, plan, meta.as_slice(), &rank_groups, &mut grid)?;

    // Views: a points sum over their members; a member below a given node makes it missing.
    let nv = plan.views.len();
    let mut view_cells = vec![(f64::NAN, f64::NAN); m * nv];
    for u in 0..m {
        let base = u * n1;
        for (k, members) in plan.views.iter().enumerate() {
            if members.iter().any(|&i| cells[base + i] == Cell::Covered) {
                continue;
            }
            let total: f64 = members.iter().filter_map(|&i| plan.max[i]).sum();
            view_cells[u * nv + k] = points_sum(
                members.iter().map(|&i| {
                    (
                        plan.max[i].unwrap_or(0.0),
                        value[base + i],
                        points[base + i],
                    )
                }),
                total,
            );
        }
    }

    // Ranks within each period: of −value, ties → lowest rank, missing → none.
    let ncol = n1 + nv;
    let mut ranks = vec![f64::NAN; m * ncol];
    let mut col = Vec::new();
    let mut out = Vec::new();
    for (_, members) in &rank_groups {
        for c in 0..ncol {
            col.clear();
            col.extend(members.iter().map(|&u| {
                -if c < n1 {
                    value[u * n1 + c]
                } else {
                    view_cells[u * nv + c - n1].0
                }
            }));
            out.resize(col.len(), f64::NAN);
            ranks_ascending_by(&col, &mut out, opts.ties);
            for (j, &u) in members.iter().enumerate() {
                ranks[u * ncol + c] = out[j];
            }
        }
    }

    // The best value of leaves whose normaliser has no fixed top: the best in the period.
    let mut top = vec![f64::NAN; m * n1];
    if opts.explain {
        for (_, members) in &rank_groups {
            for i in 0..plan.n {
                let t = plan.leaf_top_value(i).unwrap_or_else(|| {
                    members
                        .iter()
                        .map(|&u| value[u * n1 + i])
                        .filter(|v| !v.is_nan())
                        .fold(f64::NAN, f64::max)
                });
                for &u in members {
                    top[u * n1 + i] = t;
                }
            }
        }
    }

    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let rank = |x: f64| (!x.is_nan()).then_some(x as u32);
    let mut by_node: BTreeMap<(usize, usize), (Option<AssessedScore>, Option<AssessedScore>)> =
        assessed
            .into_iter()
            .map(|(u, i, s, a)| ((u, i), (s, a)))
            .collect();
    let results = meta
        .into_iter()
        .enumerate()
        .map(|(u, rec)| {
            let base = u * n1;
            let nodes = (0..plan.n)
                .map(|i| {
                    let (self_assessed, appraised) =
                        by_node.remove(&(u, i)).unwrap_or((None, None));
                    NodeScore {
                        code: fw.def.nodes[i].code.clone(),
                        points: opt(points[base + i]),
                        max_points: plan.max[i],
                        value: opt(value[base + i]),
                        rank: rank(ranks[u * ncol + i]),
                        status: cells[base + i].status(),
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
                    points: opt(view_cells[u * nv + k].1),
                    max_points: Some(plan.views[k].iter().filter_map(|&i| plan.max[i]).sum()),
                    value: opt(view_cells[u * nv + k].0),
                    rank: rank(ranks[u * ncol + n1 + k]),
                })
                .collect();
            let explanation = opts.explain.then(|| {
                let r = base..base + n1;
                explain(
                    fw,
                    &value[r.clone()],
                    &points[r.clone()],
                    &cells[r.clone()],
                    &top[r],
                    opts.top_n,
                )
            });
            UnitScore {
                unit: rec.unit,
                name: rec.name,
                period: rec.period,
                groups: rec.groups,
                points: opt(points[base + plan.root]),
                max_points: plan.max[plan.root],
                value: opt(value[base + plan.root]),
                rank: rank(ranks[u * ncol + plan.root]),
                nodes,
                views,
                explanation,
            }
        })
        .collect();

    Ok(CohortScores {
        framework: fw.def.id.clone(),
        units: results,
        problems: Vec::new(),
        excluded: Vec::new(),
    })
}

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

/// Units grouped by period, in order of first appearance of each period.
pub(crate) fn group_by_period(periods: &[Option<i32>]) -> Vec<(Option<i32>, Vec<usize>)> {
    let mut groups: Vec<(Option<i32>, Vec<usize>)> = Vec::new();
    let mut at: HashMap<Option<i32>, usize> = HashMap::new();
    let mut last: Option<(Option<i32>, usize)> = None;
    for (u, &p) in periods.iter().enumerate() {
        // Rows of a panel come in runs of one period: look up only when the period changes.
        let g = match last {
            Some((q, g)) if q == p => g,
            _ => *at.entry(p).or_insert_with(|| {
                groups.push((p, Vec::new()));
                groups.len() - 1
            }),
        };
        last = Some((p, g));
        groups[g].1.push(u);
    }
    groups
}

/// A reported value of node `i` as its cell: `(value, points, state)` — scored by the leaf's
/// rule (raw, awaiting normalisation, for cohort-relative rules) or given directly for a node
/// with children.
pub(crate) fn resolve_value(
    plan: &Plan,
    i: usize,
    v: &Value,
) -> Result<(f64, f64, Cell), InputErrorKind> {
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

/// Fills one unit's cells from its record: rules, given values, coverage, missing values.
/// Returns whether the unit cannot be scored (a value missing under policy `error`; a
/// rejected value counts as missing but is reported only once, as rejected).
#[allow(clippy::too_many_arguments)]
fn resolve_unit(
    fw: &Framework,
    rec: &UnitRecord,
    row: usize,
    value: &mut [f64],
    points: &mut [f64],
    cells: &mut [Cell],
    given_above: &mut [usize],
    problems: &mut Vec<InputError>,
    sides: &mut Vec<(usize, Option<AssessedScore>, Option<AssessedScore>)>,
) -> bool {
    let plan = &fw.plan;
    let mut rejected = Vec::new();
    let fail = |indicator: &str, kind| InputError {
        row,
        unit: rec.unit.clone(),
        period: rec.period,
        indicator: Some(indicator.to_owned()),
        kind,
    };
    let score = |i: usize, v: &Value| match &plan.rule[i] {
        Some(rule) => score_leaf(rule, plan.direction[i], plan.max[i], v),
        None => given_value(v, plan.max[i]),
    };

    for (code, entry) in &rec.values {
        let Some(i) = plan.index_of(code) else {
            let suggestion =
                closest(code, fw.def.nodes.iter().map(|n| n.code.as_str())).map(str::to_owned);
            problems.push(fail(code, InputErrorKind::UnknownIndicator { suggestion }));
            continue;
        };
        let Some(v) = entry.scored() else {
            problems.push(fail(code, InputErrorKind::EmptyEntry));
            continue;
        };
        match resolve_value(plan, i, v) {
            Ok((x, p, c)) => (value[i], points[i], cells[i]) = (x, p, c),
            Err(kind) => {
                problems.push(fail(code, kind));
                rejected.push(i);
                continue;
            }
        }
        if let Entry::Assessed(a) = entry {
            let side = |v: &Option<Value>| {
                v.as_ref().map(|v| {
                    let (value, points) = match score(i, v) {
                        Ok(Scored::Final { value, points }) => {
                            (Some(value), (!points.is_nan()).then_some(points))
                        }
                        _ => (None, None),
                    };
                    AssessedScore {
                        input: v.clone(),
                        value,
                        points,
                    }
                })
            };
            sides.push((i, side(&a.self_assessed), side(&a.appraised)));
        }
    }

    // Below a given node nothing is scored; a value there is a conflict.
    for &i in &plan.pre_order {
        let p = plan.parent[i];
        let above = if p == plan.root {
            usize::MAX
        } else if cells[p] == Cell::Given {
            p
        } else {
            given_above[p]
        };
        given_above[i] = above;
        if above == usize::MAX {
            continue;
        }
        if matches!(cells[i], Cell::Scored | Cell::Given | Cell::Raw) {
            problems.push(fail(
                &fw.def.nodes[above].code,
                InputErrorKind::NodeAndDescendant {
                    descendant: fw.def.nodes[i].code.clone(),
                },
            ));
            sides.retain(|s| s.0 != i);
        }
        cells[i] = Cell::Covered;
        value[i] = f64::NAN;
        points[i] = f64::NAN;
    }

    let mut unscorable = false;
    for i in 0..plan.n {
        if cells[i] != Cell::Empty || plan.rule[i].is_none() {
            continue;
        }
        match plan.missing_fill(i) {
            MissingFill::Later => {}
            MissingFill::Zero { points: p } => {
                value[i] = 0.0;
                points[i] = p;
                cells[i] = Cell::Missing;
            }
            MissingFill::Omit => cells[i] = Cell::Missing,
            MissingFill::Fail => {
                unscorable = true;
                if !rejected.contains(&i) {
                    problems.push(fail(&fw.def.nodes[i].code, InputErrorKind::Missing));
                }
            }
        }
    }

    // Aggregating a node over children with unpublished weights would present a guess.
    for &p in &plan.post_order {
        if matches!(cells[p], Cell::Given | Cell::Covered) {
            continue;
        }
        let children: Vec<String> = plan
            .unpublished_weights(p)
            .map(|c| fw.def.nodes[c].code.clone())
            .collect();
        if !children.is_empty() {
            unscorable = true;
            let code = if p == plan.root {
                &fw.def.id
            } else {
                &fw.def.nodes[p].code
            };
            problems.push(fail(code, InputErrorKind::UnpublishedWeights { children }));
        }
    }
    unscorable
}

/// Where the cells of a cohort live. The record path and the evaluator keep one row per
/// unit (`n + 1` cells each); columnar input keeps one column per node. Both run the same
/// normalisation and aggregation code below, so they give the same numbers.
pub(crate) trait Grid {
    /// `(value, points)` of unit `u`, node `i`.
    fn get(&self, u: usize, i: usize) -> (f64, f64);
    fn cell(&self, u: usize, i: usize) -> Cell;
    fn set(&mut self, u: usize, i: usize, value: f64, points: f64, cell: Cell);
    /// Node `i`'s cells across all units.
    fn node(&mut self, i: usize) -> Strided<'_>;
}

/// One node's cells across units: unit `u` at `u * stride + offset` of each slice.
pub(crate) struct Strided<'a> {
    pub value: &'a mut [f64],
    pub points: &'a mut [f64],
    pub cells: &'a mut [Cell],
    pub stride: usize,
    pub offset: usize,
}

/// Unit-major cells: unit `u`, node `i` at `u * n1 + i`.
pub(crate) struct Rows<'a> {
    pub n1: usize,
    pub value: &'a mut [f64],
    pub points: &'a mut [f64],
    pub cells: &'a mut [Cell],
}

impl Grid for Rows<'_> {
    #[inline]
    fn get(&self, u: usize, i: usize) -> (f64, f64) {
        let k = u * self.n1 + i;
        (self.value[k], self.points[k])
    }
    #[inline]
    fn cell(&self, u: usize, i: usize) -> Cell {
        self.cells[u * self.n1 + i]
    }
    #[inline]
    fn set(&mut self, u: usize, i: usize, value: f64, points: f64, cell: Cell) {
        let k = u * self.n1 + i;
        self.value[k] = value;
        self.points[k] = points;
        self.cells[k] = cell;
    }
    fn node(&mut self, i: usize) -> Strided<'_> {
        Strided {
            value: self.value,
            points: self.points,
            cells: self.cells,
            stride: self.n1,
            offset: i,
        }
    }
}

/// Who the units of a grid are, for error messages and reference units.
pub(crate) trait Units {
    fn id(&self, u: usize) -> &str;
    fn period(&self, u: usize) -> Option<i32>;
    fn count(&self) -> usize;
}

impl Units for [UnitMeta] {
    fn id(&self, u: usize) -> &str {
        &self[u].unit
    }
    fn period(&self, u: usize) -> Option<i32> {
        self[u].period
    }
    fn count(&self) -> usize {
        self.len()
    }
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
                plan, fw, units, i, normaliser, *period, members, col, &mut x, &mut out,
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
    x: &mut Vec<f64>,
    out: &mut Vec<f64>,
) -> Result<(), ScoreError> {
    let reference = match normaliser {
        Normaliser::DistanceToReference { unit, .. } => {
            members.iter().position(|&u| units.id(u) == unit)
        }
        _ => None,
    };
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
    out.resize(x.len(), f64::NAN);
    // Nobody reported it: nothing to normalise, the missing policy decides.
    if x.iter().any(|v| !v.is_nan()) {
        let d = plan.direction[i];
        normaliser
            .normalise_into(x, d, reference, out)
            .map_err(|source| ScoreError::Normalise {
                indicator: fw.def.nodes[i].code.clone(),
                period,
                source,
            })?;
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
/// Formulas: see `aggregate.rs` (points sum per Decision 922/QĐ-BTTTT, the means per the
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
    bad: crate::aggregate::BadChild,
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

impl Framework {
    /// Scores a cohort with the default [`ScoreOptions`] (strict, with explanations).
    ///
    /// ```
    /// # use dti_core::*;
    /// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 10}]}"#)?;
    /// let s = fw.score(&[UnitRecord::new("X").value("A", 0.3)])?;
    /// assert_eq!(s.units[0].points, Some(3.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score(&self, units: &[UnitRecord]) -> Result<CohortScores, ScoreError> {
        score_cohort(self, units, &ScoreOptions::default())
    }

    /// Scores a cohort with the given options.
    ///
    /// ```
    /// # use dti_core::*;
    /// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 10}]}"#)?;
    /// let opts = ScoreOptions { lenient: true, ..ScoreOptions::default() };
    /// let s = fw.score_with(&[UnitRecord::new("X").value("A", 3.0), UnitRecord::new("Y").value("A", 0.5)], &opts)?;
    /// assert_eq!(s.problems.len(), 1);       // X's 3.0 is outside 0..1 …
    /// assert_eq!(s.units[0].points, Some(0.0)); // … so it counts as not reported (policy zero)
    /// assert_eq!(s.units[1].points, Some(5.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_with(
        &self,
        units: &[UnitRecord],
        opts: &ScoreOptions,
    ) -> Result<CohortScores, ScoreError> {
        score_cohort(self, units, opts)
    }
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

    #[test]
    fn an_empty_cohort_scores_to_nothing() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 2}]}"#,
        )
        .unwrap();
        let s = fw.score(&[]).unwrap();
        assert!(s.units.is_empty() && s.problems.is_empty());
    }
}
