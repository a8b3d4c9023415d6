//! The analyses: uncertainty, sensitivity, leave-one-out and the COINr pipeline, each on one
//! period (`analyses::one_period`, the rule of every surface), with progress reported to an
//! R function between waves of runs and Ctrl-C honoured there.

use std::ffi::c_void;
use std::os::raw::c_int;

use dti_core::analyses::{self, AnalysisError, SensitivitySpec, UncertaintySpec};
use dti_core::io::TableOptions;
use dti_core::{Framework, UnitRecord};
use extendr_api::prelude::*;
use serde_json::{json, Value as Json};

use crate::convert::{frame, named_list, numbers, to_json as json_of, to_r};
use crate::errors::*;
use crate::{data_of, framework, year};

extern "C" {
    // R's API (Writing R Extensions, §6.12 "Allowing interrupts"): R_CheckUserInterrupt
    // long-jumps on a pending Ctrl-C, so it runs under R_ToplevelExec, which stops the jump
    // there and answers FALSE: no jump crosses Rust frames.
    fn R_ToplevelExec(fun: Option<unsafe extern "C" fn(*mut c_void)>, data: *mut c_void) -> c_int;
    fn R_CheckUserInterrupt();
}

unsafe extern "C" fn check_interrupt(_: *mut c_void) {
    R_CheckUserInterrupt();
}

/// Whether the user pressed Ctrl-C (R's pending interrupt, taken).
fn interrupted() -> bool {
    // SAFETY: called on R's main thread (the analyses call progress from the calling
    // thread, between waves); R_ToplevelExec catches the jump R_CheckUserInterrupt makes.
    unsafe { R_ToplevelExec(Some(check_interrupt), std::ptr::null_mut()) == 0 }
}

/// Runs `f` with a progress callback that checks for Ctrl-C and calls `progress(done,
/// total)` (an R function, or NULL) between waves of runs; `FALSE` from it cancels.
fn with_progress<T>(
    progress: &Robj,
    f: impl FnOnce(Option<analyses::Progress>) -> Result<T, AnalysisError>,
) -> Result<T, Problem> {
    let stop = std::cell::RefCell::new(None::<Problem>);
    let function = progress.as_function();
    let callback = |done: usize, total: usize| -> bool {
        if interrupted() {
            *stop.borrow_mut() = Some(coded("interrupted", "interrupted by the user (Ctrl-C)"));
            return false;
        }
        if let Some(p) = &function {
            match p.call(pairlist!(done as f64, total as f64)) {
                Ok(r) => return r.as_bool() != Some(false),
                Err(e) => {
                    *stop.borrow_mut() = Some(Problem::bad_argument_at(
                        "progress",
                        format!("the progress function failed: {e}"),
                    ));
                    return false;
                }
            }
        }
        true
    };
    let result = f(Some(&callback));
    if let Some(p) = stop.into_inner() {
        return Err(p);
    }
    result.map_err(|e| analysis_error(&e))
}

/// The records of one period of `data` (the latest, or `year`).
fn one_period(fw: &Framework, data: &List, period: &Robj) -> Result<Vec<UnitRecord>, Problem> {
    let units = data_of(data, fw)?;
    let period = year(period, "year")?;
    let (_, kept) = analyses::one_period(&units, period).map_err(|e| {
        // The core names its fields; R users know them as `year =` and `data`.
        let text = e.to_string();
        match (text.strip_prefix("period: "), text.strip_prefix("units: ")) {
            (Some(rest), _) => Problem::bad_argument_at("year", rest),
            (_, Some(rest)) => Problem::bad_argument_at("data", rest),
            _ => analysis_error(&e),
        }
    })?;
    Ok(kept)
}

/// An uncertainty analysis (`spec`, an R list as the command's JSON) on one period:
/// `list(runs, units, warnings, draws)`, `units` a data frame per unit (nominal, median,
/// 5th and 95th percentile ranks and values).
#[extendr]
fn uncertainty(def: &str, data: List, period: Robj, spec: Robj, progress: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let units = one_period(&fw, &data, &period)?;
        let spec: UncertaintySpec = from_r("spec", json_of(&spec, "spec")?)?;
        let r = with_progress(&progress, |p| analyses::uncertainty(&fw, &units, &spec, p))?;
        Ok(to_r(&to_json(&r)))
    })())
}

