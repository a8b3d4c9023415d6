//! The checks every front door shares, written once against the grid: unit ids (empty,
//! repeated within a period), values below a node given directly, the missing-data policy,
//! and nodes that would need unpublished weights. An adapter fills an [`Intake`] with the
//! cells it resolved and the problems of its own format; [`Intake::finish`] runs the rest.

use std::collections::HashSet;
use std::hash::BuildHasher as _;

use super::grid::{Cell, ColumnGrid, Grid, UnitIds};
use crate::error::{InputError, InputErrorKind, ScoreError};
use crate::model::framework::Framework;
use crate::model::plan::MissingFill;
use crate::model::result::UnitKey;

/// Cells resolved by an adapter, before the shared checks. Rows are input rows.
pub(crate) struct Intake<'a> {
    pub grid: ColumnGrid,
    pub units: UnitIds<'a>,
    /// Rows that are not scored at all (an empty or repeated id).
    pub skip: Vec<bool>,
    /// `(row, node)` of values rejected by a rule: they count as not reported, but the
    /// missing-data policy does not report them a second time.
    pub rejected: HashSet<(usize, usize)>,
    pub problems: Vec<InputError>,
}

/// What is scored after the checks: the scorable rows' cells.
pub(crate) struct Kept<'a> {
    pub grid: ColumnGrid,
    pub units: UnitIds<'a>,
    /// The input row of each grid row.
    pub rows: Vec<usize>,
    /// Every problem, ordered by row (lenient mode; strict mode fails on any).
    pub problems: Vec<InputError>,
    pub excluded: Vec<UnitKey>,
}

