//! The column adapter: a panel held as one column of numbers per indicator (as a DataFrame,
//! a Parquet file or a [`Panel`](crate::io::Panel) holds it) moved into the engine's grid
//! column by column, and the grid's columns returned as the result ([`ColumnScores`]) —
//! no record per unit on the way in or out. The checks and the arithmetic are the engine's
//! (`checks.rs`, `kernel.rs`), the same as for records, so every number is identical to
//! [`score_cohort`](crate::score_cohort) on the same data.

use super::checks::Intake;
use super::column_io::{ColumnInput, ColumnOptions, ColumnScores, NumberColumn, ScoreColumn};
use super::explain::explain_grid;
use super::grid::{points_column, Cell};
use super::kernel::{group_by_period, normalisation_groups, resolve_value, score_grid};
use super::ranks::ranks;
use crate::error::{InputError, ScoreError};
use crate::methods::normalise::{Normaliser, Ties};
use crate::methods::scan::all_finite;
use crate::model::definition::Rule;
use crate::model::framework::Framework;
use crate::model::input::Value;
use crate::model::plan::Plan;
use crate::suggest::closest;
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use std::borrow::Cow;

/// One input column resolved: its node's cells (normalised already when `normalised`),
/// and what was wrong.
pub(crate) struct ResolvedColumn {
    i: usize,
    value: Vec<f64>,
    points: Vec<f64>,
    cells: Vec<Cell>,
    normalised: bool,
    problems: Vec<InputError>,
    rejected: Vec<usize>,
    /// Its points not made: each its value × these max points (`ColumnGrid::deferred`).
    deferred: Option<f64>,
}

impl ResolvedColumn {
    /// A column resolved whole, every cell `cell`: its points the value × the node's maximum
    /// where the value is final (scored, given) — made now, or left to the sums that read
    /// them when `defer` — none yet for raw cells awaiting normalisation.
    fn whole(
        plan: &Plan,
        i: usize,
        value: Vec<f64>,
        cell: Cell,
        normalised: bool,
        defer: bool,
    ) -> Self {
        let m = value.len();
        let (points, deferred) = match plan.max[i] {
            Some(max) if cell != Cell::Raw && defer => (Vec::new(), Some(max)),
            Some(max) if cell != Cell::Raw => (value.iter().map(|&y| y * max).collect(), None),
            _ => (points_column(plan, i, m), None),
        };
        ResolvedColumn {
            i,
            value,
            points,
            cells: vec![cell; m],
            normalised,
            problems: Vec::new(),
            rejected: Vec::new(),
            deferred,
        }
    }
}

/// The row ranges normalisation will run over, when strict scoring of these rows would
/// normalise runs of rows: no periods, pooled periods, or each period's rows together.
/// Strict scoring scores every row (any problem fails it), so the groups are known before
/// the checks and a complete column can be normalised as it is read. `None` otherwise.
pub(crate) fn normalisation_runs(
    periods: &[Option<i32>],
    opts: &ColumnOptions,
) -> Option<Vec<std::ops::Range<usize>>> {
    let m = periods.len();
    if opts.lenient || m == 0 {
        return None;
    }
    let groups = normalisation_groups(&group_by_period(periods), m, opts.pool_periods);
    groups
        .iter()
        .map(|(_, members)| {
            let lo = members[0];
            let run = members.iter().enumerate().all(|(k, &u)| u == lo + k);
            run.then(|| lo..lo + members.len())
        })
        .collect()
}

/// Leaf `i`'s complete column of finite numbers normalised over `runs` (as
/// `normalise_leaf` would normalise it after the checks, bit for bit); `None` when the
/// normaliser needs a reference unit or fails (the later pass then reports the failure).
pub(crate) fn normalise_runs(
    plan: &Plan,
    i: usize,
    values: &[f64],
    runs: &[std::ops::Range<usize>],
    ties: Ties,
) -> Option<Vec<f64>> {
    let normaliser = plan.normaliser[i].as_ref()?;
    if matches!(normaliser, Normaliser::DistanceToReference { .. }) {
        return None;
    }
    let dir = plan.direction[i];
    // 1 · x is x, bit for bit: no flipped copy for the usual direction.
    let flipped: Vec<f64>;
    let x = if dir == 1.0 {
        values
    } else {
        flipped = values.iter().map(|&v| dir * v).collect();
        &flipped
    };
    // The runs are in row order (each period's rows together, periods in order of first
    // appearance), so appending each run's values writes the column in order.
    let mut out = Vec::with_capacity(x.len());
    for r in runs {
        debug_assert_eq!(out.len(), r.start);
        normaliser
            .normalise_into(&x[r.clone()], dir, None, ties, &mut out)
            .ok()?;
    }
    Some(out)
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
    let cols = input
        .columns
        .iter()
        .map(|c| Col {
            code: &c.code,
            values: Cow::Borrowed(&c.values),
            present: c.present.as_deref(),
        })
        .collect();
    score_parts(fw, input.units.clone(), input.periods.clone(), cols, opts)
}

