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

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::records::ScoreOptions;
use crate::framework::{
    Aggregator, Framework, FrameworkDef, IndicatorMeta, MissingPolicy, NodeDef, Rule,
};
use crate::impute::{impute, Imputation, ImputeReport};
use crate::input::{Entry, UnitRecord, Value};
use crate::normalise::{Normaliser, Ties};
use crate::result::{CohortScores, UnitKey};
use crate::treat::{treat, TreatReport, Treatment};
use crate::validate::FrameworkError;

/// A problem in the tables, located by table, line (1-based, the header is line 1) and column.
///
/// ```
/// let p = dti_core::TableProblem { table: "meta".into(), line: Some(3), column: Some("Parent".into()),
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
/// let err = dti_core::read_tables("iCode\n", "uCode\n", &Default::default()).unwrap_err();
/// assert!(matches!(err, dti_core::TableError::Invalid { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TableError {
    /// Every structural problem found.
    #[error("{} problem(s) in the tables:{}", problems.len(), problems.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    Invalid {
        /// All problems.
        problems: Vec<TableProblem>,
    },
    /// The tables describe a framework that does not validate.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
}

fn default_id() -> String {
    "coin".to_owned()
}

/// How to turn tables into a framework.
///
/// ```
/// let o = dti_core::TableOptions::default();
/// assert_eq!(o.normaliser, dti_core::Normaliser::MinMax { l: 0.0, u: 100.0 });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TableOptions {
    /// Framework id.
    #[serde(default = "default_id")]
    pub id: String,
    /// Normaliser of the indicators (COINr's default: min-max to [0, 100]).
    pub normaliser: Normaliser,
    /// Aggregator of every aggregate (COINr's default: weighted arithmetic mean).
    pub aggregate: Aggregator,
}

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
/// let t = dti_core::read_tables(
///     "iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,IDX,1,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n",
///     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
/// assert_eq!(t.units.len(), 2);
/// assert_eq!(t.framework.leaves().count(), 1);
/// # Ok::<(), dti_core::TableError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tables {
    /// The framework (indicators normalised, aggregates weighted; missing data renormalised).
    pub framework: Framework,
    /// One record per data row (groups from the Group and Other columns).
    pub units: Vec<UnitRecord>,
    /// Denominator columns per record (column → value).
    pub denominators: Vec<BTreeMap<String, f64>>,
    /// Indicator code → the denominator column it is divided by.
    pub denominated: BTreeMap<String, String>,
    /// Denominators of the metadata with no column in the data: (metadata line, code).
    /// Only denominating needs them.
    pub absent_denominators: Vec<(usize, String)>,
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn parse_csv(table: &str, text: &str, problems: &mut Vec<TableProblem>) -> Csv {
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

fn is_na(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("NA")
}

/// Reads the two tables. Every structural problem (unknown parent, gap in levels, duplicate
/// code, non-numeric value, missing column …) is reported with its table, line and column.
///
/// ```
/// let err = dti_core::read_tables(
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
    let data_csv = parse_csv("data", data, &mut problems);
    let at =
        |table: &str, line: Option<usize>, column: Option<&str>, message: String| TableProblem {
            table: table.to_owned(),
            line,
            column: column.map(str::to_owned),
            message,
        };

    let col = |csv: &Csv, name: &str| csv.header.iter().position(|h| h == name);
    let required = |csv: &Csv, table: &str, name: &str, problems: &mut Vec<TableProblem>| {
        let c = col(csv, name);
        if c.is_none() {
            problems.push(at(
                table,
                Some(1),
                Some(name),
                format!("the required column '{name}' is missing"),
            ));
        }
        c
    };
    let m_code = required(&meta_csv, "meta", "iCode", &mut problems);
    let m_level = required(&meta_csv, "meta", "Level", &mut problems);
    let m_parent = required(&meta_csv, "meta", "Parent", &mut problems);
    let m_type = required(&meta_csv, "meta", "Type", &mut problems);
    let m_dir = required(&meta_csv, "meta", "Direction", &mut problems);
    let m_weight = required(&meta_csv, "meta", "Weight", &mut problems);
    let m_name = required(&meta_csv, "meta", "iName", &mut problems);
    let m_unit = col(&meta_csv, "Unit");
    let m_target = col(&meta_csv, "Target");
    let m_denom = col(&meta_csv, "Denominator");
    let d_code = required(&data_csv, "data", "uCode", &mut problems);
    let d_name = col(&data_csv, "uName");
    let d_time = col(&data_csv, "Time");

    struct MetaRow {
        line: usize,
        code: String,
        name: String,
        level: Option<usize>,
        parent: Option<String>,
        kind: String,
        direction: i8,
        weight: f64,
        unit: Option<String>,
        target: Option<f64>,
        denominator: Option<String>,
    }
    let cell = |row: &[String], c: Option<usize>| {
        c.and_then(|c| row.get(c))
            .map_or("", |s| s.as_str())
            .to_owned()
    };
    let mut rows: Vec<MetaRow> = Vec::new();
    if let (Some(_), Some(_), Some(_), Some(_)) = (m_code, m_level, m_parent, m_type) {
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
            let kind = cell(r, m_type);
            let level = num(m_level, "Level", &mut problems);
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
            let direction = match num(m_dir, "Direction", &mut problems) {
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
            let weight = num(m_weight, "Weight", &mut problems).unwrap_or(1.0);
            let parent = Some(cell(r, m_parent)).filter(|p| !is_na(p));
            rows.push(MetaRow {
                line,
                code: cell(r, m_code),
                name: cell(r, m_name),
                level,
                parent,
                kind,
                direction,
                weight,
                unit: Some(cell(r, m_unit)).filter(|u| !is_na(u)),
                target: num(m_target, "Target", &mut problems),
                denominator: Some(cell(r, m_denom)).filter(|d| !is_na(d)),
            });
        }
    }

    // Structure: codes, types, parents, levels.
    let mut by_code: HashMap<&str, &MetaRow> = HashMap::new();
    for r in &rows {
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
    let structural = |r: &MetaRow| r.kind == "Indicator" || r.kind == "Aggregate";
    for r in &rows {
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

    // Data columns.
    let known: HashMap<&str, &str> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.kind.as_str()))
        .collect();
    for (c, h) in data_csv.header.iter().enumerate() {
        if Some(c) == d_code || Some(c) == d_name || Some(c) == d_time {
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
        if !data_csv.header.contains(&r.code) {
            absent_denominators.push((r.line, r.code.clone()));
        }
    }
    for r in rows.iter().filter(|r| r.kind == "Indicator") {
        if !data_csv.header.contains(&r.code) {
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

    // Records.
    let mut units = Vec::new();
    let mut denominators = Vec::new();
    let mut seen: HashMap<(String, Option<i32>), usize> = HashMap::new();
    if d_code.is_some() {
        for (k, r) in data_csv.rows.iter().enumerate() {
            let line = k + 2;
            let code = cell(r, d_code);
            if code.is_empty() {
                problems.push(at(
                    "data",
                    Some(line),
                    Some("uCode"),
                    "the unit code is empty".to_owned(),
                ));
                continue;
            }
            let time = cell(r, d_time);
            let period = if is_na(&time) {
                None
            } else {
                match time.parse::<i32>() {
                    Ok(t) => Some(t),
                    Err(_) => {
                        problems.push(at(
                            "data",
                            Some(line),
                            Some("Time"),
                            format!("'{time}' is not a whole year"),
                        ));
                        None
                    }
                }
            };
            if let Some(first) = seen.insert((code.clone(), period), line) {
                problems.push(at(
                    "data",
                    Some(line),
                    Some("uCode"),
                    format!("unit '{code}' and time appear already on line {first}"),
                ));
                continue;
            }
            let mut rec = UnitRecord::new(&code);
            rec.period = period;
            rec.name = Some(cell(r, d_name)).filter(|n| !is_na(n));
            let mut denoms = BTreeMap::new();
            for (c, h) in data_csv.header.iter().enumerate() {
                let Some(&kind) = known.get(h.as_str()) else {
                    continue;
                };
                let v = r.get(c).map_or("", |s| s.as_str());
                match kind {
                    "Group" | "Other" if !is_na(v) => {
                        rec.groups.insert(h.clone(), v.to_owned());
                    }
                    "Indicator" | "Denominator" if !is_na(v) => match v.parse::<f64>() {
                        Ok(x) if x.is_finite() => {
                            if kind == "Indicator" {
                                rec.values.insert(h.clone(), Entry::from(x));
                            } else {
                                denoms.insert(h.clone(), x);
                            }
                        }
                        _ => problems.push(at(
                            "data",
                            Some(line),
                            Some(h),
                            format!("'{v}' is not a number"),
                        )),
                    },
                    _ => {}
                }
            }
            units.push(rec);
            denominators.push(denoms);
        }
    }
    if !problems.is_empty() {
        return Err(TableError::Invalid { problems });
    }

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
    let denominated = rows
        .iter()
        .filter(|r| r.kind == "Indicator")
        .filter_map(|r| Some((r.code.clone(), r.denominator.clone()?)))
        .collect();
    Ok(Tables {
        framework: Framework::new(def)?,
        units,
        denominators,
        denominated,
        absent_denominators,
    })
}

/// The pipeline of the reference tool, each step optional, in its order.
///
/// ```
/// let p: dti_core::Pipeline = serde_json::from_str(r#"{"denominate": true, "treat": {}}"#)?;
/// assert!(p.denominate && p.treat.is_some());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pipeline {
    /// Divide indicators by their denominator column.
    pub denominate: bool,
    /// Impute missing values.
    pub impute: Option<Imputation>,
    /// Drop units whose share of indicators with a value is below this.
    pub screen: Option<f64>,
    /// Treat outliers.
    pub treat: Option<Treatment>,
    /// Normaliser of every indicator (default: the tables' options).
    pub normalise: Option<Normaliser>,
    /// Aggregator of every aggregate (default: the tables' options).
    pub aggregate: Option<Aggregator>,
    /// When two scores share a rank: `None` compares exactly, as COINr does (R's
    /// `rank(-x, ties.method = "min")`).
    pub ties: Option<Ties>,
    /// Treat every indicator as direction +1: for data already normalised (or oriented)
    /// elsewhere, aggregated as it is.
    pub ignore_directions: bool,
}

/// A unit dropped by screening.
///
/// ```
/// let s = dti_core::Screened { unit: dti_core::UnitKey { row: 0, unit: "A".into(), period: None }, share_available: 0.4 };
/// assert!(s.share_available < 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screened {
    /// The record.
    pub unit: UnitKey,
    /// Its share of indicators with a value.
    pub share_available: f64,
}

/// Why a pipeline could not run.
///
/// ```
/// # let t = dti_core::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,1,1\nB,1,1\n", &Default::default())?;
/// // Every unit has the same x: min-max scaling is undefined.
/// let err = dti_core::run_pipeline(&t, &dti_core::Pipeline::default()).unwrap_err();
/// assert!(matches!(err, dti_core::PipelineError::Score(_)));
/// # Ok::<(), dti_core::TableError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PipelineError {
    /// The pipeline's normaliser or aggregator does not fit the framework.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
    /// Scoring failed.
    #[error(transparent)]
    Score(#[from] crate::ScoreError),
    /// Denominating needs a denominator column the data table does not have.
    #[error("meta, line {line}: denominator '{denominator}' has no column in the data table (denominating needs it)")]
    MissingDenominator {
        /// The metadata line of the denominator.
        line: usize,
        /// Its code.
        denominator: String,
    },
}

/// Everything a pipeline run produced.
///
/// ```
/// # let t = dti_core::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,1,1\nB,1,3\n", &Default::default())?;
/// let run = dti_core::run_pipeline(&t, &dti_core::Pipeline::default())?;
/// assert_eq!(run.data.last().unwrap().0, "Normalised");
/// assert_eq!(run.scores.units[1].value, Some(100.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PipelineRun {
    /// The framework scored (with the pipeline's normaliser and aggregator).
    pub framework: Framework,
    /// Each data set in order: `Raw`, then `Denominated`, `Imputed`, `Screened`, `Treated` as
    /// run, then `Normalised` (the indicators' normalised values).
    pub data: Vec<(String, Vec<UnitRecord>)>,
    /// Denominators missing for a record: (row, indicator, denominator); the value is dropped.
    pub missing_denominators: Vec<(usize, String, String)>,
    /// What imputation did.
    pub imputed: Option<ImputeReport>,
    /// Units dropped by screening.
    pub screened: Vec<Screened>,
    /// What treatment did.
    pub treated: Vec<TreatReport>,
    /// The scores.
    pub scores: CohortScores,
}

