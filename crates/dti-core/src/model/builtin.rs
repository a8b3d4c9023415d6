//! The official Vietnamese DTI frameworks, embedded (data in `data/frameworks/`), and the
//! two ways to complete or extend a framework: [`Supplement`] (unpublished points and weights)
//! and [`Extension`] (component indicators under existing nodes).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::definition::{FrameworkDef, NodeDef, Param, ViewDef, SCHEMA_VERSION};
use crate::model::framework::Framework;
use crate::model::problem::{FrameworkError, Problem};

/// Built-in framework ids and their definitions, without the layout of the files (every
/// byte here is in the npm package's module, which has a size budget).
const BUILTINS: [(&str, &[u8]); 4] = [
    (
        "vn-pdti-2020",
        minified_json!("../../data/frameworks/vn-pdti-2020.json"),
    ),
    (
        "vn-pdti-2022",
        minified_json!("../../data/frameworks/vn-pdti-2022.json"),
    ),
    (
        "vn-pdti-2024",
        minified_json!("../../data/frameworks/vn-pdti-2024.json"),
    ),
    (
        "vn-pdti-2025",
        minified_json!("../../data/frameworks/vn-pdti-2025.json"),
    ),
];

/// A JSON file's bytes without the whitespace between tokens, made at compile time: the
/// files stay laid out for people (3.1 KB of the three built-ins' 13 KB is layout).
macro_rules! minified_json {
    ($path:literal) => {{
        const RAW: &[u8] = include_bytes!($path);
        const MINIFIED: [u8; minified_len(RAW)] = minify(RAW);
        &MINIFIED
    }};
}
use minified_json;

/// Whether `c` is JSON whitespace (RFC 8259, `ws`).
const fn json_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// The length of `json` without its whitespace outside strings.
const fn minified_len(json: &[u8]) -> usize {
    strip_layout(json, &mut [])
}

/// `json` without its whitespace outside strings (`N`: [`minified_len`]).
const fn minify<const N: usize>(json: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    strip_layout(json, &mut out);
    out
}

/// Keeps the bytes of `json` that are not whitespace outside strings, writing those that fit
/// to `out`; returns how many were kept. Strings are kept byte for byte (UTF-8 continuation
/// bytes never look like a quote, a backslash or a space).
const fn strip_layout(json: &[u8], out: &mut [u8]) -> usize {
    let (mut i, mut n, mut in_string, mut escaped) = (0, 0, false, false);
    while i < json.len() {
        let c = json[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        }
        if in_string || c == b'"' || !json_space(c) {
            if n < out.len() {
                out[n] = c;
            }
            n += 1;
        }
        i += 1;
    }
    n
}

/// The ids of the built-in frameworks.
///
/// ```
/// assert_eq!(dti_core::builtin_ids().collect::<Vec<_>>(), ["vn-pdti-2020", "vn-pdti-2022", "vn-pdti-2024", "vn-pdti-2025"]);
/// ```
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|(id, _)| *id)
}

