//! Variance-based sensitivity analysis: Sobol first-order and total indices of the rank
//! changes from Saltelli matrices (Saltelli et al. 2010), with bootstrap intervals.

use serde::{Deserialize, Serialize};

use super::assumptions::*;
use super::prepared::*;
use crate::engine::eval::uniform;
use crate::methods::normalise::Ties;
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::sum::{exact_sum, ExactSum};

/// A variance-based sensitivity analysis.
///
/// ```
/// let s: dti_core::analyses::SensitivitySpec = serde_json::from_str(r#"{"n": 1000, "seed": 1, "inputs": []}"#)?;
/// assert_eq!(s.bootstrap, 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SensitivitySpec {
    /// The uncertain inputs.
    pub inputs: Vec<Uncertain>,
    /// Base sample size N: the design has N(d + 2) runs (not needed with a given design).
    #[serde(default)]
    pub n: usize,
    /// Seed.
    #[serde(default)]
    pub seed: u64,
    /// Bootstrap resamples for 95 % intervals (0: none).
    #[serde(default)]
    pub bootstrap: usize,
    /// Normalise over all periods together.
    #[serde(default)]
    pub pool_periods: bool,
    /// When two index values share a rank (default: equal up to 1e-12, relative).
    #[serde(default)]
    pub ties: Ties,
}

setters!(SensitivitySpec { inputs: Vec<Uncertain>, n: usize, seed: u64, bootstrap: usize, pool_periods: bool, ties: Ties });

/// First-order and total Sobol indices of one input.
///
/// ```
/// let s = serde_json::from_value::<dti_core::analyses::SobolIndex>(serde_json::json!({ "input": "w", "first_order": 0.6, "total": 0.7, "first_order_ci": null, "total_ci": null })).unwrap();
/// assert!(s.total >= s.first_order);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SobolIndex {
    /// Input name.
    pub input: String,
    /// First-order index Sᵢ.
    pub first_order: f64,
    /// Total index STᵢ.
    pub total: f64,
    /// 95 % bootstrap interval of Sᵢ.
    pub first_order_ci: Option<(f64, f64)>,
    /// 95 % bootstrap interval of STᵢ.
    pub total_ci: Option<(f64, f64)>,
}

/// The result of a sensitivity analysis: the output is the mean absolute rank change from the
/// nominal ranking.
///
/// ```
/// let r = serde_json::from_value::<dti_core::analyses::SensitivityResult>(serde_json::json!({ "runs": 0, "variance": 0.0, "mean": 0.0, "indices": [], "warnings": [] })).unwrap();
/// assert_eq!(r.runs, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SensitivityResult {
    /// Runs made: N(d + 2).
    pub runs: usize,
    /// Mean of the output over A and B.
    pub mean: f64,
    /// Sample variance (denominator 2N − 1) of the output over A and B.
    pub variance: f64,
    /// One entry per input.
    pub indices: Vec<SobolIndex>,
    /// What the analysis noticed but did not stop for (an input without effect, an output
    /// without variance).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Saltelli's base matrices A and B (N × d, uniform on [0, 1)), from the seed.
///
/// ```
/// let (a, b) = dti_core::analyses::saltelli_matrices(4, 2, 9);
/// assert_eq!((a.len(), a[0].len()), (4, 2));
/// assert_ne!(a, b);
/// ```
pub fn saltelli_matrices(n: usize, d: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let m = |stream| {
        (0..n as u64)
            .map(|k| (0..d as u64).map(|j| uniform(seed, stream, k, j)).collect())
            .collect()
    };
    (m(SALTELLI_A), m(SALTELLI_B))
}

