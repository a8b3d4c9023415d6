//! Uncertainty analysis: rank intervals under uncertain assumptions, from random runs, a
//! design, or draws given (OECD/JRC Handbook 2008 §7).

use serde::{Deserialize, Serialize};

use super::assumptions::*;
use super::prepared::*;
use crate::engine::eval::uniform;
use crate::methods::normalise::Ties;
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::sum::slice_sum;

/// An uncertainty analysis.
///
/// ```
/// let s: dti_core::analyses::UncertaintySpec = serde_json::from_str(
///     r#"{"runs": 1000, "seed": 42, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}]}"#)?;
/// assert_eq!(s.runs, 1000);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UncertaintySpec {
    /// The uncertain inputs.
    pub inputs: Vec<Uncertain>,
    /// Number of runs (ignored with a given design).
    #[serde(default)]
    pub runs: usize,
    /// Seed.
    #[serde(default)]
    pub seed: u64,
    /// Keep every run's choices, values and ranks in the result.
    #[serde(default)]
    pub keep_draws: bool,
    /// Normalise over all periods together.
    #[serde(default)]
    pub pool_periods: bool,
    /// When two index values share a rank (default: equal up to 1e-12, relative).
    #[serde(default)]
    pub ties: Ties,
}

setters!(UncertaintySpec { inputs: Vec<Uncertain>, runs: usize, seed: u64, keep_draws: bool, pool_periods: bool, ties: Ties });

/// One unit's rank and score distribution over the runs.
///
/// ```
/// # let u = serde_json::from_value::<dti_core::analyses::UnitUncertainty>(serde_json::json!({ "unit": "A", "period": null, "nominal_value": Some(0.5), "nominal_rank": Some(2),
/// #   "mean_rank": Some(2.0), "median_rank": Some(2.0), "rank_p05": Some(1.0), "rank_p95": Some(3.0),
/// #   "value_mean": Some(0.5), "value_p05": Some(0.4), "value_median": Some(0.5), "value_p95": Some(0.6) })).unwrap();
/// assert_eq!(u.rank_p95, Some(3.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitUncertainty {
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: Option<i32>,
    /// Index value under the framework as it is.
    pub nominal_value: Option<f64>,
    /// Rank under the framework as it is.
    pub nominal_rank: Option<u32>,
    /// Mean rank over the runs.
    pub mean_rank: Option<f64>,
    /// Median rank.
    pub median_rank: Option<f64>,
    /// 5th percentile rank.
    pub rank_p05: Option<f64>,
    /// 95th percentile rank.
    pub rank_p95: Option<f64>,
    /// Mean index value.
    pub value_mean: Option<f64>,
    /// 5th percentile value.
    pub value_p05: Option<f64>,
    /// Median value.
    pub value_median: Option<f64>,
    /// 95th percentile value.
    pub value_p95: Option<f64>,
}

/// Every run of an analysis, for export.
///
/// ```
/// let d = serde_json::from_value::<dti_core::analyses::Draws>(serde_json::json!({ "inputs": ["w"], "units": ["A"], "choices": [], "values": [], "ranks": [] })).unwrap();
/// assert!(d.values.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Draws {
    /// Input names (columns of `choices`).
    pub inputs: Vec<String>,
    /// Unit ids (columns of `values` and `ranks`).
    pub units: Vec<String>,
    /// Per run, the choice of each input (a design that reproduces the runs).
    pub choices: Vec<Vec<DesignValue>>,
    /// Per run, each unit's index value.
    pub values: Vec<Vec<Option<f64>>>,
    /// Per run, each unit's rank.
    pub ranks: Vec<Vec<Option<u32>>>,
}

impl Draws {
    /// Runs' values and ranks of `units` (run by run), without the choices: what
    /// [`uncertainty_from_draws`] needs of a block drawn elsewhere (it draws the choices again
    /// from the seed).
    pub fn from_runs(
        units: Vec<String>,
        values: Vec<Vec<Option<f64>>>,
        ranks: Vec<Vec<Option<u32>>>,
    ) -> Draws {
        Draws {
            inputs: Vec::new(),
            units,
            choices: Vec::new(),
            values,
            ranks,
        }
    }
}

/// The result of an uncertainty analysis.
///
/// ```
/// let r = serde_json::from_value::<dti_core::analyses::UncertaintyResult>(serde_json::json!({ "runs": 0, "units": [], "draws": null, "warnings": [] })).unwrap();
/// assert_eq!(r.runs, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UncertaintyResult {
    /// Runs made.
    pub runs: usize,
    /// Per unit.
    pub units: Vec<UnitUncertainty>,
    /// Every run (with `keep_draws`).
    pub draws: Option<Draws>,
    /// What the analysis noticed but did not stop for (an input without effect).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Runs an uncertainty analysis with `spec.runs` seeded draws.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units: Vec<UnitRecord> = (0..5).map(|k| {
