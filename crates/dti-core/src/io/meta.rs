//! The metadata table of the two-table layout read row by row: where its columns are, each row,
//! the structure the rows make (levels, parents, types), and the data columns they name.

use std::collections::HashMap;

use crate::io::tables::{at, cell, column, is_na, required, Csv, TableProblem, MAX_LEVEL};

/// Where the metadata table's columns are.
pub(crate) struct MetaColumns {
    pub(crate) code: Option<usize>,
    pub(crate) level: Option<usize>,
    pub(crate) parent: Option<usize>,
    pub(crate) kind: Option<usize>,
    pub(crate) dir: Option<usize>,
    pub(crate) weight: Option<usize>,
    pub(crate) name: Option<usize>,
    pub(crate) unit: Option<usize>,
    pub(crate) target: Option<usize>,
    pub(crate) denom: Option<usize>,
}

impl MetaColumns {
    pub(crate) fn find(csv: &Csv, problems: &mut Vec<TableProblem>) -> MetaColumns {
        MetaColumns {
            code: required(&csv.header, "meta", "iCode", problems),
            level: required(&csv.header, "meta", "Level", problems),
            parent: required(&csv.header, "meta", "Parent", problems),
            kind: required(&csv.header, "meta", "Type", problems),
            dir: required(&csv.header, "meta", "Direction", problems),
            weight: required(&csv.header, "meta", "Weight", problems),
            name: required(&csv.header, "meta", "iName", problems),
            unit: column(&csv.header, "Unit"),
            target: column(&csv.header, "Target"),
            denom: column(&csv.header, "Denominator"),
        }
    }
}

/// Where the data table's unit, name and time columns are.
pub(crate) struct DataColumns {
    pub(crate) code: Option<usize>,
    pub(crate) name: Option<usize>,
    pub(crate) time: Option<usize>,
}

/// One row of the metadata table.
pub(crate) struct MetaRow {
    pub(crate) line: usize,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) level: Option<usize>,
    pub(crate) parent: Option<String>,
    pub(crate) kind: String,
    pub(crate) direction: i8,
    pub(crate) weight: f64,
    pub(crate) unit: Option<String>,
    pub(crate) target: Option<f64>,
    pub(crate) denominator: Option<String>,
}

/// Indicators and aggregates make the tree; the other types describe data columns.
pub(crate) fn structural(r: &MetaRow) -> bool {
    r.kind == "Indicator" || r.kind == "Aggregate"
}

/// The metadata rows, each value checked (numbers, levels, directions).
pub(crate) fn meta_rows(
    meta_csv: &Csv,
    m: &MetaColumns,
    problems: &mut Vec<TableProblem>,
) -> Vec<MetaRow> {
    let mut rows: Vec<MetaRow> = Vec::new();
    if let (Some(_), Some(_), Some(_), Some(_)) = (m.code, m.level, m.parent, m.kind) {
        for (k, r) in meta_csv.rows.iter().enumerate() {
            let line = k + 2;
            let num =
                |c: Option<usize>, name: &str, problems: &mut Vec<TableProblem>| -> Option<f64> {
                    let s = cell(r, c);
                    if is_na(&s) {
                        return None;
                    }
                    match s.parse::<f64>() {
                        Ok(v) if v.is_finite() => Some(v),
                        _ => {
                            problems.push(at(
                                "meta",
                                Some(line),
                                Some(name),
                                format!("'{s}' is not a number"),
                            ));
                            None
                        }
                    }
                };
            let kind = cell(r, m.kind);
            let level = num(m.level, "Level", problems);
            let level = match level {
                // A tree of more than MAX_LEVEL levels is no composite indicator; the bound
                // also keeps level arithmetic far from overflow.
                Some(l) if (1.0..=MAX_LEVEL as f64).contains(&l) && l.fract() == 0.0 => {
                    Some(l as usize)
                }
                Some(l) => {
                    problems.push(at(
                        "meta",
                        Some(line),
                        Some("Level"),
                        format!("level {l} is not a whole number from 1 to {MAX_LEVEL}"),
                    ));
                    None
                }
                None => None,
            };
            let direction = match num(m.dir, "Direction", problems) {
                Some(1.0) => 1,
                Some(-1.0) => -1,
                None if kind != "Indicator" => 1,
                other => {
                    problems.push(at(
                        "meta",
                        Some(line),
                        Some("Direction"),
                        format!(
                            "direction must be 1 or -1, got {}",
                            other.map_or("nothing".to_owned(), |d| d.to_string())
                        ),
                    ));
                    1
                }
            };
            let weight = num(m.weight, "Weight", problems).unwrap_or(1.0);
            let parent = Some(cell(r, m.parent)).filter(|p| !is_na(p));
            rows.push(MetaRow {
                line,
                code: cell(r, m.code),
                name: cell(r, m.name),
                level,
                parent,
                kind,
                direction,
                weight,
                unit: Some(cell(r, m.unit)).filter(|u| !is_na(u)),
                target: num(m.target, "Target", problems),
                denominator: Some(cell(r, m.denom)).filter(|d| !is_na(d)),
            });
        }
    }

    rows
}