/// [`score_columns`], consuming the input: each column the input owns becomes its node's
/// value column in place (the same numbers, bit for bit), so a large panel is not held
/// twice — a million rows of nine indicators are 72 MB less at the peak, and as many
/// bytes not copied.
///
/// ```
/// use dti_core::{score_columns, score_columns_owned, ColumnInput, ColumnOptions, Framework, NumberColumn};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let input = ColumnInput::new(vec!["HN", "HCM"])
///     .column(NumberColumn::new("GOV", vec![0.5, 0.9]))
///     .column(NumberColumn::new("ECO", vec![0.4, 0.2]));
/// let borrowed = score_columns(&fw, &input, &ColumnOptions::default())?;
/// let owned = score_columns_owned(&fw, input, &ColumnOptions::default())?;
/// assert_eq!(owned.index.points, borrowed.index.points);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_columns_owned(
    fw: &Framework,
    mut input: ColumnInput<'_>,
    opts: &ColumnOptions,
) -> Result<ColumnScores, ScoreError> {
    let units = std::mem::take(&mut input.units);
    let periods = input.periods.take();
    let values: Vec<Cow<'_, [f64]>> = input
        .columns
        .iter_mut()
        .map(|c| std::mem::take(&mut c.values))
        .collect();
    let cols = input
        .columns
        .iter()
        .zip(values)
        .map(|(c, values)| Col {
            code: &c.code,
            values,
            present: c.present.as_deref(),
        })
        .collect();
    score_parts(fw, units, periods, cols, opts)
}

/// An input column on its way into the grid: its values borrowed or owned (an owned one is
/// resolved in place).
struct Col<'c> {
    code: &'c str,
    values: Cow<'c, [f64]>,
    present: Option<&'c [bool]>,
}

