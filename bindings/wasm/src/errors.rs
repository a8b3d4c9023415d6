//! Core errors as real JS `Error` objects with stable fields: `code` (the core error's own
//! `code()`, never invented here), `message`, and where it applies `unit`, `indicator`,
//! `path`, `problems`. Only the glue's own refusals have codes of their own: `bad_argument`
//! and `too_large` (see `convert.rs`).

#[cfg(feature = "scoring")]
use dti_core::analyses::MergeError;
#[cfg(feature = "analysis")]
use dti_core::analyses::{AnalysisError, ScenarioError};
use dti_core::{FrameworkError, ScoreError};
use js_sys::{Error, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::convert::to_js;

/// A JS `Error` with `code` and extra fields.
pub fn error(code: &str, message: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let e = Error::new(message);
    e.set_name("DtiError");
    let obj: &JsValue = e.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(obj, &"code".into(), &code.into());
    for (k, v) in fields {
        if !v.is_undefined() {
            let _ = Reflect::set(obj, &(*k).into(), v);
        }
    }
    e.into()
}

fn text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::UNDEFINED, JsValue::from)
}

fn list<T: Serialize>(items: &[T]) -> JsValue {
    to_js(items).unwrap_or(JsValue::UNDEFINED)
}

/// A framework that does not load.
pub fn framework(e: &FrameworkError) -> JsValue {
    match e {
        FrameworkError::Invalid { problems, .. } => error(
            e.code(),
            &e.to_string(),
            &[
                ("problems", list(problems)),
                ("path", text(problems.first().and_then(|p| p.location()))),
            ],
        ),
        FrameworkError::UnknownBuiltin { id, .. } => {
            error(e.code(), &e.to_string(), &[("path", id.as_str().into())])
        }
        _ => error(e.code(), &e.to_string(), &[]),
    }
}

/// A cohort that does not score.
pub fn score(e: &ScoreError) -> JsValue {
    match e {
        ScoreError::Input { problems } => {
            let first = problems.first();
            error(
                e.code(),
                &e.to_string(),
                &[
                    ("problems", list(problems)),
                    ("unit", text(first.map(|p| p.unit.as_str()))),
                    (
                        "indicator",
                        text(first.and_then(|p| p.indicator.as_deref())),
                    ),
                    (
                        "row",
                        first.map_or(JsValue::UNDEFINED, |p| JsValue::from(p.row as u32)),
                    ),
                ],
            )
        }
        ScoreError::Normalise { indicator, .. } => error(
            e.code(),
            &e.to_string(),
            &[("indicator", indicator.as_str().into())],
        ),
        ScoreError::UnknownUnit { unit, .. } => {
            error(e.code(), &e.to_string(), &[("unit", unit.as_str().into())])
        }
        ScoreError::Aggregate { unit, node, .. } => error(
            e.code(),
            &e.to_string(),
            &[
                ("unit", unit.as_str().into()),
                ("indicator", node.as_str().into()),
            ],
        ),
        _ => error(e.code(), &e.to_string(), &[]),
    }
}

/// A merge that fails.
#[cfg(feature = "scoring")]
pub fn merge(e: &MergeError) -> JsValue {
    match e {
        MergeError::Score(s) => score(s),
        MergeError::Map { problems } => {
            error(e.code(), &e.to_string(), &[("problems", list(problems))])
        }
        MergeError::Input { problems } => {
            error(e.code(), &e.to_string(), &[("problems", list(problems))])
        }
        _ => error(e.code(), &e.to_string(), &[]),
    }
}

/// A scenario that does not apply.
#[cfg(feature = "analysis")]
pub fn scenario(e: &ScenarioError) -> JsValue {
    match e {
        ScenarioError::Framework(f) => framework(f),
        ScenarioError::UnknownUnit { unit, .. } => {
            error(e.code(), &e.to_string(), &[("unit", unit.as_str().into())])
        }
        ScenarioError::UnknownNode { node } => error(
            e.code(),
            &e.to_string(),
            &[("indicator", node.as_str().into())],
        ),
        ScenarioError::NotNumeric {
            unit, indicator, ..
        } => error(
            e.code(),
            &e.to_string(),
            &[
                ("unit", unit.as_str().into()),
                ("indicator", indicator.as_str().into()),
            ],
        ),
        _ => error(e.code(), &e.to_string(), &[]),
    }
}

/// An analysis that fails.
#[cfg(feature = "analysis")]
pub fn analysis(e: &AnalysisError) -> JsValue {
    match e {
        AnalysisError::Score(s) => score(s),
        AnalysisError::Framework(f) => framework(f),
        AnalysisError::Spec { input, .. } => {
            error(e.code(), &e.to_string(), &[("path", input.as_str().into())])
        }
        AnalysisError::Design { input, .. } => {
            error(e.code(), &e.to_string(), &[("path", input.as_str().into())])
        }
        _ => error(e.code(), &e.to_string(), &[]),
    }
}

/// An argument that is not of the expected shape.
pub fn argument(name: &str, e: &dyn std::fmt::Display) -> JsValue {
    error(
        "bad_argument",
        &format!("argument '{name}': {e}"),
        &[("path", name.into())],
    )
}
