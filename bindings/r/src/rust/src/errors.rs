//! Errors as the R package signals them: the core's `code`, its message and details (the
//! problems with unit, indicator and row), handed to R as a list of class
//! `dti_native_error` that `R/errors.R` turns into a condition of class `dti_<code>` and
//! `dti_error`. Nothing here calls R's error machinery: no long jump crosses Rust frames.

use dti_core::analyses::AnalysisError;
use dti_core::io::{FileProblem, Records};
use dti_core::ScoreError;
use extendr_api::prelude::*;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::convert::{named_list, to_r};

/// An error for R: the core's code, the message, the details.
#[derive(Debug)]
pub struct Problem {
    pub code: String,
    pub message: String,
    pub details: Json,
}

impl Problem {
    pub fn new(code: &str, message: impl Into<String>, details: Json) -> Problem {
        Problem {
            code: code.to_owned(),
            message: message.into(),
            details,
        }
    }

    /// A bad parameter, named as R names it (`path`).
    pub fn bad_argument_at(path: &str, message: impl std::fmt::Display) -> Problem {
        Problem::new(
            "bad_argument",
            format!("{path}: {message}"),
            json!({ "path": path }),
        )
    }

    /// The list R receives.
    pub fn into_robj(self) -> Robj {
        let mut out = named_list([
            ("code", r!(self.code.as_str())),
            ("message", r!(self.message.as_str())),
            ("details", to_r(&self.details)),
        ]);
        let _ = out.set_class(["dti_native_error"]);
        out
    }
}

/// A result for R: the value, or the error as a `dti_native_error` list.
pub fn out(r: Result<Robj, Problem>) -> Robj {
    r.unwrap_or_else(Problem::into_robj)
}

pub fn bad_argument(path: &str, e: impl std::fmt::Display) -> Problem {
    Problem::bad_argument_at(path, e)
}

pub fn to_json<T: Serialize>(v: &T) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

/// Parses a parameter's JSON (made by `convert::to_json` from an R value).
pub fn from_r<T: serde::de::DeserializeOwned>(path: &str, v: Json) -> Result<T, Problem> {
    serde_json::from_value(v).map_err(|e| bad_argument(path, e))
}

pub fn coded(code: &str, e: impl std::fmt::Display) -> Problem {
    Problem::new(code, e.to_string(), json!({}))
}

pub fn framework_error(e: &dti_core::FrameworkError) -> Problem {
    let details = match e {
        dti_core::FrameworkError::Invalid { problems, .. } => {
            json!({ "problems": to_json(problems) })
        }
        _ => json!({}),
    };
    Problem::new(e.code(), e.to_string(), details)
}

pub fn analysis_error(e: &AnalysisError) -> Problem {
    coded(e.code(), e)
}

/// A problem's hint in R's words: the arguments of `dti_score()` and the rest.
fn hint(h: dti_core::io::Hint) -> &'static str {
    match h {
        dti_core::io::Hint::Groups => "pass groups = c(...) for grouping columns",
        dti_core::io::Hint::Delimiter => "choose the separator with delimiter =",
        _ => "",
    }
}

/// One problem of a file or data frame: its fields (`row` for R: the line of a file, the row
/// of a data frame), its code and its text.
pub fn located_json(p: &FileProblem) -> Json {
    let mut j = to_json(p);
    if let Json::Object(m) = &mut j {
        let line = m.remove("line").unwrap_or(Json::Null);
        m.insert("row".to_owned(), line);
    }
    j["code"] = Json::String(p.code().to_owned());
    j["text"] = Json::String(p.text_with(&hint));
    j
}

pub fn file_error(problems: &[FileProblem]) -> Problem {
    let message = dti_core::io::describe_with(problems, &hint);
    let list: Vec<Json> = problems.iter().map(located_json).collect();
    Problem::new("invalid_file", message, json!({ "problems": list }))
}

/// A scoring error; input problems located in their file or data frame.
pub fn score_error(e: &ScoreError, file: &Records) -> Problem {
    match e {
        ScoreError::Input { problems } => {
            let located: Vec<Json> = problems
                .iter()
                .map(|p| located_json(&file.located(p)))
                .collect();
            let message =
                dti_core::engine::describe_input(problems, &|p| file.located(p).to_string());
            Problem::new(e.code(), message, json!({ "problems": located }))
        }
        _ => coded(e.code(), e),
    }
}
