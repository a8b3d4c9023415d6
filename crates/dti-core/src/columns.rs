//! Columnar scoring: a panel held as one column of numbers per indicator (as a DataFrame or
//! a Parquet file holds it) scored straight into one column per node, without building a
//! record per unit.
//!
//! It runs the record path's own steps — leaf rules, coverage below given nodes, the
//! missing-data policy, normalisation within each period (or pooled), aggregation, views and
//! ranks — through the same functions (`score.rs` works on any [`Grid`]), so every number is
//! identical to [`score_cohort`](crate::score_cohort) on the same data; only the layout of
//! the cells differs. That layout is what makes a million units fast: each step streams
//! whole columns, and the result columns are the working columns.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::aggregate::{linear_columns, points_sum};
use crate::error::{InputError, InputErrorKind, ScoreError};
use crate::framework::{Framework, Rule};
use crate::input::Value;
use crate::normalise::{ranks_ascending_by, Ties};
use crate::plan::MissingFill;
use crate::result::UnitKey;
use crate::score::{
    aggregate_node, group_by_period, normalisation_groups, normalise_leaf, resolve_value, Cell,
    Grid, Strided, Units,
};
use crate::suggest::closest;
#[cfg(feature = "parallel")]
use rayon::prelude::*;

/// One input column: the numbers reported for one node, a value per row.
///
/// ```
/// let c = dti_core::NumberColumn::new("GOV", vec![0.5, 0.7]).with_present(vec![true, false]);
/// assert_eq!(c.values.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NumberColumn<'a> {
    /// The node code.
    pub code: Cow<'a, str>,
    /// One number per row (ignored where `present` says the row has none).
    pub values: Cow<'a, [f64]>,
    /// Which rows reported a value (`None`: every row). A row without a value is "not
    /// reported", as an absent entry of a record.
    pub present: Option<Vec<bool>>,
}

impl<'a> NumberColumn<'a> {
    /// A column where every row has a value.
    pub fn new(code: impl Into<Cow<'a, str>>, values: impl Into<Cow<'a, [f64]>>) -> Self {
        NumberColumn {
            code: code.into(),
            values: values.into(),
            present: None,
        }
    }

    /// Marks which rows have a value.
    pub fn with_present(mut self, present: Vec<bool>) -> Self {
        self.present = Some(present);
        self
    }
}

/// A panel in columns: a unit id (and optionally a period) per row, and one column per
/// reported node.
///
/// ```
/// use dti_core::{ColumnInput, NumberColumn};
/// let input = ColumnInput::new(vec!["HN", "HCM"])
///     .periods(vec![Some(2023), Some(2023)])
///     .column(NumberColumn::new("GOV", vec![0.5, 0.9]));
/// assert_eq!(input.units.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnInput<'a> {
    /// The unit id of each row.
    pub units: Vec<&'a str>,
    /// The period of each row (`None`: no periods).
    pub periods: Option<Vec<Option<i32>>>,
    /// The reported nodes, one column each.
    pub columns: Vec<NumberColumn<'a>>,
}

impl<'a> ColumnInput<'a> {
    /// Rows for these units, no columns yet.
    pub fn new(units: Vec<&'a str>) -> Self {
        ColumnInput {
            units,
            ..ColumnInput::default()
        }
    }

    /// Sets the period of each row.
    pub fn periods(mut self, periods: Vec<Option<i32>>) -> Self {
        self.periods = Some(periods);
        self
    }

    /// Adds a column.
    pub fn column(mut self, column: NumberColumn<'a>) -> Self {
        self.columns.push(column);
        self
    }
}

/// How to score columnar input.
///
/// ```
/// let o = dti_core::ColumnOptions::default();
/// assert!(!o.lenient && !o.pool_periods && !o.node_ranks);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnOptions {
    /// Report bad rows in [`ColumnScores::problems`] and score the rest (see
    /// [`ScoreOptions::lenient`](crate::ScoreOptions::lenient)) instead of failing.
    pub lenient: bool,
    /// Normalise cohort-relative indicators over all periods together.
    pub pool_periods: bool,
    /// Also rank every node within each period (the index and the views are always
    /// ranked). Ranking sorts each column, which costs more than scoring it.
    pub node_ranks: bool,
    /// When two scores share a rank.
    pub ties: Ties,
}

