//! Leave-one-out: each component of a level left out in turn, and the rank changes.

use serde::{Deserialize, Serialize};

use super::assumptions::*;
use crate::engine::eval::Evaluator;
use crate::methods::normalise::Ties;
use crate::model::definition::Aggregator;
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::plan::Plan;
use crate::sum::exact_sum;

/// One component left out.
///
/// ```
/// let c = serde_json::from_value::<dti_core::analyses::LeftOut>(serde_json::json!({ "code": "GOV", "mean_abs_rank_shift": 1.5, "shifts": [Some(1), Some(-2)] })).unwrap();
/// assert_eq!(c.shifts.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeftOut {
    /// The component.
    pub code: String,
    /// Mean over units of |rank without it − nominal rank|.
    pub mean_abs_rank_shift: f64,
    /// Per unit (in `LeaveOneOut::units` order): rank without it − nominal rank (positive
    /// = falls).
    pub shifts: Vec<Option<i64>>,
}

/// A unit and its period, as an analysis lists the units it ranked.
///
/// ```
/// let u = dti_core::analyses::UnitPeriod { unit: "ha-noi".into(), period: Some(2023) };
/// assert_eq!(serde_json::to_string(&u)?, r#"{"unit":"ha-noi","period":2023}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPeriod {
    /// The unit id.
    pub unit: String,
    /// Its period.
    pub period: Option<i32>,
}

/// The result of leaving each component of a level out in turn.
///
/// ```
/// let l = serde_json::from_value::<dti_core::analyses::LeaveOneOut>(serde_json::json!({ "depth": 2, "units": [], "nominal_ranks": [], "components": [] })).unwrap();
/// assert_eq!(l.depth, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeaveOneOut {
    /// The depth whose components were left out.
    pub depth: usize,
    /// Unit ids (with periods, in input order).
    pub units: Vec<UnitPeriod>,
    /// Nominal ranks.
    pub nominal_ranks: Vec<Option<u32>>,
    /// One entry per component.
    pub components: Vec<LeftOut>,
}

/// Leaves each component at `depth` out in turn — its weight set to 0 (and under a points sum,
/// its max points too, so the remaining points are renormalised) — and reports the rank shifts.
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [
///     UnitRecord::new("X").value("GOV", 1.0).value("ECO", 0.0),
///     UnitRecord::new("Y").value("GOV", 0.0).value("ECO", 1.0),
/// ];
/// let loo = leave_one_out(&fw, &units, 2)?;
/// // X leads on GOV (200 points vs 150): without GOV, Y leads.
/// let gov = loo.components.iter().find(|c| c.code == "GOV").unwrap();
/// assert_eq!(gov.shifts, [Some(1), Some(-1)]);
/// assert_eq!(gov.mean_abs_rank_shift, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn leave_one_out(
    fw: &Framework,
    units: &[UnitRecord],
    depth: usize,
) -> Result<LeaveOneOut, AnalysisError> {
    let plan: &Plan = &fw.plan;
    let ev = Evaluator::new(fw, units, false, Ties::default())?;
    let m = ev.units();
    let leaves = ev.leaves(fw, plan)?;
    let mut work = ev.work();
    let (mut v, mut nominal) = (vec![f64::NAN; m], vec![f64::NAN; m]);
    ev.run(fw, plan, &leaves, &mut work, &mut v, &mut nominal)?;
    let opt_rank = |x: f64| (!x.is_nan()).then_some(x as u32);
    let mut components = Vec::new();
    let mut ranks = vec![f64::NAN; m];
    for j in (0..plan.n).filter(|&j| plan.depth[j] == depth) {
        let mut p = plan.clone();
        p.weight[j] = 0.0;
        if p.aggregate[p.parent[j]] == Aggregator::PointsSum {
            p.max[j] = Some(0.0);
        }
        ev.run(fw, &p, &leaves, &mut work, &mut v, &mut ranks)?;
        let shifts: Vec<Option<i64>> = ranks
            .iter()
            .zip(&nominal)
            .map(|(r, n)| (!r.is_nan() && !n.is_nan()).then(|| *r as i64 - *n as i64))
            .collect();
        let present: Vec<i64> = shifts.iter().flatten().copied().collect();
        let mean = if present.is_empty() {
            0.0
        } else {
            exact_sum(present.iter().map(|s| s.abs() as f64)) / present.len() as f64
        };
        components.push(LeftOut {
            code: fw.def.nodes[j].code.clone(),
            mean_abs_rank_shift: mean,
            shifts,
        });
    }
    if components.is_empty() {
        return Err(AnalysisError::Invalid {
            field: "depth".to_owned(),
            message: format!(
                "no component at depth {depth} (the framework's depths are 1 to {})",
                plan.depth.iter().max().copied().unwrap_or(0)
            ),
        });
    }
    Ok(LeaveOneOut {
        depth,
        units: ev
            .meta
            .iter()
            .map(|u| UnitPeriod {
                unit: u.unit.clone(),
                period: u.period,
            })
            .collect(),
        nominal_ranks: nominal.iter().map(|&r| opt_rank(r)).collect(),
        components,
    })
}
