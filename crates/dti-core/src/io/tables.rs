//! The two-table layout of COINr and the JRC COIN Tool (feature `tables`): a metadata table
//! (`iCode, iName, Level, Parent, Direction, Weight, Type`, optional `Unit, Target,
//! Denominator`) and a data table (`uCode`, optional `uName`, `Time`, group columns,
//! denominator columns, one column per indicator), read into a framework and unit records;
//! results written back in the same layout; and the reference tool's pipeline — denominate,
//! impute, screen, treat, normalise, aggregate — each step optional, in that order.
//!
//! Level 1 is the indicators; an aggregate at level L has children at level L − 1. Types:
//! `Indicator`, `Aggregate`, `Group` (a grouping column of the data), `Denominator` (a column
//! that indicators naming it are divided by), `Other` (a column kept as a group). Missing data
//! are empty cells or `NA`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::io::meta::{
    check_data_columns, check_structure, meta_rows, structural, AbsentDenominator, DataColumns,
    MetaColumns, MetaRow,
};
use crate::io::panel::Panel;
use crate::model::choices::Normaliser;
use crate::model::definition::{
    Aggregator, FrameworkDef, IndicatorMeta, MissingPolicy, NodeDef, Rule,
};
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;
use crate::model::validate::FrameworkError;

/// A problem in the tables, located by table, line (1-based, the header is line 1) and column.
///
/// ```
/// let p = dti_core::io::TableProblem { table: "meta".into(), line: Some(3), column: Some("Parent".into()),
///     message: "parent 'X' does not exist".into() };
/// assert_eq!(p.to_string(), "meta, line 3, column Parent: parent 'X' does not exist");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("{table}{}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default(), column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct TableProblem {
    /// `"meta"` or `"data"`.
    pub table: String,
    /// 1-based line (the header is line 1).
    pub line: Option<usize>,
    /// The column.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Why tables could not be read.
///
/// ```
/// let err = dti_core::io::read_tables("iCode\n", "uCode\n", &Default::default()).unwrap_err();
/// assert!(matches!(err, dti_core::io::TableError::Invalid { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TableError {
    /// Every structural problem found.
    #[error("{} problem(s) in the tables:{}", problems.len(), problems.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    #[serde(rename = "invalid_tables")]
    Invalid {
        /// All problems.
        problems: Vec<TableProblem>,
    },
    /// The tables describe a framework that does not validate.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
}

impl TableError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let e = dti_core::io::read_tables("iCode\n", "uCode\n", &Default::default()).unwrap_err();
    /// assert_eq!(e.code(), "invalid_tables");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            TableError::Invalid { .. } => "invalid_tables",
            TableError::Framework(e) => e.code(),
        }
    }

    /// The same error with its tables named as the caller knows them (the files they were
    /// read from): each problem's `"meta"` becomes `meta`, `"data"` becomes `data`.
    ///
    /// ```
    /// let e = dti_core::io::read_tables("iCode\n", "uCode\n", &Default::default()).unwrap_err();
    /// assert!(e.in_files("m.csv", "d.csv").to_string().contains("m.csv, line 1"));
    /// ```
    pub fn in_files(self, meta: &str, data: &str) -> TableError {
        match self {
            TableError::Invalid { mut problems } => {
                for p in &mut problems {
                    p.table = match p.table.as_str() {
                        "meta" => meta.to_owned(),
                        "data" => data.to_owned(),
                        _ => continue,
                    };
                }
                TableError::Invalid { problems }
            }
            other => other,
        }
    }
}

pub(crate) fn default_id() -> String {
    "coin".to_owned()
}

/// How to turn tables into a framework.
///
/// ```
/// let o = dti_core::io::TableOptions::default();
/// assert_eq!(o.normaliser, dti_core::Normaliser::MinMax { l: 0.0, u: 100.0 });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TableOptions {
    /// Framework id.
    #[serde(default = "default_id")]
    pub id: String,
    /// Normaliser of the indicators (COINr's default: min-max to [0, 100]).
    pub normaliser: Normaliser,
    /// Aggregator of every aggregate (COINr's default: weighted arithmetic mean).
    pub aggregate: Aggregator,
}

setters!(TableOptions {
    id: String,
    normaliser: Normaliser,
    aggregate: Aggregator
});

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            id: default_id(),
            normaliser: Normaliser::MinMax { l: 0.0, u: 100.0 },
            aggregate: Aggregator::WeightedMean,
        }
    }
}

/// The deepest `Level` the metadata table may give.
pub const MAX_LEVEL: usize = 1_000;

