//! A reusable evaluator for analyses that score one cohort many times: the input is resolved
//! once, normalised leaf columns are computed once per normaliser choice, and each run only
//! re-aggregates flat arrays in preallocated buffers.
//!
//! A run goes column by column (one column of units per node, children before parents, the
//! same `linear_into` kernel as the column path of scoring, so every number is the same to
//! the bit), unless a unit gave a node with children directly or a node ranks by Copeland:
//! then it goes unit by unit through `aggregate_all`, as scoring does.

use crate::engine::records::resolve_records;
use crate::engine::{
    aggregate_all, aggregate_error, group_by_period, normalisation_groups, normalise_leaves,
    overflow, Cell, Rows, UnitMeta,
};
use crate::error::ScoreError;
use crate::methods::normalise::{ranks_ascending_by, Ties};
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::plan::Plan;

/// Cells of every unit (unit-major, `n + 1` per unit), and the same values and points
/// column-major (`n + 1` columns of the units' length) for the column runs.
#[derive(Debug, Clone)]
pub(crate) struct Cells {
    pub value: Vec<f64>,
    pub points: Vec<f64>,
    pub cells: Vec<Cell>,
    col_value: Vec<f64>,
    col_points: Vec<f64>,
    /// Per node: its value column holds no NaN.
    col_complete: Vec<bool>,
    /// Some unit gave a node with children directly (it keeps that value in every run).
    given_internal: bool,
}

impl Cells {
    fn new(value: Vec<f64>, points: Vec<f64>, cells: Vec<Cell>) -> Cells {
        Cells {
            value,
            points,
            cells,
            col_value: Vec::new(),
            col_points: Vec::new(),
            col_complete: Vec::new(),
            given_internal: true,
        }
    }

    /// Sets unit `u`'s cell of node `i` in both layouts (`n1` nodes per unit).
    pub fn set(&mut self, n1: usize, u: usize, i: usize, value: f64, points: f64, cell: Cell) {
        let k = u * n1 + i;
        self.value[k] = value;
        self.points[k] = points;
        self.cells[k] = cell;
        // Conservative: a given cell anywhere sends runs down the unit-by-unit path.
        self.given_internal |= matches!(cell, Cell::Given | Cell::Covered);
        if !self.col_value.is_empty() {
            let m = self.value.len() / n1.max(1);
            self.col_value[i * m + u] = value;
            self.col_points[i * m + u] = points;
            if value.is_nan() {
                self.col_complete[i] = false;
            } else if !self.col_complete[i] {
                self.col_complete[i] = self.col_value[i * m..(i + 1) * m]
                    .iter()
                    .all(|x| !x.is_nan());
            }
        }
    }

    /// The unit-major cells as a grid (`n1` nodes per unit).
    fn rows(&mut self, n1: usize) -> Rows<'_> {
        Rows {
            n1,
            value: &mut self.value,
            points: &mut self.points,
            cells: &mut self.cells,
        }
    }

    /// Fills the column-major copies from the unit-major cells.
    fn transpose(&mut self, n1: usize) {
        let m = self.value.len() / n1.max(1);
        self.col_value = vec![f64::NAN; n1 * m];
        self.col_points = vec![f64::NAN; n1 * m];
        for u in 0..m {
            for i in 0..n1 {
                self.col_value[i * m + u] = self.value[u * n1 + i];
                self.col_points[i * m + u] = self.points[u * n1 + i];
            }
        }
        self.col_complete = (0..n1)
            .map(|i| {
                self.col_value[i * m..(i + 1) * m]
                    .iter()
                    .all(|x| !x.is_nan())
            })
            .collect();
    }
}

/// Buffers a run writes into.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    state: Cells,
    col: Vec<f64>,
    out: Vec<f64>,
    /// Column runs: each node's value and points column (nodes with children), scratch.
    node_value: Vec<Vec<f64>>,
    node_points: Vec<Vec<f64>>,
    node_complete: Vec<bool>,
    count: Vec<u32>,
}

/// A cohort resolved once, ready to be evaluated under many method choices.
#[derive(Debug, Clone)]
pub(crate) struct Evaluator {
    n1: usize,
    pub meta: Vec<UnitMeta>,
    pub rank_groups: Vec<(Option<i32>, Vec<usize>)>,
    ties: Ties,
    norm_groups: Vec<(Option<i32>, Vec<usize>)>,
    resolved: Cells,
}

