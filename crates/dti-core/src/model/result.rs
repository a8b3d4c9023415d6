//! Scoring results: per unit, every node's and view's points, value and rank, and an
//! explanation. All serde-serialisable with stable field names; missing numbers are `null`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::model::input::Value;

/// How a node's score came about.
///
/// ```
/// assert_eq!(serde_json::to_string(&dti_core::model::Status::Covered)?, "\"covered\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// A leaf scored from its input by its rule.
    Scored,
    /// A node whose value was given directly.
    Given,
    /// Aggregated from its children.
    Aggregated,
    /// No input: 0 under missing policy `zero`, left out (no value) under `renormalise`.
    Missing,
    /// Below a node whose value was given directly: not scored.
    Covered,
}

/// One side of a self-assessed / appraised pair, as reported and as scored.
///
/// ```
/// let s = serde_json::from_value::<dti_core::model::AssessedScore>(serde_json::json!({ "input": dti_core::Value::Number(3.0), "value": Some(0.75), "points": Some(15.0) })).unwrap();
/// assert_eq!(s.points, Some(15.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssessedScore {
    /// The value as reported.
    pub input: Value,
    /// Its value in 0..1 (none for cohort-relative rules or an input the rule rejects).
    pub value: Option<f64>,
    /// Its points.
    pub points: Option<f64>,
}

/// A node's result for one unit.
///
/// ```
/// # use dti_core::*;
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 40}]}"#)?;
/// let s = fw.score(&[UnitRecord::new("X").value("A", 0.5)])?;
/// let a = s.units[0].node("A").unwrap();
/// assert_eq!((a.points, a.value, a.rank), (Some(20.0), Some(0.5), Some(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeScore {
    /// Node code.
    pub code: String,
    /// Points achieved (none without max points, or when missing).
    pub points: Option<f64>,
    /// Max points of the node.
    pub max_points: Option<f64>,
    /// Value: points / max points, or the aggregate / normalised score.
    pub value: Option<f64>,
    /// Rank within the cohort's period, 1 = best, ties share the lowest rank.
    pub rank: Option<u32>,
    /// How the score came about.
    pub status: Status,
    /// The self-assessed value, when the entry gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_assessed: Option<AssessedScore>,
    /// The appraised value, when the entry gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraised: Option<AssessedScore>,
}

/// A view's result for one unit: Σ points / Σ max points of its members.
///
/// ```
/// let v = serde_json::from_value::<dti_core::ViewScore>(serde_json::json!({ "code": "CQS", "points": Some(350.0), "max_points": Some(700.0), "value": Some(0.5), "rank": Some(1) })).unwrap();
/// assert_eq!(v.value, Some(0.5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ViewScore {
    /// View code.
    pub code: String,
    /// Σ points of the members.
    pub points: Option<f64>,
    /// Σ max points of the members.
    pub max_points: Option<f64>,
    /// points / max points.
    pub value: Option<f64>,
    /// Rank within the cohort's period.
    pub rank: Option<u32>,
}

/// One leaf of a unit's explanation (a scored leaf, or a node whose value was given).
///
/// ```
/// let l = serde_json::from_value::<dti_core::model::LeafExplanation>(serde_json::json!({ "code": "A", "value": Some(0.5), "points": Some(20.0),
///     "max_points": Some(40.0), "lost": Some(20.0), "contribution": Some(20.0), "gain": Some(20.0) })).unwrap();
/// assert_eq!(l.lost, Some(20.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeafExplanation {
    /// Node code.
    pub code: String,
    /// Its value.
    pub value: Option<f64>,
    /// Its points.
    pub points: Option<f64>,
    /// Its max points.
    pub max_points: Option<f64>,
    /// max points − points.
    pub lost: Option<f64>,
    /// Its share of the unit's total, in the total's units (points, or the index value when
    /// the index has no points). For points sums and weighted arithmetic means the shares
    /// add up to the total exactly: each node's total is split among its children in
    /// proportion to their terms (points, or weight × value).
    pub contribution: Option<f64>,
    /// How much the unit's total would rise if this leaf reached its best value, everything
    /// else unchanged (re-aggregated along its path, so renormalisation is respected).
    pub gain: Option<f64>,
}

/// An improvement opportunity: a leaf and what reaching its maximum would add to the total.
///
/// ```
/// let o = serde_json::from_value::<dti_core::model::Opportunity>(serde_json::json!({ "code": "GOV", "gain": 80.0 })).unwrap();
/// assert_eq!(o.gain, 80.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Opportunity {
    /// Leaf code.
    pub code: String,
    /// Gain in the total.
    pub gain: f64,
}

/// Why a unit scored what it did.
///
/// ```
/// # use dti_core::*;
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 40}, {"code": "B", "name_vi": "B", "max_points": 60}]}"#)?;
/// let s = fw.score(&[UnitRecord::new("X").value("A", 0.5).value("B", 0.5)])?;
/// let e = s.units[0].explanation.as_ref().unwrap();
/// assert_eq!((e.opportunities[0].code.as_str(), e.opportunities[0].gain), ("B", 30.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Explanation {
    /// Every scored leaf (and node given directly), in framework order.
    pub leaves: Vec<LeafExplanation>,
    /// The top-N leaves by gain (positive gains only), largest first, ties in framework order.
    pub opportunities: Vec<Opportunity>,
}