/// Runs the pipeline on tables.
///
/// ```
/// # let t = dti_core::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,1,1\nB,1,3\n", &Default::default())?;
/// let p = dti_core::Pipeline { normalise: Some(dti_core::Normaliser::Rank), ..Default::default() };
/// let run = dti_core::run_pipeline(&t, &p)?;
/// assert_eq!(run.scores.units[0].value, Some(1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_pipeline(tables: &Tables, p: &Pipeline) -> Result<PipelineRun, PipelineError> {
    let mut def = tables.framework.def().clone();
    if let Some(n) = &p.normalise {
        def.normaliser = Some(n.clone());
    }
    if let Some(a) = p.aggregate {
        def.aggregate = a;
    }
    if p.ignore_directions {
        for n in &mut def.nodes {
            n.direction = 1;
        }
    }
    if p.denominate {
        let used: Vec<&String> = tables.denominated.values().collect();
        if let Some((line, d)) = tables
            .absent_denominators
            .iter()
            .find(|(_, d)| used.contains(&d))
        {
            return Err(PipelineError::MissingDenominator {
                line: *line,
                denominator: d.clone(),
            });
        }
    }
    // The tables' framework validated; a pipeline normaliser or aggregator is checked here.
    let framework = Framework::new(def)?;
    let mut data = vec![("Raw".to_owned(), tables.units.clone())];
    let mut current = tables.units.clone();
    let mut missing_denominators = Vec::new();
    if p.denominate {
        for (row, rec) in current.iter_mut().enumerate() {
            for (ind, den) in &tables.denominated {
                let Some(Value::Number(x)) = rec.values.get(ind).and_then(Entry::scored).cloned()
                else {
                    continue;
                };
                match tables.denominators[row].get(den) {
                    Some(&d) if d != 0.0 => {
                        rec.values.insert(ind.clone(), Entry::from(x / d));
                    }
                    _ => {
                        rec.values.remove(ind);
                        missing_denominators.push((row, ind.clone(), den.clone()));
                    }
                }
            }
        }
        data.push(("Denominated".to_owned(), current.clone()));
    }
    let mut imputed = None;
    if let Some(how) = &p.impute {
        let (done, report) = impute(&framework, &current, how);
        current = done;
        imputed = Some(report);
        data.push(("Imputed".to_owned(), current.clone()));
    }
    let mut screened = Vec::new();
    if let Some(threshold) = p.screen {
        let leaves: Vec<&str> = framework.leaves().map(|l| l.code.as_str()).collect();
        let mut kept = Vec::new();
        for (row, rec) in current.into_iter().enumerate() {
            let have = leaves
                .iter()
                .filter(|l| rec.values.contains_key(**l))
                .count();
            let share = have as f64 / leaves.len().max(1) as f64;
            if share < threshold {
                screened.push(Screened {
                    unit: UnitKey {
                        row,
                        unit: rec.unit.clone(),
                        period: rec.period,
                    },
                    share_available: share,
                });
            } else {
                kept.push(rec);
            }
        }
        current = kept;
        data.push(("Screened".to_owned(), current.clone()));
    }
    let mut treated = Vec::new();
    if let Some(how) = &p.treat {
        let (done, reports) = treat(&framework, &current, how);
        current = done;
        treated = reports;
        data.push(("Treated".to_owned(), current.clone()));
    }
    let scores = framework.score_with(
        &current,
        &ScoreOptions {
            ties: p.ties.unwrap_or(Ties::Exact),
            // The pipeline reports scores and ranks; explanations are asked of `score` alone.
            explain: false,
            ..ScoreOptions::default()
        },
    )?;
    let normalised = scores
        .units
        .iter()
        .map(|u| {
            let mut rec = UnitRecord::new(&u.unit);
            rec.period = u.period;
            rec.name.clone_from(&u.name);
            for n in u
                .nodes
                .iter()
                .filter(|n| framework.is_leaf(&n.code) == Some(true))
            {
                if let Some(v) = n.value {
                    rec.values.insert(n.code.clone(), Entry::from(v));
                }
            }
            rec
        })
        .collect();
    data.push(("Normalised".to_owned(), normalised));
    Ok(PipelineRun {
        framework,
        data,
        missing_denominators,
        imputed,
        screened,
        treated,
        scores,
    })
}