/// One result column set: a node's, a view's or the index's value, points and rank for each
/// scored row. Missing numbers are NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreColumn {
    /// The node or view code, or the framework id for the index.
    pub code: String,
    /// Values (NaN: missing).
    pub value: Vec<f64>,
    /// Points (NaN: none). Empty when the node has no points at all (no max points and
    /// not a points sum), which saves a column of NaN per node.
    pub points: Vec<f64>,
    /// Ranks within each period, 1 = best, ties share the lowest rank (`None` for nodes
    /// unless [`ColumnOptions::node_ranks`]).
    pub rank: Option<Vec<Option<u32>>>,
}

/// The result of [`score_columns`]: one entry per scored row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnScores {
    /// The input row of each result row, ascending (rows left out are in `excluded`).
    pub rows: Vec<usize>,
    /// The index (the framework root).
    pub index: ScoreColumn,
    /// The views, in framework order.
    pub views: Vec<ScoreColumn>,
    /// Every node, in framework order.
    pub nodes: Vec<ScoreColumn>,
    /// Every problem (lenient mode), ordered by row.
    pub problems: Vec<InputError>,
    /// Rows left out (lenient mode), ordered by row.
    pub excluded: Vec<UnitKey>,
}

/// Node-major cells: node `i`, unit `u` at `value[i][u]`.
struct Cols {
    value: Vec<Vec<f64>>,
    points: Vec<Vec<f64>>,
    cells: Vec<Vec<Cell>>,
}

impl Grid for Cols {
    #[inline]
    fn get(&self, u: usize, i: usize) -> (f64, f64) {
        // An empty points column is all NaN (see `needs_points`).
        let p = self.points[i].get(u).copied().unwrap_or(f64::NAN);
        (self.value[i][u], p)
    }
    #[inline]
    fn cell(&self, u: usize, i: usize) -> Cell {
        self.cells[i][u]
    }
    #[inline]
    fn set(&mut self, u: usize, i: usize, value: f64, points: f64, cell: Cell) {
        self.value[i][u] = value;
        let col = &mut self.points[i];
        if col.is_empty() && !points.is_nan() {
            *col = vec![f64::NAN; self.value[i].len()];
        }
        if let Some(p) = col.get_mut(u) {
            *p = points;
        }
        self.cells[i][u] = cell;
    }
    fn node(&mut self, i: usize) -> Strided<'_> {
        Strided {
            value: &mut self.value[i],
            points: &mut self.points[i],
            cells: &mut self.cells[i],
            stride: 1,
            offset: 0,
        }
    }
}

/// A NaN points column for node `i`, or an empty one when the node can have no points: no
/// max points, and not a points sum (which gives 0 points to a node worth nothing). Every
/// writer of points writes a number only where the node has max points or sums points.
fn points_column(plan: &crate::plan::Plan, i: usize, m: usize) -> Vec<f64> {
    let sums = !plan.children[i].is_empty()
        && plan.aggregate[i] == crate::framework::Aggregator::PointsSum;
    if plan.max[i].is_some() || sums {
        vec![f64::NAN; m]
    } else {
        Vec::new()
    }
}

/// One node's value, points and cells columns, borrowed for writing.
type NodeColumnMut<'a> = ((&'a mut Vec<f64>, &'a mut Vec<f64>), &'a mut Vec<Cell>);

/// One input column resolved: its node's cells, and what was wrong.
struct ResolvedColumn {
    i: usize,
    value: Vec<f64>,
    points: Vec<f64>,
    cells: Vec<Cell>,
    problems: Vec<InputError>,
    rejected: Vec<usize>,
}

struct ColUnits<'a> {
    ids: Vec<&'a str>,
    periods: Vec<Option<i32>>,
}

impl Units for ColUnits<'_> {
    fn id(&self, u: usize) -> &str {
        self.ids[u]
    }
    fn period(&self, u: usize) -> Option<i32> {
        self.periods[u]
    }
    fn count(&self) -> usize {
        self.ids.len()
    }
}