impl Evaluator {
    /// Resolves the records (strictly: any input problem is an error).
    pub fn new(
        fw: &Framework,
        units: &[UnitRecord],
        pool_periods: bool,
        ties: Ties,
    ) -> Result<Self, ScoreError> {
        let n1 = fw.plan.n + 1;
        let kept = resolve_records(fw, units).0.finish(fw, false)?;
        let meta: Vec<UnitMeta> = kept.rows.iter().map(|&r| UnitMeta::of(&units[r])).collect();
        let m = meta.len();
        // The evaluator's unit-by-unit fallback reads rows: the grid transposed once.
        let (mut value, mut points) = (vec![f64::NAN; m * n1], vec![f64::NAN; m * n1]);
        let mut cells = vec![Cell::Empty; m * n1];
        for u in 0..m {
            let r = u * n1..(u + 1) * n1;
            kept.grid.row(
                u,
                &mut value[r.clone()],
                &mut points[r.clone()],
                &mut cells[r],
            );
        }
        let periods: Vec<Option<i32>> = meta.iter().map(|u| u.period).collect();
        let rank_groups = group_by_period(&periods);
        let norm_groups = normalisation_groups(&rank_groups, m, pool_periods);
        Ok(Evaluator {
            n1,
            meta,
            rank_groups,
            ties: fw.ties(ties),
            norm_groups,
            resolved: Cells::new(value, points, cells),
        })
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.meta.len()
    }

    /// The leaf cells normalised with `plan`'s normalisers (`fw` names nodes in errors).
    pub fn leaves(&self, fw: &Framework, plan: &Plan) -> Result<Cells, ScoreError> {
        let mut c = self.resolved.clone();
        let mut grid = c.rows(self.n1);
        normalise_leaves(
            plan,
            fw,
            self.meta.as_slice(),
            &self.norm_groups,
            self.ties,
            &mut grid,
        )?;
        c.transpose(self.n1);
        let m = self.units();
        c.given_internal = plan.post_order.iter().any(|&i| {
            (0..m).any(|u| matches!(c.cells[u * self.n1 + i], Cell::Given | Cell::Covered))
        });
        Ok(c)
    }

    /// Fresh buffers for [`run`](Self::run).
    pub fn work(&self) -> Work {
        let m = self.units();
        Work {
            state: self.resolved.clone(),
            col: Vec::with_capacity(m),
            out: Vec::with_capacity(m),
            node_value: vec![vec![f64::NAN; m]; self.n1],
            node_points: vec![vec![f64::NAN; m]; self.n1],
            node_complete: vec![false; self.n1],
            count: vec![0; m],
        }
    }

    /// Whether runs under `plan` can go column by column: no unit gave a node with children
    /// directly (such a node keeps its given value) and no node ranks by Copeland.
    fn columnar(&self, plan: &Plan, leaves: &Cells) -> bool {
        !leaves.col_value.is_empty()
            && !leaves.given_internal
            && plan
                .post_order
                .iter()
                .all(|&i| plan.aggregate[i] != crate::model::definition::Aggregator::Copeland)
    }

    /// A run unit by unit, as scoring aggregates (`aggregate_all`).
    fn run_rows(
        &self,
        fw: &Framework,
        plan: &Plan,
        leaves: &Cells,
        work: &mut Work,
        values: &mut [f64],
    ) -> Result<(), ScoreError> {
        let st = &mut work.state;
        st.value.copy_from_slice(&leaves.value);
        st.points.copy_from_slice(&leaves.points);
        st.cells.copy_from_slice(&leaves.cells);
        let mut grid = st.rows(self.n1);
        aggregate_all(fw, plan, self.meta.as_slice(), &self.rank_groups, &mut grid)?;
        for (u, v) in values.iter_mut().enumerate() {
            *v = st.value[u * self.n1 + plan.root];
        }
        Ok(())
    }