/// [`score_columns`] and [`score_columns_owned`]: the rows' ids and periods, and the columns.
fn score_parts(
    fw: &Framework,
    units: Vec<&str>,
    periods: Option<Vec<Option<i32>>>,
    cols: Vec<Col<'_>>,
    opts: &ColumnOptions,
) -> Result<ColumnScores, ScoreError> {
    let plan = &fw.plan;
    let m = units.len();
    let periods: Vec<Option<i32>> = match periods {
        Some(p) if p.len() != m => {
            return Err(column_error(
                "period",
                format!("has {} rows, the unit column {m}", p.len()),
            ))
        }
        Some(p) => p,
        None => vec![None; m],
    };

    let cols = known_columns(fw, cols, m)?;

    let runs = normalisation_runs(&periods, opts);
    let mut intake = Intake::new(fw, units, periods, false);
    let skip = &intake.skip;
    let ids = &intake.units;
    let problem = |u: usize, code: &str, kind| InputError {
        row: u,
        unit: ids.ids[u].to_owned(),
        period: ids.periods[u],
        indicator: Some(code.to_owned()),
        kind,
    };

    // Leaf rules and given values, column by column (in parallel with feature `parallel`).
    let all_rows = !skip.contains(&true);
    // A panel of which nothing but the index and views is kept leaves the points of a
    // summed node to the sums that read them (a column fewer per node at the peak of a
    // large one; native only, feature `parallel`: the browser package's size is budgeted).
    #[cfg(feature = "parallel")]
    let defer = |i: usize| releases_nodes(opts) && super::kernel::may_defer_points(plan, i);
    #[cfg(not(feature = "parallel"))]
    let defer = |_: usize| false;
    let resolve = |(i, c): (usize, Col<'_>)| {
        let dir = plan.direction[i];
        let normalised = matches!(plan.rule[i], Some(Rule::Normalised { .. }));
        let present = c.present;
        // A complete column of finite numbers under a normalised rule: every cell raw, or
        // scored already when the normalisation groups are known.
        if normalised && all_rows && present.is_none() && all_finite(&c.values) {
            let done = runs
                .as_deref()
                .and_then(|r| normalise_runs(plan, i, &c.values, r, fw.ties(opts.ties)));
            let normalised = done.is_some();
            let value = done.unwrap_or_else(|| {
                let mut v = c.values.into_owned();
                v.iter_mut().for_each(|x| *x *= dir);
                v
            });
            let cell = if normalised { Cell::Scored } else { Cell::Raw };
            return ResolvedColumn::whole(plan, i, value, cell, normalised, defer(i));
        }
        // A complete column of values in 0..1 of a leaf given directly or under the value
        // rule: each cell what `resolve_value` makes of it (the value, turned by the rule's
        // direction; its points, the value × the maximum), a column at once, in place.
        let leaf = plan.children[i].is_empty();
        let flip = match &plan.rule[i] {
            None if leaf => Some(false),
            Some(Rule::Value) => Some(dir < 0.0),
            _ => None,
        };
        if let Some(flip) = flip {
            if all_rows && present.is_none() && c.values.iter().all(|x| (0.0..=1.0).contains(x)) {
                let mut value = c.values.into_owned();
                if flip {
                    value.iter_mut().for_each(|x| *x = 1.0 - *x);
                }
                let cell = if plan.rule[i].is_some() {
                    Cell::Scored
                } else {
                    Cell::Given
                };
                return ResolvedColumn::whole(plan, i, value, cell, false, defer(i));
            }
        }
        // The input's values become the value column, cell by cell (each read before it is
        // written; a cell not scored is NaN).
        let mut r = ResolvedColumn {
            i,
            value: c.values.into_owned(),
            points: points_column(plan, i, m),
            cells: vec![Cell::Empty; m],
            normalised: false,
            problems: Vec::new(),
            rejected: Vec::new(),
            deferred: None,
        };
        for u in 0..m {
            let x = std::mem::replace(&mut r.value[u], f64::NAN);
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
                    r.problems.push(problem(u, c.code, kind));
                    r.rejected.push(u);
                }
            }
        }
        r
    };
    #[cfg(feature = "parallel")]
    let mut resolved: Vec<ResolvedColumn> = if m * cols.len() >= super::kernel::PARALLEL_CELLS {
        cols.into_par_iter().map(resolve).collect()
    } else {
        cols.into_iter().map(resolve).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let mut resolved: Vec<ResolvedColumn> = cols.into_iter().map(resolve).collect();
    // Problems in node order (the input's order may differ).
    resolved.sort_by_key(|r| r.i);
    intake.grid.normalised = vec![false; plan.n + 1];
    if cfg!(feature = "parallel") && resolved.iter().any(|r| r.deferred.is_some()) {
        intake.grid.deferred = vec![None; plan.n + 1];
    }
    for r in resolved {
        intake.grid.normalised[r.i] = r.normalised;
        if let Some(d) = intake.grid.deferred.get_mut(r.i) {
            *d = r.deferred;
        }
        intake.problems.extend(r.problems);
        intake
            .rejected
            .extend(r.rejected.into_iter().map(|u| (u, r.i)));
        intake.grid.value[r.i] = r.value;
        intake.grid.points[r.i] = r.points;
        intake.grid.cells[r.i] = r.cells;
    }
    intake.grid.complete(plan, m);
    column_scores(fw, intake, opts)
}

/// The input's columns with their nodes: known nodes, each once, of the unit column's length.
fn known_columns<'c>(
    fw: &Framework,
    input: Vec<Col<'c>>,
    m: usize,
) -> Result<Vec<(usize, Col<'c>)>, ScoreError> {
    let plan = &fw.plan;
    let mut seen = vec![false; plan.n];
    let mut cols = Vec::with_capacity(input.len());
    for c in input {
        let Some(i) = plan.index_of(c.code) else {
            let suggestion = closest(c.code, fw.def.nodes.iter().map(|n| n.code.as_str()))
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            return Err(column_error(
                c.code,
                format!(
                    "is not an indicator of framework '{}'{suggestion}",
                    fw.def.id
                ),
            ));
        };
        if std::mem::replace(&mut seen[i], true) {
            return Err(column_error(c.code, "is given twice".to_owned()));
        }
        let present_len = c.present.map_or(m, <[bool]>::len);
        if c.values.len() != m || present_len != m {
            return Err(column_error(
                c.code,
                format!(
                    "has {} rows, the unit column {m}",
                    c.values.len().min(present_len)
                ),
            ));
        }
        cols.push((i, c));
    }
    Ok(cols)
}

