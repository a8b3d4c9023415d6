//! [`Framework`]: a definition ([`FrameworkDef`], see `definition.rs`) that passed validation
//! and was compiled into flat arrays for scoring; only a `Framework` can be scored.

use serde::{Deserialize, Serialize};

use crate::model::choices::Ties;
use crate::model::definition::{FrameworkDef, NodeDef, Rule};
use crate::model::plan::Plan;
use crate::model::validate::{validate, FrameworkError};

/// A validated framework, compiled for scoring.
///
/// Serialises as its [`FrameworkDef`]; deserialising validates.
///
/// ```
/// let fw = dti_core::Framework::from_json(r#"{
///   "schema_version": 1, "id": "toy", "name_vi": "Thử", "scale": 100,
///   "nodes": [
///     {"code": "A", "name_vi": "A", "max_points": 60},
///     {"code": "B", "name_vi": "B", "max_points": 40}
///   ]
/// }"#)?;
/// assert_eq!(fw.id(), "toy");
/// assert_eq!(fw.leaves().count(), 2);
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
///
/// A framework is immutable once validated: clones share its definition and plan (a clone
/// is two reference counts, not a copy of every node).
#[derive(Debug, Clone)]
pub struct Framework {
    pub(crate) def: std::sync::Arc<FrameworkDef>,
    pub(crate) plan: std::sync::Arc<Plan>,
}

impl PartialEq for Framework {
    fn eq(&self, other: &Self) -> bool {
        self.def == other.def
    }
}

impl Framework {
    /// Validates a definition and compiles it. Every problem found is reported, each with
    /// the code of the node or view it concerns.
    ///
    /// ```
    /// use dti_core::{Framework, FrameworkDef, FrameworkError};
    /// let def = FrameworkDef::new("empty", "Rỗng", "Empty");
    /// assert!(matches!(Framework::new(def), Err(FrameworkError::Invalid { .. })));
    /// ```
    pub fn new(def: FrameworkDef) -> Result<Self, FrameworkError> {
        let plan = validate(&def)?;
        Ok(Framework {
            def: def.into(),
            plan: plan.into(),
        })
    }