///     let v = 0.3 + 0.1 * k as f64;
///     ["AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC"].iter()
///         .fold(UnitRecord::new(&format!("P{k}")), |u, c| u.value(c, v))
/// }).collect();
/// // The 2022 index sums points; the geometric alternative weighs children by those points.
/// let spec: UncertaintySpec = serde_json::from_str(r#"{"runs": 200, "seed": 7, "inputs": [
///   {"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#)?;
/// let r = uncertainty(&fw, &units, &spec, None)?;
/// // Every unit is uniformly better than the next: ranks never move.
/// assert!(r.units.iter().all(|u| u.rank_p05 == u.rank_p95));
/// assert_eq!(r.units[4].nominal_rank, Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uncertainty(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    progress: Option<Progress>,
) -> Result<UncertaintyResult, AnalysisError> {
    if spec.runs == 0 {
        return Err(AnalysisError::Invalid {
            field: "runs".to_owned(),
            message: "give the number of runs (at least 1), or a design".to_owned(),
        });
    }
    if spec.runs > MAX_RUNS {
        return Err(too_large("runs", spec.runs as u128, MAX_RUNS));
    }
    let prepared = prepare(fw, units, spec)?;
    // Before any run is drawn: the results must fit.
    cells_of(spec.runs, prepared.evaluators[0].units())?;
    let runs: Vec<Vec<Choice>> = (0..spec.runs)
        .map(|r| run_choices(&prepared, spec, r))
        .collect();
    summarise_runs(&prepared, &runs, spec.keep_draws, progress)
}

/// The analysis's inputs prepared on the units (the evaluators, the nominal scores).
pub(crate) fn prepare<'a>(
    fw: &'a Framework,
    units: &[UnitRecord],
    spec: &'a UncertaintySpec,
) -> Result<Prepared<'a>, AnalysisError> {
    Prepared::new(
        fw,
        units,
        &spec.inputs,
        spec.seed,
        spec.pool_periods,
        spec.ties,
    )
}

/// The choices of run `r`: counter-based (seed, run, input), so any run can be drawn alone.
pub(crate) fn run_choices(prepared: &Prepared, spec: &UncertaintySpec, r: usize) -> Vec<Choice> {
    let r = r as u64;
    (0..spec.inputs.len())
        .map(|k| prepared.choose(k, uniform(spec.seed, SAMPLE, r, k as u64), r))
        .collect()
}

/// Runs `runs` (a range of run numbers, within `0..spec.runs`) of the uncertainty analysis
/// [`uncertainty`] makes, and returns them as [`Draws`]: each run's draws depend only on
/// the seed, the run's number and the input, so a study split into blocks across processes
/// or machines draws exactly the runs of one process. Combine the blocks with
/// [`uncertainty_from_draws`].
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units: Vec<UnitRecord> = (0..6).map(|k| ["AWR", "GOV", "ECO", "SOC"].iter().enumerate()
///     .fold(UnitRecord::new(&format!("P{k}")), |u, (j, c)| u.value(c, 0.2 + 0.1 * ((k * 7 + j * 3) % 6) as f64))).collect();
/// let spec: UncertaintySpec = serde_json::from_str(r#"{"runs": 300, "seed": 9,
///   "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}"#)?;
/// let blocks = [uncertainty_runs(&fw, &units, &spec, 0..120, None)?, uncertainty_runs(&fw, &units, &spec, 120..300, None)?];
/// assert_eq!(uncertainty_from_draws(&fw, &units, &spec, &blocks)?, uncertainty(&fw, &units, &spec, None)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uncertainty_runs(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    runs: std::ops::Range<usize>,
    progress: Option<Progress>,
) -> Result<Draws, AnalysisError> {
    if runs.is_empty() || runs.end > spec.runs {
        return Err(AnalysisError::Invalid {
            field: "runs".to_owned(),
            message: format!(
                "the block {}..{} is empty or outside the analysis's {} runs",
                runs.start, runs.end, spec.runs
            ),
        });
    }
    if spec.runs > MAX_RUNS {
        return Err(too_large("runs", spec.runs as u128, MAX_RUNS));
    }
    let prepared = prepare(fw, units, spec)?;
    let m = prepared.evaluators[0].units();
    let cells = cells_of(runs.len(), m)?;
    let choices: Vec<Vec<Choice>> = runs.map(|r| run_choices(&prepared, spec, r)).collect();
    let mut values = vec![f64::NAN; cells];
    let mut ranks = vec![f64::NAN; cells];
    prepared.evaluate(&choices, &mut values, &mut ranks, progress)?;
    Ok(draws_of(&prepared, &choices, &values, &ranks))
}

