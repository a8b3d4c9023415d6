//! `dti._dti`: the Python package's native module — glue only, as the WASM bindings are:
//! every number comes from dti-core. Data arrives as a file's text (the `dti` command's one
//! reader, `dti_core::io::read_records`) or as JSON records; results leave as columns (for
//! polars DataFrames) or JSON (serde_json with `float_roundtrip`: numbers come back bit for
//! bit). Errors are raised as the Python package's `DtiError` classes (`dti._errors`), with
//! the core's `code`.

use dti_core::analyses::{
    self, AnalysisError, Design, MergeOptions, Scenario, SensitivitySpec, UncertaintySpec,
};
use dti_core::engine::ScoreColumn;
use dti_core::io::{FileProblem, Layout, ReadOptions, Records, TableOptions};
use dti_core::{
    CohortScores, ColumnOptions, ColumnScores, Framework, FrameworkDef, MergeMap, ScoreError,
    ScoreOptions, UnitRecord,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde::Serialize;
use serde_json::{json, Value as Json};

/// Raises `dti._errors.from_native(code, message, details)`: the package's exception class
/// for the code, carrying the details (problems, unit, indicator, row).
fn raise(py: Python<'_>, code: &str, message: &str, details: Json) -> PyErr {
    let made = py
        .import("dti._errors")
        .and_then(|m| m.call_method1("from_native", (code, message, details.to_string())));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

fn to_json<T: Serialize>(v: &T) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn framework_error(py: Python<'_>, e: &dti_core::FrameworkError) -> PyErr {
    let details = match e {
        dti_core::FrameworkError::Invalid { problems, .. } => {
            json!({ "problems": to_json(problems) })
        }
        _ => json!({}),
    };
    raise(py, e.code(), &e.to_string(), details)
}

/// A scoring error; input problems located in their file when one was read.
fn score_error(py: Python<'_>, e: &ScoreError, file: Option<&Records>) -> PyErr {
    match e {
        ScoreError::Input { problems } => {
            let located: Vec<Json> = problems
                .iter()
                .map(|p| match file {
                    Some(f) => located_json(&f.located(p)),
                    None => input_json(p),
                })
                .collect();
            raise(py, e.code(), &e.to_string(), json!({ "problems": located }))
        }
        _ => raise(py, e.code(), &e.to_string(), json!({})),
    }
}

/// One input problem of records as a dict: its fields, `message` and the core's words (`text`,
/// rows counted from 1).
fn input_json(p: &dti_core::InputError) -> Json {
    let mut j = to_json(p);
    j["message"] = Json::String(p.kind.to_string());
    j["text"] = Json::String(p.to_string());
    j
}

fn analysis_error(py: Python<'_>, e: &AnalysisError) -> PyErr {
    raise(py, e.code(), &e.to_string(), json!({}))
}

fn bad_argument(py: Python<'_>, what: &str, e: impl std::fmt::Display) -> PyErr {
    raise(
        py,
        "bad_argument",
        &format!("{what}: {e}"),
        json!({ "path": what }),
    )
}

/// One problem of a file as a dict: its code, the command's words (`text`) and each field.
fn located_json(p: &FileProblem) -> Json {
    let mut j = to_json(p);
    j["code"] = Json::String(p.code().to_owned());
    j["text"] = Json::String(p.to_string());
    j
}

fn file_error(py: Python<'_>, problems: &[FileProblem]) -> PyErr {
    let message = dti_core::io::describe(problems);
    let list: Vec<Json> = problems.iter().map(located_json).collect();
    raise(py, "invalid_file", &message, json!({ "problems": list }))
}

fn parse<T: serde::de::DeserializeOwned>(py: Python<'_>, what: &str, text: &str) -> PyResult<T> {
    serde_json::from_str(text).map_err(|e| bad_argument(py, what, e))
}

/// A validated framework.
#[pyclass(name = "Framework", module = "dti._dti", frozen)]
struct PyFramework {
    fw: Framework,
}

#[pymethods]
impl PyFramework {
    /// A built-in framework by id (`builtin_ids()`).
    #[staticmethod]
    fn builtin(py: Python<'_>, id: &str) -> PyResult<Self> {
        if id == "total" {
            return Ok(PyFramework {
                fw: dti_core::model::total_framework(),
            });
        }
        Framework::builtin(id)
            .map(|fw| PyFramework { fw })
            .map_err(|e| framework_error(py, &e))
    }

    /// A framework from its JSON definition, validated.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let def: FrameworkDef = serde_json::from_str(text)
            .map_err(|e| raise(py, "parse", &format!("framework JSON: {e}"), json!({})))?;
        Framework::new(def)
            .map(|fw| PyFramework { fw })
            .map_err(|e| framework_error(py, &e))
    }

    /// The framework the COINr / COIN Tool metadata table describes (the data table checks
    /// against it).
    #[staticmethod]
    fn from_coinr(py: Python<'_>, meta: &str, data: &str) -> PyResult<Self> {
        dti_core::io::read_tables(meta, data, &TableOptions::default())
            .map(|t| PyFramework { fw: t.framework })
            .map_err(|e| raise(py, e.code(), &e.to_string(), json!({})))
    }

    #[getter]
    fn id(&self) -> String {
        self.fw.id().to_owned()
    }

    /// The definition as JSON.
    fn to_json(&self) -> String {
        serde_json::to_string(self.fw.def()).unwrap_or_default()
    }
}

/// A file's bytes as text, decoded as the `dti` command decodes them (UTF-8 with or without
/// a byte-order mark, UTF-16 with one); raises `invalid_file` naming the file and the first
/// bad line.
#[pyfunction]
fn decode_file(py: Python<'_>, name: &str, data: Vec<u8>) -> PyResult<String> {
    dti_core::io::decode(data)
        .map_err(|e| file_error(py, &[FileProblem::new(name, Some(e.line), e.message)]))
}

/// The ids of the built-in frameworks.
#[pyfunction]
fn builtin_ids() -> Vec<String> {
    dti_core::builtin_ids().map(str::to_owned).collect()
}

/// Reads a file's text with the command's reader: `(records JSON, notes, problems JSON)`;
/// raises `invalid_file` when the file cannot be read at all, or (`strict`) when any row or
/// value has a problem (every one listed, with its line).
#[pyfunction]
#[pyo3(signature = (framework, name, text, options, strict))]
fn read_records(
    py: Python<'_>,
    framework: &PyFramework,
    name: &str,
    text: &str,
    options: &str,
    strict: bool,
) -> PyResult<(String, Vec<String>, String)> {
    let (read, opts) = (read_options(py, options)?, score_options(py, options)?);
    let records = dti_core::io::read_records(name, text, &framework.fw, &read)
        .map_err(|p| file_error(py, &p))?;
    let problems = records.problems(&framework.fw, &opts);
    if strict && !problems.is_empty() {
        return Err(file_error(py, &problems));
    }
    let list: Vec<Json> = problems.iter().map(located_json).collect();
    Ok((
        serde_json::to_string(&records.units).unwrap_or_default(),
        records.notes.clone(),
        Json::Array(list).to_string(),
    ))
}

/// The reader's options from the call's JSON options (`layout`, `groups`, `delimiter`).
fn read_options(py: Python<'_>, options: &str) -> PyResult<ReadOptions> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Args {
        layout: Layout,
        groups: Vec<String>,
        delimiter: Option<String>,
    }
    let a: Args = parse(py, "options", options)?;
    let delimiter = a
        .delimiter
        .as_deref()
        .map(dti_core::io::parse_delimiter)
        .transpose()
        .map_err(|e| bad_argument(py, "delimiter", e))?;
    Ok(ReadOptions::default()
        .layout(a.layout)
        .groups(a.groups)
        .delimiter(delimiter))
}

