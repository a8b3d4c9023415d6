//! A reusable evaluator for analyses that score one cohort many times: the input is resolved
//! once, normalised leaf columns are computed once per normaliser choice, and each run only
//! re-aggregates flat arrays in preallocated buffers.

use crate::error::ScoreError;
use crate::framework::Framework;
use crate::input::UnitRecord;
use crate::normalise::{ranks_ascending_by, Ties};
use crate::plan::Plan;
use crate::score::{
    aggregate_all, group_by_period, normalisation_groups, normalise_leaves, resolve_cohort, Cell,
    Rows, ScoreOptions, UnitMeta,
};

/// Cells of every unit (unit-major, `n + 1` per unit).
#[derive(Debug, Clone)]
pub(crate) struct Cells {
    pub value: Vec<f64>,
    pub points: Vec<f64>,
    pub cells: Vec<Cell>,
}

/// Buffers a run writes into.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    state: Cells,
    col: Vec<f64>,
    out: Vec<f64>,
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
        let opts = ScoreOptions {
            explain: false,
            pool_periods,
            ..ScoreOptions::default()
        };
        let m = resolve_cohort(fw, units, &opts)?.matrix;
        let periods: Vec<Option<i32>> = m.meta.iter().map(|u| u.period).collect();
        let rank_groups = group_by_period(&periods);
        let norm_groups = normalisation_groups(&rank_groups, m.meta.len(), pool_periods);
        Ok(Evaluator {
            n1: fw.plan.n + 1,
            meta: m.meta,
            rank_groups,
            ties,
            norm_groups,
            resolved: Cells {
                value: m.value,
                points: m.points,
                cells: m.cells,
            },
        })
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.meta.len()
    }

    /// The leaf cells normalised with `plan`'s normalisers (`fw` names nodes in errors).
    pub fn leaves(&self, fw: &Framework, plan: &Plan) -> Result<Cells, ScoreError> {
        let mut c = self.resolved.clone();
        let mut grid = Rows {
            n1: self.n1,
            value: &mut c.value,
            points: &mut c.points,
            cells: &mut c.cells,
        };
        normalise_leaves(plan, fw, self.meta.as_slice(), &self.norm_groups, &mut grid)?;
        Ok(c)
    }

    /// Fresh buffers for [`run`](Self::run).
    pub fn work(&self) -> Work {
        Work {
            state: self.resolved.clone(),
            col: Vec::with_capacity(self.units()),
            out: Vec::with_capacity(self.units()),
        }
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
        let st = &mut work.state;
        st.value.copy_from_slice(&leaves.value);
        st.points.copy_from_slice(&leaves.points);
        st.cells.copy_from_slice(&leaves.cells);
        let mut grid = Rows {
            n1: self.n1,
            value: &mut st.value,
            points: &mut st.points,
            cells: &mut st.cells,
        };
        aggregate_all(fw, plan, self.meta.as_slice(), &self.rank_groups, &mut grid)?;
        for (u, v) in values.iter_mut().enumerate() {
            *v = st.value[u * self.n1 + plan.root];
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
