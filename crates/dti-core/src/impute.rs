//! Imputation of missing leaf inputs (`composite-methods.md`, "Imputation"; COINr `Impute`):
//! column mean or median, mean or median within a unit group (e.g. region), and for panels
//! the latest earlier period or linear interpolation between periods. Cross-sectional
//! statistics are taken within each period. A present value is never changed, and every value
//! imputed — or left missing, with the reason — is reported.
//!
//! Only leaves read as numbers can be imputed (rules `value`, `percent`, `steps`,
//! `normalised`); a ratio, a label or a yes/no has no mean and is reported as not imputed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::framework::{Framework, Rule};
use crate::input::{Entry, UnitRecord, Value};
use crate::plan::NO_PARENT;

/// An imputation method.
///
/// ```
/// let m: dti_core::Imputation = serde_json::from_str(r#"{"method": "group_mean", "group": "region"}"#)?;
/// assert_eq!(m, dti_core::Imputation::GroupMean { group: "region".into() });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    try_from = "crate::forms::MethodForm"
)]
#[non_exhaustive]
pub enum Imputation {
    /// Mean of the indicator over the period's units.
    Mean,
    /// Median of the indicator over the period's units.
    Median,
    /// Mean over the period's units in the same group.
    GroupMean {
        /// The group key in [`UnitRecord::groups`].
        group: String,
    },
    /// Median over the period's units in the same group.
    GroupMedian {
        /// The group key in [`UnitRecord::groups`].
        group: String,
    },
    /// The unit's value in its latest earlier period that has one.
    LatestEarlier,
    /// Linear interpolation between the unit's nearest earlier and later periods with values
    /// (no extrapolation).
    Interpolate,
}

impl Imputation {
    /// The snake_case name.
    ///
    /// ```
    /// assert_eq!(dti_core::Imputation::LatestEarlier.name(), "latest_earlier");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Imputation::Mean => "mean",
            Imputation::Median => "median",
            Imputation::GroupMean { .. } => "group_mean",
            Imputation::GroupMedian { .. } => "group_median",
            Imputation::LatestEarlier => "latest_earlier",
            Imputation::Interpolate => "interpolate",
        }
    }
}

/// One value filled in.
///
/// ```
/// let v = dti_core::ImputedValue { row: 2, unit: "HN".into(), period: Some(2023), indicator: "AWR".into(), value: 0.5 };
/// assert_eq!(v.value, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImputedValue {
    /// 0-based row of the record.
    pub row: usize,
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: Option<i32>,
    /// Leaf code.
    pub indicator: String,
    /// The value filled in.
    pub value: f64,
}

/// One missing value left missing, and why.
///
/// ```
/// let v = dti_core::NotImputed { row: 0, unit: "HN".into(), period: None, indicator: "AWR".into(), reason: "no period".into() };
/// assert_eq!(v.reason, "no period");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotImputed {
    /// 0-based row of the record.
    pub row: usize,
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: Option<i32>,
    /// Leaf code.
    pub indicator: String,
    /// Why it stays missing.
    pub reason: String,
}

/// What imputation did.
///
/// ```
/// let r = dti_core::ImputeReport::default();
/// assert!(r.imputed.is_empty() && r.not_imputed.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImputeReport {
    /// Every value filled in.
    pub imputed: Vec<ImputedValue>,
    /// Every missing value left missing.
    pub not_imputed: Vec<NotImputed>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let k = v.len();
    if k % 2 == 1 {
        v[k / 2]
    } else {
        (v[k / 2 - 1] + v[k / 2]) / 2.0
    }
}

fn number(rec: &UnitRecord, code: &str) -> Option<f64> {
    match rec.values.get(code).and_then(Entry::scored) {
        Some(Value::Number(x)) if x.is_finite() => Some(*x),
        _ => None,
    }
}