/// The score options from the call's JSON options (`lenient`, `ties`, `pool_periods`).
fn score_options(py: Python<'_>, options: &str) -> PyResult<ScoreOptions> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Args {
        lenient: bool,
        pool_periods: bool,
        ties: Option<Json>,
    }
    let a: Args = parse(py, "options", options)?;
    let mut o = ScoreOptions::default()
        .lenient(a.lenient)
        .explain(false)
        .pool_periods(a.pool_periods);
    if let Some(t) = a.ties {
        o = o.ties(serde_json::from_value(t).map_err(|e| bad_argument(py, "ties", e))?);
    }
    Ok(o)
}

/// Scores a file's text (`score` of the package): a clean wide file goes straight into
/// columns, anything else through the record reader (which reports every problem). Returns
/// `(columns, problems JSON, notes)`: `columns` maps `unit`, `name`, `period`, `value`,
/// `points`, `rank` and each view's and node's `<code>.value`, `.points`, `.rank` to lists.
#[pyfunction]
fn score_text<'py>(
    py: Python<'py>,
    framework: &PyFramework,
    name: &str,
    text: &str,
    options: &str,
) -> PyResult<(Bound<'py, PyDict>, String, Vec<String>)> {
    let fw = &framework.fw;
    let (read, opts) = (read_options(py, options)?, score_options(py, options)?);
    if let Some(wide) = dti_core::io::read_wide_numbers(name, text, fw, &read) {
        let copts = ColumnOptions::default()
            .lenient(opts.lenient)
            .pool_periods(opts.pool_periods)
            .node_ranks(true)
            .ties(opts.ties);
        let mut lines = Records::new(name, Vec::new());
        lines.lines = wide.lines.iter().map(|&l| Some(l)).collect();
        let s = dti_core::score_columns(fw, &wide.panel.input(), &copts)
            .map_err(|e| score_error(py, &e, Some(&lines)))?;
        let p = &wide.panel;
        let ids: Vec<(&str, Option<&str>, Option<i32>)> = s
            .rows
            .iter()
            .map(|&r| (p.units[r].as_str(), p.names[r].as_deref(), p.periods[r]))
            .collect();
        let problems: Vec<Json> = s
            .problems
            .iter()
            .map(|e| located_json(&lines.located(e)))
            .collect();
        let columns = columns(py, &s, &ids)?;
        let mut notes = wide.notes;
        notes.extend(dti_core::engine::absent_in_panel(fw, &wide.panel).messages());
        return Ok((columns, Json::Array(problems).to_string(), notes));
    }
    let records =
        dti_core::io::read_records(name, text, fw, &read).map_err(|p| file_error(py, &p))?;
    if !opts.lenient && !records.file_problems.is_empty() {
        return Err(file_error(py, &records.problems(fw, &opts)));
    }
    let scores = dti_core::score_cohort(fw, &records.units, &opts)
        .map_err(|e| score_error(py, &e, Some(&records)))?;
    let mut problems: Vec<Json> = records.file_problems.iter().map(located_json).collect();
    problems.extend(
        scores
            .problems
            .iter()
            .map(|e| located_json(&records.located(e))),
    );
    let columns = cohort_columns(py, fw, &scores)?;
    let mut notes = records.notes.clone();
    notes.extend(dti_core::engine::absent(fw, &records.units).messages());
    Ok((columns, Json::Array(problems).to_string(), notes))
}