/// First-order and total Sobol indices from outputs on A, B and each ABᵢ (A with column i from
/// B): V = the *sample* variance of the 2N outputs on A and B (denominator 2N − 1, as COINr's
/// `get_sensitivity` computes it); Sᵢ = mean(y_B·(y_ABᵢ − y_A))/V (Saltelli 2010);
/// STᵢ = Σ(y_A − y_ABᵢ)²/(2N·V) (Jansen). Returns (Sᵢ, STᵢ) per input; zero variance gives
/// zeros.
///
/// Worked by hand: y_A = (1, 3), y_B = (2, 6), y_AB₁ = (1, 6): mean 3, V = 14/3,
/// S₁ = ((2·0 + 6·3)/2)/V = 27/14, ST₁ = (0 + 9)/(4·V) = 27/56.
///
/// ```
/// let s = dti_core::analyses::sobol_indices(&[1.0, 3.0], &[2.0, 6.0], &[vec![1.0, 6.0]]);
/// assert!((s[0].first_order - 27.0 / 14.0).abs() < 1e-12 && (s[0].total - 27.0 / 56.0).abs() < 1e-12);
/// ```
///
/// ```
/// // y = 2·x1 (x2 plays no part): S1 = ST1 = 1, S2 = ST2 = 0.
/// let (a, b) = dti_core::analyses::saltelli_matrices(2000, 2, 5);
/// let f = |x: &[f64]| 2.0 * x[0];
/// let ya: Vec<f64> = a.iter().map(|x| f(x)).collect();
/// let yb: Vec<f64> = b.iter().map(|x| f(x)).collect();
/// let yab: Vec<Vec<f64>> = (0..2).map(|i| a.iter().zip(&b).map(|(xa, xb)| {
///     let mut x = xa.clone(); x[i] = xb[i]; f(&x) }).collect()).collect();
/// let s = dti_core::analyses::sobol_indices(&ya, &yb, &yab);
/// assert!((s[0].first_order - 1.0).abs() < 0.1 && (s[0].total - 1.0).abs() < 0.1); // sampling error
/// assert!(s[1].first_order.abs() < 1e-12 && s[1].total.abs() < 1e-12);
/// ```
pub fn sobol_indices(ya: &[f64], yb: &[f64], yab: &[Vec<f64>]) -> Vec<SobolEstimate> {
    let n = ya.len() as f64;
    let var = sample_variance(ya.iter().chain(yb).copied());
    yab.iter()
        .map(|yi| {
            if var == 0.0 {
                return SobolEstimate {
                    first_order: 0.0,
                    total: 0.0,
                };
            }
            let s = exact_sum(ya.iter().zip(yb).zip(yi).map(|((a, b), ab)| b * (ab - a))) / n / var;
            let st =
                exact_sum(ya.iter().zip(yi).map(|(a, ab)| (a - ab) * (a - ab))) / (2.0 * n * var);
            SobolEstimate {
                first_order: s,
                total: st,
            }
        })
        .collect()
}

/// One input's Sobol estimates from one sample ([`sobol_indices`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SobolEstimate {
    /// First-order index Sᵢ.
    pub first_order: f64,
    /// Total-effect index STᵢ.
    pub total: f64,
}

