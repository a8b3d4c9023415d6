//! Target seeking: the smallest change of one indicator that brings a unit to a goal (a rank
//! or a value), found by bisection on the scored cohort.

use crate::engine::eval::Evaluator;
use crate::engine::Cell;
use crate::error::ScoreError;
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::plan::Plan;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What to reach.
///
/// ```
/// let g: dti_core::analyses::Goal = serde_json::from_str(r#"{"rank": 5}"#)?;
/// assert_eq!(g, dti_core::analyses::Goal::Rank(5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// A rank (or better).
    Rank(u32),
    /// An index value (or more).
    Value(f64),
}

/// The smallest change of one indicator that reaches a goal.
///
/// ```
/// let t = serde_json::from_value::<dti_core::analyses::TargetResult>(serde_json::json!({ "indicator": "GOV", "from": 0.5, "to": Some(0.75), "change": Some(0.25),
///     "points": Some(50.0), "value_after": Some(0.6), "rank_after": Some(1) })).unwrap();
/// assert!(t.to.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TargetResult {
    /// The indicator (leaf, or node given directly).
    pub indicator: String,
    /// Its current value (0..1 or the normalised scale).
    pub from: f64,
    /// The value that reaches the goal; none if even its best value does not.
    pub to: Option<f64>,
    /// to − from.
    pub change: Option<f64>,
    /// The points that change is worth (for indicators with points).
    pub points: Option<f64>,
    /// The unit's index value after the change.
    pub value_after: Option<f64>,
    /// Its rank after the change.
    pub rank_after: Option<u32>,
}

/// Why target seeking could not run.
///
/// ```
/// let e = dti_core::analyses::TargetError::UnknownUnit { unit: "ZZ".into(), period: None };
/// assert!(e.to_string().contains("ZZ"));
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TargetError {
    /// The unit is not in the cohort.
    #[error("unit '{unit}'{} is not in the cohort", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    UnknownUnit {
        /// The unit.
        unit: String,
        /// The period.
        period: Option<i32>,
    },
    /// The indicator is not a leaf (nor a node the unit gave directly).
    #[error("'{indicator}' is not an indicator the unit is scored on")]
    NotAnIndicator {
        /// The code.
        indicator: String,
    },
    /// Scoring failed.
    #[error(transparent)]
    Score(#[from] ScoreError),
}

impl TargetError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let e = dti_core::analyses::TargetError::UnknownUnit { unit: "ZZ".into(), period: None };
    /// assert_eq!(e.code(), "unknown_unit");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            TargetError::UnknownUnit { .. } => "unknown_unit",
            TargetError::NotAnIndicator { .. } => "not_an_indicator",
            TargetError::Score(e) => e.code(),
        }
    }
}