/// Scores JSON unit records: `(columns, problems JSON, notes)` as `score_text` (the notes
/// name indicators that no unit reports and units that report nothing).
#[pyfunction]
fn score_records<'py>(
    py: Python<'py>,
    framework: &PyFramework,
    records: &str,
    options: &str,
) -> PyResult<(Bound<'py, PyDict>, String, Vec<String>)> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let opts = score_options(py, options)?;
    let scores = dti_core::score_cohort(&framework.fw, &units, &opts)
        .map_err(|e| score_error(py, &e, None))?;
    let problems: Vec<Json> = scores.problems.iter().map(input_json).collect();
    Ok((
        cohort_columns(py, &framework.fw, &scores)?,
        Json::Array(problems).to_string(),
        dti_core::engine::absent(&framework.fw, &units).messages(),
    ))
}

fn cohort_columns<'py>(
    py: Python<'py>,
    fw: &Framework,
    scores: &CohortScores,
) -> PyResult<Bound<'py, PyDict>> {
    let s = ColumnScores::from_cohort(fw, scores);
    let ids: Vec<(&str, Option<&str>, Option<i32>)> = scores
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.name.as_deref(), u.period))
        .collect();
    columns(py, &s, &ids)
}

/// Result columns as a dict of lists (NaN: no value, as `None`).
fn columns<'py>(
    py: Python<'py>,
    s: &ColumnScores,
    ids: &[(&str, Option<&str>, Option<i32>)],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let opt = |x: f64| (!x.is_nan()).then_some(x);
    d.set_item("unit", PyList::new(py, ids.iter().map(|i| i.0))?)?;
    d.set_item("name", PyList::new(py, ids.iter().map(|i| i.1))?)?;
    d.set_item("period", PyList::new(py, ids.iter().map(|i| i.2))?)?;
    let put = |prefix: &str, c: &ScoreColumn| -> PyResult<()> {
        d.set_item(
            format!("{prefix}value"),
            PyList::new(py, c.value.iter().map(|&x| opt(x)))?,
        )?;
        // A column without points (an index with no points scale) is all None.
        let points: Vec<Option<f64>> = if c.points.len() == c.value.len() {
            c.points.iter().map(|&x| opt(x)).collect()
        } else {
            vec![None; c.value.len()]
        };
        d.set_item(format!("{prefix}points"), PyList::new(py, points)?)?;
        if let Some(r) = &c.rank {
            d.set_item(format!("{prefix}rank"), PyList::new(py, r.iter().copied())?)?;
        }
        Ok(())
    };
    put("", &s.index)?;
    for c in s.views.iter().chain(&s.nodes) {
        put(&format!("{}.", c.code), c)?;
    }
    Ok(d)
}

