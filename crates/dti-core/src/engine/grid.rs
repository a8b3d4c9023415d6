//! The grid the engine reads: one column of `f64` per node (units as rows), with the state
//! of every cell. Every front door fills one (records, columns, merged units; the COINr
//! tables and the bindings through those) and every step after it reads only the grid.

use std::collections::BTreeMap;

use crate::model::definition::Aggregator;
use crate::model::input::UnitRecord;
use crate::model::plan::Plan;
use crate::model::result::Status;

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

impl Cell {
    pub fn status(self) -> Status {
        match self {
            Cell::Scored | Cell::Raw => Status::Scored,
            Cell::Given => Status::Given,
            Cell::Aggregated => Status::Aggregated,
            Cell::Empty | Cell::Missing => Status::Missing,
            Cell::Covered => Status::Covered,
        }
    }

    /// Kept as it is by aggregation: given directly, or below a given node.
    pub fn kept(self) -> bool {
        matches!(self, Cell::Given | Cell::Covered)
    }
}

/// Who a row of the grid is, as the per-unit results name it.
#[derive(Debug, Clone)]
pub(crate) struct UnitMeta {
    pub unit: String,
    pub name: Option<String>,
    pub period: Option<i32>,
    pub groups: BTreeMap<String, String>,
}

impl UnitMeta {
    pub fn of(rec: &UnitRecord) -> UnitMeta {
        UnitMeta {
            unit: rec.unit.clone(),
            name: rec.name.clone(),
            period: rec.period,
            groups: rec.groups.clone(),
        }
    }
}

/// Cell access the normalisation and aggregation steps are written against. The engine's
/// grid is [`ColumnGrid`]; the analyses' unit-by-unit fallback keeps [`Rows`].
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

/// The engine's grid: node `i`, unit `u` at `value[i][u]` (`n + 1` columns, the index
/// last). A node that can have no points has an empty points column (see
/// [`points_column`]), which saves a column of NaN per node.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnGrid {
    pub value: Vec<Vec<f64>>,
    pub points: Vec<Vec<f64>>,
    pub cells: Vec<Vec<Cell>>,
    /// Per node: an adapter normalised the column as it resolved it (every row is scored
    /// and every cell was raw); normalisation leaves it alone. Empty: none.
    pub normalised: Vec<bool>,
    /// Per node: its points are not held (an empty points column) but are each its value ×
    /// these max points — a whole column of final cells that only points sums read (its
    /// parent's, a view's: see `kernel::may_defer_points`): a column of a large panel not
    /// made. Every other reader holds them first ([`hold`](Self::hold)). Empty: none.
    pub deferred: Vec<Option<f64>>,
}

impl ColumnGrid {
    /// `m` units, every cell empty.
    pub fn empty(plan: &Plan, m: usize) -> ColumnGrid {
        let n1 = plan.n + 1;
        ColumnGrid {
            value: vec![vec![f64::NAN; m]; n1],
            points: (0..n1).map(|i| points_column(plan, i, m)).collect(),
            cells: vec![vec![Cell::Empty; m]; n1],
            normalised: Vec::new(),
            deferred: Vec::new(),
        }
    }

    /// `n + 1` columns of nothing, for an adapter to fill ([`complete`](Self::complete)
    /// gives the nodes it did not fill empty cells).
    pub fn unfilled(plan: &Plan) -> ColumnGrid {
        let n1 = plan.n + 1;
        ColumnGrid {
            value: vec![Vec::new(); n1],
            points: vec![Vec::new(); n1],
            cells: vec![Vec::new(); n1],
            normalised: Vec::new(),
            deferred: Vec::new(),
        }
    }

    /// Gives every node without cells `m` empty ones. A node with children gets its value
    /// and points columns from its aggregation (until then empty: two columns of a large
    /// panel not made twice; [`hold`](Self::hold) makes them for a cell written earlier).
    pub fn complete(&mut self, plan: &Plan, m: usize) {
        for i in 0..self.value.len() {
            if self.cells[i].len() != m {
                // (Native builds only: the browser package's size is budgeted.)
                let aggregated = cfg!(feature = "parallel")
                    && plan.children.get(i).is_some_and(|c| !c.is_empty());
                (self.value[i], self.points[i]) = if aggregated {
                    (Vec::new(), Vec::new())
                } else {
                    (vec![f64::NAN; m], points_column(plan, i, m))
                };
                self.cells[i] = vec![Cell::Empty; m];
            }
        }
    }