/// Runs a variance-based sensitivity analysis: Saltelli design, first-order and total Sobol
/// indices of the mean absolute rank change from the nominal ranking, with optional bootstrap
/// intervals.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
/// let units: Vec<UnitRecord> = (0..6).map(|k| UnitRecord::new(&format!("U{k}"))
///     .value("A", k as f64 / 10.0).value("B", 0.5 - k as f64 / 12.0)).collect();
/// let spec: SensitivitySpec = serde_json::from_str(r#"{"n": 256, "seed": 3, "inputs": [
///   {"name": "weights", "kind": "weight_noise", "factor": 0.9},
///   {"name": "median", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#)?;
/// let r = sensitivity(&fw, &units, &spec, None)?;
/// assert_eq!(r.runs, 256 * 4);
/// assert!(r.indices.iter().all(|s| s.total >= -0.1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sensitivity(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &SensitivitySpec,
    progress: Option<Progress>,
) -> Result<SensitivityResult, AnalysisError> {
    let d = spec.inputs.len();
    let n = spec.n;
    if n < 2 {
        return Err(AnalysisError::Invalid {
            field: "n".to_owned(),
            message: format!("the base sample size must be at least 2, got {n}"),
        });
    }
    let total = (n as u128) * (d as u128 + 2);
    if total > MAX_RUNS as u128 {
        return Err(too_large("N·(d + 2) runs", total, MAX_RUNS));
    }
    let prepared = sobol_prepared(fw, units, spec)?;
    cells_of(total as usize, prepared.evaluators[0].units())?;
    let (a, b) = saltelli_matrices(n, d, spec.seed);
    let to_run = |u: &[f64]| -> Vec<Choice> {
        (0..d)
            .map(|k| {
                // Weight noise: u picks one of N replications.
                let rep = ((u[k] * n as f64) as u64).min(n.saturating_sub(1) as u64);
                prepared.choose(k, u[k], rep)
            })
            .collect()
    };
    let mut runs: Vec<Vec<Choice>> = Vec::with_capacity(n * (d + 2));
    runs.extend(a.iter().map(|u| to_run(u)));
    runs.extend(b.iter().map(|u| to_run(u)));
    for i in 0..d {
        runs.extend(a.iter().zip(&b).map(|(ua, ub)| {
            let mut u = ua.clone();
            u[i] = ub[i];
            to_run(&u)
        }));
    }
    sobol(&prepared, &runs, n, spec, progress)
}

/// Runs a sensitivity analysis over a given Saltelli design: its rows are the N runs of A,
/// then the N runs of B, then N runs of each ABᵢ in the order of `spec.inputs` — N(d + 2)
/// rows, as [`sensitivity`] makes them — so that a design made elsewhere (COINr's
/// `get_sensitivity`, a design file exported earlier) is replayed run for run. `spec.n` is
/// ignored: N is the number of rows divided by d + 2.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.9).value("B", 0.1), UnitRecord::new("Y").value("A", 0.2).value("B", 0.6)];
/// let spec: SensitivitySpec = serde_json::from_str(r#"{"n": 2, "inputs": [
///   {"name": "agg", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#)?;
/// // A = (mean, median), B = (median, median), AB₁ = B's column: (median, median).
/// let design: Design = serde_json::from_str(r#"{"rows": [{"agg": "weighted_mean"}, {"agg": "weighted_median"},
///   {"agg": "weighted_median"}, {"agg": "weighted_median"}, {"agg": "weighted_median"}, {"agg": "weighted_median"}]}"#)?;
/// let r = sensitivity_design(&fw, &units, &spec, &design, None)?;
/// assert_eq!(r.runs, 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sensitivity_design(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &SensitivitySpec,
    design: &Design,
    progress: Option<Progress>,
) -> Result<SensitivityResult, AnalysisError> {
    let d = spec.inputs.len();
    let rows = design.rows.len();
    if rows > MAX_RUNS {
        return Err(too_large("design rows", rows as u128, MAX_RUNS));
    }
    if rows == 0 || rows % (d + 2) != 0 || rows / (d + 2) < 2 {
        return Err(AnalysisError::Invalid {
            field: "design".to_owned(),
            message: format!(
                "a Saltelli design for {d} input(s) has N·{} rows (A, B and one ABᵢ per input, N ≥ 2 each); this one has {rows}",
                d + 2
            ),
        });
    }
    let prepared = sobol_prepared(fw, units, spec)?;
    let runs = design
        .rows
        .iter()
        .enumerate()
        .map(|(row, cells)| prepared.read_design(row, cells))
        .collect::<Result<Vec<_>, _>>()?;
    sobol(&prepared, &runs, rows / (d + 2), spec, progress)
}