/// One unit's result with its explanation, as JSON.
#[pyfunction]
#[pyo3(signature = (framework, records, unit, period, options))]
fn explain(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    unit: &str,
    period: Option<i32>,
    options: &str,
) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let opts = score_options(py, options)?.explain(true);
    let u = dti_core::explain_unit(&framework.fw, &units, unit, period, &opts)
        .map_err(|e| score_error(py, &e, None))?;
    Ok(serde_json::to_string(&u).unwrap_or_default())
}

/// Merged units scored (`map` JSON, or the 2025 province merger): `(columns, JSON of the
/// members of each merged unit and the units in no group)`.
#[pyfunction]
#[pyo3(signature = (framework, records, map, options))]
fn merge<'py>(
    py: Python<'py>,
    framework: &PyFramework,
    records: &str,
    map: Option<&str>,
    options: &str,
) -> PyResult<(Bound<'py, PyDict>, String)> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let map: MergeMap = match map {
        Some(m) => parse(py, "map", m)?,
        None => dti_core::merger_2025().clone(),
    };
    let opts: MergeOptions = parse(py, "options", options)?;
    let merged = dti_core::merge_cohort(&framework.fw, &units, &map, &opts)
        .map_err(|e| raise(py, e.code(), &e.to_string(), json!({})))?;
    let report =
        json!({ "members": to_json(&merged.members), "unmapped": to_json(&merged.unmapped) });
    Ok((
        cohort_columns(py, &framework.fw, &merged.scores)?,
        report.to_string(),
    ))
}

/// The bundled synthetic 63-province panel (the `dti` command's default data), as CSV text.
#[pyfunction]
fn bundled_csv() -> &'static str {
    include_str!("../../../crates/dti-cli/data/vn-provinces-synthetic.csv")
}

/// A published data set (`dti-2024`, `dti-63`) as JSON (`dti_core::model::PublishedData`),
/// or `None`.
#[pyfunction]
fn published_json(id: &str) -> Option<String> {
    dti_core::model::published_data(id).and_then(|d| serde_json::to_string(d).ok())
}

/// Compares one period's records (`before`, scored with `framework`) with a scored cohort
/// (`after`, `CohortScores` JSON), the 63 former provinces merged onto the 34 first when
/// `after` holds the 34: `(comparison JSON, merged)`.
#[pyfunction]
fn compare_across_merger(
    py: Python<'_>,
    framework: &PyFramework,
    before: &str,
    after: &str,
) -> PyResult<(String, bool)> {
    let units: Vec<UnitRecord> = parse(py, "a", before)?;
    let after: CohortScores = parse(py, "b", after)?;
    let (c, merged) = analyses::compare_across_merger(
        &framework.fw,
        &units,
        &after,
        &analyses::MergeOptions::default(),
    )
    .map_err(|e| raise(py, e.code(), &e.to_string(), json!({})))?;
    Ok((
        serde_json::to_string(&c).unwrap_or_default(),
        merged.is_some(),
    ))
}