/// Combines the blocks of runs [`uncertainty_runs`] made — in run order, together every
/// run of `spec` once — into the result [`uncertainty`] gives for the whole analysis, bit
/// for bit: each unit's summary is computed from its sorted ranks and values, whatever
/// process drew them.
pub fn uncertainty_from_draws(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    blocks: &[Draws],
) -> Result<UncertaintyResult, AnalysisError> {
    let prepared = prepare(fw, units, spec)?;
    let meta = &prepared.evaluators[0].meta;
    let n: usize = blocks.iter().map(|b| b.values.len()).sum();
    let invalid = |message: String| AnalysisError::Invalid {
        field: "blocks".to_owned(),
        message,
    };
    if n != spec.runs {
        return Err(invalid(format!(
            "the blocks hold {n} runs; the analysis has {}",
            spec.runs
        )));
    }
    let cells = cells_of(n, meta.len())?;
    let (mut values, mut ranks) = (Vec::with_capacity(cells), Vec::with_capacity(cells));
    for (k, b) in blocks.iter().enumerate() {
        let same_units = b.units.len() == meta.len()
            && b.units.iter().zip(meta.iter()).all(|(a, m)| *a == m.unit);
        let whole = b.ranks.len() == b.values.len()
            && b.values.iter().all(|v| v.len() == meta.len())
            && b.ranks.iter().all(|r| r.len() == meta.len());
        if !same_units || !whole {
            return Err(invalid(format!(
                "block {} was not drawn on these units and this framework",
                k + 1
            )));
        }
        values.extend(b.values.iter().flatten().map(|x| x.unwrap_or(f64::NAN)));
        ranks.extend(
            b.ranks
                .iter()
                .flatten()
                .map(|x| x.map_or(f64::NAN, f64::from)),
        );
    }
    let nominal = prepared.nominal()?;
    let warnings = prepared.effects(&run_choices(&prepared, spec, 0))?;
    let choices: Vec<Vec<Choice>> = if spec.keep_draws {
        (0..n).map(|r| run_choices(&prepared, spec, r)).collect()
    } else {
        Vec::new()
    };
    let shape = (n, spec.keep_draws);
    summary(
        &prepared, &choices, &values, &ranks, shape, nominal, warnings,
    )
}

/// Runs an uncertainty analysis over a given design (one row per run naming each input's
/// choice), so that a study designed elsewhere is reproduced run for run.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "A", "name_vi": "A"}, {"code": "B", "name_vi": "B"}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.9).value("B", 0.1), UnitRecord::new("Y").value("A", 0.2).value("B", 0.6)];
/// let spec: UncertaintySpec = serde_json::from_str(r#"{"inputs": [
///   {"name": "agg", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#)?;
/// let design: Design = serde_json::from_str(r#"{"rows": [{"agg": "weighted_mean"}, {"agg": 1}]}"#)?;
/// let r = uncertainty_design(&fw, &units, &spec, &design, None)?;
/// assert_eq!(r.runs, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uncertainty_design(
    fw: &Framework,
    units: &[UnitRecord],
    spec: &UncertaintySpec,
    design: &Design,
    progress: Option<Progress>,
) -> Result<UncertaintyResult, AnalysisError> {
    if design.rows.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "design".to_owned(),
            message: "the design has no rows".to_owned(),
        });
    }
    if design.rows.len() > MAX_RUNS {
        return Err(too_large(
            "design rows",
            design.rows.len() as u128,
            MAX_RUNS,
        ));
    }
    let prepared = Prepared::new(
        fw,
        units,
        &spec.inputs,
        spec.seed,
        spec.pool_periods,
        spec.ties,
    )?;
    let runs = design
        .rows
        .iter()
        .enumerate()
        .map(|(row, cells)| prepared.read_design(row, cells))
        .collect::<Result<Vec<_>, _>>()?;
    summarise_runs(&prepared, &runs, spec.keep_draws, progress)
}

pub(crate) fn summarise_runs(
    prepared: &Prepared,
    runs: &[Vec<Choice>],
    keep: bool,
    progress: Option<Progress>,
) -> Result<UncertaintyResult, AnalysisError> {
    let meta = &prepared.evaluators[0].meta;
    let m = meta.len();
    let n = runs.len();
    let (nominal_v, nominal_r) = prepared.nominal()?;
    let warnings = match runs.first() {
        Some(base) => prepared.effects(base)?,
        None => prepared.warnings.clone(),
    };
    let cells = cells_of(n, m)?;
    let mut values = vec![f64::NAN; cells];
    let mut ranks = vec![f64::NAN; cells];
    prepared.evaluate(runs, &mut values, &mut ranks, progress)?;
    let nominal = (nominal_v, nominal_r);
    summary(
        prepared,
        runs,
        &values,
        &ranks,
        (n, keep),
        nominal,
        warnings,
    )
}