/// A framework and data read from the two tables.
///
/// ```
/// let t = dti_core::io::read_tables(
///     "iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,IDX,1,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n",
///     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
/// assert_eq!(t.data.len(), 2);
/// assert_eq!(t.framework.leaves().count(), 1);
/// # Ok::<(), dti_core::io::TableError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tables {
    /// The framework (indicators normalised, aggregates weighted; missing data renormalised).
    pub framework: Framework,
    /// The data table in columns: one row per data row (groups from the Group and Other
    /// columns), one column per indicator in metadata order (NaN: `NA`). Shared: the `Raw`
    /// data set of every pipeline run is this panel, not a copy.
    pub data: Arc<Panel>,
    /// The denominator columns (code → one number per data row, NaN: `NA`).
    pub denominators: BTreeMap<String, Vec<f64>>,
    /// Indicator code → the denominator column it is divided by.
    pub denominated: BTreeMap<String, String>,
    /// Denominators of the metadata with no column in the data. Only denominating needs
    /// them.
    pub absent_denominators: Vec<AbsentDenominator>,
}

impl Tables {
    /// One record per data row (for the analyses that take records).
    pub fn records(&self) -> Vec<UnitRecord> {
        self.data.to_records()
    }
}

pub(crate) struct Csv {
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// A table's reader, its header read (a header that cannot be read is a problem).
pub(crate) fn open_csv<'t>(
    table: &str,
    text: &'t str,
    problems: &mut Vec<TableProblem>,
) -> (csv::Reader<&'t [u8]>, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            problems.push(TableProblem {
                table: table.to_owned(),
                line: Some(1),
                column: None,
                message: e.to_string(),
            });
            Vec::new()
        }
    };
    (reader, header)
}

/// A whole table read (the metadata: small).
pub(crate) fn parse_csv(table: &str, text: &str, problems: &mut Vec<TableProblem>) -> Csv {
    let (mut reader, header) = open_csv(table, text, problems);
    let mut rows = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        match rec {
            Ok(r) => rows.push(r.iter().map(str::to_owned).collect()),
            Err(e) => problems.push(TableProblem {
                table: table.to_owned(),
                line: Some(k + 2),
                column: None,
                message: e.to_string(),
            }),
        }
    }
    Csv { header, rows }
}

pub(crate) fn is_na(s: &str) -> bool {
    super::is_missing(s)
}

/// Reads the two tables. Every structural problem (unknown parent, gap in levels, duplicate
/// code, non-numeric value, missing column …) is reported with its table, line and column.
///
/// ```
/// let err = dti_core::io::read_tables(
///     "iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,P,1,1,Indicator\nx,X2,1,P,1,1,Indicator\n",
///     "uCode,Time,x\nA,2024,oops\n", &Default::default()).unwrap_err();
/// let msg = err.to_string();
/// assert!(msg.contains("line 3, column iCode: code 'x' is used more than once"), "{msg}");
/// assert!(msg.contains("parent 'P' does not exist"), "{msg}");
/// assert!(msg.contains("data, line 2, column x: 'oops' is not a number"), "{msg}");
/// ```
pub fn read_tables(meta: &str, data: &str, opts: &TableOptions) -> Result<Tables, TableError> {
    let mut problems = Vec::new();
    let meta_csv = parse_csv("meta", meta, &mut problems);
    // The data table is read row by row into columns (its text is never held twice); the
    // problems of its rows go where a whole read would have listed them.
    let (mut data_reader, header) = open_csv("data", data, &mut problems);
    let rows_at = problems.len();
    let m = MetaColumns::find(&meta_csv, &mut problems);
    let d = DataColumns {
        code: required(&header, "data", "uCode", &mut problems),
        name: column(&header, "uName"),
        time: column(&header, "Time"),
    };
    let rows = meta_rows(&meta_csv, &m, &mut problems);
    check_structure(&rows, &mut problems);
    let (known, absent_denominators) = check_data_columns(&rows, &header, &d, &mut problems);
    let mut unreadable = Vec::new();
    let (data, denominators) = read_data(
        &rows,
        &known,
        (&header, &mut data_reader, &mut unreadable),
        &d,
        &mut problems,
    );
    problems.splice(rows_at..rows_at, unreadable);
    if !problems.is_empty() {
        return Err(TableError::Invalid { problems });
    }
    let denominated = rows
        .iter()
        .filter(|r| r.kind == "Indicator")
        .filter_map(|r| Some((r.code.clone(), r.denominator.clone()?)))
        .collect();
    Ok(Tables {
        framework: Framework::new(framework_def(&rows, opts))?,
        data: Arc::new(data),
        denominators,
        denominated,
        absent_denominators,
    })
}

/// A problem at a table's line and column.
pub(crate) fn at(
    table: &str,
    line: Option<usize>,
    column: Option<&str>,
    message: String,
) -> TableProblem {
    TableProblem {
        table: table.to_owned(),
        line,
        column: column.map(str::to_owned),
        message,
    }
}

