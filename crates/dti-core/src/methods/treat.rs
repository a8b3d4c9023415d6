//! Outlier treatment of cohort-relative indicators before normalisation
//! (`composite-methods.md`, "Outlier treatment"; OECD/JRC Handbook 2008 §3; COINr `Treat`).
//!
//! Per indicator and period: the column passes if |skew| < 2 or kurtosis < 3.5 (skew and
//! kurtosis as in [`summarise`](crate::methods::summarise)). A failing column is winsorised one point
//! at a time — for skew ≥ 0 the current maximum value(s) become the next-largest value, else
//! the minimum value(s) become the next-smallest — re-testing after each step, up to a limit
//! of points (default 5). If it still fails, the original values are log-transformed instead:
//! ln(x − min + 0.01·(max − min)).
//!
//! The limit counts as COINr 1.1.14's `winsorise` does: after each step the number of points
//! winsorised is the number moved by the latest high step (all points then at the maximum,
//! so with k high steps and no ties, k) plus the number moved by the latest low step; the loop
//! goes on while the column fails and that number is below the limit.
//!
//! Only `normalised` leaves are treated: point-scored indicators are scored as reported.

use serde::{Deserialize, Serialize};

use crate::io::panel::Panel;
use crate::methods::stats::summarise;
use crate::model::definition::Rule;
use crate::model::framework::Framework;
use crate::model::input::{Entry, UnitRecord};

fn five() -> usize {
    5
}
fn two() -> f64 {
    2.0
}
fn three_half() -> f64 {
    3.5
}

/// Treatment parameters.
///
/// ```
/// let t = dti_core::methods::Treatment::default();
/// assert_eq!((t.max_winsorised, t.skew, t.kurtosis), (5, 2.0, 3.5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Treatment {
    /// Most points winsorised per indicator and period.
    #[serde(default = "five")]
    pub max_winsorised: usize,
    /// |skew| threshold.
    #[serde(default = "two")]
    pub skew: f64,
    /// Kurtosis threshold.
    #[serde(default = "three_half")]
    pub kurtosis: f64,
}

setters!(Treatment {
    max_winsorised: usize,
    skew: f64,
    kurtosis: f64
});

impl Default for Treatment {
    fn default() -> Self {
        Treatment {
            max_winsorised: 5,
            skew: 2.0,
            kurtosis: 3.5,
        }
    }
}

/// One value changed by winsorisation.
///
/// ```
/// let w = serde_json::from_value::<dti_core::methods::Winsorised>(serde_json::json!({ "row": 4, "unit": "HN", "from": 95.0, "to": 40.0 })).unwrap();
/// assert!(w.to < w.from);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Winsorised {
    /// 0-based row.
    pub row: usize,
    /// Unit.
    pub unit: String,
    /// Original value.
    pub from: f64,
    /// New value.
    pub to: f64,
}

/// One column treated ([`Treatment::treat_column`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TreatedColumn {
    /// The treated values (NaN: missing).
    pub values: Vec<f64>,
    /// The values winsorised, one entry per position, with their original and final values.
    pub moved: Vec<MovedValue>,
    /// Whether winsorisation could not fix the column and it was log-transformed instead.
    pub log: bool,
}

/// One value moved by winsorisation, by its position in the column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MovedValue {
    /// 0-based position in the column.
    pub position: usize,
    /// Original value.
    pub from: f64,
    /// Final value.
    pub to: f64,
}

