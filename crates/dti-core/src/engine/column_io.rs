//! The columns in and out of column scoring: [`NumberColumn`], [`ColumnInput`] and its
//! [`ColumnOptions`], and the [`ColumnScores`] that come back.

use crate::engine::explain::{explanation, Explanations};
use crate::error::InputError;
use crate::methods::normalise::Ties;
use crate::model::framework::Framework;
use crate::model::result::UnitKey;
use std::borrow::Cow;

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
    /// Return every node's column (the default). `false`: [`ColumnScores::nodes`] comes back
    /// empty — only the index and the views — unless node ranks are asked, and the nodes'
    /// columns are freed before the ranking: for a caller that shows the index and the views
    /// alone (`dti score`), two thirds less memory at the peak of a large panel.
    pub nodes: bool,
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
    nodes: bool,
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
            nodes: true,
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

/// The result of [`score_columns`](crate::engine::score_columns): one entry per scored row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ColumnScores {
    /// The input row of each result row, ascending (rows left out are in `excluded`).
    pub rows: Vec<usize>,
    /// The index (the framework root).
    pub index: ScoreColumn,
    /// The views, in framework order.
    pub views: Vec<ScoreColumn>,
    /// Every node, in framework order (none with [`ColumnOptions::nodes`] `false`).
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