/// A cell of a row (empty when the row is short or the column absent).
pub(crate) fn cell(row: &[String], c: Option<usize>) -> String {
    c.and_then(|c| row.get(c))
        .map_or("", |s| s.as_str())
        .to_owned()
}

/// A data table being read: its header, its reader, and the rows it could not read.
pub(crate) type DataReader<'h, 't> = (
    &'h [String],
    &'h mut csv::Reader<&'t [u8]>,
    &'h mut Vec<TableProblem>,
);

pub(crate) fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// A column the table must have; its absence is a problem.
pub(crate) fn required(
    header: &[String],
    table: &str,
    name: &str,
    problems: &mut Vec<TableProblem>,
) -> Option<usize> {
    let c = column(header, name);
    if c.is_none() {
        problems.push(at(
            table,
            Some(1),
            Some(name),
            format!("the required column '{name}' is missing"),
        ));
    }
    c
}

/// The data rows, straight into columns: indicators in metadata order, and the
/// denominator columns.
pub(crate) fn read_data(
    rows: &[MetaRow],
    known: &HashMap<&str, &str>,
    (header, reader, unreadable): DataReader<'_, '_>,
    d: &DataColumns,
    problems: &mut Vec<TableProblem>,
) -> (Panel, BTreeMap<String, Vec<f64>>) {
    // The data, straight into columns: indicators in metadata order, then denominators.
    let indicators: Vec<&str> = rows
        .iter()
        .filter(|r| r.kind == "Indicator")
        .map(|r| r.code.as_str())
        .collect();
    let denominator_codes: Vec<&str> = rows
        .iter()
        .filter(|r| r.kind == "Denominator")
        .map(|r| r.code.as_str())
        .collect();
    let slots = slots(header, known, &indicators, &denominator_codes);
    let mut data = Panel {
        codes: indicators.iter().map(|c| (*c).to_owned()).collect(),
        columns: vec![Vec::new(); indicators.len()],
        ..Panel::default()
    };
    let mut denoms: Vec<Vec<f64>> = vec![Vec::new(); denominator_codes.len()];
    let mut seen: HashMap<(String, Option<i32>), usize> = HashMap::new();
    if d.code.is_some() {
        let mut record = csv::StringRecord::with_capacity(1024, header.len());
        for k in 0.. {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    unreadable.push(at("data", Some(k + 2), None, e.to_string()));
                    continue;
                }
            }
            let r = &record;
            let field = |c: Option<usize>| c.and_then(|c| r.get(c)).unwrap_or("").to_owned();
            let line = k + 2;
            let code = field(d.code);
            if code.is_empty() {
                problems.push(at(
                    "data",
                    Some(line),
                    Some("uCode"),
                    "the unit code is empty".to_owned(),
                ));
                continue;
            }
            let time = field(d.time);
            let period = period_of(&time, line, problems);
            if let Some(first) = seen.insert((code.clone(), period), line) {
                problems.push(at(
                    "data",
                    Some(line),
                    Some("uCode"),
                    format!("unit '{code}' and time appear already on line {first}"),
                ));
                continue;
            }
            data.columns.iter_mut().for_each(|c| c.push(f64::NAN));
            denoms.iter_mut().for_each(|c| c.push(f64::NAN));
            let mut groups = BTreeMap::new();
            for (c, h) in header.iter().enumerate() {
                let v = r.get(c).unwrap_or("");
                if is_na(v) {
                    continue;
                }
                let target = match slots[c] {
                    Slot::Indicator(j) => &mut data.columns[j],
                    Slot::Denominator(j) => &mut denoms[j],
                    Slot::Group => {
                        groups.insert(h.clone(), v.to_owned());
                        continue;
                    }
                    Slot::Skip => continue,
                };
                match v.parse::<f64>() {
                    Ok(x) if x.is_finite() => {
                        if let Some(last) = target.last_mut() {
                            *last = x;
                        }
                    }
                    _ => problems.push(at(
                        "data",
                        Some(line),
                        Some(h),
                        format!("'{v}' is not a number"),
                    )),
                }
            }
            data.units.push(&code);
            data.names.push(Some(field(d.name)).filter(|n| !is_na(n)));
            data.periods.push(period);
            data.groups.push(groups);
        }
    } else {
        // No unit column: no row is read, but every row that cannot be is still reported.
        for (k, rec) in reader.records().enumerate() {
            if let Err(e) = rec {
                unreadable.push(at("data", Some(k + 2), None, e.to_string()));
            }
        }
    }
    let denominators: BTreeMap<String, Vec<f64>> = denominator_codes
        .iter()
        .zip(denoms)
        .filter(|(c, _)| header.iter().any(|h| h == *c))
        .map(|(c, v)| ((*c).to_owned(), v))
        .collect();
    (data, denominators)
}