/// What treatment did to one indicator in one period.
///
/// ```
/// let r = serde_json::from_value::<dti_core::methods::TreatReport>(serde_json::json!({ "indicator": "X", "period": null, "skew": Some(0.1), "kurtosis": Some(0.2),
///     "passed": true, "winsorised": [], "log": false, "skew_after": Some(0.1), "kurtosis_after": Some(0.2) })).unwrap();
/// assert!(r.passed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TreatReport {
    /// Leaf code.
    pub indicator: String,
    /// Period.
    pub period: Option<i32>,
    /// Skew before treatment.
    pub skew: Option<f64>,
    /// Kurtosis before treatment.
    pub kurtosis: Option<f64>,
    /// Whether it passed untreated.
    pub passed: bool,
    /// The values winsorised (empty if passed or log-transformed).
    pub winsorised: Vec<Winsorised>,
    /// Whether the log transform was applied (winsorisation was not enough).
    pub log: bool,
    /// Skew after treatment.
    pub skew_after: Option<f64>,
    /// Kurtosis after treatment.
    pub kurtosis_after: Option<f64>,
}

impl Treatment {
    fn passes(&self, x: &[f64]) -> bool {
        let s = summarise(x);
        match (s.skew, s.kurtosis) {
            (Some(sk), Some(k)) => sk.abs() < self.skew || k < self.kurtosis,
            _ => true,
        }
    }

    /// Treats one column (`NaN` = missing): the new column, the positions winsorised with
    /// their old and new values, and whether it was log-transformed.
    ///
    /// ```
    /// use dti_core::methods::{MovedValue, Treatment};
    /// let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
    /// x.push(1000.0); // one far outlier
    /// let t = Treatment::default().treat_column(&x);
    /// assert_eq!(t.moved, [MovedValue { position: 20, from: 1000.0, to: 20.0 }]);
    /// assert!(!t.log);
    /// assert_eq!(t.values[20], 20.0);
    /// ```
    pub fn treat_column(&self, x: &[f64]) -> TreatedColumn {
        let (values, moved, log) = self.treat(x);
        TreatedColumn {
            values,
            moved: moved
                .into_iter()
                .map(|(position, from, to)| MovedValue { position, from, to })
                .collect(),
            log,
        }
    }

    fn treat(&self, x: &[f64]) -> (Vec<f64>, Vec<(usize, f64, f64)>, bool) {
        if self.passes(x) {
            return (x.to_vec(), Vec::new(), false);
        }
        let mut y = x.to_vec();
        let mut changed: Vec<(usize, f64, f64)> = Vec::new();
        // COINr 1.1.14 `winsorise`: the limit counts the points winsorised *now* — those moved
        // by the latest high step (every point then at the maximum, earlier moves included)
        // plus those moved by the latest low step — not the sum of every move.
        let (mut last_high, mut last_low) = (0usize, 0usize);
        while last_high + last_low < self.max_winsorised && !self.passes(&y) {
            let s = summarise(&y);
            let (Some(min), Some(max)) = (s.min, s.max) else {
                break;
            };
            let high = s.skew.unwrap_or(0.0) >= 0.0;
            let extreme = if high { max } else { min };
            // The next value inward from the extreme.
            let next = y
                .iter()
                .copied()
                .filter(|v| !v.is_nan() && if high { *v < max } else { *v > min })
                .fold(f64::NAN, |a, v| {
                    if a.is_nan() || (high && v > a) || (!high && v < a) {
                        v
                    } else {
                        a
                    }
                });
            if next.is_nan() {
                break;
            }
            let mut moved = 0;
            for (k, v) in y.iter_mut().enumerate() {
                if *v == extreme {
                    changed.push((k, x[k], next));
                    *v = next;
                    moved += 1;
                }
            }
            if high {
                last_high = moved;
            } else {
                last_low = moved;
            }
        }
        if self.passes(&y) {
            // Keep one entry per position: its original and final values.
            let mut last: Vec<(usize, f64, f64)> = Vec::new();
            for (k, from, _) in changed {
                if !last.iter().any(|e| e.0 == k) {
                    last.push((k, from, y[k]));
                }
            }
            return (y, last, false);
        }
        let s = summarise(x);
        let (min, max) = (s.min.unwrap_or(0.0), s.max.unwrap_or(0.0));
        let shift = 0.01 * (max - min);
        let logged = x
            .iter()
            .map(|v| {
                if v.is_nan() {
                    f64::NAN
                } else {
                    crate::math::ln(v - min + shift)
                }
            })
            .collect();
        (logged, Vec::new(), true)
    }
}