impl FrameworkDef {
    /// The definition of a built-in framework, unvalidated (a provisional framework's
    /// definition loads even before its unpublished parameters are supplied).
    ///
    /// ```
    /// let def = dti_core::FrameworkDef::builtin("vn-pdti-2025")?;
    /// assert_eq!(def.nodes.iter().filter(|n| !n.unpublished.is_empty()).count(), 8);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn builtin(id: &str) -> Result<FrameworkDef, FrameworkError> {
        let (_, text) = BUILTINS.iter().find(|(b, _)| *b == id).ok_or_else(|| {
            FrameworkError::UnknownBuiltin {
                id: id.to_owned(),
                available: builtin_ids().map(str::to_owned).collect(),
            }
        })?;
        let parse = |message: String| FrameworkError::Parse {
            format: "JSON",
            message: format!("built-in framework {id}: {message}"),
        };
        // As text, not bytes: `from_slice` would be a second copy of the whole deserializer
        // (another reader type), ~50 KB in the npm package's module.
        let text = std::str::from_utf8(text).map_err(|e| parse(e.to_string()))?;
        serde_json::from_str(text).map_err(|e| parse(e.to_string()))
    }

    /// Fills in parameters the source does not publish (or overrides published ones),
    /// removing them from `unpublished` and noting what was supplied. Every unknown code is
    /// reported.
    ///
    /// ```
    /// use dti_core::{model::Supplement, FrameworkDef};
    /// let mut def = FrameworkDef::builtin("vn-pdti-2025")?;
    /// let mut s = Supplement::default();
    /// s.max_points.insert("AWR".into(), 100.0);
    /// def.supplement(&s)?;
    /// assert_eq!(def.nodes.iter().find(|n| n.code == "AWR").unwrap().max_points, Some(100.0));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn supplement(&mut self, supplement: &Supplement) -> Result<(), FrameworkError> {
        let mut problems = Vec::new();
        let mut apply = |code: &str, param: Param, value: f64| match self
            .nodes
            .iter_mut()
            .find(|n| n.code == code)
        {
            Some(node) => {
                match param {
                    Param::MaxPoints => node.max_points = Some(value),
                    Param::Weight => node.weight = Some(value),
                }
                node.unpublished.retain(|p| *p != param);
                true
            }
            None => {
                problems.push(Problem::UnknownNode {
                    node: code.to_owned(),
                });
                false
            }
        };
        let mut supplied = Vec::new();
        for (code, &v) in &supplement.max_points {
            if apply(code, Param::MaxPoints, v) {
                supplied.push(format!("{code} max_points {v}"));
            }
        }
        for (code, &v) in &supplement.weights {
            if apply(code, Param::Weight, v) {
                supplied.push(format!("{code} weight {v}"));
            }
        }
        if !problems.is_empty() {
            return Err(FrameworkError::Invalid {
                id: self.id.clone(),
                problems,
            });
        }
        if !supplied.is_empty() {
            self.notes
                .push(format!("Supplied by the user: {}.", supplied.join(", ")));
        }
        Ok(())
    }

    /// Adds an extension's nodes and views. The result is validated when it becomes a
    /// [`Framework`]: components' max points must then sum to their parent's.
    ///
    /// ```
    /// use dti_core::{model::Extension, FrameworkDef};
    /// let mut def = FrameworkDef::builtin("vn-pdti-2022")?;
    /// let ext = Extension::from_json(r#"{"schema_version": 1, "extends": "vn-pdti-2022",
    ///   "nodes": [{"code": "AWR.1", "parent": "AWR", "name_vi": "Thành phần", "max_points": 100, "rule": {"type": "yes_no"}}]}"#)?;
    /// def.extend(&ext)?;
    /// assert!(dti_core::Framework::new(def)?.is_leaf("AWR") == Some(false));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn extend(&mut self, ext: &Extension) -> Result<(), FrameworkError> {
        let mut problems = Vec::new();
        if ext.schema_version != SCHEMA_VERSION {
            problems.push(Problem::UnsupportedSchema {
                found: ext.schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        if ext.extends != self.id {
            problems.push(Problem::ExtensionMismatch {
                extends: ext.extends.clone(),
                framework: self.id.clone(),
            });
        }
        if !problems.is_empty() {
            return Err(FrameworkError::Invalid {
                id: self.id.clone(),
                problems,
            });
        }
        if let Some(id) = &ext.id {
            self.id.clone_from(id);
        }
        if let Some(label) = &ext.label {
            self.notes.push(label.clone());
        }
        self.notes.extend(ext.notes.iter().cloned());
        self.nodes.extend(ext.nodes.iter().cloned());
        self.views.extend(ext.views.iter().cloned());
        Ok(())
    }
}

impl Framework {
    /// A built-in framework by id, validated. A provisional framework whose parameters are
    /// unpublished fails with a [`Problem::Unpublished`] for each one missing; supply them with
    /// [`Framework::builtin_with`].
    ///
    /// ```
    /// use dti_core::{Framework, FrameworkError, Problem};
    /// let fw = Framework::builtin("vn-pdti-2022")?;
    /// assert_eq!(fw.max_points(), Some(1000.0));
    ///
    /// let err = Framework::builtin("vn-pdti-2025").unwrap_err();
    /// let FrameworkError::Invalid { problems, .. } = err else { panic!() };
    /// assert_eq!(problems.len(), 8);
    /// assert!(problems.iter().all(|p| p.code() == "unpublished"));
    /// # Ok::<(), FrameworkError>(())
    /// ```
    pub fn builtin(id: &str) -> Result<Framework, FrameworkError> {
        Framework::new(FrameworkDef::builtin(id)?)
    }

    /// A built-in framework with unpublished parameters supplied.
    ///
    /// ```
    /// use dti_core::{model::Supplement, Framework};
    /// // Illustrative points only: the decision does not publish them.
    /// let s: Supplement = serde_json::from_str(r#"{"max_points": {
    ///   "AWR": 120, "INST": 120, "INFRA": 120, "HR": 120, "SEC": 120, "GOV": 160, "ECO": 120, "SOC": 120}}"#)?;
    /// let fw = Framework::builtin_with("vn-pdti-2025", &s)?;
    /// assert_eq!(fw.max_points(), Some(1000.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builtin_with(id: &str, supplement: &Supplement) -> Result<Framework, FrameworkError> {
        let mut def = FrameworkDef::builtin(id)?;
        def.supplement(supplement)?;
        Framework::new(def)
    }

    /// This framework with an extension's nodes and views added, validated.
    ///
    /// ```
    /// use dti_core::{model::Extension, Framework};
    /// let ext = Extension::from_json(r#"{"schema_version": 1, "extends": "vn-pdti-2022",
    ///   "nodes": [{"code": "AWR.1", "parent": "AWR", "name_vi": "Thành phần", "max_points": 60, "rule": {"type": "yes_no"}}]}"#)?;
    /// // 60 ≠ AWR's 100 points: the components must add up to their main indicator.
    /// assert!(Framework::builtin("vn-pdti-2022")?.extend(&ext).is_err());
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn extend(self, ext: &Extension) -> Result<Framework, FrameworkError> {
        let mut def = self.into_def();
        def.extend(ext)?;
        Framework::new(def)
    }
}