/// Each run's draws as [`Draws`]: `values` and `ranks` hold `choices.len()` runs of every
/// unit, run-major.
pub(crate) fn draws_of(
    prepared: &Prepared,
    choices: &[Vec<Choice>],
    values: &[f64],
    ranks: &[f64],
) -> Draws {
    let meta = &prepared.evaluators[0].meta;
    let m = meta.len().max(1);
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    let names: Vec<Vec<String>> = prepared
        .inputs
        .iter()
        .map(|i| alternative_names(&i.kind))
        .collect();
    Draws {
        inputs: prepared.inputs.iter().map(|i| i.name.clone()).collect(),
        units: meta.iter().map(|u| u.unit.clone()).collect(),
        choices: choices
            .iter()
            .map(|c| c.iter().zip(&names).map(|(x, n)| x.export(n)).collect())
            .collect(),
        values: values
            .chunks(m)
            .map(|c| c.iter().map(|&x| opt(x)).collect())
            .collect(),
        ranks: ranks
            .chunks(m)
            .map(|c| c.iter().map(|&x| opt(x).map(|r| r as u32)).collect())
            .collect(),
    }
}

/// The result from `n` runs' values and ranks (run-major), the nominal values and ranks, and
/// the warnings; `runs` holds every run's choices when the draws are kept.
pub(crate) fn summary(
    prepared: &Prepared,
    runs: &[Vec<Choice>],
    values: &[f64],
    ranks: &[f64],
    (n, keep): (usize, bool),
    (nominal_v, nominal_r): (Vec<f64>, Vec<f64>),
    warnings: Vec<String>,
) -> Result<UncertaintyResult, AnalysisError> {
    let meta = &prepared.evaluators[0].meta;
    let m = meta.len();
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    // The runs are run-major: each unit's column is gathered for a group of adjacent units
    // in one pass, reading every run's stretch of the group in turn (sequential reads; one
    // open cache line per column being written, up to 2 × GROUP lines, well within L1/L2),
    // not one strided pass per unit or per handful of units, which read the whole draws
    // from L3 again and again. Then each unit's columns are summarised; units are
    // independent (with `parallel`, on every core): the numbers are the same.
    const GROUP: usize = 128;
    let gather = |start: usize| -> Vec<(Vec<f64>, Vec<f64>)> {
        let g = GROUP.min(m - start);
        let mut cols: Vec<(Vec<f64>, Vec<f64>)> = (0..g)
            .map(|_| (Vec::with_capacity(n), Vec::with_capacity(n)))
            .collect();
        for j in 0..n {
            let at = j * m + start;
            let run = ranks[at..at + g].iter().zip(&values[at..at + g]);
            for ((r, v), (&x, &y)) in cols.iter_mut().zip(run) {
                if !x.is_nan() {
                    r.push(x);
                }
                if !y.is_nan() {
                    v.push(y);
                }
            }
        }
        cols
    };
    let mean = |x: &[f64]| (!x.is_empty()).then(|| slice_sum(x) / x.len() as f64);
    let summarise = |(u, (mut r, mut v)): (usize, (Vec<f64>, Vec<f64>))| -> UnitUncertainty {
        let um = &meta[u];
        // Ranks are whole numbers from 1 to m: a counting sort. Values: only the order
        // statistics the quantiles read, by selection.
        sort_ranks(&mut r, m);
        let q = quantiles(&mut v, &[0.05, 0.5, 0.95]);
        UnitUncertainty {
            unit: um.unit.clone(),
            period: um.period,
            nominal_value: opt(nominal_v[u]),
            nominal_rank: opt(nominal_r[u]).map(|x| x as u32),
            mean_rank: mean(&r),
            median_rank: opt(quantile(&r, 0.5)),
            rank_p05: opt(quantile(&r, 0.05)),
            rank_p95: opt(quantile(&r, 0.95)),
            value_mean: mean(&v),
            value_p05: opt(q[0]),
            value_median: opt(q[1]),
            value_p95: opt(q[2]),
        }
    };
    // One group at a time, so that at most a group's columns are held beside the draws.
    let mut units = Vec::with_capacity(m);
    for start in (0..m).step_by(GROUP) {
        let cols = gather(start).into_iter().enumerate();
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            let cols: Vec<_> = cols.map(|(c, x)| (start + c, x)).collect();
            units.par_extend(cols.into_par_iter().map(summarise));
        }
        #[cfg(not(feature = "parallel"))]
        units.extend(cols.map(|(c, x)| summarise((start + c, x))));
    }
    let draws = keep.then(|| draws_of(prepared, runs, values, ranks));
    Ok(UncertaintyResult {
        runs: n,
        units,
        draws,
        warnings,
    })
}
