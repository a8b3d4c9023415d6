//! Comparisons of scored cohorts: each unit's values, ranks and their changes between
//! cohorts, Kendall's τ and the rank correlations, the top-k overlap.

use crate::methods::stats::{correlation, CorrelationMethod};
use crate::model::result::CohortScores;
use serde::{Deserialize, Serialize};

/// One unit's node across the cohorts compared.
///
/// ```
/// let n = serde_json::from_value::<dti_core::analyses::NodeComparison>(serde_json::json!({ "code": "GOV", "values": [Some(0.5), Some(0.6)], "ranks": [Some(3), Some(2)],
///     "value_diffs": [Some(0.0), Some(0.1)], "rank_shifts": [Some(0), Some(-1)] })).unwrap();
/// assert_eq!(n.rank_shifts[1], Some(-1));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeComparison {
    /// Node code (the framework id for the index).
    pub code: String,
    /// Value in each cohort.
    pub values: Vec<Option<f64>>,
    /// Rank in each cohort.
    pub ranks: Vec<Option<u32>>,
    /// Value minus the baseline's (the first cohort).
    pub value_diffs: Vec<Option<f64>>,
    /// Rank minus the baseline's (negative = moved up).
    pub rank_shifts: Vec<Option<i64>>,
}

/// One unit across the cohorts compared.
///
/// ```
/// let u = serde_json::from_value::<dti_core::analyses::UnitComparison>(serde_json::json!({ "unit": "HN", "period": null, "index": null, "nodes": [] })).unwrap();
/// assert!(u.nodes.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitComparison {
    /// Unit.
    pub unit: String,
    /// Period.
    pub period: Option<i32>,
    /// The index.
    pub index: Option<NodeComparison>,
    /// Every node present in all cohorts.
    pub nodes: Vec<NodeComparison>,
}

/// How one cohort's ranking compares with the baseline's.
///
/// ```
/// let s = serde_json::from_value::<dti_core::analyses::RankingSummary>(serde_json::json!({ "cohort": 1, "units": 3, "changed": 0, "mean_abs_rank_shift": 0.0,
///     "spearman": Some(1.0), "kendall": Some(1.0),
///     "top_k": [{"k": 3, "share": 1.0}] })).unwrap();
/// assert_eq!(s.kendall, Some(1.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RankingSummary {
    /// Which cohort (1 = the second).
    pub cohort: usize,
    /// Units ranked in both.
    pub units: usize,
    /// Units whose index rank changed.
    pub changed: usize,
    /// Mean |rank shift| of the index.
    pub mean_abs_rank_shift: f64,
    /// Spearman's rho between the index rankings.
    pub spearman: Option<f64>,
    /// Kendall's tau-b between the index rankings.
    pub kendall: Option<f64>,
    /// Top-k overlap for k = 3, 5 and 10 (those not above the units ranked in both).
    pub top_k: Vec<TopK>,
}

/// How much of the baseline's top k is also in a cohort's top k.
///
/// ```
/// let t = dti_core::analyses::TopK { k: 5, share: 0.8 }; // 4 of the baseline's top 5
/// assert_eq!(serde_json::to_string(&t)?, r#"{"k":5,"share":0.8}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TopK {
    /// How many top places.
    pub k: usize,
    /// Share of the baseline's top k that is also in this cohort's top k (0 when the
    /// baseline ranks nobody in its top k).
    pub share: f64,
}

/// A comparison of cohorts.
///
/// ```
/// let c = serde_json::from_value::<dti_core::analyses::Comparison>(serde_json::json!({ "units": [], "summaries": [] })).unwrap();
/// assert!(c.summaries.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// Per unit present in the baseline.
    pub units: Vec<UnitComparison>,
    /// One per cohort after the first.
    pub summaries: Vec<RankingSummary>,
}

/// Kendall's tau-b of two rankings (pairs with a missing rank left out).
///
/// ```
/// assert_eq!(dti_core::analyses::kendall_tau(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), Some(1.0));
/// assert_eq!(dti_core::analyses::kendall_tau(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
/// ```
pub fn kendall_tau(x: &[f64], y: &[f64]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .collect();
    let (mut c, mut d, mut tx, mut ty) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..pairs.len() {
        for j in i + 1..pairs.len() {
            let dx = (pairs[i].0 - pairs[j].0).signum();
            let dy = (pairs[i].1 - pairs[j].1).signum();
            match (dx == 0.0, dy == 0.0) {
                (true, true) => {}
                (true, false) => tx += 1,
                (false, true) => ty += 1,
                _ if dx == dy => c += 1,
                _ => d += 1,
            }
        }
    }
    let denom = (((c + d + tx) * (c + d + ty)) as f64).sqrt();
    (denom > 0.0).then(|| (c - d) as f64 / denom)
}

