//! The column adapter: a panel held as one column of numbers per indicator (as a DataFrame,
//! a Parquet file or a [`Panel`](crate::io::Panel) holds it) moved into the engine's grid
//! column by column, and the grid's columns returned as the result ([`ColumnScores`]) —
//! no record per unit on the way in or out. The checks and the arithmetic are the engine's
//! (`checks.rs`, `kernel.rs`), the same as for records, so every number is identical to
//! [`score_cohort`](crate::score_cohort) on the same data.

use std::borrow::Cow;

use super::checks::Intake;
use super::explain::{explain_grid, explanation, Explanations};
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
use crate::model::result::UnitKey;
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ColumnOptions {
    /// Report bad rows in [`ColumnScores::problems`] and score the rest (see
    /// [`ScoreOptions::lenient`](crate::ScoreOptions::lenient)) instead of failing.
    pub lenient: bool,
    /// Normalise cohort-relative indicators over all periods together.
    pub pool_periods: bool,
    /// Also rank every node within each period (the index and the views are always
    /// ranked). Ranking sorts each column, which costs more than scoring it.
    pub node_ranks: bool,
    /// When two scores share a rank, in every ranking and rank normaliser (default
    /// [`Ties::Auto`]: the framework's declared rule).
    pub ties: Ties,
    /// Also explain every row ([`ColumnScores::explanations`]): each leaf's contribution and
    /// gain, and the row's top opportunities.
    pub explain: bool,
    /// How many opportunities each row's explanation lists (default 5).
    pub top_n: usize,
}

setters!(ColumnOptions {
    lenient: bool,
    pool_periods: bool,
    node_ranks: bool,
    ties: Ties,
    explain: bool,
    top_n: usize
});

impl Default for ColumnOptions {
    fn default() -> Self {
        ColumnOptions {
            lenient: false,
            pool_periods: false,
            node_ranks: false,
            ties: Ties::default(),
            explain: false,
            top_n: 5,
        }
    }
}

/// One result column set: a node's, a view's or the index's value, points and rank for each
/// scored row. Missing numbers are NaN.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
    /// Every row's explanation, when asked ([`ColumnOptions::explain`]).
    pub explanations: Option<Explanations>,
}

impl ColumnScores {
    /// Row `row`'s explanation as the per-unit struct the record path returns, `fw` being
    /// the framework that scored it (`None`: no explanations asked for, no such row, or `fw`
    /// has other nodes than these results).
    pub fn explanation(
        &self,
        fw: &Framework,
        row: usize,
    ) -> Option<crate::model::result::Explanation> {
        let ex = self.explanations.as_ref()?;
        let same_nodes = self.nodes.len() == fw.def.nodes.len()
            && self
                .nodes
                .iter()
                .zip(&fw.def.nodes)
                .all(|(c, n)| c.code == n.code);
        if row >= ex.rows() || !same_nodes {
            return None;
        }
        let nan = |col: &[f64]| col.get(row).copied().unwrap_or(f64::NAN);
        Some(explanation(
            fw,
            ex,
            row,
            |i| nan(&self.nodes[i].value),
            |i| nan(&self.nodes[i].points),
        ))
    }

    /// The per-unit results of [`score_cohort`](crate::score_cohort) as result columns (row
    /// `k` is unit `k` of `scores`; every node ranked), for code that reads columns whatever
    /// path scored them.
    ///
    /// ```
    /// use dti_core::{ColumnScores, Framework, UnitRecord};
    /// let fw = Framework::builtin("vn-pdti-2022")?;
    /// let s = fw.score(&[UnitRecord::new("A").value("GOV", 0.5), UnitRecord::new("B").value("GOV", 0.9)])?;
    /// let c = ColumnScores::from_cohort(&fw, &s);
    /// assert_eq!(c.index.points, [100.0, 180.0]);
    /// assert_eq!(c.index.rank, Some(vec![Some(2), Some(1)]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_cohort(
        fw: &Framework,
        scores: &crate::model::result::CohortScores,
    ) -> ColumnScores {
        type Cell = (Option<f64>, Option<f64>, Option<u32>);
        let u = &scores.units;
        let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
        let column = |code: &str, get: &dyn Fn(&crate::model::result::UnitScore) -> Cell| {
            let cells: Vec<Cell> = u.iter().map(get).collect();
            ScoreColumn {
                code: code.to_owned(),
                value: cells.iter().map(|c| nan(c.0)).collect(),
                points: cells.iter().map(|c| nan(c.1)).collect(),
                rank: Some(cells.iter().map(|c| c.2).collect()),
            }
        };
        ColumnScores {
            rows: (0..u.len()).collect(),
            index: column(&fw.def.id, &|x| (x.value, x.points, x.rank)),
            views: (0..fw.def.views.len())
                .map(|k| {
                    column(&fw.def.views[k].code, &|x| {
                        (x.views[k].value, x.views[k].points, x.views[k].rank)
                    })
                })
                .collect(),
            nodes: (0..fw.def.nodes.len())
                .map(|k| {
                    column(&fw.def.nodes[k].code, &|x| {
                        (x.nodes[k].value, x.nodes[k].points, x.nodes[k].rank)
                    })
                })
                .collect(),
            problems: scores.problems.clone(),
            excluded: scores.excluded.clone(),
            explanations: u
                .iter()
                .any(|x| x.explanation.is_some())
                .then(|| Explanations::from_units(fw, u.iter().map(|x| x.explanation.as_ref()))),
        }
    }
}