fn write_csv(header: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(&header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "NA".to_owned(), |v| v.to_string())
}

/// A data set of records in the data-table layout: `uCode, uName, Time`, then one column per
/// leaf of the framework; missing values are `NA`.
///
/// ```
/// # use dti_core::*;
/// # let t = read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,1,1\nB,1,NA\n", &Default::default())?;
/// assert_eq!(write_data(&t.framework, &t.units), "uCode,uName,Time,x\nA,,1,1\nB,,1,NA\n");
/// # Ok::<(), TableError>(())
/// ```
pub fn write_data(fw: &Framework, units: &[UnitRecord]) -> String {
    let leaves: Vec<&str> = fw.leaves().map(|l| l.code.as_str()).collect();
    let mut header = vec!["uCode".to_owned(), "uName".to_owned(), "Time".to_owned()];
    header.extend(leaves.iter().map(|s| (*s).to_owned()));
    let rows = units
        .iter()
        .map(|u| {
            let mut r = vec![
                u.unit.clone(),
                u.name.clone().unwrap_or_default(),
                u.period.map(|p| p.to_string()).unwrap_or_default(),
            ];
            r.extend(
                leaves
                    .iter()
                    .map(|l| match u.values.get(*l).and_then(Entry::scored) {
                        Some(Value::Number(x)) => x.to_string(),
                        Some(other) => other.to_string(),
                        None => "NA".to_owned(),
                    }),
            );
            r
        })
        .collect();
    write_csv(header, rows)
}