impl<'a> Intake<'a> {
    /// Empty cells for these rows (`fill`: `false` leaves the grid to the adapter, which
    /// calls [`ColumnGrid::complete`]); an empty id, or an id already seen in the same period
    /// (ids that differ only by case, diacritics or spacing are one unit: `unit_key`), or a
    /// period outside [`crate::model::PERIODS`] is a problem and its row is skipped (the first row of a unit × period counts).
    pub fn new(
        fw: &Framework,
        ids: Vec<&'a str>,
        periods: Vec<Option<i32>>,
        fill: bool,
    ) -> Intake<'a> {
        let m = ids.len();
        let mut intake = Intake {
            grid: if fill {
                ColumnGrid::empty(&fw.plan, m)
            } else {
                ColumnGrid::unfilled(&fw.plan)
            },
            units: UnitIds { ids, periods },
            skip: vec![false; m],
            rejected: HashSet::new(),
            problems: Vec::new(),
        };
        // Each id's key and period are hashed (an ASCII id's key built on the stack), the
        // hashes sorted, and only rows sharing a hash compared by key: no map of a million
        // keys. Within a hash, rows ascend, so the first row of a unit × period is found first.
        // The hashes only group rows; they never reach a result.
        #[cfg(not(target_arch = "wasm32"))]
        let state = foldhash::fast::RandomState::default();
        #[cfg(target_arch = "wasm32")]
        let state = std::hash::RandomState::new();
        let (ids, periods) = (&intake.units.ids, &intake.units.periods);
        let problem_of = |id: &str, period: Option<i32>| {
            if id.trim().is_empty() {
                Some(InputErrorKind::EmptyUnitId)
            } else if period.is_some_and(|p| !crate::model::PERIODS.contains(&p)) {
                Some(InputErrorKind::PeriodOutOfRange)
            } else {
                None
            }
        };
        let hash =
            |id: &str, period: Option<i32>, buf: &mut [u8; 64]| match crate::text::ascii_unit_key(
                id, buf,
            ) {
                Some(key) => state.hash_one((key, period)),
                None => state.hash_one((crate::text::unit_key(id).as_ref(), period)),
            };
        // Each row on its own: one loop, or on every core for a large table (feature
        // `parallel`; below that, waking the pool's threads costs more than it saves — a
        // 63-unit table scored a thousand times in an analysis).
        let one_loop = || {
            let mut buf = [0u8; 64];
            let mut hashed: Vec<(u64, usize)> = Vec::with_capacity(m);
            let mut problems: Vec<(usize, InputErrorKind)> = Vec::new();
            for (u, (&id, &period)) in ids.iter().zip(periods).enumerate() {
                match problem_of(id, period) {
                    Some(kind) => problems.push((u, kind)),
                    None => hashed.push((hash(id, period, &mut buf), u)),
                }
            }
            hashed.sort_unstable();
            (problems, hashed)
        };
        #[cfg(feature = "parallel")]
        let (mut problems, hashed) = if m >= super::kernel::PARALLEL_CELLS {
            use rayon::iter::Either;
            use rayon::prelude::*;
            let (problems, mut hashed): (Vec<_>, Vec<_>) =
                (0..m)
                    .into_par_iter()
                    .partition_map(|u| match problem_of(ids[u], periods[u]) {
                        Some(kind) => Either::Left((u, kind)),
                        None => Either::Right((hash(ids[u], periods[u], &mut [0; 64]), u)),
                    });
            hashed.par_sort_unstable();
            (problems, hashed)
        } else {
            one_loop()
        };
        #[cfg(not(feature = "parallel"))]
        let (mut problems, hashed) = one_loop();
        for same in hashed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
            let mut firsts: Vec<(std::borrow::Cow<'_, str>, Option<i32>, usize)> = Vec::new();
            for &(_, u) in same {
                let (key, period) = (
                    crate::text::unit_key(intake.units.ids[u]),
                    intake.units.periods[u],
                );
                match firsts.iter().find(|f| f.0 == key && f.1 == period) {
                    Some(f) => problems.push((u, InputErrorKind::DuplicateUnit { first_row: f.2 })),
                    None => firsts.push((key, period, u)),
                }
            }
        }
        problems.sort_unstable_by_key(|p| p.0);
        for (u, kind) in problems {
            let p = intake.problem(u, None, kind);
            intake.problems.push(p);
            intake.skip[u] = true;
        }
        intake
    }

    /// A problem of row `u`.
    pub fn problem(&self, u: usize, indicator: Option<&str>, kind: InputErrorKind) -> InputError {
        InputError {
            row: u,
            unit: self.units.ids[u].to_owned(),
            period: self.units.periods[u],
            indicator: indicator.map(str::to_owned),
            kind,
        }
    }

    /// Runs the shared checks; strict mode fails on any problem, lenient mode leaves out
    /// the rows that cannot be scored (listed in `excluded`).
    pub fn finish(mut self, fw: &Framework, lenient: bool) -> Result<Kept<'a>, ScoreError> {
        self.cover(fw);
        let mut unscorable = self.fill_missing(fw);
        self.check_weights(fw, &mut unscorable);
        // Stable: within a row, the adapter's problems come first, then coverage, missing
        // values and weights, in node order.
        self.problems.sort_by_key(|p| p.row);
        if !lenient && !self.problems.is_empty() {
            return Err(ScoreError::Input {
                problems: self.problems,
            });
        }
        let m = self.units.ids.len();
        let out = |u: usize| self.skip[u] || unscorable[u];
        let rows: Vec<usize> = (0..m).filter(|&u| !out(u)).collect();
        let excluded = (0..m)
            .filter(|&u| out(u))
            .map(|u| UnitKey {
                row: u,
                unit: self.units.ids[u].to_owned(),
                period: self.units.periods[u],
            })
            .collect();
        let mut grid = self.grid;
        grid.keep(&rows);
        let units = if rows.len() == m {
            self.units
        } else {
            UnitIds {
                ids: rows.iter().map(|&u| self.units.ids[u]).collect(),
                periods: rows.iter().map(|&u| self.units.periods[u]).collect(),
            }
        };
        Ok(Kept {
            grid,
            units,
            rows,
            problems: self.problems,
            excluded,
        })
    }

    /// Below a node given directly nothing is scored; a value there is a conflict, named by
    /// the topmost given node.
    #[allow(clippy::needless_range_loop)] // a row indexes several columns
    fn cover(&mut self, fw: &Framework) {
        let plan = &fw.plan;
        let grid = &mut self.grid;
        // Only a node with children covers anything.
        let given = |i: usize| !plan.children[i].is_empty() && grid.cells[i].contains(&Cell::Given);
        if !(0..plan.n).any(given) {
            return;
        }
        let m = grid.units();
        let mut above = vec![vec![usize::MAX; m]; plan.n + 1];
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
                if a == usize::MAX {
                    continue;
                }
                if !self.skip[u]
                    && matches!(grid.cells[i][u], Cell::Scored | Cell::Given | Cell::Raw)
                {
                    let kind = InputErrorKind::NodeAndDescendant {
                        descendant: fw.def.nodes[i].code.clone(),
                    };
                    let code = &fw.def.nodes[a].code;
                    self.problems.push(InputError {
                        row: u,
                        unit: self.units.ids[u].to_owned(),
                        period: self.units.periods[u],
                        indicator: Some(code.clone()),
                        kind,
                    });
                }
                grid.set(u, i, f64::NAN, f64::NAN, Cell::Covered);
            }
        }
    }

    /// The missing-data policy of every leaf not reported; returns the rows that cannot be
    /// scored (a value missing under policy `error`).
    #[allow(clippy::needless_range_loop)] // a row indexes several columns
    fn fill_missing(&mut self, fw: &Framework) -> Vec<bool> {
        let plan = &fw.plan;
        let m = self.grid.units();
        let mut unscorable = vec![false; m];
        for i in 0..plan.n {
            // A column normalised as it was read has every cell.
            if plan.rule[i].is_none()
                || self.grid.is_normalised(i)
                || !self.grid.cells[i].contains(&Cell::Empty)
            {
                continue;
            }
            let fill = plan.missing_fill(i);
            for u in 0..m {
                if self.skip[u] || self.grid.cells[i][u] != Cell::Empty {
                    continue;
                }
                match fill {
                    MissingFill::Later => {}
                    MissingFill::Zero { points } => self.grid.set(u, i, 0.0, points, Cell::Missing),
                    MissingFill::Omit => self.grid.cells[i][u] = Cell::Missing,
                    MissingFill::Fail => {
                        unscorable[u] = true;
                        if !self.rejected.contains(&(u, i)) {
                            let p = self.problem(
                                u,
                                Some(&fw.def.nodes[i].code),
                                InputErrorKind::Missing,
                            );
                            self.problems.push(p);
                        }
                    }
                }
            }
        }
        unscorable
    }

    /// Aggregating a node over children with unpublished weights would present a guess.
    #[allow(clippy::needless_range_loop)] // a row indexes several columns
    fn check_weights(&mut self, fw: &Framework, unscorable: &mut [bool]) {
        let plan = &fw.plan;
        for &p in &plan.post_order {
            let children: Vec<String> = plan
                .unpublished_weights(p)
                .map(|c| fw.def.nodes[c].code.clone())
                .collect();
            if children.is_empty() {
                continue;
            }
            let code = super::kernel::node_code(fw, plan, p);
            for u in 0..self.grid.units() {
                if self.skip[u] || self.grid.cells[p][u].kept() {
                    continue;
                }
                unscorable[u] = true;
                let kind = InputErrorKind::UnpublishedWeights {
                    children: children.clone(),
                };
                let problem = self.problem(u, Some(&code), kind);
                self.problems.push(problem);
            }
        }
    }
}