    /// A run column by column: every node with children from its children's columns (leaves
    /// read in place from `leaves`), then the index's values.
    fn run_columns(
        &self,
        fw: &Framework,
        plan: &Plan,
        leaves: &Cells,
        work: &mut Work,
        values: &mut [f64],
    ) -> Result<(), ScoreError> {
        let m = self.units();
        for &i in &plan.post_order {
            let mut v = std::mem::take(&mut work.node_value[i]);
            let mut p = std::mem::take(&mut work.node_points[i]);
            {
                let (nv, np) = (&work.node_value, &work.node_points);
                let internal = |c: usize| !plan.children[c].is_empty();
                let value = |c: usize| -> &[f64] {
                    if internal(c) {
                        &nv[c]
                    } else {
                        &leaves.col_value[c * m..(c + 1) * m]
                    }
                };
                let points = |c: usize| -> &[f64] {
                    if internal(c) {
                        &np[c]
                    } else {
                        &leaves.col_points[c * m..(c + 1) * m]
                    }
                };
                let nc = &work.node_complete;
                let complete = |c: usize| {
                    if internal(c) {
                        nc[c]
                    } else {
                        leaves.col_complete[c]
                    }
                };
                let columns = crate::methods::aggregate::Columns {
                    value: &value,
                    points: &points,
                    complete: &complete,
                    deferred: None,
                };
                let linear = crate::methods::aggregate::linear_into(
                    plan,
                    i,
                    &columns,
                    &mut v,
                    &mut p,
                    &mut work.count,
                );
                if !linear {
                    for u in 0..m {
                        let (x, y) = crate::methods::aggregate::aggregate_with(plan, i, |c| {
                            (value(c)[u], points(c)[u])
                        })
                        .map_err(|bad| {
                            aggregate_error(fw, plan, self.meta.as_slice(), u, i, bad)
                        })?;
                        v[u] = x;
                        p[u] = y;
                    }
                }
            }
            // One pass without a branch per unit (in vectors): whether any value or points
            // overflowed, and whether every unit has a value.
            // (`work` holds every node's points column at full length: see `Evaluator::work`.)
            debug_assert_eq!(v.len(), p.len());
            let (mut infinite, mut complete) = (false, true);
            for (x, y) in v.iter().zip(&p) {
                infinite |= x.is_infinite() | y.is_infinite();
                complete &= !x.is_nan();
            }
            if infinite {
                if let Some(u) = (0..m).find(|&u| v[u].is_infinite() || p[u].is_infinite()) {
                    return Err(overflow(fw, plan, self.meta.as_slice(), u, i));
                }
            }
            work.node_complete[i] = complete;
            work.node_value[i] = v;
            work.node_points[i] = p;
        }
        values.copy_from_slice(&work.node_value[plan.root]);
        Ok(())
    }

    /// Aggregates `leaves` under `plan`; writes each unit's index value and rank (NaN when
    /// missing) into `values` and `ranks`.
    pub fn run(
        &self,
        fw: &Framework,
        plan: &Plan,
        leaves: &Cells,
        work: &mut Work,
        values: &mut [f64],
        ranks: &mut [f64],
    ) -> Result<(), ScoreError> {
        if self.columnar(plan, leaves) {
            self.run_columns(fw, plan, leaves, work, values)?;
        } else {
            self.run_rows(fw, plan, leaves, work, values)?;
        }
        for (_, members) in &self.rank_groups {
            work.col.clear();
            work.col.extend(members.iter().map(|&u| -values[u]));
            work.out.resize(members.len(), f64::NAN);
            ranks_ascending_by(&work.col, &mut work.out, self.ties);
            for (j, &u) in members.iter().enumerate() {
                ranks[u] = work.out[j];
            }
        }
        Ok(())
    }
}