/// Results in the reference tool's layout: `uCode, uName, Time`, the score of every node
/// (framework order, so indicators, then aggregates up to the index), and the rank of each,
/// as `Rank_<code>` columns. Missing values are `NA`; numbers are written exactly.
///
/// ```
/// # use dti_core::*;
/// # let t = read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,1,1\nB,1,3\n", &Default::default())?;
/// let run = run_pipeline(&t, &Pipeline::default())?;
/// let csv = write_results(&run.framework, &run.scores);
/// assert_eq!(csv.lines().next(), Some("uCode,uName,Time,x,I,Rank_x,Rank_I"));
/// assert_eq!(csv.lines().nth(2), Some("B,,1,100,100,1,1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_results(fw: &Framework, scores: &CohortScores) -> String {
    let codes: Vec<&str> = fw.def().nodes.iter().map(|n| n.code.as_str()).collect();
    let mut header = vec!["uCode".to_owned(), "uName".to_owned(), "Time".to_owned()];
    header.extend(codes.iter().map(|s| (*s).to_owned()));
    header.extend(codes.iter().map(|s| format!("Rank_{s}")));
    let rows = scores
        .units
        .iter()
        .map(|u| {
            let mut r = vec![
                u.unit.clone(),
                u.name.clone().unwrap_or_default(),
                u.period.map(|p| p.to_string()).unwrap_or_default(),
            ];
            r.extend(u.nodes.iter().map(|n| num(n.value)));
            r.extend(
                u.nodes
                    .iter()
                    .map(|n| n.rank.map_or_else(|| "NA".to_owned(), |k| k.to_string())),
            );
            r
        })
        .collect();
    write_csv(header, rows)
}
