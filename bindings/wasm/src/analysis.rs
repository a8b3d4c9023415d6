//! The analysis module (feature `analysis`, npm `dti-wasm/analysis`): reading data files
//! (the `dti` command's CSV reader), normalisation with a chosen method, scenarios,
//! comparisons and uncertainty analysis — what researchers, what-if tools and portals that
//! take files need beyond scoring (kept out of the scoring module's size budget).

use dti_core::{
    analyses::{Scenario, UncertaintySpec},
    CohortScores, FrameworkDef, Normaliser, UnitRecord,
};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, limit, to_js, MAX_RUNS, MAX_TEXT, MAX_UNITS};
use crate::errors;

/// Normalises one column (`Normaliser::normalise_column`): `values` are direction-adjusted,
/// `null` = missing.
#[wasm_bindgen]
pub fn normalise(
    normaliser: JsValue,
    values: JsValue,
    direction: Option<f64>,
    units: JsValue,
) -> Result<JsValue, JsValue> {
    let n: Normaliser = from_js("normaliser", normaliser)?;
    let x: Vec<Option<f64>> = from_js("values", values)?;
    limit("values", x.len(), MAX_UNITS)?;
    let ids: Vec<String> = crate::optional("units", units)?;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let x: Vec<f64> = x.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let out = n
        .normalise_column(&x, direction.unwrap_or(1.0), &ids)
        .map_err(|e| errors::error(e.code(), &e.to_string(), &[]))?;
    to_js(
        &out.into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect::<Vec<_>>(),
    )
}

/// Applies a scenario; returns `{ framework, units }` to score.
#[wasm_bindgen(js_name = applyScenario)]
pub fn apply_scenario(
    framework: JsValue,
    units: JsValue,
    scenario: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
    let s: Scenario = from_js("scenario", scenario)?;
    let (fw2, units2) = s.apply(&fw, &units).map_err(|e| errors::scenario(&e))?;
    #[derive(serde::Serialize)]
    struct Applied<'a> {
        framework: &'a FrameworkDef,
        units: &'a [UnitRecord],
    }
    to_js(&Applied {
        framework: fw2.def(),
        units: &units2,
    })
}

/// The official DTI results as published (`dti_core::model::published_data`): `"dti-2024"`
/// (34 provinces: main indicators, DTI, rank) or `"dti-63"` (the DTI of the 63 provinces,
/// 2022–2024), with their source.
#[wasm_bindgen(js_name = publishedData)]
pub fn published_data(id: &str) -> Result<JsValue, JsValue> {
    to_js(published(id)?)
}

/// A published data set by id, or `bad_argument` naming the ids there are.
fn published(id: &str) -> Result<&'static dti_core::model::PublishedData, JsValue> {
    dti_core::model::published_data(id).ok_or_else(|| {
        errors::error(
            "bad_argument",
            &format!("id: no published data '{id}'; available: dti-2024, dti-63"),
            &[("path", "id".into())],
        )
    })
}

/// A published data set as unit records, ready to score (`vn-pdti-2024` for `"dti-2024"`,
/// `"total"` for `"dti-63"`).
#[wasm_bindgen(js_name = publishedRecords)]
pub fn published_records(id: &str) -> Result<JsValue, JsValue> {
    to_js(&published(id)?.records())
}

/// Which periods `compareAcrossMerger` compares (Python's `from_period`, `to_period`).
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Periods {
    /// The period of `before` compared (default: every record of `before`).
    from: Option<i32>,
    /// The period of `after` compared (default: every unit of `after`).
    to: Option<i32>,
}

/// Compares one period's records (`before`, scored with `framework`) with a scored cohort
/// (`after`), merging the 63 former provinces onto the 34 first when `after` holds the 34
/// (`dti_core::analyses::compare_across_merger`): `{ comparison, merged }` (`merged`: the
/// merged scores, or `null` when nothing was merged). `options.from` and `options.to` pick
/// one period of each (as Python's `compare(from_period=, to_period=)`).
#[wasm_bindgen(js_name = compareAcrossMerger)]
pub fn compare_across_merger(
    framework: JsValue,
    before: JsValue,
    after: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let mut before = crate::units(before)?;
    let mut after: CohortScores = from_js("after", after)?;
    let periods: Periods = if options.is_undefined() || options.is_null() {
        Periods::default()
    } else {
        from_js("options", options)?
    };
    let none = |field: &str, side: &str, p: i32| {
        errors::error(
            "bad_argument",
            &format!("options.{field}: {side} has no records for {p}"),
            &[("path", format!("options.{field}").into())],
        )
    };
    if let Some(p) = periods.from {
        before.retain(|u| u.period == Some(p));
        if before.is_empty() {
            return Err(none("from", "before", p));
        }
    }
    if let Some(p) = periods.to {
        after.units.retain(|u| u.period == Some(p));
        if after.units.is_empty() {
            return Err(none("to", "after", p));
        }
    }
    let (comparison, merged) = dti_core::analyses::compare_across_merger(
        &fw,
        &before,
        &after,
        &dti_core::analyses::MergeOptions::default(),
    )
    .map_err(|e| errors::error(e.code(), &e.to_string(), &[]))?;
    #[derive(serde::Serialize)]
    struct Across {
        comparison: dti_core::analyses::Comparison,
        merged: Option<dti_core::analyses::MergedScores>,
    }
    to_js(&Across { comparison, merged })
}

