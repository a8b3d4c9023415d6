//! The evaluator every robustness analysis shares: the cohort resolved once, normalised
//! leaf columns computed once per combination of normaliser (and imputation) choices, each
//! run only re-aggregating flat arrays; seeds, ranks and quantiles of runs.

use std::collections::{BTreeMap, HashMap};

use super::assumptions::*;
use super::scopes::{
    check_aggregators, check_conflicts, evaluators, scopes, weight_alternatives, Scopes,
};
use crate::engine::eval::{uniform, Cells, Evaluator};
use crate::methods::normalise::Ties;
use crate::model::definition::{Aggregator, FrameworkDef, Rule};
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::plan::{Plan, NO_PARENT};
use crate::sum::exact_sum;

// Streams of the counter-based generator.
pub(crate) const NOISE: u64 = 1 << 32;
pub(crate) const SAMPLE: u64 = 2 << 32;
pub(crate) const SALTELLI_A: u64 = 3 << 32;
pub(crate) const SALTELLI_B: u64 = 4 << 32;
pub(crate) const BOOT: u64 = 5 << 32;

/// Everything precomputed for an analysis.
pub(crate) struct Prepared<'a> {
    pub(crate) fw: &'a Framework,
    pub(crate) inputs: &'a [Uncertain],
    pub(crate) seed: u64,
    /// Scope of each input: node indices.
    pub(crate) scope: Vec<Vec<usize>>,
    /// One evaluator per imputation alternative (index 0: the records as given).
    pub(crate) evaluators: Vec<Evaluator>,
    /// Imputation input → evaluator index per alternative.
    pub(crate) imputation: Option<(usize, Vec<usize>)>,
    /// Normaliser inputs, in order.
    pub(crate) normalisers: Vec<usize>,
    /// Leaf cells per (evaluator, normaliser choices…).
    pub(crate) leaves: HashMap<Vec<usize>, Cells>,
    /// Base weights per weight-set alternative (or the framework's own).
    pub(crate) weights: Vec<Vec<f64>>,
    pub(crate) weight_set: Option<usize>,
    /// Inputs that apply to no node of the framework.
    pub(crate) warnings: Vec<String>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(
        fw: &'a Framework,
        units: &[UnitRecord],
        inputs: &'a [Uncertain],
        seed: u64,
        pool_periods: bool,
        ties: Ties,
    ) -> Result<Self, AnalysisError> {
        if inputs.len() > MAX_INPUTS {
            return Err(too_large(
                "the number of inputs",
                inputs.len() as u128,
                MAX_INPUTS,
            ));
        }
        let Scopes {
            scope,
            normalisers,
            weight_set,
            mut imputation,
            warnings,
        } = scopes(fw, inputs)?;
        check_conflicts(fw, inputs, &scope)?;
        check_aggregators(fw, inputs, &scope)?;
        let evaluators = evaluators(fw, units, inputs, &mut imputation, pool_periods, ties)?;
        let weights = weight_alternatives(fw, inputs, weight_set)?;
        let mut prepared = Prepared {
            fw,
            inputs,
            seed,
            scope,
            evaluators,
            imputation,
            normalisers,
            leaves: HashMap::new(),
            weights,
            weight_set,
            warnings,
        };
        prepared.precompute_leaves()?;
        Ok(prepared)
    }

    /// Normalised leaves for every combination of imputation and normaliser choices.
    pub(crate) fn precompute_leaves(&mut self) -> Result<(), AnalysisError> {
        let ev_choices: Vec<usize> = match &self.imputation {
            Some((_, slots)) => {
                let mut s = slots.clone();
                s.sort_unstable();
                s.dedup();
                s
            }
            None => vec![0],
        };
        let counts: Vec<usize> = self
            .normalisers
            .iter()
            .map(|&k| match &self.inputs[k].kind {
                UncertainKind::Normaliser { alternatives, .. } => alternatives.len(),
                _ => 1,
            })
            .collect();
        // Checked: many inputs with many alternatives must not overflow into a small number.
        let combos = counts
            .iter()
            .try_fold(ev_choices.len(), |a, &c| a.checked_mul(c))
            .filter(|&c| c <= MAX_COMBINATIONS);
        let Some(_) = combos else {
            let k = self.normalisers.first().copied().unwrap_or(0);
            return Err(spec_err(
                &self.inputs[k],
                format!(
                    "the normaliser and imputation alternatives make more than {MAX_COMBINATIONS} combinations"
                ),
            ));
        };
        let mut choice = vec![0usize; counts.len()];
        loop {
            let mut def: FrameworkDef = (*self.fw.def).clone();
            for (slot, &k) in self.normalisers.iter().enumerate() {
                let UncertainKind::Normaliser { alternatives, .. } = &self.inputs[k].kind else {
                    continue;
                };
                for &i in &self.scope[k] {
                    def.nodes[i].rule = Some(Rule::Normalised {
                        normaliser: Some(alternatives[choice[slot]].clone()),
                    });
                }
            }
            let fw = Framework::new(def).map_err(|e| {
                spec_err(
                    &self.inputs[self.normalisers[0]],
                    format!("normaliser alternative: {e}"),
                )
            })?;
            for &e in &ev_choices {
                let cells = self.evaluators[e].leaves(self.fw, &fw.plan)?;
                let mut key = vec![e];
                key.extend(&choice);
                self.leaves.insert(key, cells);
            }
            // Next combination (odometer).
            let mut slot = 0;
            loop {
                if slot == counts.len() {
                    return Ok(());
                }
                choice[slot] += 1;
                if choice[slot] < counts[slot] {
                    break;
                }
                choice[slot] = 0;
                slot += 1;
            }
        }
    }

    /// Sets `plan` up for one run; returns the leaves key.
    pub(crate) fn configure(&self, choices: &[Choice], plan: &mut Plan) -> Vec<usize> {
        let base = &self.fw.plan;
        let ws = self.weight_set.map_or(0, |k| match choices[k] {
            Choice::Alternative(a) => a,
            _ => 0,
        });
        plan.weight.copy_from_slice(&self.weights[ws]);
        plan.aggregate.copy_from_slice(&base.aggregate);
        let mut key = Vec::with_capacity(1 + self.normalisers.len());
        key.push(
            self.imputation
                .as_ref()
                .map_or(0, |(k, slots)| match choices[*k] {
                    Choice::Alternative(a) => slots[a],
                    _ => 0,
                }),
        );
        for (k, input) in self.inputs.iter().enumerate() {
            let to = match (&input.kind, choices[k]) {
                (UncertainKind::Aggregator { alternatives, .. }, Choice::Alternative(a)) => {
                    alternatives[a]
                }
                (UncertainKind::GeneralisedPower { .. }, Choice::Value(p)) => {
                    Aggregator::GeneralisedMean { p }
                }
                _ => continue,
            };
            for &i in &self.scope[k] {
                plan.aggregate[i] = to;
                // A points sum weighs its children by their max points: a mean replacing it
                // keeps those weights.
                if base.aggregate[i] == Aggregator::PointsSum && to != Aggregator::PointsSum {
                    for &c in &base.children[i] {
                        plan.weight[c] = base.max[c].unwrap_or(0.0);
                    }
                }
            }
        }
        // Noise last, on the weights in force.
        for (k, input) in self.inputs.iter().enumerate() {
            if let (UncertainKind::WeightNoise { factor, .. }, Choice::Replication(r)) =
                (&input.kind, choices[k])
            {
                // Under a points sum the weights are the max points: noise perturbs them. The
                // node's value Σ pᵢ / Σ maxᵢ becomes Σ vᵢ·maxᵢ' / Σ maxᵢ' — the children's
                // max points perturbed and rescaled to the node's own total, so the scale
                // (1000 for the DTI) stays — i.e. a mean weighted by the perturbed points.
                for &i in &self.scope[k] {
                    let p = base.parent[i];
                    if p != NO_PARENT && plan.aggregate[p] == Aggregator::PointsSum {
                        plan.aggregate[p] = Aggregator::WeightedMean;
                        for &c in &base.children[p] {
                            plan.weight[c] = base.max[c].unwrap_or(0.0);
                        }
                    }
                }
                for &i in &self.scope[k] {
                    let u = uniform(self.seed, NOISE + k as u64, r, i as u64);
                    plan.weight[i] *= 1.0 + factor * (2.0 * u - 1.0);
                }
            }
        }
        for &k in &self.normalisers {
            key.push(match choices[k] {
                Choice::Alternative(a) => a,
                _ => 0,
            });
        }
        key
    }

    /// The choice of input `k` for a point u ∈ [0, 1); weight noise uses replication `rep`.
    pub(crate) fn choose(&self, k: usize, u: f64, rep: u64) -> Choice {
        let pick = |n: usize| Choice::Alternative(((u * n as f64) as usize).min(n - 1));
        match &self.inputs[k].kind {
            UncertainKind::WeightNoise { .. } => Choice::Replication(rep),
            UncertainKind::Normaliser { alternatives, .. } => pick(alternatives.len()),
            UncertainKind::Aggregator { alternatives, .. } => pick(alternatives.len()),
            UncertainKind::WeightSet { alternatives } => pick(alternatives.len()),
            UncertainKind::Imputation { alternatives } => pick(alternatives.len()),
            UncertainKind::GeneralisedPower { lo, hi, .. } => Choice::Value(lo + u * (hi - lo)),
        }
    }

    /// Reads a design row into choices.
    pub(crate) fn read_design(
        &self,
        row: usize,
        cells: &BTreeMap<String, DesignValue>,
    ) -> Result<Vec<Choice>, AnalysisError> {
        self.inputs
            .iter()
            .map(|input| {
                let err = |message: String| AnalysisError::Design {
                    row,
                    input: input.name.clone(),
                    message,
                };
                let v = cells
                    .get(&input.name)
                    .ok_or_else(|| err("no value for this input".to_owned()))?;
                let names = alternative_names(&input.kind);
                // Alternatives are named first: a cell "8" for weight sets named "1"…"200" is
                // the set named "8", never the ninth by position.
                let text = match v {
                    DesignValue::Index(i) => Some(i.to_string()),
                    DesignValue::Number(x) => Some(x.to_string()),
                    DesignValue::Name(s) => Some(s.clone()),
                };
                if !names.is_empty() {
                    if let Some(t) = &text {
                        let hits: Vec<usize> = (0..names.len()).filter(|&i| names[i] == *t).collect();
                        if let [i] = hits[..] {
                            return Ok(Choice::Alternative(i));
                        }
                    }
                    // A position is taken only when no alternative's name could be read as one.
                    let numeric_names = names.iter().any(|n| n.trim().parse::<f64>().is_ok());
                    if numeric_names && !matches!(v, DesignValue::Name(_)) {
                        return Err(err(format!(
                            "{} names no alternative (the alternatives are named {}; positions are not read when names are numbers)",
                            text.unwrap_or_default(),
                            names.join(", ")
                        )));
                    }
                }
                match (&input.kind, v) {
                    (UncertainKind::WeightNoise { .. }, DesignValue::Index(r)) => {
                        Ok(Choice::Replication(*r))
                    }
                    (UncertainKind::WeightNoise { .. }, _) => {
                        Err(err("expected a replication number".to_owned()))
                    }
                    (UncertainKind::GeneralisedPower { .. }, DesignValue::Number(p))
                        if *p != 0.0 && p.is_finite() =>
                    {
                        Ok(Choice::Value(*p))
                    }
                    (UncertainKind::GeneralisedPower { .. }, DesignValue::Index(p)) if *p != 0 => {
                        Ok(Choice::Value(*p as f64))
                    }
                    (UncertainKind::GeneralisedPower { .. }, _) => {
                        Err(err("expected a nonzero power".to_owned()))
                    }
                    (_, DesignValue::Index(i)) if (*i as usize) < names.len() => {
                        Ok(Choice::Alternative(*i as usize))
                    }
                    (_, DesignValue::Name(s)) => {
                        let hits: Vec<usize> = names
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| *n == s)
                            .map(|(i, _)| i)
                            .collect();
                        match hits[..] {
                            [i] => Ok(Choice::Alternative(i)),
                            [] => Err(err(format!("'{s}' is not one of: {}", names.join(", ")))),
                            _ => Err(err(format!(
                                "'{s}' names several alternatives; give the index"
                            ))),
                        }
                    }
                    (_, other) => Err(err(format!(
                        "{other:?} is not an alternative (0 to {})",
                        names.len().saturating_sub(1)
                    ))),
                }
            })
            .collect()
    }

    /// Evaluates runs; writes index values and ranks (runs × units).
    pub(crate) fn evaluate(
        &self,
        runs: &[Vec<Choice>],
        values: &mut [f64],
        ranks: &mut [f64],
        progress: Option<Progress>,
    ) -> Result<(), AnalysisError> {
        let m = self.evaluators[0].units();
        let total = runs.len();
        if m == 0 || total == 0 {
            return Ok(());
        }
        let chunk = 64;
        let work = |c: usize, vals: &mut [f64], rks: &mut [f64]| -> Result<(), AnalysisError> {
            let mut plan = (*self.fw.plan).clone();
            let mut buffers: Vec<_> = self.evaluators.iter().map(Evaluator::work).collect();
            for (j, choices) in runs[c * chunk..].iter().take(vals.len() / m).enumerate() {
                let key = self.configure(choices, &mut plan);
                let leaves = &self.leaves[&key];
                let ev = key[0];
                self.evaluators[ev].run(
                    self.fw,
                    &plan,
                    leaves,
                    &mut buffers[ev],
                    &mut vals[j * m..(j + 1) * m],
                    &mut rks[j * m..(j + 1) * m],
                )?;
            }
            Ok(())
        };
        // Waves of chunks: the workers share a wave, then the calling thread reports
        // progress (and may cancel) before the next one.
        #[cfg(feature = "parallel")]
        let per_wave = 4 * rayon::current_num_threads();
        #[cfg(not(feature = "parallel"))]
        let per_wave = 1;
        let wave = chunk * m * per_wave;
        let mut done = 0;
        for (w, (vw, rw)) in values
            .chunks_mut(wave)
            .zip(ranks.chunks_mut(wave))
            .enumerate()
        {
            let first = w * per_wave;
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                vw.par_chunks_mut(chunk * m)
                    .zip(rw.par_chunks_mut(chunk * m))
                    .enumerate()
                    .try_for_each(|(c, (v, r))| work(first + c, v, r))?;
            }
            #[cfg(not(feature = "parallel"))]
            {
                vw.chunks_mut(chunk * m)
                    .zip(rw.chunks_mut(chunk * m))
                    .enumerate()
                    .try_for_each(|(c, (v, r))| work(first + c, v, r))?;
            }
            done += vw.len() / m;
            if let Some(p) = progress {
                if !p(done, total) {
                    return Err(AnalysisError::Cancelled);
                }
            }
        }
        Ok(())
    }

    /// Whether input `k` changes any unit's index value: runs that differ from `base` only
    /// in input k's choice (every alternative up to 16, 8 noise replications, or the ends
    /// and middle of a parameter range) are compared bit for bit.
    pub(crate) fn has_effect(&self, k: usize, base: &[Choice]) -> Result<bool, AnalysisError> {
        let probes: Vec<Choice> = match &self.inputs[k].kind {
            UncertainKind::WeightNoise { .. } => (0..8).map(Choice::Replication).collect(),
            UncertainKind::GeneralisedPower { lo, hi, .. } => {
                vec![
                    Choice::Value(*lo),
                    Choice::Value((lo + hi) / 2.0),
                    Choice::Value(*hi),
                ]
            }
            kind => (0..alternative_names(kind).len().min(16))
                .map(Choice::Alternative)
                .collect(),
        };
        let m = self.evaluators[0].units();
        if probes.len() < 2 || m == 0 {
            return Ok(false);
        }
        let runs: Vec<Vec<Choice>> = probes
            .iter()
            .map(|&c| {
                let mut r = base.to_vec();
                r[k] = c;
                r
            })
            .collect();
        let mut values = vec![f64::NAN; runs.len() * m];
        let mut ranks = vec![f64::NAN; runs.len() * m];
        self.evaluate(&runs, &mut values, &mut ranks, None)?;
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        let first = &values[..m];
        Ok(values
            .chunks(m)
            .any(|c| c.iter().zip(first).any(|(&a, &b)| !same(a, b))))
    }

    /// Warnings for the inputs without effect (with `base`, one run's choices); an error
    /// when no input has any.
    pub(crate) fn effects(&self, base: &[Choice]) -> Result<Vec<String>, AnalysisError> {
        let mut warnings = self.warnings.clone();
        let mut idle = Vec::new();
        for (k, input) in self.inputs.iter().enumerate() {
            let targets_nothing = parameter(&input.kind).is_some() && self.scope[k].is_empty();
            if targets_nothing || !self.has_effect(k, base)? {
                if !targets_nothing {
                    warnings.push(format!(
                        "uncertain input '{}' changes no unit's value: it has no effect",
                        input.name
                    ));
                }
                idle.push(input.name.clone());
            }
        }
        if idle.len() == self.inputs.len() {
            return Err(AnalysisError::NoEffect { inputs: idle });
        }
        Ok(warnings)
    }

    /// The nominal run: the framework as it is.
    pub(crate) fn nominal(&self) -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
        let ev = &self.evaluators[0];
        let m = ev.units();
        let leaves = ev.leaves(self.fw, &self.fw.plan)?;
        let (mut v, mut r) = (vec![f64::NAN; m], vec![f64::NAN; m]);
        ev.run(
            self.fw,
            &self.fw.plan,
            &leaves,
            &mut ev.work(),
            &mut v,
            &mut r,
        )?;
        Ok((v, r))
    }
}