/// Values for parameters a framework's source does not publish, by node code.
///
/// ```
/// let s: dti_core::model::Supplement = serde_json::from_str(r#"{"weights": {"CQS.AWR": 2}}"#)?;
/// assert_eq!(s.weights["CQS.AWR"], 2.0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supplement {
    /// Max points by node code.
    #[serde(default)]
    pub max_points: BTreeMap<String, f64>,
    /// Weights by node code.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

/// Component indicators (and views) added under an existing framework's nodes.
///
/// ```
/// let ext = dti_core::model::Extension::from_json(r#"{"schema_version": 1, "extends": "vn-pdti-2022", "nodes": []}"#)?;
/// assert_eq!(ext.extends, "vn-pdti-2022");
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// Must equal [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The id of the framework it extends.
    pub extends: String,
    /// A new id for the extended framework (default: keep the base id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A label added to the framework's notes (e.g. "EXAMPLE — not official").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Notes added to the framework's notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The nodes to add, each with a `parent` in the base framework or the extension.
    pub nodes: Vec<NodeDef>,
    /// Views to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewDef>,
}

impl Extension {
    /// Parses an extension from JSON.
    ///
    /// ```
    /// assert!(dti_core::model::Extension::from_json("{}").is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Extension, FrameworkError> {
        serde_json::from_str(text).map_err(|e| FrameworkError::Parse {
            format: "JSON",
            message: e.to_string(),
        })
    }

    /// Parses an extension from TOML (feature `toml`).
    ///
    /// ```
    /// let ext = dti_core::model::Extension::from_toml("schema_version = 1\nextends = \"vn-pdti-2022\"\nnodes = []\n")?;
    /// assert!(ext.nodes.is_empty());
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Extension, FrameworkError> {
        toml::from_str(text).map_err(|e| FrameworkError::Parse {
            format: "TOML",
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minifying_drops_layout_and_keeps_strings() {
        const TEXT: &[u8] = r#"{ "a b" : "x \" y\\",
	"Hà Nội" : [ 1 , 2.5e3 ], "\\" : " " }"#
            .as_bytes();
        const OUT: [u8; minified_len(TEXT)] = minify(TEXT);
        assert_eq!(
            std::str::from_utf8(&OUT).unwrap(),
            r#"{"a b":"x \" y\\","Hà Nội":[1,2.5e3],"\\":" "}"#
        );
    }

    #[test]
    fn the_built_ins_are_their_files_without_layout() {
        let files = [
            include_str!("../../data/frameworks/vn-pdti-2020.json"),
            include_str!("../../data/frameworks/vn-pdti-2022.json"),
            include_str!("../../data/frameworks/vn-pdti-2024.json"),
            include_str!("../../data/frameworks/vn-pdti-2025.json"),
        ];
        for ((id, embedded), file) in BUILTINS.iter().zip(files) {
            let a: serde_json::Value = serde_json::from_slice(embedded).unwrap();
            let b: serde_json::Value = serde_json::from_str(file).unwrap();
            assert_eq!(a, b, "{id}");
            assert!(embedded.len() < file.len(), "{id}");
            assert!(!embedded.contains(&b'\n'), "{id}");
        }
    }
}