/// A variance-based (Sobol) sensitivity analysis on one period: a data frame per input —
/// `input`, `first_order`, `first_order_low`, `first_order_high`, `total`, `total_low`,
/// `total_high` (the 95 % bootstrap intervals; NA without `bootstrap`).
#[extendr]
fn sensitivity(def: &str, data: List, period: Robj, spec: Robj, progress: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let units = one_period(&fw, &data, &period)?;
        let spec: SensitivitySpec = from_r("spec", json_of(&spec, "spec")?)?;
        let r = with_progress(&progress, |p| analyses::sensitivity(&fw, &units, &spec, p))?;
        let j = to_json(&r);
        let indices = j["indices"].as_array().cloned().unwrap_or_default();
        let field = |k: &str, at: Option<usize>| -> Robj {
            indices
                .iter()
                .map(|i| match at {
                    None => i[k].as_f64(),
                    Some(e) => i[format!("{k}_ci")].get(e).and_then(Json::as_f64),
                })
                .collect::<Vec<_>>()
                .into()
        };
        let inputs: Vec<Option<&str>> = indices.iter().map(|i| i["input"].as_str()).collect();
        Ok(frame(
            vec![
                ("input", inputs.into()),
                ("first_order", field("first_order", None)),
                ("first_order_low", field("first_order", Some(0))),
                ("first_order_high", field("first_order", Some(1))),
                ("total", field("total", None)),
                ("total_low", field("total", Some(0))),
                ("total_high", field("total", Some(1))),
            ],
            indices.len(),
        ))
    })())
}

/// Leaves each node of a level (`depth`) out in turn, on one period: per node left out,
/// `left_out`, `mean_abs_rank_shift`, `max_abs_rank_shift`.
#[extendr]
fn leave_one_out(def: &str, data: List, period: Robj, depth: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let units = one_period(&fw, &data, &period)?;
        let depth = match json_of(&depth, "depth")? {
            Json::Number(n)
                if n.as_f64()
                    .is_some_and(|d| d >= 1.0 && d.fract() == 0.0 && d < 1e6) =>
            {
                n.as_f64().unwrap_or(1.0) as usize
            }
            other => {
                return Err(Problem::bad_argument_at(
                    "depth",
                    format!("expected a whole number of at least 1, got {other}"),
                ))
            }
        };
        let r = analyses::leave_one_out(&fw, &units, depth).map_err(|e| analysis_error(&e))?;
        let n = r.components.len();
        let codes: Vec<&str> = r.components.iter().map(|c| c.code.as_str()).collect();
        let means: Vec<Option<f64>> = r
            .components
            .iter()
            .map(|c| Some(c.mean_abs_rank_shift).filter(|x| !x.is_nan()))
            .collect();
        let maxes: Vec<Option<f64>> = r
            .components
            .iter()
            .map(|c| {
                c.shifts
                    .iter()
                    .flatten()
                    .map(|x| x.unsigned_abs() as f64)
                    .reduce(f64::max)
            })
            .collect();
        Ok(frame(
            vec![
                ("left_out", codes.into()),
                ("mean_abs_rank_shift", means.into()),
                ("max_abs_rank_shift", maxes.into()),
            ],
            n,
        ))
    })())
}

/// A short method specification of the COINr pipeline (`minmax:0,100`, `geometric`, …) as
/// the command takes it, read by the core's parser, as an R list. `kind` is the argument of
/// `dti_coin()` (`impute`, `treat`, `normalise`, `aggregate`), which a bad one names.
#[extendr]
fn method_spec(kind: &str, text: &str) -> Robj {
    use dti_core::analyses::specs;
    let parsed = match kind {
        "impute" => specs::imputation(text).map(|m| to_json(&m)),
        "treat" => specs::treatment(text).map(|m| to_json(&m)),
        "normalise" => specs::normaliser(text).map(|m| to_json(&m)),
        "aggregate" => specs::aggregator(text).map(|m| to_json(&m)),
        other => Err(format!("no method kind '{other}'")),
    };
    out(parsed
        .map(|j| to_r(&j))
        .map_err(|e| Problem::bad_argument_at(kind, format!("\"{text}\": {e}"))))
}