/// Scores a panel held in columns. The numbers are those of
/// [`score_cohort`](crate::score_cohort) on the same data as records (rows are records; a
/// row without a value in a column did not report that node).
///
/// Problems name the input row, unit, period and column. Empty unit ids and repeated
/// unit × period rows are problems (the first row of a unit × period counts).
///
/// ```
/// use dti_core::{score_columns, ColumnInput, ColumnOptions, Framework, NumberColumn};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let input = ColumnInput::new(vec!["HN", "HCM"])
///     .column(NumberColumn::new("GOV", vec![0.5, 0.9]))
///     .column(NumberColumn::new("ECO", vec![0.4, 0.2]));
/// let s = score_columns(&fw, &input, &ColumnOptions::default())?;
/// // HN: 0.5 · 200 + 0.4 · 150 = 160 points; HCM: 180 + 30 = 210.
/// assert_eq!(s.index.points, [160.0, 210.0]);
/// assert_eq!(s.index.rank, Some(vec![Some(2), Some(1)]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_columns(
    fw: &Framework,
    input: &ColumnInput<'_>,
    opts: &ColumnOptions,
) -> Result<ColumnScores, ScoreError> {
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let m = input.units.len();
    let periods: Vec<Option<i32>> = match &input.periods {
        Some(p) if p.len() != m => {
            return Err(column_error(
                "period",
                format!("has {} rows, the unit column {m}", p.len()),
            ))
        }
        Some(p) => p.clone(),
        None => vec![None; m],
    };

    // Columns: known nodes, each once, of the right length.
    let mut seen = vec![false; plan.n];
    let mut cols = Vec::with_capacity(input.columns.len());
    for c in &input.columns {
        let Some(i) = plan.index_of(&c.code) else {
            let suggestion = closest(&c.code, fw.def.nodes.iter().map(|n| n.code.as_str()))
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            return Err(column_error(
                &c.code,
                format!(
                    "is not an indicator of framework '{}'{suggestion}",
                    fw.def.id
                ),
            ));
        };
        if std::mem::replace(&mut seen[i], true) {
            return Err(column_error(&c.code, "is given twice".to_owned()));
        }
        let present_len = c.present.as_ref().map_or(m, Vec::len);
        if c.values.len() != m || present_len != m {
            return Err(column_error(
                &c.code,
                format!(
                    "has {} rows, the unit column {m}",
                    c.values.len().min(present_len)
                ),
            ));
        }
        cols.push((i, c));
    }

    let mut problems = Vec::new();
    let mut excluded = Vec::new();
    let problem = |u: usize, indicator: Option<&str>, kind| InputError {
        row: u,
        unit: input.units[u].to_owned(),
        period: periods[u],
        indicator: indicator.map(str::to_owned),
        kind,
    };

    // Rows: a unit id, the first of each unit × period.
    let mut skip = vec![false; m];
    // Ids that differ only by case, diacritics or spacing are one unit (`unit_key`).
    let mut first: HashMap<(std::borrow::Cow<'_, str>, Option<i32>), usize> =
        HashMap::with_capacity(m);
    for u in 0..m {
        let id = input.units[u];
        let kind = if id.trim().is_empty() {
            InputErrorKind::EmptyUnitId
        } else {
            // One hash per row: the entry is the first row of this unit × period.
            match first.entry((crate::text::unit_key(id), periods[u])) {
                Entry::Occupied(e) => InputErrorKind::DuplicateUnit {
                    first_row: *e.get(),
                },
                Entry::Vacant(e) => {
                    e.insert(u);
                    continue;
                }
            }
        };
        problems.push(problem(u, None, kind));
        skip[u] = true;
    }
    drop(first);

    // Leaf rules and given values, column by column (in parallel with feature `parallel`).
    let resolve = |&(i, c): &(usize, &NumberColumn<'_>)| {
        let mut r = ResolvedColumn {
            i,
            value: vec![f64::NAN; m],
            points: points_column(plan, i, m),
            cells: vec![Cell::Empty; m],
            problems: Vec::new(),
            rejected: Vec::new(),
        };
        let dir = plan.direction[i];
        let normalised = matches!(plan.rule[i], Some(Rule::Normalised { .. }));
        let (values, present): (&[f64], Option<&[bool]>) = (&c.values, c.present.as_deref());
        for (u, &x) in values.iter().enumerate() {
            if skip[u] || present.is_some_and(|p| !p[u]) {
                continue;
            }
            // What `resolve_value` gives a finite number under a normalised rule, inline.
            if normalised && x.is_finite() {
                r.value[u] = dir * x;
                r.cells[u] = Cell::Raw;
                continue;
            }
            match resolve_value(plan, i, &Value::Number(x)) {
                Ok((v, p, cell)) => {
                    r.value[u] = v;
                    if let Some(slot) = r.points.get_mut(u) {
                        *slot = p;
                    }
                    r.cells[u] = cell;
                }
                Err(kind) => {
                    r.problems.push(problem(u, Some(&c.code), kind));
                    r.rejected.push(u);
                }
            }
        }
        r
    };
    #[cfg(feature = "parallel")]
    let resolved: Vec<ResolvedColumn> = cols.par_iter().map(resolve).collect();
    #[cfg(not(feature = "parallel"))]
    let resolved: Vec<ResolvedColumn> = cols.iter().map(resolve).collect();

    let mut grid = Cols {
        value: Vec::with_capacity(n1),
        points: Vec::with_capacity(n1),
        cells: Vec::with_capacity(n1),
    };
    let mut rejected: HashSet<(usize, usize)> = HashSet::new();
    let any_given = cols.iter().any(|&(i, _)| plan.rule[i].is_none());
    // Columns in node order (the input's order may differ).
    let mut by_node: Vec<Option<ResolvedColumn>> = (0..n1).map(|_| None).collect();
    for r in resolved {
        let i = r.i;
        by_node[i] = Some(r);
    }
    for slot in by_node {
        match slot {
            Some(r) => {
                problems.extend(r.problems);
                rejected.extend(r.rejected.into_iter().map(|u| (u, r.i)));
                grid.value.push(r.value);
                grid.points.push(r.points);
                grid.cells.push(r.cells);
            }
            None => {
                grid.value.push(vec![f64::NAN; m]);
                grid.points.push(points_column(plan, grid.points.len(), m));
                grid.cells.push(vec![Cell::Empty; m]);
            }
        }
    }

    // Below a given node nothing is scored; a value there is a conflict (named by the
    // topmost given node, as in the record path).
    if any_given {
        let mut above = vec![vec![usize::MAX; m]; n1];
        for &i in &plan.pre_order {
            let p = plan.parent[i];
            if p == plan.root {
                continue;
            }
            for u in 0..m {
                let a = if grid.cells[p][u] == Cell::Given {
                    p
                } else {
                    above[p][u]
                };
                above[i][u] = a;
                if a == usize::MAX || skip[u] {
                    continue;
                }
                if matches!(grid.cells[i][u], Cell::Scored | Cell::Given | Cell::Raw) {
                    problems.push(problem(
                        u,
                        Some(&fw.def.nodes[a].code),
                        InputErrorKind::NodeAndDescendant {
                            descendant: fw.def.nodes[i].code.clone(),
                        },
                    ));
                }
                grid.set(u, i, f64::NAN, f64::NAN, Cell::Covered);
            }
        }
    }

    // The missing-data policy.
    let mut unscorable = vec![false; m];
    for i in 0..plan.n {
        if plan.rule[i].is_none() {
            continue;
        }
        if !grid.cells[i].contains(&Cell::Empty) {
            continue;
        }
        let fill = plan.missing_fill(i);
        for u in 0..m {
            if skip[u] || grid.cells[i][u] != Cell::Empty {
                continue;
            }
            match fill {
                MissingFill::Later => {}
                MissingFill::Zero { points } => grid.set(u, i, 0.0, points, Cell::Missing),
                MissingFill::Omit => grid.cells[i][u] = Cell::Missing,
                MissingFill::Fail => {
                    unscorable[u] = true;
                    if !rejected.contains(&(u, i)) {
                        problems.push(problem(
                            u,
                            Some(&fw.def.nodes[i].code),
                            InputErrorKind::Missing,
                        ));
                    }
                }
            }
        }
    }

    // Aggregating over unpublished weights would present a guess.
    for &p in &plan.post_order {
        let children: Vec<String> = plan
            .unpublished_weights(p)
            .map(|c| fw.def.nodes[c].code.clone())
            .collect();
        if children.is_empty() {
            continue;
        }
        let code = if p == plan.root {
            &fw.def.id
        } else {
            &fw.def.nodes[p].code
        };
        for u in 0..m {
            if skip[u] || matches!(grid.cells[p][u], Cell::Given | Cell::Covered) {
                continue;
            }
            unscorable[u] = true;
            problems.push(problem(
                u,
                Some(code),
                InputErrorKind::UnpublishedWeights {
                    children: children.clone(),
                },
            ));
        }
    }

    problems.sort_by_key(|p| p.row);
    if !opts.lenient && !problems.is_empty() {
        return Err(ScoreError::Input { problems });
    }

    // Keep the scorable rows (in lenient mode the others are listed, not scored).
    let rows: Vec<usize> = (0..m).filter(|&u| !skip[u] && !unscorable[u]).collect();
    for u in (0..m).filter(|&u| skip[u] || unscorable[u]) {
        excluded.push(UnitKey {
            row: u,
            unit: input.units[u].to_owned(),
            period: periods[u],
        });
    }
    let units = if rows.len() == m {
        ColUnits {
            ids: input.units.clone(),
            periods,
        }
    } else {
        let keep = |col: &mut Vec<f64>| *col = rows.iter().map(|&u| col[u]).collect();
        grid.value.iter_mut().for_each(keep);
        grid.points
            .iter_mut()
            .filter(|c| !c.is_empty())
            .for_each(keep);
        for col in &mut grid.cells {
            *col = rows.iter().map(|&u| col[u]).collect();
        }
        ColUnits {
            ids: rows.iter().map(|&u| input.units[u]).collect(),
            periods: rows.iter().map(|&u| periods[u]).collect(),
        }
    };

    let rank_groups = group_by_period(&units.periods);
    let norm_groups = normalisation_groups(&rank_groups, rows.len(), opts.pool_periods);
    // Each normalised leaf over its groups (in parallel with feature `parallel`); the
    // first error in node order is the one reported, as in the record path.
    let normalise = |(i, ((value, points), cells)): (usize, NodeColumnMut<'_>)| {
        let Some(normaliser) = &plan.normaliser.get(i).and_then(Option::as_ref) else {
            return Ok(());
        };
        let (mut x, mut out) = (Vec::new(), Vec::new());
        for (period, members) in &norm_groups {
            let col = Strided {
                value,
                points,
                cells,
                stride: 1,
                offset: 0,
            };
            normalise_leaf(
                plan, fw, &units, i, normaliser, *period, members, col, &mut x, &mut out,
            )?;
        }
        Ok(())
    };
    #[cfg(feature = "parallel")]
    let outcomes: Vec<Result<(), ScoreError>> = grid
        .value
        .par_iter_mut()
        .zip(grid.points.par_iter_mut())
        .zip(grid.cells.par_iter_mut())
        .enumerate()
        .map(normalise)
        .collect();
    #[cfg(not(feature = "parallel"))]
    let outcomes: Vec<Result<(), ScoreError>> = grid
        .value
        .iter_mut()
        .zip(grid.points.iter_mut())
        .zip(grid.cells.iter_mut())
        .enumerate()
        .map(normalise)
        .collect();
    outcomes.into_iter().collect::<Result<(), ScoreError>>()?;
    for &i in &plan.post_order {
        // Points sums and weighted means run over whole columns; the rest unit by unit.
        match linear_columns(plan, i, &grid.value, &grid.points) {
            Some((v, p)) => {
                if let Some(u) = (0..v.len())
                    .find(|&u| v[u].is_infinite() || p.get(u).is_some_and(|x| x.is_infinite()))
                {
                    return Err(crate::score::overflow(fw, plan, &units, u, i));
                }
                let keep = |c: &Cell| matches!(c, Cell::Given | Cell::Covered);
                if grid.cells[i].iter().any(keep) {
                    for (u, v) in v.into_iter().enumerate() {
                        if !keep(&grid.cells[i][u]) {
                            let p = p.get(u).copied().unwrap_or(f64::NAN);
                            grid.set(u, i, v, p, Cell::Aggregated);
                        }
                    }
                } else {
                    grid.value[i] = v;
                    grid.points[i] = p;
                    grid.cells[i].fill(Cell::Aggregated);
                }
            }
            None => aggregate_node(fw, plan, &units, &rank_groups, i, 0..rows.len(), &mut grid)?,
        }
    }

    // Views: a points sum over their members; a member below a given node makes it missing.
    let views = fw
        .def
        .views
        .iter()
        .zip(&plan.views)
        .map(|(v, members)| {
            let total: f64 = members.iter().filter_map(|&i| plan.max[i]).sum();
            let (value, points): (Vec<f64>, Vec<f64>) = (0..rows.len())
                .map(|u| {
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
                })
                .unzip();
            let rank = Some(ranks(&value, &rank_groups, opts.ties));
            ScoreColumn {
                code: v.code.clone(),
                value,
                points,
                rank,
            }
        })
        .collect();

    let Cols {
        mut value,
        mut points,
        ..
    } = grid;
    let index_value = value.pop().unwrap_or_default();
    let index_points = points.pop().unwrap_or_default();
    let index = ScoreColumn {
        code: fw.def.id.clone(),
        rank: Some(ranks(&index_value, &rank_groups, opts.ties)),
        value: index_value,
        points: index_points,
    };
    let nodes = fw
        .def
        .nodes
        .iter()
        .zip(value.into_iter().zip(points))
        .map(|(n, (value, points))| ScoreColumn {
            code: n.code.clone(),
            rank: opts
                .node_ranks
                .then(|| ranks(&value, &rank_groups, opts.ties)),
            value,
            points,
        })
        .collect();

    Ok(ColumnScores {
        rows,
        index,
        views,
        nodes,
        problems,
        excluded,
    })
}

/// Ranks of a value column within each period group (see [`rank_within`]).
fn ranks(value: &[f64], groups: &[(Option<i32>, Vec<usize>)], ties: Ties) -> Vec<Option<u32>> {
    rank_within_by(
        value,
        groups.iter().map(|(_, members)| members.as_slice()),
        ties,
    )
}

/// Competition ranks of `value` within each group of positions: 1 = the highest, values
/// equal up to 1e-12 (relative) share the lowest rank (1, 2, 2, 4), NaN gets none, and
/// positions in no group get none. The rule behind every rank this crate reports.
///
/// ```
/// let v = [0.5, 0.9, 0.5, f64::NAN, 0.1];
/// let r = dti_core::rank_within(&v, [&[0, 1, 2, 3][..], &[4][..]]);
/// assert_eq!(r, [Some(2), Some(1), Some(2), None, Some(1)]);
/// ```
pub fn rank_within<'a>(
    value: &[f64],
    groups: impl IntoIterator<Item = &'a [usize]>,
) -> Vec<Option<u32>> {
    rank_within_by(value, groups, Ties::default())
}

