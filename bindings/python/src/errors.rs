//! Errors raised as the Python package's `DtiError` classes, with the core's `code` and the
//! details (problems, unit, indicator, row).

use dti_core::analyses::AnalysisError;
use dti_core::io::{FileProblem, Records};
use dti_core::ScoreError;
use pyo3::prelude::*;
use serde::Serialize;
use serde_json::{json, Value as Json};

/// Raises `dti._errors.from_native(code, message, details)`: the package's exception class
/// for the code, carrying the details (problems, unit, indicator, row).
pub(crate) fn raise(py: Python<'_>, code: &str, message: &str, details: Json) -> PyErr {
    let made = py
        .import("dti._errors")
        .and_then(|m| m.call_method1("from_native", (code, message, details.to_string())));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

pub(crate) fn framework_error(py: Python<'_>, e: &dti_core::FrameworkError) -> PyErr {
    let details = match e {
        dti_core::FrameworkError::Invalid { problems, .. } => {
            json!({ "problems": to_json(problems) })
        }
        _ => json!({}),
    };
    raise(py, e.code(), &e.to_string(), details)
}

/// A scoring error; input problems located in their file when one was read.
pub(crate) fn score_error(py: Python<'_>, e: &ScoreError, file: Option<&Records>) -> PyErr {
    match e {
        ScoreError::Input { problems } => {
            let located: Vec<Json> = problems
                .iter()
                .map(|p| match file {
                    Some(f) => located_json(&f.located(p)),
                    None => input_json(p),
                })
                .collect();
            let message = dti_core::engine::describe_input(problems, &|p| match file {
                Some(f) => f.located(p).to_string(),
                None => p.to_string(),
            });
            raise(py, e.code(), &message, json!({ "problems": located }))
        }
        _ => raise(py, e.code(), &e.to_string(), json!({})),
    }
}

/// One input problem of records as a dict: its fields, `message` and the core's words (`text`,
/// rows counted from 1).
pub(crate) fn input_json(p: &dti_core::InputError) -> Json {
    let mut j = to_json(p);
    j["message"] = Json::String(p.kind.to_string());
    j["text"] = Json::String(p.to_string());
    j
}

pub(crate) fn analysis_error(py: Python<'_>, e: &AnalysisError) -> PyErr {
    raise(py, e.code(), &e.to_string(), json!({}))
}

pub(crate) fn bad_argument(py: Python<'_>, what: &str, e: impl std::fmt::Display) -> PyErr {
    raise(
        py,
        "bad_argument",
        &format!("{what}: {e}"),
        json!({ "path": what }),
    )
}

/// A problem's hint in Python's words: the parameters of `dti.score` and the rest.
fn hint(h: dti_core::io::Hint) -> &'static str {
    match h {
        dti_core::io::Hint::Groups => "pass groups=[...] for grouping columns",
        dti_core::io::Hint::Delimiter => "choose the separator with delimiter=",
        _ => "",
    }
}

/// One problem of a file as a dict: its code, the command's words (`text`) and each field.
pub(crate) fn located_json(p: &FileProblem) -> Json {
    let mut j = to_json(p);
    j["code"] = Json::String(p.code().to_owned());
    j["text"] = Json::String(p.text_with(&hint));
    j
}

pub(crate) fn file_error(py: Python<'_>, problems: &[FileProblem]) -> PyErr {
    let message = dti_core::io::describe_with(problems, &hint);
    let list: Vec<Json> = problems.iter().map(located_json).collect();
    raise(py, "invalid_file", &message, json!({ "problems": list }))
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    what: &str,
    text: &str,
) -> PyResult<T> {
    serde_json::from_str(text).map_err(|e| bad_argument(py, what, e))
}
