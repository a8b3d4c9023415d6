//! Reading unit data: JSON records, or CSV in long (unit, period, indicator, value) or wide
//! (one column per indicator) layout, detected from the header.

use std::fmt;
use std::path::Path;

use dti_core::{Entry, Framework, UnitRecord, Value};

/// The bundled default data: the synthetic 63-province panel, 2021–2023 (vn-pdti-2022).
pub const BUNDLED: &str = include_str!("../../../fixtures/vn-provinces-synthetic/panel.csv");

/// How a CSV file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// Detect from the header: `indicator` and `value` columns mean long.
    Auto,
    /// unit, period, indicator, value (optional self, appraised).
    Long,
    /// unit, period, one column per indicator.
    Wide,
}

/// A problem in an input file, located as precisely as possible.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError {
    pub file: String,
    pub line: Option<usize>,
    pub unit: Option<String>,
    pub indicator: Option<String>,
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ", row {l}")?;
        }
        if let Some(u) = &self.unit {
            write!(f, ", unit '{u}'")?;
        }
        if let Some(i) = &self.indicator {
            write!(f, ", indicator '{i}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

const UNIT: [&str; 6] = ["unit", "ucode", "code", "province", "id", "unit_id"];
const NAME: [&str; 3] = ["name", "uname", "unit_name"];
const PERIOD: [&str; 3] = ["period", "year", "time"];

/// One CSV cell as a value (see [`Value::from_text`]).
pub fn parse_cell(s: &str) -> Option<Value> {
    Value::from_text(s)
}

/// Records read from a file, with the line each began on (CSV).
pub struct Loaded {
    pub name: String,
    pub units: Vec<UnitRecord>,
    pub lines: Vec<Option<usize>>,
}

impl Loaded {
    /// Describes a core input error with the file and line of its record.
    pub fn locate(&self, e: &dti_core::InputError) -> String {
        let mut s = self.name.clone();
        if let Some(Some(l)) = self.lines.get(e.row) {
            s.push_str(&format!(", row {l}"));
        } else {
            s.push_str(&format!(", record {}", e.row + 1));
        }
        s.push_str(&format!(", unit '{}'", e.unit));
        if let Some(p) = e.period {
            s.push_str(&format!(" ({p})"));
        }
        if let Some(i) = &e.indicator {
            s.push_str(&format!(", indicator '{i}'"));
        }
        // A duplicate points at its first record: name that one the same way.
        if let dti_core::InputErrorKind::DuplicateUnit { first_row } = e.kind {
            let first = match self.lines.get(first_row) {
                Some(Some(l)) => format!("row {l}"),
                _ => format!("record {}", first_row + 1),
            };
            return format!("{s}: the unit and period already appear in {first}");
        }
        format!("{s}: {}", e.kind)
    }
}

/// Reads records from a file's text; `name` names the file in errors.
pub fn read_records(
    name: &str,
    text: &str,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
) -> Result<Loaded, Vec<DataError>> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    match ext.as_str() {
        "json" => serde_json::from_str::<Vec<UnitRecord>>(text)
            .map(|units| Loaded {
                name: name.to_owned(),
                lines: vec![None; units.len()],
                units,
            })
            .map_err(|e| {
                vec![DataError {
                    file: name.to_owned(),
                    line: Some(e.line()),
                    unit: None,
                    indicator: None,
                    message: format!("not a JSON array of unit records: {e}"),
                }]
            }),
        _ => read_csv(name, text, fw, layout, groups),
    }
}

/// Reads records from a Parquet file through dti-polars (feature `polars`), with the column
/// names the CSV reader accepts. Rows count from 1 (the first data row). Returns the records
/// and, in lenient mode, the problems of the rows left out.
#[cfg(feature = "polars")]
pub fn read_parquet(
    path: &Path,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    lenient: bool,
) -> Result<(Loaded, Vec<DataError>), Vec<DataError>> {
    use dti_polars::{BatchError, BatchOptions, BatchProblem, ColumnNames};
    let name = path.display().to_string();
    let fail = |message: String| DataError {
        file: name.clone(),
        line: None,
        unit: None,
        indicator: None,
        message,
    };
    let df = dti_polars::read_parquet(path).map_err(|e| vec![fail(e.to_string())])?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let find = |names: &[&str]| {
        header
            .iter()
            .find(|h| names.contains(&h.to_lowercase().as_str()))
            .cloned()
    };
    let mut columns = ColumnNames::default();
    columns.unit = find(&UNIT).ok_or_else(|| {
        vec![fail(
            "no unit column: name one of unit, uCode, code, province, id".to_owned(),
        )]
    })?;
    columns.name = find(&NAME).unwrap_or(columns.name);
    columns.period = find(&PERIOD).unwrap_or(columns.period);
    let opts = BatchOptions {
        columns,
        layout: match layout {
            Layout::Auto => dti_polars::Layout::Auto,
            Layout::Long => dti_polars::Layout::Long,
            Layout::Wide => dti_polars::Layout::Wide,
        },
        groups: groups.to_vec(),
        lenient,
        ..BatchOptions::default()
    };
    let located = |p: &BatchProblem| DataError {
        file: name.clone(),
        line: p.row.map(|r| r + 1),
        unit: p.unit.clone(),
        indicator: p.column.clone(),
        message: p.message.clone(),
    };
    match dti_polars::to_located_records(&df, fw, &opts) {
        Ok((units, rows, report)) => Ok((
            Loaded {
                name: name.clone(),
                lines: rows.iter().map(|r| Some(r + 1)).collect(),
                units,
            },
            report.problems.iter().map(located).collect(),
        )),
        Err(BatchError::Input(report)) => Err(report.problems.iter().map(located).collect()),
        Err(e) => Err(vec![fail(e.to_string())]),
    }
}

fn read_csv(
    name: &str,
    text: &str,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
) -> Result<Loaded, Vec<DataError>> {
    let err = |line: Option<usize>,
               unit: Option<&str>,
               indicator: Option<&str>,
               message: String| DataError {
        file: name.to_owned(),
        line,
        unit: unit.map(str::to_owned),
        indicator: indicator.map(str::to_owned),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(vec![err(Some(1), None, None, e.to_string())]),
    };
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.to_lowercase().as_str()))
    };
    let (Some(c_unit), c_name, c_period) = (find(&UNIT), find(&NAME), find(&PERIOD)) else {
        return Err(vec![err(
            Some(1),
            None,
            None,
            "no unit column: name one of unit, uCode, code, province, id".to_owned(),
        )]);
    };
    let c_ind = find(&["indicator"]);
    let c_val = find(&["value"]);
    let long = match layout {
        Layout::Long => true,
        Layout::Wide => false,
        Layout::Auto => c_ind.is_some() && c_val.is_some(),
    };
    let mut problems = Vec::new();
    let c_groups: Vec<(usize, &str)> = groups
        .iter()
        .filter_map(|g| {
            let c = header.iter().position(|h| h == g);
            if c.is_none() {
                problems.push(err(
                    Some(1),
                    None,
                    None,
                    format!("group column '{g}' is not in the file"),
                ));
            }
            c.map(|c| (c, g.as_str()))
        })
        .collect();
    let codes: Vec<&str> = fw.def().nodes.iter().map(|n| n.code.as_str()).collect();
    let mut indicator_cols = Vec::new();
    if long {
        if c_ind.is_none() || c_val.is_none() {
            problems.push(err(
                Some(1),
                None,
                None,
                "the long layout needs indicator and value columns".to_owned(),
            ));
        }
    } else {
        for (c, h) in header.iter().enumerate() {
            if [Some(c_unit), c_name, c_period].contains(&Some(c))
                || c_groups.iter().any(|g| g.0 == c)
            {
                continue;
            }
            if codes.contains(&h.as_str()) {
                indicator_cols.push(c);
            } else {
                let hint = codes
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(h))
                    .map(|k| format!(" (did you mean '{k}'?)"))
                    .unwrap_or_default();
                problems.push(err(
                    Some(1),
                    None,
                    Some(h),
                    format!("column '{h}' is not an indicator of framework '{}'{hint}; use --group for grouping columns", fw.id()),
                ));
            }
        }
    }
    let (c_self, c_appr) = (find(&["self"]), find(&["appraised"]));
    let mut records: Vec<UnitRecord> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let mut index: std::collections::HashMap<(String, Option<i32>), usize> = Default::default();
    for (k, row) in reader.records().enumerate() {
        let line = k + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(err(Some(line), None, None, e.to_string()));
                continue;
            }
        };
        let get = |c: usize| row.get(c).unwrap_or("").trim();
        let unit = get(c_unit);
        if unit.is_empty() {
            problems.push(err(Some(line), None, None, "the unit is empty".to_owned()));
            continue;
        }
        let period = match c_period.map(get).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => match p.parse::<i32>() {
                Ok(y) => Some(y),
                Err(_) => {
                    problems.push(err(
                        Some(line),
                        Some(unit),
                        None,
                        format!("period '{p}' is not a whole year"),
                    ));
                    continue;
                }
            },
        };
        let slot = if long {
            *index.entry((unit.to_owned(), period)).or_insert_with(|| {
                records.push(UnitRecord::new(unit));
                lines.push(line);
                records.len() - 1
            })
        } else {
            records.push(UnitRecord::new(unit));
            lines.push(line);
            records.len() - 1
        };
        let rec = &mut records[slot];
        rec.period = period;
        if let Some(n) = c_name.map(get).filter(|n| !n.is_empty()) {
            rec.name = Some(n.to_owned());
        }
        for &(c, g) in &c_groups {
            if !get(c).is_empty() {
                rec.groups.insert(g.to_owned(), get(c).to_owned());
            }
        }
        if long {
            let (Some(ci), Some(cv)) = (c_ind, c_val) else {
                continue;
            };
            let ind = get(ci);
            if !codes.contains(&ind) {
                problems.push(err(
                    Some(line),
                    Some(unit),
                    Some(ind),
                    format!("not an indicator of framework '{}'", fw.id()),
                ));
                continue;
            }
            let entry = match (
                c_self.map(|c| parse_cell(get(c))),
                c_appr.map(|c| parse_cell(get(c))),
            ) {
                (Some(s), Some(a)) if s.is_some() || a.is_some() => Some(Entry::assessed(s, a)),
                (Some(s), None) if s.is_some() => Some(Entry::assessed(s, None)),
                _ => parse_cell(get(cv)).map(Entry::Plain),
            };
            if let Some(e) = entry {
                if rec.values.insert(ind.to_owned(), e).is_some() {
                    problems.push(err(
                        Some(line),
                        Some(unit),
                        Some(ind),
                        "this indicator is given twice for the unit and period".to_owned(),
                    ));
                }
            }
        } else {
            for &c in &indicator_cols {
                if let Some(v) = parse_cell(get(c)) {
                    rec.values.insert(header[c].clone(), Entry::Plain(v));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Loaded {
            name: name.to_owned(),
            units: records,
            lines: lines.into_iter().map(Some).collect(),
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(parse_cell(" 0.5 "), Some(Value::Number(0.5)));
        assert_eq!(parse_cell("NA"), None);
        assert_eq!(parse_cell(""), None);
        assert_eq!(parse_cell("yes"), Some(Value::Bool(true)));
        assert_eq!(parse_cell("Không"), Some(Value::Bool(false)));
        assert_eq!(
            parse_cell("954/1865"),
            Some(Value::Ratio {
                numerator: 954.0,
                denominator: 1865.0
            })
        );
        assert_eq!(
            parse_cell("chairman"),
            Some(Value::Label("chairman".into()))
        );
    }

    #[test]
    fn the_bundled_panel_reads() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let recs = read_records("panel.csv", BUNDLED, &fw, Layout::Auto, &[])
            .unwrap()
            .units;
        assert_eq!(recs.len(), 189);
        assert_eq!(recs[0].name.as_deref(), Some("Hà Nội"));
    }
}
