//! The analyses: uncertainty, sensitivity, leave-one-out, the COINr pipeline and method
//! strings, each with progress and a Python-side interrupt check where it runs long.

use crate::errors::*;
use crate::{columns, PyFramework};
use dti_core::analyses::{self, AnalysisError, Design, SensitivitySpec, UncertaintySpec};
use dti_core::io::TableOptions;
use dti_core::UnitRecord;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3_arrow::PyTable;
use serde_json::json;

/// Runs `f` with a progress callback that calls `progress(done, total)` (a Python callable)
/// between waves of runs and stops the analysis on Ctrl-C (the signal is raised after).
///
/// The GIL is released while the analysis runs (other Python threads — a GUI, a dask worker's
/// other tasks, a timer — go on) and taken back only between waves, for the signal check and
/// the callback.
pub(crate) fn with_progress<T: Send>(
    py: Python<'_>,
    progress: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(Option<analyses::Progress>) -> Result<T, AnalysisError> + Send,
) -> PyResult<T> {
    let progress: Option<Py<PyAny>> = progress.map(|p| p.clone().unbind());
    let (result, interrupted) = py.detach(move || {
        let interrupted = std::cell::RefCell::new(None::<PyErr>);
        let callback = |done: usize, total: usize| -> bool {
            Python::attach(|py| {
                if let Err(e) = py.check_signals() {
                    *interrupted.borrow_mut() = Some(e);
                    return false;
                }
                if let Some(p) = &progress {
                    match p.call1(py, (done, total)) {
                        // None (a plain callback) or a true value goes on; False cancels.
                        Ok(r) => return r.is_none(py) || r.bind(py).is_truthy().unwrap_or(true),
                        Err(e) => {
                            *interrupted.borrow_mut() = Some(e);
                            return false;
                        }
                    }
                }
                true
            })
        };
        let result = f(Some(&callback));
        (result, interrupted.into_inner())
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    result.map_err(|e| analysis_error(py, &e))
}

/// An uncertainty analysis (`spec` JSON), as JSON; `progress(done, total)` is called
/// between waves of runs (return False to cancel).
#[pyfunction]
#[pyo3(signature = (framework, records, spec, progress=None, design=None))]
pub(crate) fn uncertainty(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    spec: &str,
    progress: Option<&Bound<'_, PyAny>>,
    design: Option<&str>,
) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let spec: UncertaintySpec = parse(py, "spec", spec)?;
    let design: Option<Design> = design.map(|d| parse(py, "design", d)).transpose()?;
    let r = with_progress(py, progress, |p| match &design {
        Some(d) => analyses::uncertainty_design(&framework.fw, &units, &spec, d, p),
        None => analyses::uncertainty(&framework.fw, &units, &spec, p),
    })?;
    Ok(serde_json::to_string(&r).unwrap_or_default())
}

/// Runs `start..end` of an uncertainty analysis: `(units JSON, values, ranks)`, the block's
/// values as little-endian f64 (NaN: none) and ranks as little-endian u32 (0: none), run by
/// run — compact enough to cross a cluster (a JSON block of 10,000 runs is ~20 MB).
#[pyfunction]
pub(crate) fn uncertainty_runs<'py>(
    py: Python<'py>,
    framework: &PyFramework,
    records: &str,
    spec: &str,
    start: usize,
    end: usize,
) -> PyResult<(String, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let spec: UncertaintySpec = parse(py, "spec", spec)?;
    let d = analyses::uncertainty_runs(&framework.fw, &units, &spec, start..end, None)
        .map_err(|e| analysis_error(py, &e))?;
    let mut values = Vec::with_capacity(d.values.len() * d.units.len() * 8);
    for x in d.values.iter().flatten() {
        values.extend_from_slice(&x.unwrap_or(f64::NAN).to_le_bytes());
    }
    let mut ranks = Vec::with_capacity(d.ranks.len() * d.units.len() * 4);
    for r in d.ranks.iter().flatten() {
        ranks.extend_from_slice(&r.unwrap_or(0).to_le_bytes());
    }
    let units = serde_json::to_string(&d.units).unwrap_or_default();
    Ok((units, PyBytes::new(py, &values), PyBytes::new(py, &ranks)))
}

/// Joins blocks of runs (`uncertainty_runs`' triples, in run order) into the analysis's
/// result JSON, bit for bit the one-process result.
#[pyfunction]
pub(crate) fn uncertainty_from_draws(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    spec: &str,
    blocks: Vec<(String, Bound<'_, PyBytes>, Bound<'_, PyBytes>)>,
) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let spec: UncertaintySpec = parse(py, "spec", spec)?;
    let mut draws = Vec::with_capacity(blocks.len());
    for (k, (ids, values, ranks)) in blocks.iter().enumerate() {
        // Borrowed from the bytes objects: no copy, no element-by-element extraction.
        let (values, ranks) = (values.as_bytes(), ranks.as_bytes());
        let ids: Vec<String> = parse(py, "blocks", ids)?;
        let m = ids.len().max(1);
        let bad = values.len() % (8 * m) != 0 || ranks.len() * 2 != values.len();
        if bad {
            return Err(bad_argument(
                py,
                "blocks",
                format!("block {} is damaged", k + 1),
            ));
        }
        let values: Vec<Option<f64>> = values
            .chunks_exact(8)
            .map(|b| {
                let x = f64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                (!x.is_nan()).then_some(x)
            })
            .collect();
        let ranks: Vec<Option<u32>> = ranks
            .chunks_exact(4)
            .map(|b| Some(u32::from_le_bytes(b.try_into().unwrap_or([0; 4]))).filter(|&r| r > 0))
            .collect();
        draws.push(analyses::Draws::from_runs(
            ids,
            values.chunks(m).map(<[_]>::to_vec).collect(),
            ranks.chunks(m).map(<[_]>::to_vec).collect(),
        ));
    }
    let r = analyses::uncertainty_from_draws(&framework.fw, &units, &spec, &draws)
        .map_err(|e| analysis_error(py, &e))?;
    Ok(serde_json::to_string(&r).unwrap_or_default())
}

