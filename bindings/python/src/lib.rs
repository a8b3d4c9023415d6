//! `dti._dti`: the Python package's native module — glue only, as the WASM bindings are:
//! every number comes from dti-core. Data arrives as a file's text (the `dti` command's one
//! reader, `dti_core::io::read_records`) or as JSON records; results leave as columns (for
//! polars DataFrames) or JSON (serde_json with `float_roundtrip`: numbers come back bit for
//! bit). Errors are raised as the Python package's `DtiError` classes (`dti._errors`), with
//! the core's `code`.

use dti_core::analyses::{self, MergeOptions, Scenario};
use dti_core::io::{FileProblem, Layout, ReadOptions, TableOptions};
use dti_core::{
    CohortScores, ColumnScores, Framework, FrameworkDef, MergeMap, ScoreOptions, UnitRecord,
};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use serde_json::{json, Value as Json};

mod analysis;
mod errors;
mod frame;

use errors::*;

/// A validated framework.
#[pyclass(name = "Framework", module = "dti._dti", frozen)]
pub(crate) struct PyFramework {
    fw: Framework,
}

#[pymethods]
impl PyFramework {
    /// A built-in framework by id (`builtin_ids()`), completed by a supplement (JSON: the
    /// points and weights its source does not publish, as `dti --supplement` reads them).
    #[staticmethod]
    #[pyo3(signature = (id, supplement=None))]
    fn builtin(py: Python<'_>, id: &str, supplement: Option<&str>) -> PyResult<Self> {
        if id == "total" && supplement.is_none() {
            return Ok(PyFramework {
                fw: dti_core::model::total_framework(),
            });
        }
        let fw = match supplement {
            Some(text) => {
                let s: dti_core::model::Supplement = parse(py, "supplement", text)?;
                Framework::builtin_with(id, &s)
            }
            None => Framework::builtin(id),
        };
        fw.map(|fw| PyFramework { fw })
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

/// Whether the call's JSON options ask for every node's columns (`nodes`, true unless said):
/// `false` keeps the index and the views only, the columns of the command's table and CSV.
fn wants_nodes(py: Python<'_>, options: &str) -> PyResult<bool> {
    #[derive(serde::Deserialize)]
    #[serde(default)]
    struct Args {
        nodes: bool,
    }
    impl Default for Args {
        fn default() -> Self {
            Args { nodes: true }
        }
    }
    let a: Args = parse(py, "options", options)?;
    Ok(a.nodes)
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
) -> PyResult<(PyTable, String, Vec<String>)> {
    let fw = &framework.fw;
    let (read, opts) = (read_options(py, options)?, score_options(py, options)?);
    let nodes = wants_nodes(py, options)?;
    if let Some(wide) = dti_core::io::read_wide_numbers(name, text, fw, &read) {
        return frame::score_wide(py, fw, name, wide, &opts, nodes);
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
    let columns = cohort_columns(py, fw, &scores, nodes)?;
    let mut notes = records.notes.clone();
    notes.extend(dti_core::engine::absent(fw, &records.units).messages());
    notes.extend(dti_core::engine::not_provinces(
        fw,
        records.units.iter().map(|u| u.unit.as_str()),
    ));
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
) -> PyResult<(PyTable, String, Vec<String>)> {
    let units: Vec<UnitRecord> = parse(py, "records", records)?;
    let opts = score_options(py, options)?;
    let nodes = wants_nodes(py, options)?;
    let scores = dti_core::score_cohort(&framework.fw, &units, &opts)
        .map_err(|e| score_error(py, &e, None))?;
    let problems: Vec<Json> = scores.problems.iter().map(input_json).collect();
    Ok((
        cohort_columns(py, &framework.fw, &scores, nodes)?,
        Json::Array(problems).to_string(),
        {
            let mut notes = dti_core::engine::absent(&framework.fw, &units).messages();
            let ids = units.iter().map(|u| u.unit.as_str());
            notes.extend(dti_core::engine::not_provinces(&framework.fw, ids));
            notes
        },
    ))
}

/// A cohort's scores as result columns; `nodes`: with every node's (else the index and
/// the views only).
fn cohort_columns<'py>(
    py: Python<'py>,
    fw: &Framework,
    scores: &CohortScores,
    nodes: bool,
) -> PyResult<PyTable> {
    let mut s = ColumnScores::from_cohort(fw, scores);
    if !nodes {
        s.nodes.clear();
    }
    let ids: Vec<(&str, Option<&str>, Option<i32>)> = scores
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.name.as_deref(), u.period))
        .collect();
    columns(py, s, &ids)
}

/// Result columns as one Arrow batch (see `frame::table`; NaN: no value, as null).
pub(crate) fn columns(
    _py: Python<'_>,
    s: ColumnScores,
    ids: &[(&str, Option<&str>, Option<i32>)],
) -> PyResult<PyTable> {
    frame::table(s, ids.len(), |k| ids[k])
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
) -> PyResult<(PyTable, String)> {
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
        cohort_columns(py, &framework.fw, &merged.scores, true)?,
        report.to_string(),
    ))
}

/// The bundled synthetic 63-province panel (the `dti` command's default data), as CSV text.
#[pyfunction]
fn bundled_csv() -> &'static str {
    dti_core::model::SYNTHETIC_PANEL
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

#[pymodule]
fn _dti(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFramework>()?;
    m.add_function(wrap_pyfunction!(builtin_ids, m)?)?;
    m.add_function(wrap_pyfunction!(decode_file, m)?)?;
    m.add_function(wrap_pyfunction!(bundled_csv, m)?)?;
    m.add_function(wrap_pyfunction!(read_records, m)?)?;
    m.add_function(wrap_pyfunction!(score_text, m)?)?;
    m.add_function(wrap_pyfunction!(frame::score_frame, m)?)?;
    m.add_function(wrap_pyfunction!(frame::score_frame_columns, m)?)?;
    m.add_function(wrap_pyfunction!(score_records, m)?)?;
    m.add_function(wrap_pyfunction!(score_json, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(apply_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(compare_across_merger, m)?)?;
    m.add_function(wrap_pyfunction!(published_json, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::uncertainty, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::uncertainty_runs, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::uncertainty_from_draws, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::leave_one_out, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::coin, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::one_period, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::method_spec, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