/// Reads a unit's (value, rank) of one node.
pub(crate) type ValueAndRank<'a> =
    &'a dyn Fn(&crate::model::result::UnitScore) -> (Option<f64>, Option<u32>);

/// Compares two or more scored cohorts against the first: per unit and node the values,
/// ranks, value differences and rank shifts, and per cohort a summary of the index ranking
/// (mean |rank shift|, Spearman's rho, Kendall's tau-b, units whose rank changed, top-k overlap
/// for k = 3, 5, 10).
///
/// ```
/// use dti_core::{analyses::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [UnitRecord::new("A").value("GOV", 0.9), UnitRecord::new("B").value("GOV", 0.5)];
/// let base = fw.score(&units)?;
/// let cmp = compare(&[&base, &base]);
/// assert_eq!(cmp.summaries[0].mean_abs_rank_shift, 0.0);
/// assert_eq!(cmp.summaries[0].kendall, Some(1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare(cohorts: &[&CohortScores]) -> Comparison {
    let Some(base) = cohorts.first() else {
        return Comparison {
            units: Vec::new(),
            summaries: Vec::new(),
        };
    };
    let find = |c: &CohortScores, unit: &str, period| c.unit(unit, period).cloned();
    let mut units = Vec::new();
    for u in &base.units {
        let others: Vec<Option<crate::model::result::UnitScore>> =
            cohorts.iter().map(|c| find(c, &u.unit, u.period)).collect();
        let make = |code: &str, get: ValueAndRank| {
            let pairs: Vec<(Option<f64>, Option<u32>)> = others
                .iter()
                .map(|o| o.as_ref().map_or((None, None), get))
                .collect();
            let (v0, r0) = pairs[0];
            NodeComparison {
                code: code.to_owned(),
                values: pairs.iter().map(|p| p.0).collect(),
                ranks: pairs.iter().map(|p| p.1).collect(),
                value_diffs: pairs.iter().map(|p| Some(p.0? - v0?)).collect(),
                rank_shifts: pairs
                    .iter()
                    .map(|p| Some(i64::from(p.1?) - i64::from(r0?)))
                    .collect(),
            }
        };
        let index = Some(make(&base.framework, &|s| (s.value, s.rank)));
        let nodes = u
            .nodes
            .iter()
            .map(|n| {
                make(&n.code, &|s: &crate::model::result::UnitScore| {
                    s.node(&n.code).map_or((None, None), |x| (x.value, x.rank))
                })
            })
            .collect();
        units.push(UnitComparison {
            unit: u.unit.clone(),
            period: u.period,
            index,
            nodes,
        });
    }
    let summaries = (1..cohorts.len())
        .map(|k| {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for uc in &units {
                let idx = uc.index.as_ref().expect("index");
                if let (Some(r0), Some(rk)) = (idx.ranks[0], idx.ranks[k]) {
                    a.push(f64::from(r0));
                    b.push(f64::from(rk));
                }
            }
            let n = a.len();
            let changed = a.iter().zip(&b).filter(|(x, y)| x != y).count();
            let mean = if n > 0 {
                crate::sum::exact_sum(a.iter().zip(&b).map(|(x, y)| (x - y).abs())) / n as f64
            } else {
                0.0
            };
            let top = |k: usize| {
                let inb: Vec<bool> = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| *x <= k as f64 && *y <= k as f64)
                    .collect();
                let in_base = a.iter().filter(|x| **x <= k as f64).count();
                TopK {
                    k,
                    share: if in_base > 0 {
                        inb.iter().filter(|x| **x).count() as f64 / in_base as f64
                    } else {
                        0.0
                    },
                }
            };
            RankingSummary {
                cohort: k,
                units: n,
                changed,
                mean_abs_rank_shift: mean,
                spearman: correlation(&a, &b, CorrelationMethod::Spearman).or(
                    if n >= 3 && changed == 0 {
                        Some(1.0)
                    } else {
                        None
                    },
                ),
                kendall: kendall_tau(&a, &b),
                top_k: [3, 5, 10]
                    .into_iter()
                    .filter(|&k| k <= n)
                    .map(top)
                    .collect(),
            }
        })
        .collect();
    Comparison { units, summaries }
}