    /// Parses and validates a JSON framework definition.
    ///
    /// ```
    /// let err = dti_core::Framework::from_json("{").unwrap_err();
    /// assert!(err.to_string().contains("JSON"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FrameworkError> {
        let def: FrameworkDef = serde_json::from_str(text).map_err(|e| FrameworkError::Parse {
            format: "JSON",
            message: e.to_string(),
        })?;
        Framework::new(def)
    }

    /// Parses and validates a TOML framework definition (feature `toml`).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_toml(r#"
    /// schema_version = 1
    /// id = "toy"
    /// name_vi = "Thử"
    /// [[nodes]]
    /// code = "A"
    /// name_vi = "A"
    /// max_points = 10
    /// "#)?;
    /// assert_eq!(fw.max_points(), Some(10.0));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Self, FrameworkError> {
        let def: FrameworkDef = toml::from_str(text).map_err(|e| FrameworkError::Parse {
            format: "TOML",
            message: e.to_string(),
        })?;
        Framework::new(def)
    }

    /// The definition as JSON (pretty-printed).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// let again = dti_core::Framework::from_json(&fw.to_json())?;
    /// assert_eq!(fw, again);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn to_json(&self) -> String {
        // A FrameworkDef holds only strings, numbers and enums: serialising cannot fail.
        serde_json::to_string_pretty(&*self.def).unwrap_or_default()
    }

    /// The definition as TOML (feature `toml`).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// assert_eq!(dti_core::Framework::from_toml(&fw.to_toml())?, fw);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn to_toml(&self) -> String {
        toml::to_string(&*self.def).unwrap_or_default()
    }

    /// The tie rule in force when `asked` is asked for: `asked`, or for [`Ties::Auto`] the
    /// rule this framework declares (else a relative tolerance of 1e-12).
    ///
    /// ```
    /// use dti_core::methods::Ties;
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
    /// assert_eq!(fw.ties(Ties::Auto), Ties::Rounded(4));
    /// assert_eq!(fw.ties(Ties::Exact), Ties::Exact);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ties(&self, asked: Ties) -> Ties {
        asked.resolve(self.def.ties)
    }

    /// This framework with another declared tie rule (`None`: a relative tolerance of
    /// 1e-12), e.g. to rank the official DTI exactly where it ranks published values.
    ///
    /// ```
    /// use dti_core::methods::Ties;
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?.with_ties(Some(Ties::Exact));
    /// assert_eq!(fw.ties(Ties::Auto), Ties::Exact);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_ties(mut self, ties: Option<Ties>) -> Framework {
        std::sync::Arc::make_mut(&mut self.def).ties = ties;
        self
    }

    /// The definition this framework was built from.
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// assert_eq!(fw.def().nodes.len(), 1);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn def(&self) -> &FrameworkDef {
        &self.def
    }

    /// Consumes the framework, returning its definition (e.g. to edit and re-validate).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// let mut def = fw.into_def();
    /// def.id = "t2".into();
    /// assert_eq!(dti_core::Framework::new(def)?.id(), "t2");
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn into_def(self) -> FrameworkDef {
        std::sync::Arc::unwrap_or_clone(self.def)
    }

    /// The framework id.
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// assert_eq!(fw.id(), "t");
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// Total points of the index: the declared `scale`, else the sum of the top-level
    /// nodes' max points under a `points_sum` root; `None` for an index without points.
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 7}]}"#)?;
    /// assert_eq!(fw.max_points(), Some(7.0));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn max_points(&self) -> Option<f64> {
        self.plan.max[self.plan.root]
    }

    /// The node with this code.
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "Á", "max_points": 1}]}"#)?;
    /// assert_eq!(fw.node("A").map(|n| n.name_vi.as_str()), Some("Á"));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn node(&self, code: &str) -> Option<&NodeDef> {
        self.plan.index_of(code).map(|i| &self.def.nodes[i])
    }

    /// Whether the node is a leaf (has no children).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
    ///   {"code": "G", "name_vi": "G"}, {"code": "A", "parent": "G", "name_vi": "A", "max_points": 1}]}"#)?;
    /// assert_eq!(fw.is_leaf("A"), Some(true));
    /// assert_eq!(fw.is_leaf("G"), Some(false));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn is_leaf(&self, code: &str) -> Option<bool> {
        self.plan
            .index_of(code)
            .map(|i| self.plan.children[i].is_empty())
    }

    /// Effective max points of a node (declared, or the sum of its children's under
    /// `points_sum`).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
    ///   {"code": "G", "name_vi": "G"}, {"code": "A", "parent": "G", "name_vi": "A", "max_points": 3}]}"#)?;
    /// assert_eq!(fw.node_max_points("G"), Some(3.0));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn node_max_points(&self, code: &str) -> Option<f64> {
        self.plan.index_of(code).and_then(|i| self.plan.max[i])
    }

    /// The depth of a node: 1 for a top-level node, 2 for its children, …; `None` for an
    /// unknown code.
    ///
    /// ```
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
    /// assert_eq!((fw.depth("F"), fw.depth("AWR"), fw.depth("NOPE")), (Some(1), Some(2), None));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn depth(&self, code: &str) -> Option<usize> {
        self.plan.index_of(code).map(|i| self.plan.depth[i])
    }

    /// The leaves (indicators scored from raw input), in definition order.
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
    ///   {"code": "G", "name_vi": "G"}, {"code": "A", "parent": "G", "name_vi": "A", "max_points": 3}]}"#)?;
    /// assert_eq!(fw.leaves().map(|n| n.code.as_str()).collect::<Vec<_>>(), ["A"]);
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn leaves(&self) -> impl Iterator<Item = &NodeDef> + '_ {
        self.def
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| self.plan.children[*i].is_empty())
            .map(|(_, n)| n)
    }

    /// Whether any leaf needs the whole cohort to be scored ([`Rule::Normalised`]).
    ///
    /// ```
    /// let fw = dti_core::Framework::from_json(
    ///     r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// assert!(!fw.is_cohort_relative());
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn is_cohort_relative(&self) -> bool {
        self.plan
            .rule
            .iter()
            .any(|r| r.as_ref().is_some_and(Rule::is_cohort_relative))
    }
}

impl Serialize for Framework {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.def.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Framework {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let def = FrameworkDef::deserialize(d)?;
        Framework::new(def).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<FrameworkDef> for Framework {
    type Error = FrameworkError;

    fn try_from(def: FrameworkDef) -> Result<Self, FrameworkError> {
        Framework::new(def)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialising_a_framework_validates_it() {
        let bad = r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": []}"#;
        let err = serde_json::from_str::<Framework>(bad).unwrap_err();
        assert!(err.to_string().contains("no nodes"), "{err}");
        let good = r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 2}]}"#;
        let fw: Framework = serde_json::from_str(good).unwrap();
        assert_eq!(fw.max_points(), Some(2.0));
    }

    #[test]
    fn defaults_are_not_written_back() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 2}]}"#,
        )
        .unwrap();
        let json = fw.to_json();
        assert!(
            !json.contains("direction") && !json.contains("\"meta\""),
            "{json}"
        );
    }
}