/// Where a data column goes: an indicator column, a denominator column, a group.
enum Slot {
    Indicator(usize),
    Denominator(usize),
    Group,
    Skip,
}

/// Each data column's [`Slot`], by the type the metadata table gives its name.
fn slots(
    header: &[String],
    known: &HashMap<&str, &str>,
    indicators: &[&str],
    denominators: &[&str],
) -> Vec<Slot> {
    header
        .iter()
        .map(|h| match known.get(h.as_str()) {
            Some(&"Indicator") => indicators
                .iter()
                .position(|c| c == h)
                .map_or(Slot::Skip, Slot::Indicator),
            Some(&"Denominator") => denominators
                .iter()
                .position(|c| c == h)
                .map_or(Slot::Skip, Slot::Denominator),
            Some(&("Group" | "Other")) => Slot::Group,
            _ => Slot::Skip,
        })
        .collect()
}

/// The period of a `Time` cell: none when `NA`, else a year of [`crate::model::PERIODS`]
/// (another is a problem on `line`).
fn period_of(time: &str, line: usize, problems: &mut Vec<TableProblem>) -> Option<i32> {
    if is_na(time) {
        return None;
    }
    match time.parse::<i32>() {
        Ok(t) if crate::model::PERIODS.contains(&t) => Some(t),
        _ => {
            problems.push(at(
                "data",
                Some(line),
                Some("Time"),
                format!("'{time}' is not a year between 1000 and 9999"),
            ));
            None
        }
    }
}

/// The framework of the structural rows, in metadata order: indicators normalised,
/// aggregates weighted, missing data renormalised.
pub(crate) fn framework_def(rows: &[MetaRow], opts: &TableOptions) -> FrameworkDef {
    // The framework: structural rows in metadata order.
    let mut def = FrameworkDef::new(&opts.id, &opts.id, &opts.id);
    def.source = "COINr / JRC COIN Tool two-table layout".to_owned();
    def.aggregate = opts.aggregate;
    def.missing = MissingPolicy::Renormalise;
    def.normaliser = Some(opts.normaliser.clone());
    for r in rows.iter().filter(|r| structural(r)) {
        let mut n = NodeDef::new(&r.code, r.parent.as_deref(), &r.name, &r.name);
        n.weight = Some(r.weight);
        if r.kind == "Indicator" {
            n.rule = Some(Rule::Normalised { normaliser: None });
            n.direction = r.direction;
            n.meta = IndicatorMeta {
                unit: r.unit.clone(),
                target: r.target,
                ..IndicatorMeta::default()
            };
        }
        def.nodes.push(n);
    }
    def
}

#[cfg(test)]
mod tests {
    use crate::io::writer::push_number;
    use proptest::prelude::*;

    pub(crate) fn shown(x: f64) -> String {
        let mut s = String::new();
        push_number(&mut s, x);
        s
    }

    #[test]
    pub(crate) fn numbers_are_written_as_display_writes_them() {
        let edge = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.1 + 0.2,
            100.0,
            1e-7,
            1.5e-300,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            1e15,
            1e16,
            1e21,
            123456789012345680000.0,
            9007199254740993.0,
            0.000123,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in edge {
            assert_eq!(shown(x), format!("{x}"), "{x:e}");
        }
    }

    #[test]
    pub(crate) fn a_tie_between_two_shortest_texts_reads_back_the_same() {
        let x = f64::from_bits(4833207893640142653); // 1337273274742735.25
        assert_eq!(
            (shown(x).as_str(), format!("{x}").as_str()),
            ("1337273274742735.2", "1337273274742735.3")
        );
        assert_eq!(shown(x).parse::<f64>(), Ok(x));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        // Every bit pattern (NaN aside: the writer prints NA before it gets here): the text
        // reads back as x, with as many characters as Display's, and is Display's but for a
        // tie between two shortest texts.
        #[test]
        fn any_double_is_written_as_display_writes_it(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            as_display(x)?;
        }

        #[test]
        fn scores_are_written_as_display_writes_them(x in -1e4f64..1e4) {
            as_display(x)?;
        }
    }

    pub(crate) fn as_display(x: f64) -> Result<(), TestCaseError> {
        let (mine, display) = (shown(x), format!("{x}"));
        prop_assert_eq!(mine.parse::<f64>().map(f64::to_bits), Ok(x.to_bits()));
        prop_assert_eq!(mine.len(), display.len());
        // A tie: the same text but for a last digit one lower (zmij's even choice).
        let (m, d) = (mine.as_bytes(), display.as_bytes());
        let n = m.len() - 1;
        prop_assert!(
            m == d || (m[..n] == d[..n] && m[n] + 1 == d[n] && m[n] % 2 == 0),
            "{} vs {}",
            mine,
            display
        );
        Ok(())
    }
}
