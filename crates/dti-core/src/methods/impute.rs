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

pub use crate::model::choices::Imputation;
use crate::model::definition::Rule;
use crate::model::framework::Framework;
use crate::model::input::{Entry, UnitRecord};
use crate::model::plan::NO_PARENT;

/// One value filled in.
///
/// ```
/// let v = serde_json::from_value::<dti_core::methods::ImputedValue>(serde_json::json!({ "row": 2, "unit": "HN", "period": Some(2023), "indicator": "AWR", "value": 0.5 })).unwrap();
/// assert_eq!(v.value, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
/// let v = serde_json::from_value::<dti_core::methods::NotImputed>(serde_json::json!({ "row": 0, "unit": "HN", "period": null, "indicator": "AWR", "reason": "no period" })).unwrap();
/// assert_eq!(v.reason, "no period");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
/// let r = dti_core::methods::ImputeReport::default();
/// assert!(r.imputed.is_empty() && r.not_imputed.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
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

/// Fills missing leaf inputs; returns the completed records and the report.
///
/// ```
/// # use dti_core::{methods::*, *};
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
    let leaves: Vec<usize> = (0..plan.n)
        .filter(|&i| plan.children[i].is_empty())
        .collect();
    let codes: Vec<&str> = leaves
        .iter()
        .map(|&i| fw.def.nodes[i].code.as_str())
        .collect();
    // A value that is not a finite number is no estimate, but it is not missing either.
    let mut panel = crate::io::panel::Panel::from_records(&codes, units);
    for col in &mut panel.columns {
        col.iter_mut()
            .filter(|x| x.is_infinite())
            .for_each(|x| *x = f64::NAN);
    }
    // Missing: no entry for the leaf, and none for a node above it (a value given above a
    // leaf means the leaf is not missing).
    let missing = |i: usize, r: usize| {
        let u = &units[r];
        let mut p = i;
        while p != NO_PARENT && p != plan.root {
            if u.values.contains_key(&fw.def.nodes[p].code) {
                return false;
            }
            p = plan.parent[p];
        }
        true
    };
    let report = impute_columns(fw, &mut panel, how, &missing);
    let mut out = units.to_vec();
    for v in &report.imputed {
        out[v.row]
            .values
            .insert(v.indicator.clone(), Entry::from(v.value));
    }
    (out, report)
}

/// [`impute`] on a panel (the pipeline's form): a NaN is a missing value; leaves in
/// framework order, rows in order, the same estimates and reasons as [`impute`]. Each
/// period's (or group's) mean or median is computed once per indicator.
#[cfg(feature = "tables")]
pub(crate) fn impute_panel(
    fw: &Framework,
    panel: &mut crate::io::panel::Panel,
    how: &Imputation,
) -> ImputeReport {
    impute_columns(fw, panel, how, &|_, _| true)
}