/// The checks every sensitivity analysis shares (inputs to study, bootstrap within bounds),
/// then the cohort prepared once.
pub(crate) fn sobol_prepared<'a>(
    fw: &'a Framework,
    units: &[UnitRecord],
    spec: &'a SensitivitySpec,
) -> Result<Prepared<'a>, AnalysisError> {
    if spec.inputs.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "inputs".to_owned(),
            message: "no uncertain input to study".to_owned(),
        });
    }
    if spec.bootstrap > MAX_BOOTSTRAP {
        return Err(too_large(
            "bootstrap",
            spec.bootstrap as u128,
            MAX_BOOTSTRAP,
        ));
    }
    Prepared::new(
        fw,
        units,
        &spec.inputs,
        spec.seed,
        spec.pool_periods,
        spec.ties,
    )
}

/// Evaluates a Saltelli design's runs (A, B, AB₁ … AB_d, N each) and estimates the indices.
pub(crate) fn sobol(
    prepared: &Prepared,
    runs: &[Vec<Choice>],
    n: usize,
    spec: &SensitivitySpec,
    progress: Option<Progress>,
) -> Result<SensitivityResult, AnalysisError> {
    let d = spec.inputs.len();
    let m = prepared.evaluators[0].units();
    let (_, nominal) = prepared.nominal()?;
    let mut warnings = prepared.effects(&runs[0])?;
    let cells = cells_of(runs.len(), m)?;
    let mut values = vec![f64::NAN; cells];
    let mut ranks = vec![f64::NAN; cells];
    prepared.evaluate(runs, &mut values, &mut ranks, progress)?;
    let y: Vec<f64> = ranks
        .chunks(m.max(1))
        .map(|r| {
            let (mut s, mut c) = (ExactSum::new(), 0);
            for (x, nom) in r.iter().zip(&nominal) {
                if !x.is_nan() && !nom.is_nan() {
                    s.add((x - nom).abs());
                    c += 1;
                }
            }
            if c > 0 {
                s.value() / c as f64
            } else {
                0.0
            }
        })
        .collect();
    let ya = &y[..n];
    let yb = &y[n..2 * n];
    let yab: Vec<Vec<f64>> = (0..d)
        .map(|i| y[(2 + i) * n..(3 + i) * n].to_vec())
        .collect();
    let point = sobol_indices(ya, yb, &yab);
    let all: Vec<f64> = ya.iter().chain(yb).copied().collect();
    let mean = exact_sum(all.iter().copied()) / all.len().max(1) as f64;
    let variance = sample_variance(all.iter().copied());
    if variance == 0.0 {
        warnings.push(
            "the output (mean absolute rank change) is the same in every run of A and B: no rank \
             moved, so every index is 0"
                .to_owned(),
        );
    }

    // Bootstrap: resample the N rows of A, B and every ABᵢ together.
    let mut boots: Vec<Vec<SobolEstimate>> = Vec::new();
    for r in 0..spec.bootstrap as u64 {
        let idx: Vec<usize> = (0..n as u64)
            .map(|j| ((uniform(spec.seed, BOOT, r, j) * n as f64) as usize).min(n - 1))
            .collect();
        let pick = |v: &[f64]| idx.iter().map(|&k| v[k]).collect::<Vec<f64>>();
        let yab_b: Vec<Vec<f64>> = yab.iter().map(|v| pick(v)).collect();
        boots.push(sobol_indices(&pick(ya), &pick(yb), &yab_b));
    }
    let ci = |i: usize, second: bool| -> Option<(f64, f64)> {
        if boots.is_empty() {
            return None;
        }
        let mut v: Vec<f64> = boots
            .iter()
            .map(|b| if second { b[i].total } else { b[i].first_order })
            .collect();
        let q = quantiles(&mut v, &[0.025, 0.975]);
        Some((q[0], q[1]))
    };
    let indices = spec
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| SobolIndex {
            input: input.name.clone(),
            first_order: point[i].first_order,
            total: point[i].total,
            first_order_ci: ci(i, false),
            total_ci: ci(i, true),
        })
        .collect();
    Ok(SensitivityResult {
        runs: runs.len(),
        mean,
        variance,
        indices,
        warnings,
    })
}