/// The COINr pipeline on its two tables' text (`pipeline`: denominate, impute, screen,
/// treat, normalise, aggregate, an R list): `list(results, data, report)` — the results a
/// data frame (as `score`'s), the data sets by stage (`Raw` … `Normalised`) data frames
/// with COINr's columns (`uCode`, `uName`, `Time`, groups, indicators), the report what
/// `dti coin --format json` gives beside the scores.
#[extendr]
fn coin(meta: List, data: List, pipeline: Robj) -> Robj {
    out((|| {
        let tables = read_tables(&meta, &data)?;
        let p: dti_core::io::Pipeline = from_r("pipeline", json_of(&pipeline, "pipeline")?)?;
        let run = dti_core::io::run_pipeline(&tables, &p).map_err(|e| coded(e.code(), &e))?;
        // The rows scored are the last data set's (screening drops rows of the raw table).
        let d = run.units();
        let ids: Vec<(&str, Option<&str>, Option<i32>)> = run
            .scores
            .rows
            .iter()
            .map(|&r| (&d.units[r], d.name(r), d.periods[r]))
            .collect();
        let cols = crate::score_columns(&run.scores, &ids);
        let named: Vec<(&str, Robj)> = cols.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let results = frame(named, ids.len());
        let parents: Vec<(String, Option<String>)> = run
            .framework
            .def()
            .nodes
            .iter()
            .map(|n| (n.code.clone(), n.parent.clone()))
            .collect();
        // The report's fields as every surface names them (the command's JSON the same),
        // with what the R glue reads to name COINr's levels.
        let mut report = to_json(&run.report());
        if let Json::Object(o) = &mut report {
            o.insert("parents".to_owned(), to_json(&parents));
            o.insert("index".to_owned(), json!(run.framework.id()));
        }
        let (normalised, aggregated) = (run.normalised(), run.aggregated());
        let stages: Vec<(&str, Robj)> = run
            .data
            .iter()
            .chain([&normalised, &aggregated])
            .map(|set| (set.name.as_str(), panel_frame(&set.panel)))
            .collect();
        Ok(named_list([
            ("results", results),
            ("data", named_list(stages)),
            ("report", to_r(&report)),
        ]))
    })())
}

/// COINr's two tables (`list(name, text, frame)` each, as `R/data.R` makes them) read by the
/// core; a problem names the table as the R call does (`iData`, `iMeta`, or the file) and,
/// for a data frame, its row (the header is no row).
pub(crate) fn read_tables(meta: &List, data: &List) -> Result<dti_core::io::Tables, Problem> {
    let field = |src: &List, k: &str| src.iter().find(|(n, _)| *n == k).map(|(_, v)| v);
    let text = |src: &List| field(src, "text").and_then(|v| v.as_str().map(str::to_owned));
    let (meta_text, data_text) = (
        text(meta).unwrap_or_default(),
        text(data).unwrap_or_default(),
    );
    dti_core::io::read_tables(&meta_text, &data_text, &TableOptions::default()).map_err(|e| {
        let dti_core::io::TableError::Invalid { problems } = &e else {
            return coded(e.code(), &e);
        };
        let mut lines = Vec::new();
        let mut list = Vec::new();
        for p in problems {
            let src = if p.table == "meta" { meta } else { data };
            let name = field(src, "name").and_then(|v| v.as_str().map(str::to_owned));
            let frame = field(src, "frame")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            let name = name.unwrap_or_else(|| p.table.clone());
            let (row, place) = match (p.line, frame) {
                (Some(1), true) => (None, format!("{name}, columns")),
                (Some(l), true) => (Some(l - 1), format!("{name}, row {}", l - 1)),
                (Some(l), false) => (Some(l), format!("{name}, line {l}")),
                (None, _) => (None, name.clone()),
            };
            let column = p
                .column
                .as_ref()
                .map(|c| format!(", column {c}"))
                .unwrap_or_default();
            lines.push(format!("\n  - {place}{column}: {}", p.message));
            list.push(
                json!({ "table": name, "row": row, "column": p.column, "message": p.message }),
            );
        }
        let message = format!(
            "{} problem(s) in the tables:{}",
            problems.len(),
            lines.concat()
        );
        Problem::new(e.code(), message, json!({ "problems": list }))
    })
}

/// A data set of the pipeline as COINr shows it: `uCode`, `uName`, `Time`, the group
/// columns, one column per indicator (NA: no value).
fn panel_frame(p: &dti_core::io::Panel) -> Robj {
    let n = p.len();
    let mut cols: Vec<(String, Robj)> = vec![
        ("uCode".into(), p.units.iter().collect::<Vec<_>>().into()),
        (
            "uName".into(),
            (0..p.len()).map(|u| p.name(u)).collect::<Vec<_>>().into(),
        ),
        ("Time".into(), p.periods.clone().into()),
    ];
    let mut groups: Vec<&str> = Vec::new();
    for g in &p.groups {
        for k in g.keys() {
            if !groups.contains(&k.as_str()) {
                groups.push(k);
            }
        }
    }
    for g in groups {
        let v: Vec<Option<&str>> = p
            .groups
            .iter()
            .map(|m| m.get(g).map(String::as_str))
            .collect();
        cols.push((g.to_owned(), v.into()));
    }
    for (code, c) in p.codes.iter().zip(&p.columns) {
        cols.push((code.clone(), numbers(c)));
    }
    let named: Vec<(&str, Robj)> = cols.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    frame(named, n)
}

extendr_module! {
    mod analysis;
    fn uncertainty;
    fn sensitivity;
    fn leave_one_out;
    fn method_spec;
    fn coin;
}