/// Treats every `normalised` leaf within each period; returns the treated records and one
/// report per indicator and period.
///
/// ```
/// # use dti_core::{methods::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
///   "nodes": [{"code": "X", "name_vi": "X", "rule": {"type": "normalised", "normaliser": {"method": "min_max"}}}]}"#)?;
/// let mut units: Vec<UnitRecord> = (1..=20).map(|k| UnitRecord::new(&format!("U{k}")).value("X", f64::from(k))).collect();
/// units.push(UnitRecord::new("BIG").value("X", 1000.0));
/// let (treated, reports) = treat(&fw, &units, &Treatment::default());
/// assert_eq!(treated[20].values["X"], Entry::from(20.0));
/// assert_eq!(reports[0].winsorised[0].unit, "BIG");
/// # Ok::<(), FrameworkError>(())
/// ```
pub fn treat(
    fw: &Framework,
    units: &[UnitRecord],
    how: &Treatment,
) -> (Vec<UnitRecord>, Vec<TreatReport>) {
    let codes: Vec<&str> = treated_leaves(fw)
        .map(|i| fw.def.nodes[i].code.as_str())
        .collect();
    let mut panel = Panel::from_records(&codes, units);
    let before = panel.columns.clone();
    let reports = treat_panel(fw, &mut panel, how);
    let mut out = units.to_vec();
    for ((code, old), new) in codes.iter().zip(&before).zip(&panel.columns) {
        for (r, (&x, &y)) in old.iter().zip(new).enumerate() {
            if !x.is_nan() && x != y {
                out[r].values.insert((*code).to_owned(), Entry::from(y));
            }
        }
    }
    (out, reports)
}

/// The leaves a treatment applies to: those scored by a `normalised` rule.
fn treated_leaves(fw: &Framework) -> impl Iterator<Item = usize> + '_ {
    let plan = &fw.plan;
    (0..plan.n).filter(|&i| {
        matches!(plan.rule[i], Some(Rule::Normalised { .. })) && plan.children[i].is_empty()
    })
}

/// [`treat`] on a panel, column by column (the pipeline's form): every `normalised` leaf
/// with a column, within each period; one report per indicator and period.
pub(crate) fn treat_panel(fw: &Framework, panel: &mut Panel, how: &Treatment) -> Vec<TreatReport> {
    let mut reports = Vec::new();
    let groups = crate::methods::ranks::group_by_period(&panel.periods);
    for i in treated_leaves(fw) {
        let code = &fw.def.nodes[i].code;
        let Some(k) = panel.codes.iter().position(|c| c == code) else {
            continue;
        };
        for (period, rows) in &groups {
            let x: Vec<f64> = rows.iter().map(|&r| panel.columns[k][r]).collect();
            let before = summarise(&x);
            let TreatedColumn {
                values: y,
                moved: changed,
                log,
            } = how.treat_column(&x);
            for (&r, (&old, &new)) in rows.iter().zip(x.iter().zip(&y)) {
                if !old.is_nan() {
                    panel.columns[k][r] = new;
                }
            }
            let after = summarise(&y);
            reports.push(TreatReport {
                indicator: code.clone(),
                period: *period,
                skew: before.skew,
                kurtosis: before.kurtosis,
                passed: how.passes(&x),
                winsorised: changed
                    .into_iter()
                    .map(|m| Winsorised {
                        row: rows[m.position],
                        unit: panel.units[rows[m.position]].to_owned(),
                        from: m.from,
                        to: m.to,
                    })
                    .collect(),
                log,
                skew_after: after.skew,
                kurtosis_after: after.kurtosis,
            });
        }
    }
    reports
}