/// Sorts ranks ascending: by counting when they are whole numbers from 1 to `m` (as ranks
/// of `m` units are), else by comparison.
pub(crate) fn sort_ranks(r: &mut [f64], m: usize) {
    let mut counts = vec![0usize; m + 1];
    for &x in r.iter() {
        if !(x >= 1.0 && x <= m as f64 && x.fract() == 0.0) {
            r.sort_unstable_by(f64::total_cmp);
            return;
        }
        counts[x as usize] += 1;
    }
    let mut k = 0;
    for (rank, &n) in counts.iter().enumerate() {
        r[k..k + n].fill(rank as f64);
        k += n;
    }
}

/// The sample variance (denominator n − 1; 0 for fewer than two values).
pub(crate) fn sample_variance(y: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = y.clone().count();
    if n < 2 {
        return 0.0;
    }
    let mean = exact_sum(y.clone()) / n as f64;
    exact_sum(y.map(|v| (v - mean) * (v - mean))) / (n - 1) as f64
}

/// Linear-interpolation quantile ("type 7") of sorted values.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The type-7 quantiles of `x` at each of `ps`: what [`quantile`] gives of `x` sorted, from
/// the order statistics it reads, each found by selection (a partition of a shrinking front
/// of `x`, largest first, and the least of the rest moved beside it) rather than a sort.
/// Under `total_cmp` equal keys are the same number, so each order statistic is the sorted
/// slice's, bit for bit. `x` is left in another order; NaN for an empty `x`.
pub(crate) fn quantiles(x: &mut [f64], ps: &[f64]) -> Vec<f64> {
    let mut out = vec![f64::NAN; ps.len()];
    let Some(last) = x.len().checked_sub(1) else {
        return out;
    };
    let mut order: Vec<usize> = (0..ps.len()).collect();
    order.sort_by(|&a, &b| ps[b].total_cmp(&ps[a]));
    // x[..end] holds the `end` least values; x[end] (when end < len) is the end-th, and
    // x[end + 1] too when a quantile read it.
    let mut end = x.len();
    for k in order {
        let h = last as f64 * ps[k];
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        if lo < end {
            x[..end].select_nth_unstable_by(lo, f64::total_cmp);
        }
        let a = x[lo];
        if hi > lo && hi < end {
            // The least of x[lo + 1..end] is the hi-th: moved to its place, where a later
            // probability with the same lo finds it (positions from lo on stay put).
            let j = (hi..end)
                .min_by(|&i, &j| x[i].total_cmp(&x[j]))
                .unwrap_or(hi);
            x.swap(hi, j);
        }
        let b = x[hi];
        out[k] = a + (h - lo as f64) * (b - a);
        // Probabilities come largest first, so lo never exceeds end.
        end = lo;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Selection gives the sorted slice's quantiles bit for bit: ties, signed zeros, every
    /// length from 1, probabilities in any order and repeated.
    #[test]
    fn quantiles_by_selection_are_the_sorted_ones() {
        let ps = [0.95, 0.05, 0.5, 0.5, 0.0, 1.0, 0.025, 0.975];
        let mut seed = 7u64;
        for n in 0..200 {
            let mut x: Vec<f64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    match seed >> 61 {
                        0 => 0.0,
                        1 => -0.0,
                        2 => ((seed >> 20) % 5) as f64,
                        _ => (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.3,
                    }
                })
                .collect();
            let mut sorted = x.clone();
            sorted.sort_by(f64::total_cmp);
            let got = quantiles(&mut x, &ps);
            for (p, g) in ps.iter().zip(&got) {
                assert_eq!(g.to_bits(), quantile(&sorted, *p).to_bits(), "n {n}, p {p}");
            }
        }
    }

    #[test]
    fn quantiles_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.5), 2.5);
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 4.0);
        // h = 3·0.05 = 0.15 → 1 + 0.15·1.
        assert!((quantile(&x, 0.05) - 1.15).abs() < 1e-12);
    }
}
