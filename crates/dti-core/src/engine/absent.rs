//! What a cohort lacks altogether: indicators that no unit reports (nor anything below
//! them), and units that report nothing the framework knows. Both score without complaint —
//! the DTI's missing-data policy counts a value not reported as 0 points — so a wide file
//! without its `GOV` column would rank every province on 800 of 1000 points and say nothing.
//! Every front door says them aloud (a warning naming them, or an error when asked).

use serde::{Deserialize, Serialize};

use crate::model::framework::Framework;
use crate::model::input::UnitRecord;

/// An indicator of the framework that no unit reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AbsentNode {
    /// The node's code.
    pub code: String,
    /// Its Vietnamese name.
    pub name: String,
    /// Its max points (what every unit goes without), if it has any.
    pub max_points: Option<f64>,
}

/// What a cohort lacks altogether (see [`absent`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Absent {
    /// The highest nodes that no unit reports, nor anything below them (nodes worth 0
    /// points aside), in framework order.
    pub nodes: Vec<AbsentNode>,
    /// Units (id, period) that report no value of the framework at all.
    pub units: Vec<(String, Option<i32>)>,
}

impl Absent {
    /// Whether nothing is absent.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.units.is_empty()
    }

    /// One sentence per absence, for a warning.
    ///
    /// ```
    /// use dti_core::{engine::absent, Framework, UnitRecord};
    /// let fw = Framework::builtin("vn-pdti-2022")?;
    /// let a = absent(&fw, &[UnitRecord::new("A").value("AWR", 0.5)]);
    /// assert!(a.messages()[0].starts_with("no unit reports 'INST'"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn messages(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes
            .iter()
            .map(|n| {
                format!(
                    "no unit reports '{}' ({}){}",
                    crate::text::Shown(&n.code),
                    crate::text::Shown(&n.name),
                    n.max_points
                        .map(|m| format!(": every unit scores 0 of its {m} points"))
                        .unwrap_or_else(|| ": it counts as missing for every unit".to_owned())
                )
            })
            .collect();
        if !self.units.is_empty() {
            let shown: Vec<String> = self
                .units
                .iter()
                .take(10)
                .map(|(u, p)| {
                    let p = p.map(|p| format!(" ({p})")).unwrap_or_default();
                    format!("'{}'{p}", crate::text::Shown(u))
                })
                .collect();
            out.push(format!(
                "{} unit(s) report no value of the framework at all: {}{}",
                self.units.len(),
                shown.join(", "),
                if self.units.len() > 10 { ", …" } else { "" }
            ));
        }
        out
    }
}

/// The indicators no unit reports and the units that report nothing, in `units` scored with
/// `fw` (a value counts as reported whatever it is; a code the framework lacks does not).
///
/// ```
/// use dti_core::{engine::absent, Framework, UnitRecord};
/// let fw = Framework::builtin("vn-pdti-2024")?;
/// let units = [UnitRecord::new("A").value("AWR", 0.5).value("GOV", 0.4), UnitRecord::new("B")];
/// let a = absent(&fw, &units);
/// // Nobody reports INST…SEC, ECO, SOC; B reports nothing.
/// let codes: Vec<&str> = a.nodes.iter().map(|n| n.code.as_str()).collect();
/// assert_eq!(codes, ["INST", "INFRA", "HR", "SEC", "ECO", "SOC"]);
/// assert_eq!(a.units, [("B".to_owned(), None)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// (A value counts as reported in a panel when it is not NaN; in records when its code is
/// there.)
pub fn absent(fw: &Framework, units: &[UnitRecord]) -> Absent {
    let def = fw.def();
    let index: std::collections::HashMap<&str, usize> = def
        .nodes
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let mut reported = vec![false; def.nodes.len()];
    let mut units_out = Vec::new();
    for u in units {
        let mut any = false;
        for code in u.values.keys() {
            if let Some(&i) = index.get(code.as_str()) {
                reported[i] = true;
                any = true;
            }
        }
        if !any {
            units_out.push((u.unit.clone(), u.period));
        }
    }
    absent_of(fw, reported, units_out, !units.is_empty())
}

/// [`absent`] of a panel held in columns (NaN: no value): the same answer as for the same
/// rows as records.
///
/// ```
/// use dti_core::{engine::absent_in_panel, io::Panel, Framework};
/// let fw = Framework::builtin("vn-pdti-2024")?;
/// let mut p = Panel::default();
/// p.units = ["A", "B"].into_iter().collect();
/// p.names = vec![None, None];
/// p.periods = vec![None, None];
/// p.groups = vec![Default::default(), Default::default()];
/// p.codes = vec!["AWR".into(), "GOV".into()];
/// p.columns = vec![vec![0.5, f64::NAN], vec![0.4, f64::NAN]];
/// let a = absent_in_panel(&fw, &p);
/// assert_eq!(a.nodes.len(), 6);
/// assert_eq!(a.units, [("B".to_owned(), None)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn absent_in_panel(fw: &Framework, panel: &crate::io::Panel) -> Absent {
    let def = fw.def();
    let mut reported = vec![false; def.nodes.len()];
    let mut any_row = vec![false; panel.len()];
    for (code, col) in panel.codes.iter().zip(&panel.columns) {
        let Some(i) = def.nodes.iter().position(|d| &d.code == code) else {
            continue;
        };
        for (k, x) in col.iter().enumerate() {
            if !x.is_nan() {
                reported[i] = true;
                any_row[k] = true;
            }
        }
    }
    let units_out = any_row
        .iter()
        .enumerate()
        .filter(|(_, any)| !**any)
        .map(|(k, _)| (panel.units[k].to_owned(), panel.periods[k]))
        .collect();
    absent_of(fw, reported, units_out, !panel.is_empty())
}

/// The highest unsupplied nodes, from what each node's own cells hold.
fn absent_of(
    fw: &Framework,
    reported: Vec<bool>,
    units_out: Vec<(String, Option<i32>)>,
    any_unit: bool,
) -> Absent {
    let def = fw.def();
    let plan = &fw.plan;
    let n = def.nodes.len();
    // A node is supplied when it or anything below it is reported (post-order: children
    // before their parent).
    let mut supplied = reported;
    for &i in &plan.post_order {
        if i < n && plan.children[i].iter().any(|&c| supplied[c]) {
            supplied[i] = true;
        }
    }
    let worthless = |i: usize| plan.max[i] == Some(0.0);
    let mut nodes = Vec::new();
    for i in 0..n {
        let parent = plan.parent[i];
        let parent_supplied = parent >= n || supplied[parent];
        if !supplied[i] && parent_supplied && !worthless(i) && any_unit {
            nodes.push(AbsentNode {
                code: def.nodes[i].code.clone(),
                name: def.nodes[i].name_vi.clone(),
                max_points: plan.max[i],
            });
        }
    }
    Absent {
        nodes,
        units: units_out,
    }
}