/// [`rank_within`] with a tie rule.
///
/// ```
/// use dti_core::Ties;
/// let v = [0.3, 0.1 + 0.2]; // 0.3 and 0.30000000000000004
/// let groups = [&[0, 1][..]];
/// assert_eq!(dti_core::rank_within_by(&v, groups, Ties::default()), [Some(1), Some(1)]);
/// assert_eq!(dti_core::rank_within_by(&v, groups, Ties::Exact), [Some(2), Some(1)]);
/// ```
pub fn rank_within_by<'a>(
    value: &[f64],
    groups: impl IntoIterator<Item = &'a [usize]>,
    ties: Ties,
) -> Vec<Option<u32>> {
    let mut out = vec![None; value.len()];
    let (mut col, mut r) = (Vec::new(), Vec::new());
    for members in groups {
        col.clear();
        col.extend(
            members
                .iter()
                .map(|&u| -value.get(u).copied().unwrap_or(f64::NAN)),
        );
        r.resize(col.len(), f64::NAN);
        ranks_ascending_by(&col, &mut r, ties);
        for (&u, &x) in members.iter().zip(&r) {
            if let Some(o) = out.get_mut(u) {
                *o = (!x.is_nan()).then_some(x as u32);
            }
        }
    }
    out
}

fn column_error(column: &str, problem: String) -> ScoreError {
    ScoreError::Column {
        column: column.to_owned(),
        problem,
    }
}

impl Framework {
    /// [`score_columns`] on this framework.
    ///
    /// ```
    /// # use dti_core::*;
    /// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 10}]}"#)?;
    /// let input = ColumnInput::new(vec!["X", "Y"]).column(NumberColumn::new("A", vec![0.3, 2.0]));
    /// let err = fw.score_columns(&input, &ColumnOptions::default()).unwrap_err();
    /// assert!(err.to_string().contains("row 1, unit 'Y', indicator 'A': 2 is outside 0..1"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_columns(
        &self,
        input: &ColumnInput<'_>,
        opts: &ColumnOptions,
    ) -> Result<ColumnScores, ScoreError> {
        score_columns(self, input, opts)
    }
}