    /// The max points node `i`'s values are multiplied by for its points, when they are
    /// not held (see [`deferred`](Self::deferred)).
    pub fn deferred(&self, i: usize) -> Option<f64> {
        // (Only native builds defer: a constant `None` elsewhere, its branches compiled out.)
        if cfg!(feature = "parallel") {
            self.deferred.get(i).copied().flatten()
        } else {
            None
        }
    }

    /// Makes node `i`'s columns as [`empty`](Self::empty) has them where its aggregation
    /// has not made them (before cells are written one by one).
    pub fn make(&mut self, plan: &Plan, i: usize) {
        // (Only native builds leave columns to be made.)
        if cfg!(feature = "parallel") {
            self.hold(i);
            if self.points[i].is_empty() {
                self.points[i] = points_column(plan, i, self.cells[i].len());
            }
        }
    }

    /// Makes node `i`'s columns for writing: its value column if its aggregation has not
    /// made it yet (every cell NaN), its points column if they were deferred (each value ×
    /// the max points: the product its parent's sum computed, the same bits).
    pub fn hold(&mut self, i: usize) {
        let m = self.cells[i].len();
        if self.value[i].len() != m {
            self.value[i] = vec![f64::NAN; m];
        }
        if let Some(max) = self.deferred(i) {
            self.deferred[i] = None;
            self.points[i] = self.value[i].iter().map(|&y| y * max).collect();
        }
    }

    /// Whether an adapter normalised node `i`'s column as it read it.
    pub fn is_normalised(&self, i: usize) -> bool {
        self.normalised.get(i).copied().unwrap_or(false)
    }

    /// Number of units (counted in the cells: a node's values and points may have been
    /// released once read, see `score_grid`).
    pub fn units(&self) -> usize {
        self.cells.first().map_or(0, Vec::len)
    }

    /// Keeps only the units at `rows` (ascending), in that order.
    pub fn keep(&mut self, rows: &[usize]) {
        if rows.len() == self.units() {
            return;
        }
        // A column normalised over every row would be wrong over fewer.
        debug_assert!(!self.normalised.contains(&true));
        let keep = |col: &mut Vec<f64>| *col = rows.iter().map(|&u| col[u]).collect();
        // (A column not made yet, natively: see `complete`.)
        self.value
            .iter_mut()
            .filter(|c| !(cfg!(feature = "parallel") && c.is_empty()))
            .for_each(keep);
        self.points
            .iter_mut()
            .filter(|c| !c.is_empty())
            .for_each(keep);
        for col in &mut self.cells {
            *col = rows.iter().map(|&u| col[u]).collect();
        }
    }

    /// Unit `u`'s cells as one row each of values, points and states (`n + 1` long).
    pub fn row(&self, u: usize, value: &mut [f64], points: &mut [f64], cells: &mut [Cell]) {
        for i in 0..self.value.len() {
            (value[i], points[i]) = self.get(u, i);
            cells[i] = self.cells[i][u];
        }
    }
}

impl Grid for ColumnGrid {
    #[inline]
    fn get(&self, u: usize, i: usize) -> (f64, f64) {
        // An empty points column is all NaN, or deferred; an empty value column not made yet.
        let v = if cfg!(feature = "parallel") {
            self.value[i].get(u).copied().unwrap_or(f64::NAN)
        } else {
            self.value[i][u]
        };
        let p = match self.points[i].get(u) {
            Some(&p) => p,
            None => self.deferred(i).map_or(f64::NAN, |max| v * max),
        };
        (v, p)
    }
    #[inline]
    fn cell(&self, u: usize, i: usize) -> Cell {
        self.cells[i][u]
    }
    #[inline]
    fn set(&mut self, u: usize, i: usize, value: f64, points: f64, cell: Cell) {
        // (Only native builds leave columns to be made: see `complete` and `deferred`.)
        if cfg!(feature = "parallel") {
            self.hold(i);
        }
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
        if cfg!(feature = "parallel") {
            self.hold(i);
        }
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
pub(crate) fn points_column(plan: &Plan, i: usize, m: usize) -> Vec<f64> {
    let sums = !plan.children[i].is_empty() && plan.aggregate[i] == Aggregator::PointsSum;
    if plan.max[i].is_some() || sums {
        vec![f64::NAN; m]
    } else {
        Vec::new()
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

/// The ids and periods of a grid's units, borrowed from the input.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitIds<'a> {
    pub ids: Vec<&'a str>,
    pub periods: Vec<Option<i32>>,
}

impl Units for UnitIds<'_> {
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