/// Codes, types, parents, levels and denominators of the metadata rows.
pub(crate) fn check_structure(rows: &[MetaRow], problems: &mut Vec<TableProblem>) {
    // Structure: codes, types, parents, levels.
    let mut by_code: HashMap<&str, &MetaRow> = HashMap::new();
    for r in rows {
        if r.code.is_empty() {
            problems.push(at(
                "meta",
                Some(r.line),
                Some("iCode"),
                "the code is empty".to_owned(),
            ));
        } else if by_code.insert(r.code.as_str(), r).is_some() {
            problems.push(at(
                "meta",
                Some(r.line),
                Some("iCode"),
                format!("code '{}' is used more than once", r.code),
            ));
        }
    }
    for r in rows {
        match r.kind.as_str() {
            "Indicator" | "Aggregate" => {
                let Some(level) = r.level else {
                    problems.push(at("meta", Some(r.line), Some("Level"), format!("{} '{}' needs a level", r.kind, r.code)));
                    continue;
                };
                if r.kind == "Indicator" && level != 1 {
                    problems.push(at("meta", Some(r.line), Some("Level"), format!("indicator '{}' must be at level 1, not {level}", r.code)));
                }
                if r.kind == "Aggregate" && level < 2 {
                    problems.push(at("meta", Some(r.line), Some("Level"), format!("aggregate '{}' must be at level 2 or above", r.code)));
                }
                match &r.parent {
                    None if r.kind == "Indicator" => problems.push(at("meta", Some(r.line), Some("Parent"), format!("indicator '{}' has no parent", r.code))),
                    None => {}
                    Some(p) => match by_code.get(p.as_str()) {
                        None => problems.push(at("meta", Some(r.line), Some("Parent"), format!("parent '{p}' does not exist"))),
                        Some(pr) if pr.kind != "Aggregate" => problems.push(at("meta", Some(r.line), Some("Parent"), format!("parent '{p}' is a {}, not an aggregate", pr.kind))),
                        Some(pr) => {
                            if pr.level.is_some_and(|pl| pl != level + 1) {
                                problems.push(at(
                                    "meta",
                                    Some(r.line),
                                    Some("Level"),
                                    format!("'{}' is at level {level} but its parent '{p}' is at level {}: levels must step by one", r.code, pr.level.unwrap_or(0)),
                                ));
                            }
                        }
                    },
                }
            }
            "Group" | "Denominator" | "Other" => {}
            other => problems.push(at("meta", Some(r.line), Some("Type"), format!("unknown type '{other}'; expected Indicator, Aggregate, Group, Denominator or Other"))),
        }
        if let Some(d) = &r.denominator {
            if by_code
                .get(d.as_str())
                .is_none_or(|dr| dr.kind != "Denominator")
            {
                problems.push(at(
                    "meta",
                    Some(r.line),
                    Some("Denominator"),
                    format!("denominator '{d}' is not a Denominator row of the metadata"),
                ));
            }
        }
    }
    for r in rows.iter().filter(|r| r.kind == "Aggregate") {
        if !rows
            .iter()
            .any(|c| c.parent.as_deref() == Some(r.code.as_str()) && structural(c))
        {
            problems.push(at(
                "meta",
                Some(r.line),
                Some("iCode"),
                format!("aggregate '{}' has no children", r.code),
            ));
        }
    }
}

/// The data table's columns against the metadata: each column's type by code, and the
/// denominators without a column (line, code).
pub(crate) fn check_data_columns<'r>(
    rows: &'r [MetaRow],
    header: &[String],
    d: &DataColumns,
    problems: &mut Vec<TableProblem>,
) -> (HashMap<&'r str, &'r str>, Vec<AbsentDenominator>) {
    // Data columns.
    let known: HashMap<&str, &str> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.kind.as_str()))
        .collect();
    for (c, h) in header.iter().enumerate() {
        if Some(c) == d.code || Some(c) == d.name || Some(c) == d.time {
            continue;
        }
        match known.get(h.as_str()) {
            Some(&"Aggregate") => problems.push(at(
                "data",
                Some(1),
                Some(h),
                format!("'{h}' is an aggregate: the data table holds indicators only"),
            )),
            Some(_) => {}
            None => problems.push(at(
                "data",
                Some(1),
                Some(h),
                format!("column '{h}' is not in the metadata"),
            )),
        }
    }
    // Denominator columns are needed only to denominate (an intermediate data set, already
    // denominated, comes without them): their absence is recorded for `run_pipeline`.
    let mut absent_denominators = Vec::new();
    for r in rows.iter().filter(|r| r.kind == "Denominator") {
        if !header.contains(&r.code) {
            absent_denominators.push(AbsentDenominator {
                line: r.line,
                code: r.code.clone(),
            });
        }
    }
    for r in rows.iter().filter(|r| r.kind == "Indicator") {
        if !header.contains(&r.code) {
            problems.push(at(
                "meta",
                Some(r.line),
                Some("iCode"),
                format!(
                    "{} '{}' has no column in the data table",
                    r.kind.to_lowercase(),
                    r.code
                ),
            ));
        }
    }

    (known, absent_denominators)
}

/// A denominator of the metadata table with no column in the data table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AbsentDenominator {
    /// Its line in the metadata table.
    pub line: usize,
    /// Its code.
    pub code: String,
}