/// Fills missing leaf inputs; returns the completed records and the report.
///
/// ```
/// # use dti_core::*;
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 1}]}"#)?;
/// let units = [UnitRecord::new("X").value("A", 0.2), UnitRecord::new("Y").value("A", 0.6), UnitRecord::new("Z")];
/// let (done, report) = impute(&fw, &units, &Imputation::Mean);
/// assert_eq!(done[2].values["A"], Entry::from(0.4));
/// assert_eq!(report.imputed.len(), 1);
/// assert_eq!(done[0], units[0]); // present values untouched
/// # Ok::<(), FrameworkError>(())
/// ```
pub fn impute(
    fw: &Framework,
    units: &[UnitRecord],
    how: &Imputation,
) -> (Vec<UnitRecord>, ImputeReport) {
    let plan = &fw.plan;
    let mut out = units.to_vec();
    let mut report = ImputeReport::default();
    for (i, leaf) in fw.def.nodes.iter().enumerate() {
        if !plan.children[i].is_empty() {
            continue;
        }
        let code = &leaf.code;
        // Ancestors' codes: a value given above a leaf means the leaf is not missing.
        let mut ancestors = Vec::new();
        let mut p = plan.parent[i];
        while p != NO_PARENT && p != plan.root {
            ancestors.push(fw.def.nodes[p].code.as_str());
            p = plan.parent[p];
        }
        let missing: Vec<usize> = (0..units.len())
            .filter(|&r| {
                let u = &units[r];
                !u.values.contains_key(code) && !ancestors.iter().any(|a| u.values.contains_key(*a))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let numeric = matches!(
            plan.rule[i],
            Some(Rule::Value | Rule::Percent | Rule::Steps { .. } | Rule::Normalised { .. })
        );
        for r in missing {
            let u = &units[r];
            let found = if numeric {
                estimate(units, r, code, how)
            } else {
                Err(format!(
                    "a '{}' indicator has no average; only numeric indicators are imputed",
                    plan.rule[i].as_ref().map_or("", Rule::name)
                ))
            };
            match found {
                Ok(v) => {
                    out[r].values.insert(code.clone(), Entry::from(v));
                    report.imputed.push(ImputedValue {
                        row: r,
                        unit: u.unit.clone(),
                        period: u.period,
                        indicator: code.clone(),
                        value: v,
                    });
                }
                Err(reason) => report.not_imputed.push(NotImputed {
                    row: r,
                    unit: u.unit.clone(),
                    period: u.period,
                    indicator: code.clone(),
                    reason,
                }),
            }
        }
    }
    (out, report)
}

/// The value to impute for record `r`, or why there is none.
fn estimate(units: &[UnitRecord], r: usize, code: &str, how: &Imputation) -> Result<f64, String> {
    let me = &units[r];
    let same_period = |u: &&UnitRecord| u.period == me.period;
    match how {
        Imputation::Mean | Imputation::Median => {
            let mut v: Vec<f64> = units
                .iter()
                .filter(same_period)
                .filter_map(|u| number(u, code))
                .collect();
            if v.is_empty() {
                return Err("no unit in the period has a value".to_owned());
            }
            Ok(if *how == Imputation::Mean {
                v.iter().sum::<f64>() / v.len() as f64
            } else {
                median(&mut v)
            })
        }
        Imputation::GroupMean { group } | Imputation::GroupMedian { group } => {
            let Some(g) = me.groups.get(group) else {
                return Err(format!("the unit has no '{group}' group"));
            };
            let mut v: Vec<f64> = units
                .iter()
                .filter(same_period)
                .filter(|u| u.groups.get(group) == Some(g))
                .filter_map(|u| number(u, code))
                .collect();
            if v.is_empty() {
                return Err(format!(
                    "no unit of {group} '{g}' in the period has a value"
                ));
            }
            Ok(if matches!(how, Imputation::GroupMean { .. }) {
                v.iter().sum::<f64>() / v.len() as f64
            } else {
                median(&mut v)
            })
        }
        Imputation::LatestEarlier | Imputation::Interpolate => {
            let Some(t) = me.period else {
                return Err("the record has no period".to_owned());
            };
            // The unit's other periods with a value, by period.
            let series: BTreeMap<i32, f64> = units
                .iter()
                .filter(|u| u.unit == me.unit)
                .filter_map(|u| Some((u.period?, number(u, code)?)))
                .collect();
            let before = series.range(..t).next_back();
            if *how == Imputation::LatestEarlier {
                return before
                    .map(|(_, v)| *v)
                    .ok_or_else(|| "no earlier period has a value".to_owned());
            }
            let after = series.range(t + 1..).next();
            match (before, after) {
                (Some((&t0, &v0)), Some((&t1, &v1))) => {
                    Ok(v0 + (v1 - v0) * f64::from(t - t0) / f64::from(t1 - t0))
                }
                _ => Err("interpolation needs a value before and after the period".to_owned()),
            }
        }
    }
}
