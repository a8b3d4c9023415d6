//! Reading a frame: its header checked against the framework, its columns as values, ids
//! and periods.

use crate::fill::*;
use crate::options::*;
use dti_core::{Framework, UnitRecord, Value};
use polars::prelude::*;

/// Records built from a frame, with the frame row of each.
pub(crate) struct Built {
    pub(crate) records: Vec<UnitRecord>,
    pub(crate) rows: Vec<usize>,
    pub(crate) report: BatchReport,
}

/// A column's cells as values (`None` = missing), or why it cannot hold values.
pub(crate) fn values(col: &Column) -> Result<Vec<Option<Value>>, String> {
    let s = col.as_materialized_series();
    match s.dtype() {
        DataType::Boolean => Ok(s
            .bool()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|b| b.map(Value::Bool))
            .collect()),
        DataType::String => Ok(s
            .str()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|v| v.and_then(Value::from_text))
            .collect()),
        dt if dt.is_primitive_numeric() => {
            let f = s.cast(&DataType::Float64).map_err(|e| e.to_string())?;
            Ok(f.f64()
                .map_err(|e| e.to_string())?
                .iter()
                .map(|v| v.map(Value::Number))
                .collect())
        }
        DataType::Null => Ok(vec![None; s.len()]),
        other => Err(format!(
            "has type {other}, which does not hold indicator values"
        )),
    }
}

pub(crate) fn strings(col: &Column) -> Result<Vec<Option<String>>, String> {
    let s = col
        .as_materialized_series()
        .cast(&DataType::String)
        .map_err(|e| e.to_string())?;
    Ok(s.str()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}

pub(crate) fn periods(col: &Column) -> Result<Vec<Option<i32>>, String> {
    let s = col.as_materialized_series();
    if !s.dtype().is_integer() {
        return Err(format!("has type {}, not whole years", s.dtype()));
    }
    let c = s.cast(&DataType::Int32).map_err(|e| e.to_string())?;
    Ok(c.i32().map_err(|e| e.to_string())?.iter().collect())
}

/// What the header and column types of a frame say, before any row is read.
pub(crate) struct Header {
    pub(crate) long: bool,
    /// Wide layout: the indicator columns (codes of the framework), in frame order.
    pub(crate) indicators: Vec<String>,
    /// Whether every indicator column holds numbers (or only nulls): then the frame can be
    /// scored column by column.
    pub(crate) numeric: bool,
    /// The period column, when there is one and it holds whole years.
    pub(crate) period: Option<String>,
    /// Group columns present in the frame (groups, then rank_within, each once).
    pub(crate) groups: Vec<String>,
    pub(crate) report: BatchReport,
}

pub(crate) fn problem(
    row: Option<usize>,
    column: Option<&str>,
    code: &str,
    message: String,
) -> BatchProblem {
    BatchProblem {
        row,
        column: column.map(str::to_owned),
        unit: None,
        period: None,
        code: code.to_owned(),
        message,
    }
}

/// A frame-level problem that stops reading (strict or not).
pub(crate) fn fatal(column: &str, code: &str, message: String) -> BatchError {
    BatchError::Input(BatchReport {
        problems: vec![problem(None, Some(column), code, message)],
        ignored_columns: Vec::new(),
    })
}

pub(crate) fn header(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<Header, BatchError> {
    let c = &opts.columns;
    let mut report = BatchReport::default();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if !has(&c.unit) {
        return Err(fatal(
            &c.unit,
            "missing_column",
            "the unit column is missing".to_owned(),
        ));
    }
    let long = match opts.layout {
        Layout::Long => true,
        Layout::Wide => false,
        Layout::Auto => has(&c.indicator) && has(&c.value),
    };
    let period = if has(&c.period) {
        let dt = df.column(&c.period)?.dtype();
        if dt.is_integer() {
            Some(c.period.clone())
        } else {
            report.problems.push(problem(
                None,
                Some(&c.period),
                "not_numeric",
                format!("the period column has type {dt}, not whole years"),
            ));
            None
        }
    } else {
        None
    };
    let mut groups: Vec<String> = Vec::new();
    for g in opts.groups.iter().chain(&opts.rank_within) {
        if groups.contains(g) {
            continue;
        }
        if has(g) {
            groups.push(g.clone());
        } else {
            report.problems.push(problem(
                None,
                Some(g),
                "missing_column",
                format!("group column '{g}' is not in the frame"),
            ));
        }
    }
    let mut indicators = Vec::new();
    let mut numeric = true;
    if !long {
        let reserved: Vec<&str> = [&c.unit, &c.name, &c.period]
            .into_iter()
            .map(String::as_str)
            .chain(groups.iter().map(String::as_str))
            .collect();
        for name in &names {
            if reserved.contains(&name.as_str()) {
                continue;
            }
            if fw.node(name).is_none() {
                if opts.ignore_unknown {
                    report.ignored_columns.push(name.clone());
                } else {
                    report.problems.push(problem(
                        None,
                        Some(name),
                        "unknown_column",
                        format!(
                            "column '{name}' is not an indicator of framework '{}'",
                            fw.id()
                        ),
                    ));
                }
                continue;
            }
            match df.column(name)?.dtype() {
                dt if dt.is_primitive_numeric() || dt == &DataType::Null => {}
                DataType::Boolean | DataType::String => numeric = false,
                other => {
                    report.problems.push(problem(
                        None,
                        Some(name),
                        "not_numeric",
                        format!("column '{name}' has type {other}, which does not hold indicator values"),
                    ));
                    continue;
                }
            }
            indicators.push(name.clone());
        }
    }
    Ok(Header {
        long,
        indicators,
        numeric,
        period,
        groups,
        report,
    })
}

pub(crate) fn build(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<Built, BatchError> {
    let c = &opts.columns;
    let Header {
        long,
        indicators,
        period: period_col,
        groups,
        mut report,
        ..
    } = header(df, fw, opts)?;
    let height = df.height();
    let units = strings(df.column(&c.unit)?)
        .map_err(|m| fatal(&c.unit, "not_text", format!("the unit column {m}")))?;
    let unit_names = match df.column(&c.name) {
        Ok(col) => strings(col).unwrap_or_else(|_| vec![None; height]),
        Err(_) => vec![None; height],
    };
    let period = match &period_col {
        Some(p) => periods(df.column(p)?).unwrap_or_else(|_| vec![None; height]),
        None => vec![None; height],
    };
    let mut group_cols = Vec::new();
    for g in &groups {
        group_cols.push((
            g.clone(),
            strings(df.column(g)?).unwrap_or_else(|_| vec![None; height]),
        ));
    }
    let ids = RowIds {
        units: &units,
        names: &unit_names,
        periods: &period,
        groups: &group_cols,
    };
    let mut index = index_records(&ids, long, c, &mut report);
    if long {
        fill_long(df, fw, opts, &mut index, &mut report)?;
    } else {
        fill_wide(df, &indicators, &mut index)?;
    }
    Ok(Built {
        records: index.records,
        rows: index.rows,
        report,
    })
}