/// Scores unit records into result columns: the numbers of
/// [`score_cohort`](crate::score_cohort) (the same engine), without a struct per unit and
/// node — the fast way to values, points and ranks when nothing needs the per-unit form.
/// [`ColumnOptions::lenient`] works as [`ScoreOptions::lenient`](crate::ScoreOptions).
///
/// ```
/// use dti_core::{score_records, ColumnOptions, Framework, UnitRecord};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [
///     UnitRecord::new("HN").value("GOV", 0.5).value("ECO", 0.4),
///     UnitRecord::new("HCM").value("GOV", 0.9).value("ECO", 0.2),
/// ];
/// let opts = ColumnOptions::default().node_ranks(true);
/// let s = score_records(&fw, &units, &opts)?;
/// // HN: 0.5 · 200 + 0.4 · 150 = 160 points; HCM: 180 + 30 = 210.
/// assert_eq!(s.index.points, [160.0, 210.0]);
/// let eco = s.nodes.iter().find(|n| n.code == "ECO").unwrap();
/// assert_eq!(eco.rank, Some(vec![Some(1), Some(2)]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_records(
    fw: &Framework,
    units: &[crate::model::input::UnitRecord],
    opts: &ColumnOptions,
) -> Result<ColumnScores, ScoreError> {
    let (intake, _) = super::records::resolve_records(fw, units);
    column_scores(fw, intake, opts)
}

/// An adapter's cells checked and scored, as result columns (the grid's own columns, moved).
pub(crate) fn column_scores(
    fw: &Framework,
    intake: Intake<'_>,
    opts: &ColumnOptions,
) -> Result<ColumnScores, ScoreError> {
    let opts = &ColumnOptions {
        ties: fw.ties(opts.ties),
        ..opts.clone()
    };
    let kept = intake.finish(fw, opts.lenient)?;
    let release = releases_nodes(opts);
    let scored = score_grid(
        fw,
        kept.grid,
        kept.units,
        opts.pool_periods,
        opts.ties,
        release,
    )?;
    let groups = &scored.rank_groups;
    let explanations = opts
        .explain
        .then(|| explain_grid(fw, &scored.grid, groups, opts.top_n));
    // The grid's cells are not read past here: let go before the ranks are made.
    let (mut value, mut points) = {
        let grid = scored.grid;
        (grid.value, grid.points)
    };
    let index_value = value.pop().unwrap_or_default();
    let index_points = points.pop().unwrap_or_default();
    if !opts.nodes && !opts.node_ranks {
        // Freed before the ranks are made (the peak of a large panel).
        value = Vec::new();
        points = Vec::new();
    }
    // Every column to rank: the index, the views, and the nodes when asked. Each is ranked
    // on its own, so they are ranked side by side (with feature `parallel`): a sort uses
    // every core, the passes before and after it one.
    let mut to_rank: Vec<&[f64]> = vec![&index_value];
    to_rank.extend(scored.views.iter().map(|(v, _)| v.as_slice()));
    if opts.node_ranks {
        to_rank.extend(value.iter().map(Vec::as_slice));
    }
    let rank = |v: &&[f64]| ranks(v, groups, opts.ties);
    #[cfg(feature = "parallel")]
    let mut ranked: std::vec::IntoIter<Vec<Option<u32>>> =
        if index_value.len() * to_rank.len() >= super::kernel::PARALLEL_CELLS {
            to_rank.par_iter().map(rank).collect::<Vec<_>>().into_iter()
        } else {
            to_rank.iter().map(rank).collect::<Vec<_>>().into_iter()
        };
    #[cfg(not(feature = "parallel"))]
    let mut ranked = to_rank.iter().map(rank).collect::<Vec<_>>().into_iter();
    let index = ScoreColumn {
        code: fw.def.id.clone(),
        rank: ranked.next(),
        value: index_value,
        points: index_points,
    };
    let views = fw
        .def
        .views
        .iter()
        .zip(scored.views)
        .map(|(v, (value, points))| ScoreColumn {
            code: v.code.clone(),
            rank: ranked.next(),
            value,
            points,
        })
        .collect();
    let nodes = fw
        .def
        .nodes
        .iter()
        .zip(value.into_iter().zip(points))
        .map(|(n, (value, points))| ScoreColumn {
            code: n.code.clone(),
            rank: if opts.node_ranks { ranked.next() } else { None },
            value,
            points,
        })
        .collect();
    Ok(ColumnScores {
        rows: kept.rows,
        index,
        views,
        nodes,
        problems: kept.problems,
        excluded: kept.excluded,
        explanations,
    })
}