/// A counter-based uniform draw in [0, 1): a hash of (seed, stream, a, b) through SplitMix64.
/// The same arguments give the same number on every platform and in any thread, so runs can
/// be computed in any order.
pub(crate) fn uniform(seed: u64, stream: u64, a: u64, b: u64) -> f64 {
    fn mix(x: u64) -> u64 {
        let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let h = mix(seed ^ mix(stream ^ mix(a ^ mix(b))));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::definition::Aggregator;

    /// Column runs give the unit-by-unit runs' numbers to the bit, under every aggregator
    /// (linear ones through the column kernel, the others unit by unit from columns), with
    /// missing values, renormalisation, thresholds and perturbed weights.
    #[test]
    fn column_runs_equal_row_runs_to_the_bit() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
              "missing": "renormalise",
              "nodes": [
                {"code": "G1", "name_vi": "G1", "weight": 2},
                {"code": "a", "parent": "G1", "name_vi": "a", "weight": 1, "rule": {"type": "normalised", "normaliser": {"method": "min_max", "l": 1, "u": 100}}},
                {"code": "b", "parent": "G1", "name_vi": "b", "weight": 3, "rule": {"type": "normalised", "normaliser": {"method": "min_max", "l": 1, "u": 100}}},
                {"code": "G2", "name_vi": "G2", "weight": 1, "max_points": 40},
                {"code": "c", "parent": "G2", "name_vi": "c", "max_points": 30},
                {"code": "d", "parent": "G2", "name_vi": "d", "max_points": 10}]}"#,
        )
        .unwrap();
        let units: Vec<UnitRecord> = (0..17)
            .map(|k| {
                let x = |j: u32| ((k * 7 + j * 13) % 17) as f64 / 17.0;
                let mut u = UnitRecord::new(&format!("U{k}")).value("a", x(1) * 50.0);
                if k % 4 != 0 {
                    u = u.value("b", x(2) * 30.0 + 1.0);
                }
                if k % 5 != 0 {
                    u = u.value("c", x(3));
                }
                u.value("d", x(4))
            })
            .collect();
        let ev = Evaluator::new(&fw, &units, false, Ties::default()).unwrap();
        let leaves = ev.leaves(&fw, &fw.plan).unwrap();
        let m = ev.units();
        let g2 = fw.plan.index_of("G2").unwrap();
        let aggregators = [
            Aggregator::WeightedMean,
            Aggregator::GeometricMean,
            Aggregator::HarmonicMean,
            Aggregator::GeneralisedMean { p: 2.5 },
            Aggregator::WeightedMedian,
        ];
        for (k, agg) in aggregators.into_iter().enumerate() {
            let mut plan = (*fw.plan).clone();
            plan.aggregate[plan.root] = agg;
            plan.weight[0] *= 1.0 + 0.1 * k as f64;
            if k == 2 {
                plan.threshold[g2] = 0.75;
            }
            assert!(ev.columnar(&plan, &leaves));
            let (mut a, mut b) = (vec![f64::NAN; m], vec![f64::NAN; m]);
            let mut work = ev.work();
            ev.run_columns(&fw, &plan, &leaves, &mut work, &mut a)
                .unwrap();
            ev.run_rows(&fw, &plan, &leaves, &mut ev.work(), &mut b)
                .unwrap();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "{agg:?}");
            assert!(a.iter().any(|x| !x.is_nan()));
        }
    }

    /// A node whose aggregate overflows is an error naming the unit and the node, in column
    /// runs as in row runs — whichever unit it is, the first or one far down the column.
    #[test]
    fn column_runs_report_an_overflow_with_its_unit() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
              "nodes": [
                {"code": "G", "name_vi": "G", "weight": 1},
                {"code": "a", "parent": "G", "name_vi": "a", "weight": 1, "rule": {"type": "normalised", "normaliser": {"method": "none"}}},
                {"code": "b", "parent": "G", "name_vi": "b", "weight": 1, "rule": {"type": "normalised", "normaliser": {"method": "none"}}}]}"#,
        )
        .unwrap();
        for big in [0, 5, 36] {
            let units: Vec<UnitRecord> = (0..37)
                .map(|k| {
                    let x = if k == big { 1e200 } else { 1.0 + k as f64 };
                    UnitRecord::new(&format!("U{k}"))
                        .value("a", x)
                        .value("b", 2.0)
                })
                .collect();
            let ev = Evaluator::new(&fw, &units, false, Ties::default()).unwrap();
            let leaves = ev.leaves(&fw, &fw.plan).unwrap();
            let mut plan = (*fw.plan).clone();
            let g = plan.index_of("G").unwrap();
            // x² of 1e200 is ∞: the power mean of G overflows for that unit only.
            plan.aggregate[g] = Aggregator::GeneralisedMean { p: 2.0 };
            assert!(ev.columnar(&plan, &leaves));
            let m = ev.units();
            let mut a = vec![f64::NAN; m];
            let cols = ev.run_columns(&fw, &plan, &leaves, &mut ev.work(), &mut a);
            let rows = ev.run_rows(&fw, &plan, &leaves, &mut ev.work(), &mut a);
            for err in [cols.unwrap_err(), rows.unwrap_err()] {
                match err {
                    ScoreError::Overflow { unit, node, .. } => {
                        assert_eq!((unit, node), (format!("U{big}"), "G".to_owned()));
                    }
                    other => panic!("{other:?}"),
                }
            }
            // Without the overflowing unit's power, every run succeeds.
            plan.aggregate[g] = Aggregator::WeightedMean;
            ev.run_columns(&fw, &plan, &leaves, &mut ev.work(), &mut a)
                .unwrap();
        }
    }

    #[test]
    fn uniform_is_deterministic_and_spread() {
        assert_eq!(uniform(1, 2, 3, 4), uniform(1, 2, 3, 4));
        assert_ne!(uniform(1, 2, 3, 4), uniform(1, 2, 3, 5));
        let n = 100_000;
        let mean: f64 = (0..n).map(|k| uniform(7, 0, k, 0)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        assert!((0..n).all(|k| (0.0..1.0).contains(&uniform(7, 1, k, 3))));
    }
}