/// Compares scored cohorts against the first (`dti_core::analyses::compare`).
#[wasm_bindgen]
pub fn compare(cohorts: JsValue) -> Result<JsValue, JsValue> {
    let c: Vec<CohortScores> = from_js("cohorts", cohorts)?;
    let refs: Vec<&CohortScores> = c.iter().collect();
    to_js(&dti_core::analyses::compare(&refs))
}

/// Which records an analysis runs on, and how deep leave-one-out goes: the options of
/// `uncertainty`, `sensitivity` and `leaveOneOut`, with the command's defaults.
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct AnalysisOptions {
    /// The period (default: the latest in the records: `dti_core::analyses::one_period`).
    period: Option<i32>,
    /// Leave-one-out's depth (default 2: the main indicators, as the command).
    depth: Option<usize>,
}

/// The framework, the records of one period and the options of an analysis.
fn analysis_inputs(
    framework: JsValue,
    units: JsValue,
    options: JsValue,
) -> Result<(dti_core::Framework, Vec<UnitRecord>, AnalysisOptions), JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
    let options: AnalysisOptions = if options.is_undefined() || options.is_null() {
        AnalysisOptions::default()
    } else {
        from_js("options", options)?
    };
    let (_, units) = dti_core::analyses::one_period(&units, options.period).map_err(|e| {
        let path = match &e {
            dti_core::analyses::AnalysisError::Invalid { field, .. } if field == "period" => {
                "options.period"
            }
            _ => "units",
        };
        errors::error(e.code(), &e.to_string(), &[("path", path.into())])
    })?;
    Ok((fw, units, options))
}

/// Runs an analysis with `progress(done, total)` between waves (it may return `false` to
/// cancel). An exception thrown by the callback stops the analysis and reaches the caller as
/// it was thrown (not as a cancellation).
fn with_progress<T>(
    progress: Option<js_sys::Function>,
    f: impl FnOnce(dti_core::analyses::Progress) -> Result<T, dti_core::analyses::AnalysisError>,
) -> Result<T, JsValue> {
    let thrown: std::cell::RefCell<Option<JsValue>> = std::cell::RefCell::new(None);
    let cb = |done: usize, total: usize| -> bool {
        progress.as_ref().is_none_or(|f| {
            match f.call2(
                &JsValue::NULL,
                &(done as f64).into(),
                &(total as f64).into(),
            ) {
                Ok(r) => r.as_bool() != Some(false),
                Err(e) => {
                    *thrown.borrow_mut() = Some(e);
                    false
                }
            }
        })
    };
    let r = f(&cb);
    if let Some(e) = thrown.into_inner() {
        return Err(e);
    }
    r.map_err(|e| errors::analysis(&e))
}

/// Uncertainty analysis (`dti_core::analyses::uncertainty`) on one period (`options.period`,
/// default the latest); `progress(done, total)` may return `false` to cancel.
#[wasm_bindgen]
pub fn uncertainty(
    framework: JsValue,
    units: JsValue,
    spec: JsValue,
    progress: Option<js_sys::Function>,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let spec: UncertaintySpec = from_js("spec", spec)?;
    limit("runs", spec.runs, MAX_RUNS)?;
    let (fw, units, _) = analysis_inputs(framework, units, options)?;
    let r = with_progress(progress, |p| {
        dti_core::analyses::uncertainty(&fw, &units, &spec, Some(p))
    })?;
    to_js(&r)
}

/// Variance-based sensitivity analysis (`dti_core::analyses::sensitivity`: first-order and
/// total Sobol indices with their bootstrap intervals) on one period (`options.period`,
/// default the latest); `progress(done, total)` may return `false` to cancel.
#[wasm_bindgen]
pub fn sensitivity(
    framework: JsValue,
    units: JsValue,
    spec: JsValue,
    progress: Option<js_sys::Function>,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let spec: dti_core::analyses::SensitivitySpec = from_js("spec", spec)?;
    limit("n", spec.n, MAX_RUNS)?;
    let (fw, units, _) = analysis_inputs(framework, units, options)?;
    let r = with_progress(progress, |p| {
        dti_core::analyses::sensitivity(&fw, &units, &spec, Some(p))
    })?;
    to_js(&r)
}