/// One input column resolved: its node's cells (normalised already when `normalised`),
/// and what was wrong.
struct ResolvedColumn {
    i: usize,
    value: Vec<f64>,
    points: Vec<f64>,
    cells: Vec<Cell>,
    normalised: bool,
    problems: Vec<InputError>,
    rejected: Vec<usize>,
}

/// The row ranges normalisation will run over, when strict scoring of these rows would
/// normalise runs of rows: no periods, pooled periods, or each period's rows together.
/// Strict scoring scores every row (any problem fails it), so the groups are known before
/// the checks and a complete column can be normalised as it is read. `None` otherwise.
fn normalisation_runs(
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
fn normalise_runs(
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
    let plan = &fw.plan;
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

    let runs = normalisation_runs(&periods, opts);
    let mut intake = Intake::new(fw, input.units.clone(), periods, false);
    let skip = &intake.skip;
    let problem = |u: usize, code: &str, kind| InputError {
        row: u,
        unit: input.units[u].to_owned(),
        period: intake.units.periods[u],
        indicator: Some(code.to_owned()),
        kind,
    };

    // Leaf rules and given values, column by column (in parallel with feature `parallel`).
    let all_rows = !skip.contains(&true);
    let resolve = |&(i, c): &(usize, &NumberColumn<'_>)| {
        let dir = plan.direction[i];
        let normalised = matches!(plan.rule[i], Some(Rule::Normalised { .. }));
        let (values, present): (&[f64], Option<&[bool]>) = (&c.values, c.present.as_deref());
        // A complete column of finite numbers under a normalised rule: every cell raw, or
        // scored already when the normalisation groups are known.
        if normalised && all_rows && present.is_none() && all_finite(values) {
            let done = runs
                .as_deref()
                .and_then(|r| normalise_runs(plan, i, values, r, fw.ties(opts.ties)));
            let normalised = done.is_some();
            let value = done.unwrap_or_else(|| values.iter().map(|&x| dir * x).collect());
            let points = match plan.max[i] {
                Some(max) if normalised => value.iter().map(|&y| y * max).collect(),
                _ => points_column(plan, i, m),
            };
            let cell = if normalised { Cell::Scored } else { Cell::Raw };
            return ResolvedColumn {
                i,
                value,
                points,
                cells: vec![cell; m],
                normalised,
                problems: Vec::new(),
                rejected: Vec::new(),
            };
        }
        let mut r = ResolvedColumn {
            i,
            value: vec![f64::NAN; m],
            points: points_column(plan, i, m),
            cells: vec![Cell::Empty; m],
            normalised: false,
            problems: Vec::new(),
            rejected: Vec::new(),
        };
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
                    r.problems.push(problem(u, &c.code, kind));
                    r.rejected.push(u);
                }
            }
        }
        r
    };
    #[cfg(feature = "parallel")]
    let mut resolved: Vec<ResolvedColumn> = if m * cols.len() >= super::kernel::PARALLEL_CELLS {
        cols.par_iter().map(resolve).collect()
    } else {
        cols.iter().map(resolve).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let mut resolved: Vec<ResolvedColumn> = cols.iter().map(resolve).collect();
    // Problems in node order (the input's order may differ).
    resolved.sort_by_key(|r| r.i);
    intake.grid.normalised = vec![false; plan.n + 1];
    for r in resolved {
        intake.grid.normalised[r.i] = r.normalised;
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
fn column_scores(
    fw: &Framework,
    intake: Intake<'_>,
    opts: &ColumnOptions,
) -> Result<ColumnScores, ScoreError> {
    let opts = &ColumnOptions {
        ties: fw.ties(opts.ties),
        ..opts.clone()
    };
    let kept = intake.finish(fw, opts.lenient)?;
    let scored = score_grid(fw, kept.grid, &kept.units, opts.pool_periods, opts.ties)?;
    let groups = &scored.rank_groups;
    let explanations = opts
        .explain
        .then(|| explain_grid(fw, &scored.grid, groups, opts.top_n));
    let views = fw
        .def
        .views
        .iter()
        .zip(scored.views)
        .map(|(v, (value, points))| ScoreColumn {
            code: v.code.clone(),
            rank: Some(ranks(&value, groups, opts.ties)),
            value,
            points,
        })
        .collect();
    let (mut value, mut points) = (scored.grid.value, scored.grid.points);
    let index_value = value.pop().unwrap_or_default();
    let index_points = points.pop().unwrap_or_default();
    let index = ScoreColumn {
        code: fw.def.id.clone(),
        rank: Some(ranks(&index_value, groups, opts.ties)),
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
            rank: opts.node_ranks.then(|| ranks(&value, groups, opts.ties)),
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
        let mut input = ColumnInput::new(self.units.iter().map(String::as_str).collect())
            .periods(self.periods.clone());
        input.columns = self
            .codes
            .iter()
            .zip(&self.columns)
            .map(|(code, col)| {
                let c = NumberColumn::new(code.as_str(), col.as_slice());
                if crate::scan::no_nan(col) {
                    c
                } else {
                    c.with_present(col.iter().map(|x| !x.is_nan()).collect())
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