/// A variance-based (Sobol) sensitivity analysis, as JSON.
#[pyfunction]
#[pyo3(signature = (framework, records, spec, progress=None))]
pub(crate) fn sensitivity(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    spec: &str,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let spec: SensitivitySpec = parse(py, "spec", spec)?;
    let r = with_progress(py, progress, |p| {
        analyses::sensitivity(&framework.fw, &units, &spec, p)
    })?;
    Ok(serde_json::to_string(&r).unwrap_or_default())
}

/// Leaves each node of a level out in turn, as JSON.
#[pyfunction]
pub(crate) fn leave_one_out(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    depth: usize,
) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let r = analyses::leave_one_out(&framework.fw, &units, depth)
        .map_err(|e| analysis_error(py, &e))?;
    Ok(serde_json::to_string(&r).unwrap_or_default())
}

/// A data set of the COINr pipeline: its name (`Raw` …) and its CSV text.
type Stage = (String, String);

/// The COINr pipeline on the two tables' text (`pipeline` JSON: denominate, impute, screen,
/// treat, normalise, aggregate): `(results, report JSON, data sets)`. The report holds what
/// `dti coin --format json` gives beside the scores (treatment log, imputation, screening,
/// effective weights, statistics, correlations); the data sets by stage (Raw … Normalised)
/// (and Aggregated) are CSV texts as `dti coin --out-dir` writes them, cells as they are.
#[pyfunction]
pub(crate) fn coin<'py>(
    py: Python<'py>,
    meta: &str,
    data: &str,
    pipeline: &str,
) -> PyResult<(PyTable, String, Vec<Stage>)> {
    let tables = dti_core::io::read_tables(meta, data, &TableOptions::default())
        .map_err(|e| raise(py, e.code(), &e.to_string(), json!({})))?;
    let p: dti_core::io::Pipeline = parse(py, "pipeline", pipeline)?;
    let run = dti_core::io::run_pipeline(&tables, &p)
        .map_err(|e| raise(py, e.code(), &e.to_string(), json!({})))?;
    // The rows scored are the last data set's (screening drops rows of the raw table).
    let d = run.units();
    let ids: Vec<(&str, Option<&str>, Option<i32>)> = run
        .scores
        .rows
        .iter()
        .map(|&r| (&d.units[r], d.name(r), d.periods[r]))
        .collect();
    // The report's fields as every surface names them (the command's JSON the same).
    let report = to_json(&run.report());
    let (normalised, aggregated) = (run.normalised(), run.aggregated());
    let stages = run
        .data
        .iter()
        .chain([&normalised, &aggregated])
        .map(|set| {
            let text =
                dti_core::io::write_data_as(&run.framework, &set.panel, dti_core::io::CsvText::Raw);
            (set.name.clone(), text)
        })
        .collect();
    Ok((
        columns(py, run.scores.clone(), &ids)?,
        report.to_string(),
        stages,
    ))
}

/// A short method specification of the COINr pipeline (`minmax:0,100`, `geometric`, …), as
/// the command takes it, read by the core's parser: its JSON form. `kind` is the Python
/// parameter (`impute`, `treat`, `normalise`, `aggregate`), which a bad one names.
#[pyfunction]
pub(crate) fn method_spec(py: Python<'_>, kind: &str, text: &str) -> PyResult<String> {
    use dti_core::analyses::specs;
    let parsed = match kind {
        "impute" => specs::imputation(text).map(|m| to_json(&m)),
        "treat" => specs::treatment(text).map(|m| to_json(&m)),
        "normalise" => specs::normaliser(text).map(|m| to_json(&m)),
        "aggregate" => specs::aggregator(text).map(|m| to_json(&m)),
        other => Err(format!("no method kind '{other}'")),
    };
    parsed.map(|j| j.to_string()).map_err(|e| {
        // The value as Python shows a str: `normalise='minmax:5'`.
        let shown = text.replace('\\', "\\\\").replace('\'', "\\'");
        raise(
            py,
            "bad_argument",
            &format!("{kind}='{shown}': {e}"),
            json!({"path": kind}),
        )
    })
}

/// The records of one period (`dti_core::analyses::one_period`: `period`, or the latest),
/// as JSON: the rule every analysis of every surface runs on.
#[pyfunction]
#[pyo3(signature = (records, period=None))]
pub(crate) fn one_period(py: Python<'_>, records: &str, period: Option<i32>) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let (_, kept) = analyses::one_period(&units, period).map_err(|e| analysis_error(py, &e))?;
    Ok(serde_json::to_string(&kept).unwrap_or_default())
}