/// One unit's result.
///
/// ```
/// # use dti_core::*;
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "scale": 100, "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 100}]}"#)?;
/// let s = fw.score(&[UnitRecord::new("X").value("A", 0.25)])?;
/// assert_eq!(s.units[0].points, Some(25.0));
/// assert_eq!(s.units[0].value, Some(0.25));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitScore {
    /// Unit id.
    pub unit: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
    /// Group memberships, as given.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, String>,
    /// Total points.
    pub points: Option<f64>,
    /// Max points of the index.
    pub max_points: Option<f64>,
    /// The index value (total points / scale for a points index).
    pub value: Option<f64>,
    /// Rank of the index value within the cohort's period.
    pub rank: Option<u32>,
    /// Every node, in framework order.
    pub nodes: Vec<NodeScore>,
    /// Every view, in framework order.
    pub views: Vec<ViewScore>,
    /// The explanation (when requested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

impl UnitScore {
    /// The node with this code.
    ///
    /// ```
    /// # use dti_core::*;
    /// # let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// let s = fw.score(&[UnitRecord::new("X").value("A", 1.0)])?;
    /// assert!(s.units[0].node("A").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn node(&self, code: &str) -> Option<&NodeScore> {
        self.nodes.iter().find(|n| n.code == code)
    }

    /// The view with this code.
    ///
    /// ```
    /// # use dti_core::*;
    /// # let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}],
    /// #   "views": [{"code": "V", "name_vi": "V", "nodes": ["A"]}]}"#)?;
    /// let s = fw.score(&[UnitRecord::new("X").value("A", 1.0)])?;
    /// assert_eq!(s.units[0].view("V").and_then(|v| v.value), Some(1.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn view(&self, code: &str) -> Option<&ViewScore> {
        self.views.iter().find(|v| v.code == code)
    }
}

/// Identifies an input record.
///
/// ```
/// let k = dti_core::model::UnitKey { row: 3, unit: "HN".into(), period: Some(2022) };
/// assert_eq!(k.row, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitKey {
    /// 0-based position in the input.
    pub row: usize,
    /// Unit id.
    pub unit: String,
    /// Period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
}

/// The result of scoring a cohort.
///
/// ```
/// # use dti_core::*;
/// # let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
/// let s = fw.score(&[UnitRecord::new("X").value("A", 0.2), UnitRecord::new("Y").value("A", 0.9)])?;
/// assert_eq!(s.unit("Y", None).and_then(|u| u.rank), Some(1));
/// assert!(s.problems.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CohortScores {
    /// The framework id.
    pub framework: String,
    /// One result per scored record, in input order.
    pub units: Vec<UnitScore>,
    /// Problems found in lenient mode (strict mode returns them as an error instead).
    pub problems: Vec<InputError>,
    /// Records left out in lenient mode (duplicates, empty ids, missing values under policy
    /// `error`); each has its problems in `problems`.
    pub excluded: Vec<UnitKey>,
}

impl CohortScores {
    /// The result of a unit (and period).
    ///
    /// ```
    /// # use dti_core::*;
    /// # let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// let s = fw.score(&[UnitRecord::new("X").period(2022).value("A", 0.2)])?;
    /// assert!(s.unit("X", Some(2022)).is_some());
    /// assert!(s.unit("X", Some(2023)).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unit(&self, unit: &str, period: Option<i32>) -> Option<&UnitScore> {
        self.units
            .iter()
            .find(|u| u.unit == unit && u.period == period)
    }

    /// A unit by what a person would type — the one resolver behind `dti explain`,
    /// [`explain_unit`](crate::explain_unit) and the WASM package's `explainUnit`: its id
    /// exactly; else its id or display name up to case, diacritics and spacing
    /// ([`name_key`](crate::text::name_key)); else a province's name or code in the registry (either
    /// era: "TP. Hồ Chí Minh" finds the unit `ho-chi-minh`). Within `period` (`None`: the
    /// unit's latest period).
    ///
    /// ```
    /// # use dti_core::*;
    /// # let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
    /// let s = fw.score(&[
    ///     UnitRecord::new("ho-chi-minh").period(2022).value("A", 0.2),
    ///     UnitRecord::new("ho-chi-minh").period(2023).value("A", 0.4),
    /// ])?;
    /// assert_eq!(s.find_unit("TP. Hồ Chí Minh", None).unwrap().period, Some(2023));
    /// assert_eq!(s.find_unit("HO-CHI-MINH", Some(2022)).unwrap().value, Some(0.2));
    /// assert!(s.find_unit("Hà Nội", None).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find_unit(&self, query: &str, period: Option<i32>) -> Option<&UnitScore> {
        use crate::model::registry::{province_named, Era};
        use crate::text::name_key;
        let key = name_key(query);
        let codes: Vec<&str> = [Era::Pre2025, Era::From2025]
            .into_iter()
            .filter_map(|era| province_named(query, era).map(|p| p.code.as_str()))
            .collect();
        let passes: [&dyn Fn(&UnitScore) -> bool; 3] = [
            &|u| u.unit == query,
            &|u| name_key(&u.unit) == key || u.name.as_deref().is_some_and(|n| name_key(n) == key),
            &|u| codes.contains(&u.unit.as_str()),
        ];
        passes.iter().find_map(|pass| {
            let mut found = self.units.iter().filter(|u| pass(u));
            match period {
                Some(p) => found.find(|u| u.period == Some(p)),
                // The latest period (None, no period, comes first).
                None => found.fold(None, |best: Option<&UnitScore>, u| match best {
                    Some(b) if b.period >= u.period => Some(b),
                    _ => Some(u),
                }),
            }
        })
    }
}
