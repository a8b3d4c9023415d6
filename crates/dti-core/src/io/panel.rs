//! A data set in columns: who each row is (unit, name, period, groups) and one column of
//! numbers per indicator. The COINr pipeline's data sets (raw, denominated, imputed,
//! screened, treated, normalised) are panels, and a panel is what the engine's column
//! adapter reads ([`Panel::input`]), so a pipeline never builds a record per unit.

use std::collections::BTreeMap;

use super::Ids;
use crate::model::input::{Entry, UnitRecord, Value};

/// Rows of units and a column of numbers per indicator; NaN marks a missing value.
///
/// ```
/// use dti_core::{io::Panel, UnitRecord};
/// let records = [UnitRecord::new("A").value("x", 1.0), UnitRecord::new("B").value("y", 2.0)];
/// let p = Panel::from_records(&["x", "y"], &records);
/// assert_eq!(p.column("x").unwrap()[0], 1.0);
/// assert!(p.column("x").unwrap()[1].is_nan());
/// assert_eq!(p.to_records(), records);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    /// The unit id of each row (one buffer, not a `String` a row).
    pub units: Ids,
    /// The unit name of each row; empty when no row has one (a million `None`s are 24 MB):
    /// read them with [`name`](Self::name).
    pub names: Vec<Option<String>>,
    /// The period of each row.
    pub periods: Vec<Option<i32>>,
    /// The groups of each row (group column → value); empty when no row has any (the wide
    /// readers' panels: a million empty maps are 24 MB).
    pub groups: Vec<BTreeMap<String, String>>,
    /// The indicator codes, one per column.
    pub codes: Vec<String>,
    /// One column per code, one number per row (NaN: no value).
    pub columns: Vec<Vec<f64>>,
}

impl Panel {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// The name of row `u`, if it has one.
    pub fn name(&self, u: usize) -> Option<&str> {
        self.names.get(u).and_then(Option::as_deref)
    }

    /// Forgets the names when no row has one (see [`names`](Self::names)).
    pub fn forget_absent_names(&mut self) {
        if self.names.iter().all(Option::is_none) {
            self.names = Vec::new();
        }
    }

    /// Whether the panel has no rows.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The column of `code`.
    pub fn column(&self, code: &str) -> Option<&[f64]> {
        let k = self.codes.iter().position(|c| c == code)?;
        Some(&self.columns[k])
    }

    /// A panel of the numbers `codes` take in the records (anything else counts as missing).
    pub fn from_records(codes: &[&str], records: &[UnitRecord]) -> Panel {
        Panel {
            units: records.iter().map(|r| &r.unit).collect(),
            names: records.iter().map(|r| r.name.clone()).collect(),
            periods: records.iter().map(|r| r.period).collect(),
            groups: records.iter().map(|r| r.groups.clone()).collect(),
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            columns: codes
                .iter()
                .map(|c| {
                    records
                        .iter()
                        .map(|r| match r.values.get(*c).and_then(Entry::scored) {
                            Some(Value::Number(x)) => *x,
                            _ => f64::NAN,
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// One record per row, with a value for every number that is not NaN.
    pub fn to_records(&self) -> Vec<UnitRecord> {
        (0..self.len())
            .map(|u| {
                let mut rec = UnitRecord::new(&self.units[u]);
                rec.name = self.name(u).map(str::to_owned);
                rec.period = self.periods[u];
                if let Some(g) = self.groups.get(u) {
                    rec.groups.clone_from(g);
                }
                for (code, col) in self.codes.iter().zip(&self.columns) {
                    if !col[u].is_nan() {
                        rec.values.insert(code.clone(), Entry::from(col[u]));
                    }
                }
                rec
            })
            .collect()
    }

    /// The rows at `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Panel {
        let pick = |v: &[f64]| rows.iter().map(|&u| v[u]).collect();
        Panel {
            units: rows.iter().map(|&u| &self.units[u]).collect(),
            names: if self.names.is_empty() {
                Vec::new()
            } else {
                rows.iter().map(|&u| self.names[u].clone()).collect()
            },
            periods: rows.iter().map(|&u| self.periods[u]).collect(),
            groups: if self.groups.is_empty() {
                Vec::new()
            } else {
                rows.iter().map(|&u| self.groups[u].clone()).collect()
            },
            codes: self.codes.clone(),
            columns: self.columns.iter().map(|c| pick(c)).collect(),
        }
    }

    /// The same rows with other columns.
    pub fn with_columns(&self, codes: Vec<String>, columns: Vec<Vec<f64>>) -> Panel {
        Panel {
            units: self.units.clone(),
            names: self.names.clone(),
            periods: self.periods.clone(),
            groups: self.groups.clone(),
            codes,
            columns,
        }
    }
}

#[cfg(all(test, feature = "tables"))]
mod tests {
    use super::*;

    /// A wide reader's panel has no groups at all (not a map per row): every use of the rows
    /// still works, and a row's record has no group.
    #[test]
    fn a_panel_without_groups_gives_rows_without_groups() {
        let fw = crate::model::Framework::builtin("vn-pdti-2022").unwrap();
        let text = "unit,period,GOV,ECO\nA,2023,0.5,0.25\nB,2023,0.75,\n";
        let w =
            crate::io::read_wide_numbers("t.csv", text, &fw, &crate::io::ReadOptions::default())
                .unwrap();
        let p = &w.panel;
        assert!(p.groups.is_empty());
        let recs = p.to_records();
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.groups.is_empty()));
        assert_eq!(recs[1].values.len(), 1);
        let picked = p.select(&[1, 0]);
        assert_eq!(picked.units, ["B", "A"]);
        assert!(picked.groups.is_empty());
        // With groups, `select` keeps each row's own.
        let mut g = p.clone();
        g.groups = vec![
            BTreeMap::new(),
            BTreeMap::from([("r".to_owned(), "N".to_owned())]),
        ];
        assert_eq!(g.select(&[1]).groups[0]["r"], "N");
        assert_eq!(g.to_records()[1].groups["r"], "N");
    }
}