/// A scenario applied: `(framework JSON, records JSON)`.
#[pyfunction]
fn apply_scenario(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    scenario: &str,
) -> PyResult<(String, String)> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let s: Scenario = parse(py, "scenario", scenario)?;
    let (fw, units) = s
        .apply(&framework.fw, &units)
        .map_err(|e| raise(py, e.code(), &e.to_string(), json!({})))?;
    Ok((
        serde_json::to_string(fw.def()).unwrap_or_default(),
        serde_json::to_string(&units).unwrap_or_default(),
    ))
}

/// Compares scored cohorts (`CohortScores` JSON each), as JSON.
#[pyfunction]
fn compare(py: Python<'_>, cohorts: Vec<String>) -> PyResult<String> {
    let list: Vec<CohortScores> = cohorts
        .iter()
        .map(|c| parse(py, "cohorts", c))
        .collect::<PyResult<_>>()?;
    let refs: Vec<&CohortScores> = list.iter().collect();
    let c = analyses::compare(&refs);
    Ok(serde_json::to_string(&c).unwrap_or_default())
}

/// Scores JSON records and returns the `CohortScores` JSON (for `compare`).
#[pyfunction]
fn score_json(
    py: Python<'_>,
    framework: &PyFramework,
    records: &str,
    options: &str,
) -> PyResult<String> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let opts = score_options(py, options)?;
    let s = dti_core::score_cohort(&framework.fw, &units, &opts)
        .map_err(|e| score_error(py, &e, None))?;
    Ok(serde_json::to_string(&s).unwrap_or_default())
}

/// Runs `f` with a progress callback that calls `progress(done, total)` (a Python callable)
/// between waves of runs and stops the analysis on Ctrl-C (the signal is raised after).
///
/// The GIL is released while the analysis runs (other Python threads — a GUI, a dask worker's
/// other tasks, a timer — go on) and taken back only between waves, for the signal check and
/// the callback.
fn with_progress<T: Send>(
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
fn uncertainty(
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
fn uncertainty_runs<'py>(
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
fn uncertainty_from_draws(
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
fn sensitivity(
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
fn leave_one_out(
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

/// The COINr pipeline on the two tables' text (`pipeline` JSON: denominate, impute, screen,
/// treat, normalise, aggregate): `(columns, run JSON without the scores)`.
#[pyfunction]
fn coin<'py>(
    py: Python<'py>,
    meta: &str,
    data: &str,
    pipeline: &str,
) -> PyResult<(Bound<'py, PyDict>, String)> {
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
        .map(|&r| (d.units[r].as_str(), d.names[r].as_deref(), d.periods[r]))
        .collect();
    let report = json!({
        "imputed": to_json(&run.imputed),
        "screened": to_json(&run.screened),
        "treated": to_json(&run.treated),
        "missing_denominators": run.missing_denominators.len(),
    });
    Ok((columns(py, &run.scores, &ids)?, report.to_string()))
}

/// A short method specification of the COINr pipeline (`minmax:0,100`, `geometric`, …), as
/// the command takes it, read by the core's parser: its JSON form. `kind` is the Python
/// parameter (`impute`, `treat`, `normalise`, `aggregate`), which a bad one names.
#[pyfunction]
fn method_spec(py: Python<'_>, kind: &str, text: &str) -> PyResult<String> {
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

#[pymodule]
fn _dti(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFramework>()?;
    m.add_function(wrap_pyfunction!(builtin_ids, m)?)?;
    m.add_function(wrap_pyfunction!(decode_file, m)?)?;
    m.add_function(wrap_pyfunction!(bundled_csv, m)?)?;
    m.add_function(wrap_pyfunction!(read_records, m)?)?;
    m.add_function(wrap_pyfunction!(score_text, m)?)?;
    m.add_function(wrap_pyfunction!(score_records, m)?)?;
    m.add_function(wrap_pyfunction!(score_json, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(apply_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(compare_across_merger, m)?)?;
    m.add_function(wrap_pyfunction!(published_json, m)?)?;
    m.add_function(wrap_pyfunction!(uncertainty, m)?)?;
    m.add_function(wrap_pyfunction!(uncertainty_runs, m)?)?;
    m.add_function(wrap_pyfunction!(uncertainty_from_draws, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(leave_one_out, m)?)?;
    m.add_function(wrap_pyfunction!(coin, m)?)?;
    m.add_function(wrap_pyfunction!(method_spec, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