/// Whether nothing reads a node's column but the index's and the views' members' (no node
/// returned, ranked or explained): the grid then lets each go once its parent is made, and
/// leaves summed nodes' points to the sums.
fn releases_nodes(opts: &ColumnOptions) -> bool {
    !opts.nodes && !opts.node_ranks && !opts.explain
}

pub(crate) fn column_error(column: &str, problem: String) -> ScoreError {
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
    /// assert!(err.to_string().contains("row 2, unit 'Y', indicator 'A': 2 is outside 0..1"), "{err}");
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
/// Scoring a [`Panel`](crate::io::Panel) goes through [`ColumnInput`]: the conversion lives
/// here, above `io`, which stays at the bottom of the layers.
impl crate::io::Panel {
    /// The panel as input of [`score_columns`](crate::score_columns): a NaN is a value
    /// not reported.
    pub fn input(&self) -> ColumnInput<'_> {
        self.input_with(
            self.columns
                .iter()
                .map(|c| Cow::Borrowed(c.as_slice()))
                .collect(),
        )
    }

    /// [`input`](Self::input) with the panel's number columns moved into it (the panel keeps
    /// its ids, names and periods, and no columns): for
    /// [`score_columns_owned`](crate::score_columns_owned), which resolves them in place.
    pub fn take_input(&mut self) -> ColumnInput<'_> {
        let columns = std::mem::take(&mut self.columns);
        self.input_with(columns.into_iter().map(Cow::Owned).collect())
    }

    fn input_with<'p>(&'p self, columns: Vec<Cow<'p, [f64]>>) -> ColumnInput<'p> {
        let mut input = ColumnInput::new(self.units.iter().collect()).periods(self.periods.clone());
        input.columns = self
            .codes
            .iter()
            .zip(columns)
            .map(|(code, col)| {
                let present =
                    (!crate::scan::no_nan(&col)).then(|| col.iter().map(|x| !x.is_nan()).collect());
                let c = NumberColumn::new(code.as_str(), col);
                match present {
                    Some(p) => c.with_present(p),
                    None => c,
                }
            })
            .collect();
        input
    }
}
/// [`correlations`](crate::methods::correlations) of a columnar result ([`score_columns`](crate::score_columns),
/// [`score_records`](crate::score_records), a pipeline run).
///
/// ```
/// # use dti_core::{methods::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units: Vec<UnitRecord> = (0..5).map(|k| {
///     let v = 0.1 + 0.15 * k as f64;
///     UnitRecord::new(&format!("P{k}")).value("AWR", v).value("GOV", 1.0 - v)
/// }).collect();
/// let s = score_records(&fw, &units, &ColumnOptions::default())?;
/// let c = column_correlations(&fw, &s, CorrelationMethod::Pearson, &StatsOptions::default());
/// let by_records = correlations(&fw, &fw.score(&units)?, CorrelationMethod::Pearson, &StatsOptions::default());
/// assert_eq!(c, by_records);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn column_correlations(
    fw: &crate::model::framework::Framework,
    scores: &ColumnScores,
    method: crate::methods::CorrelationMethod,
    opts: &crate::methods::StatsOptions,
) -> crate::methods::Correlations {
    let cols: Vec<(&str, &[f64])> = scores
        .nodes
        .iter()
        .chain(std::iter::once(&scores.index))
        .map(|c| (c.code.as_str(), c.value.as_slice()))
        .collect();
    crate::methods::stats::correlations_of(fw, &cols, method, opts)
}