/// Leaves each node at `options.depth` (default 2: the main indicators) out in turn, on one
/// period (`options.period`, default the latest): `dti_core::analyses::leave_one_out`.
#[wasm_bindgen(js_name = leaveOneOut)]
pub fn leave_one_out(
    framework: JsValue,
    units: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let (fw, units, options) = analysis_inputs(framework, units, options)?;
    let depth = options.depth.unwrap_or(2);
    if depth == 0 {
        return Err(errors::error(
            "bad_argument",
            "options.depth: 0 is the index itself; the depths of nodes start at 1",
            &[("path", "options.depth".into())],
        ));
    }
    let r =
        dti_core::analyses::leave_one_out(&fw, &units, depth).map_err(|e| errors::analysis(&e))?;
    to_js(&r)
}

/// A built-in framework completed by a supplement (the points or weights its source does not
/// publish, as `dti --supplement` reads them): the definition, validated, to score with.
#[wasm_bindgen(js_name = supplementFramework)]
pub fn supplement_framework(id: &str, supplement: JsValue) -> Result<JsValue, JsValue> {
    let s: dti_core::model::Supplement = from_js("supplement", supplement)?;
    let fw = dti_core::Framework::builtin_with(id, &s).map_err(|e| errors::framework(&e))?;
    to_js(fw.def())
}

/// How `readRecords` reads a file: its name (in problems; a name ending `.json` reads JSON),
/// the CSV layout, group columns and separator, and the options the values are checked with.
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ReadArgs {
    name: Option<String>,
    layout: dti_core::io::Layout,
    groups: Vec<String>,
    delimiter: Option<String>,
    score: dti_core::ScoreOptions,
}

/// One problem of a file, with its code, the message the `dti` command prints, and its
/// details (`detail`: a value's problem, or the kind of a problem of the file's form, each
/// with its own `code` and fields), so that a page can word it in its own language.
#[derive(serde::Serialize)]
struct Located<'a> {
    code: &'static str,
    text: String,
    #[serde(flatten)]
    problem: &'a dti_core::io::FileProblem,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<Detail<'a>>,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum Detail<'a> {
    Value(&'a dti_core::InputErrorKind),
    Form(&'a dti_core::io::FormProblem),
}

/// A problem's hint in the npm package's words: its options.
fn hint(h: dti_core::io::Hint) -> &'static str {
    match h {
        dti_core::io::Hint::Groups => "list grouping columns in the groups option",
        dti_core::io::Hint::Delimiter => "choose the separator with the delimiter option",
        _ => "",
    }
}

fn located(problems: &[dti_core::io::FileProblem]) -> Vec<Located<'_>> {
    problems
        .iter()
        .map(|p| Located {
            code: p.code(),
            text: p.text_with(&hint),
            problem: p,
            detail: match (&p.input, &p.form) {
                (Some(k), _) => Some(Detail::Value(k)),
                (None, Some(f)) => Some(Detail::Form(f)),
                (None, None) => None,
            },
        })
        .collect()
}

/// The records of a file's text (`dti_core::io::read_records`: JSON, or CSV long or wide
/// with published-table headers), with the line of each record, notes, and every problem the
/// `dti` command would report (`Records::problems`: rows it could not take, then the values'
/// problems), each with its line. Throws `invalid_file` when the file cannot be read at all.
#[wasm_bindgen(js_name = readRecords)]
pub fn read_records(framework: JsValue, text: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    limit("bytes of text", text.len(), MAX_TEXT)?;
    let args: ReadArgs = crate::optional("options", options)?;
    let delimiter = args
        .delimiter
        .as_deref()
        .map(dti_core::io::parse_delimiter)
        .transpose()
        .map_err(|e| errors::argument("options.delimiter", &e))?;
    let name = args.name.as_deref().unwrap_or("data.csv");
    let opts = dti_core::io::ReadOptions::default()
        .layout(args.layout)
        .groups(args.groups)
        .delimiter(delimiter);
    let read = dti_core::io::read_records(name, text, &fw, &opts).map_err(|problems| {
        let message = dti_core::io::describe_with(&problems, &hint);
        let first = problems.first();
        errors::error(
            "invalid_file",
            &message,
            &[
                (
                    "problems",
                    to_js(&located(&problems)).unwrap_or(JsValue::UNDEFINED),
                ),
                (
                    "row",
                    first
                        .and_then(|p| p.line)
                        .map_or(JsValue::UNDEFINED, |l| JsValue::from(l as u32)),
                ),
            ],
        )
    })?;
    limit("units", read.units.len(), MAX_UNITS)?;
    let problems = read.problems(&fw, &args.score);
    // What the command says aloud about these units, said here too: a unit of a provincial
    // framework that is not a province, with the nearest names.
    let mut notes = read.notes.clone();
    notes.extend(dti_core::engine::not_provinces(
        &fw,
        read.units.iter().map(|u| u.unit.as_str()),
    ));
    #[derive(serde::Serialize)]
    struct Read<'a> {
        units: &'a [dti_core::UnitRecord],
        lines: &'a [Option<usize>],
        notes: &'a [String],
        problems: Vec<Located<'a>>,
    }
    to_js(&Read {
        units: &read.units,
        lines: &read.lines,
        notes: &notes,
        problems: located(&problems),
    })
}