/// Imputes the NaN cells of every leaf's column for which `missing(leaf, row)` holds.
fn impute_columns(
    fw: &Framework,
    panel: &mut crate::io::panel::Panel,
    how: &Imputation,
    missing: &dyn Fn(usize, usize) -> bool,
) -> ImputeReport {
    let plan = &fw.plan;
    // Rows of each unit, for the estimates over a unit's periods.
    let mut by_unit: std::collections::HashMap<String, Vec<usize>> = Default::default();
    if matches!(how, Imputation::LatestEarlier | Imputation::Interpolate) {
        for (r, u) in panel.units.iter().enumerate() {
            by_unit.entry(u.to_owned()).or_default().push(r);
        }
    }
    let mut report = ImputeReport::default();
    for (i, leaf) in fw.def.nodes.iter().enumerate() {
        if !plan.children[i].is_empty() {
            continue;
        }
        let code = &leaf.code;
        let k = match panel.codes.iter().position(|c| c == code) {
            Some(k) => k,
            None => {
                panel.codes.push(code.clone());
                panel.columns.push(vec![f64::NAN; panel.len()]);
                panel.codes.len() - 1
            }
        };
        let col = &panel.columns[k];
        let missing: Vec<usize> = (0..col.len())
            .filter(|&r| col[r].is_nan() && missing(i, r))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let numeric = matches!(
            plan.rule[i],
            Some(Rule::Value | Rule::Percent | Rule::Steps { .. } | Rule::Normalised { .. })
        );
        let mut cache = Estimates::new();
        let mut filled = Vec::with_capacity(missing.len());
        for &r in &missing {
            let found = if numeric {
                estimate_in_panel(panel, k, r, how, &by_unit, &mut cache)
            } else {
                Err(format!(
                    "a '{}' indicator has no average; only numeric indicators are imputed",
                    plan.rule[i].as_ref().map_or("", Rule::name)
                ))
            };
            let (unit, period) = (panel.units[r].to_owned(), panel.periods[r]);
            match found {
                Ok(value) => {
                    filled.push((r, value));
                    report.imputed.push(ImputedValue {
                        row: r,
                        unit,
                        period,
                        indicator: code.clone(),
                        value,
                    });
                }
                Err(reason) => report.not_imputed.push(NotImputed {
                    row: r,
                    unit,
                    period,
                    indicator: code.clone(),
                    reason,
                }),
            }
        }
        for (r, v) in filled {
            panel.columns[k][r] = v;
        }
    }
    report
}

/// Each period's (and group's) estimate, or why there is none.
type Estimates<'p> = BTreeMap<(Option<i32>, Option<&'p str>), Result<f64, String>>;

/// The value to impute for row `r` of column `k` (the estimates of `estimate`, over the
/// column's values before imputation; `cache` keeps each period's or group's statistic).
fn estimate_in_panel<'p>(
    panel: &'p crate::io::panel::Panel,
    k: usize,
    r: usize,
    how: &Imputation,
    by_unit: &std::collections::HashMap<String, Vec<usize>>,
    cache: &mut Estimates<'p>,
) -> Result<f64, String> {
    let col = &panel.columns[k];
    let period = panel.periods[r];
    let value = |u: usize| Some(col[u]).filter(|x| x.is_finite());
    let stat = |v: &mut Vec<f64>, mean: bool| {
        if mean {
            crate::sum::exact_sum(v.iter().copied()) / v.len() as f64
        } else {
            median(v)
        }
    };
    match how {
        Imputation::Mean | Imputation::Median => cache
            .entry((period, None))
            .or_insert_with(|| {
                let mut v: Vec<f64> = (0..col.len())
                    .filter(|&u| panel.periods[u] == period)
                    .filter_map(value)
                    .collect();
                if v.is_empty() {
                    return Err("no unit in the period has a value".to_owned());
                }
                Ok(stat(&mut v, *how == Imputation::Mean))
            })
            .clone(),
        Imputation::GroupMean { group } | Imputation::GroupMedian { group } => {
            let group_of = |u: usize| panel.groups.get(u).and_then(|m| m.get(group));
            let Some(g) = group_of(r) else {
                return Err(format!("the unit has no '{group}' group"));
            };
            cache
                .entry((period, Some(g.as_str())))
                .or_insert_with(|| {
                    let mut v: Vec<f64> = (0..col.len())
                        .filter(|&u| panel.periods[u] == period)
                        .filter(|&u| group_of(u) == Some(g))
                        .filter_map(value)
                        .collect();
                    if v.is_empty() {
                        return Err(format!(
                            "no unit of {group} '{g}' in the period has a value"
                        ));
                    }
                    Ok(stat(&mut v, matches!(how, Imputation::GroupMean { .. })))
                })
                .clone()
        }
        Imputation::LatestEarlier | Imputation::Interpolate => {
            let Some(t) = period else {
                return Err("the record has no period".to_owned());
            };
            let me = &panel.units[r];
            let series: BTreeMap<i32, f64> = by_unit
                .get(me)
                .into_iter()
                .flatten()
                .filter_map(|&u| Some((panel.periods[u]?, value(u)?)))
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