/// Finds the smallest change of one indicator (or, with `indicator: None`, of the single
/// indicator that needs the fewest points — or the smallest value change in an index without
/// points) that takes a unit to a goal, everything else fixed. The indicator's value moves
/// on its own scale (0..1, or the normaliser's for cohort-relative indicators, other units'
/// normalised values held fixed) up to its best; the search is a bisection to 1e-9.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [UnitRecord::new("A").value("GOV", 0.8), UnitRecord::new("B").value("GOV", 0.5).value("ECO", 0.2)];
/// // B has 100 + 30 = 130 points, A 160: B needs 30 more points, i.e. GOV +0.15 (0.65·200 = 130 → 160)
/// // — or, as the DTI ranks its values rounded to 4 decimals, 29.95 points: DTI 0.15995 shows
/// // as 0.1600, tied with A (GOV 0.64975).
/// let t = seek_target(&fw, &units, "B", None, Some("GOV"), Goal::Rank(1))?;
/// assert!((t.to.unwrap() - 0.64975).abs() < 1e-6);
/// let exact = seek_target(&fw.clone().with_ties(Some(methods::Ties::Exact)), &units, "B", None, Some("GOV"), Goal::Rank(1))?;
/// assert!((exact.to.unwrap() - 0.65).abs() < 1e-6);
/// assert_eq!(t.rank_after, Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn seek_target(
    fw: &Framework,
    units: &[UnitRecord],
    unit: &str,
    period: Option<i32>,
    indicator: Option<&str>,
    goal: Goal,
) -> Result<TargetResult, TargetError> {
    let ev = Evaluator::new(fw, units, false, crate::methods::normalise::Ties::default())?;
    let u = ev
        .meta
        .iter()
        .position(|m| m.unit == unit && (period.is_none() || m.period == period))
        .ok_or_else(|| TargetError::UnknownUnit {
            unit: unit.to_owned(),
            period,
        })?;
    let plan = &fw.plan;
    let n1 = plan.n + 1;
    let base = ev.leaves(fw, plan)?;
    let m = ev.units();
    let mut work = ev.work();
    let (mut v, mut r) = (vec![f64::NAN; m], vec![f64::NAN; m]);
    let candidates = effective_leaves(plan, &base.cells[u * n1..(u + 1) * n1]);
    let chosen: Vec<usize> = match indicator {
        Some(code) => {
            let i = plan
                .index_of(code)
                .filter(|i| candidates.contains(i))
                .ok_or_else(|| TargetError::NotAnIndicator {
                    indicator: code.to_owned(),
                })?;
            vec![i]
        }
        None => candidates.clone(),
    };
    let reached = |val: f64, rank: f64| match goal {
        Goal::Rank(k) => !rank.is_nan() && rank <= f64::from(k),
        Goal::Value(t) => !val.is_nan() && val >= t,
    };
    let mut best: Option<TargetResult> = None;
    let mut state = base.clone();
    for &i in &chosen {
        let k = u * n1 + i;
        let from = if base.value[k].is_nan() {
            0.0
        } else {
            base.value[k]
        };
        let top = if base.cells[k] == Cell::Given {
            Some(1.0)
        } else {
            plan.leaf_top_value(i).or_else(|| {
                (0..m)
                    .map(|w| base.value[w * n1 + i])
                    .filter(|x| !x.is_nan())
                    .reduce(f64::max)
            })
        };
        let Some(top) = top.filter(|t| *t >= from) else {
            continue;
        };
        let mut eval_at = |x: f64, v: &mut [f64], r: &mut [f64]| -> Result<(), ScoreError> {
            let cell = match state.cells[k] {
                Cell::Missing => Cell::Scored,
                c => c,
            };
            state.set(n1, u, i, x, plan.max[i].map_or(f64::NAN, |mx| x * mx), cell);
            ev.run(fw, plan, &state, &mut work, v, r)
        };
        eval_at(top, &mut v, &mut r)?;
        let result = if !reached(v[u], r[u]) {
            TargetResult {
                indicator: fw.def.nodes[i].code.clone(),
                from,
                to: None,
                change: None,
                points: None,
                value_after: (!v[u].is_nan()).then_some(v[u]),
                rank_after: (!r[u].is_nan()).then_some(r[u] as u32),
            }
        } else {
            let hi = lowest_reaching(from, top, &mut |x| {
                eval_at(x, &mut v, &mut r)?;
                Ok(reached(v[u], r[u]))
            })?;
            eval_at(hi, &mut v, &mut r)?;
            TargetResult {
                indicator: fw.def.nodes[i].code.clone(),
                from,
                to: Some(hi),
                change: Some(hi - from),
                points: plan.max[i].map(|mx| (hi - from) * mx),
                value_after: (!v[u].is_nan()).then_some(v[u]),
                rank_after: (!r[u].is_nan()).then_some(r[u] as u32),
            }
        };
        // Restore the cell for the next candidate.
        state.set(n1, u, i, base.value[k], base.points[k], base.cells[k]);
        let cost = |t: &TargetResult| t.points.or(t.change).unwrap_or(f64::INFINITY);
        best = match best {
            None => Some(result),
            Some(b) if b.to.is_none() && result.to.is_some() => Some(result),
            Some(b) if result.to.is_some() && cost(&result) < cost(&b) => Some(result),
            other => other,
        };
    }
    best.ok_or_else(|| TargetError::NotAnIndicator {
        indicator: indicator.unwrap_or("").to_owned(),
    })
}

/// The unit's effective leaves, from its row of cells: leaves not covered, and the nodes it
/// gave directly.
fn effective_leaves(plan: &Plan, cells: &[Cell]) -> Vec<usize> {
    (0..plan.n)
        .filter(|&i| match cells[i] {
            Cell::Given => true,
            Cell::Covered => false,
            _ => plan.children[i].is_empty(),
        })
        .collect()
}

/// The lowest value in `lo..=hi` (to 1e-9) at which `reached` holds, by bisection; `reached`
/// holds at `hi`.
fn lowest_reaching(
    lo: f64,
    hi: f64,
    reached: &mut dyn FnMut(f64) -> Result<bool, ScoreError>,
) -> Result<f64, ScoreError> {
    let (mut lo, mut hi) = (lo, hi);
    if reached(lo)? {
        return Ok(lo);
    }
    while hi - lo > 1e-9 {
        let mid = (lo + hi) / 2.0;
        if reached(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}
