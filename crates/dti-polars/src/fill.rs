//! Filling the engine's grid from a frame's rows (long and wide layouts), and records
//! from a frame.

use std::collections::HashMap;

use crate::options::*;
use crate::reading::*;
use dti_core::{Entry, Framework, UnitRecord};
use polars::prelude::*;

/// A frame's id columns, one entry per row.
pub(crate) struct RowIds<'a> {
    pub(crate) units: &'a [Option<String>],
    pub(crate) names: &'a [Option<String>],
    pub(crate) periods: &'a [Option<i32>],
    pub(crate) groups: &'a [(String, Vec<Option<String>>)],
}

/// The frame's records, one per (unit, period), and where their rows are.
pub(crate) struct RecordIndex {
    pub(crate) records: Vec<UnitRecord>,
    /// The first row of each record.
    pub(crate) rows: Vec<usize>,
    /// Each row's record (`usize::MAX`: none — no unit, or a wide duplicate).
    pub(crate) record_of_row: Vec<usize>,
}

/// One record per (unit, period), in order of first appearance; rows without a unit, and
/// wide rows repeating a unit and period, are reported and belong to no record.
pub(crate) fn index_records(
    ids: &RowIds<'_>,
    long: bool,
    c: &ColumnNames,
    report: &mut BatchReport,
) -> RecordIndex {
    let height = ids.units.len();
    let mut records: Vec<UnitRecord> = Vec::new();
    let mut rows: Vec<usize> = Vec::new();
    let mut index: HashMap<(String, Option<i32>), usize> = HashMap::new();
    let mut record_of_row = vec![usize::MAX; height];
    for r in 0..height {
        let Some(u) = ids.units[r].clone().filter(|u| !u.trim().is_empty()) else {
            let mut p = problem(
                Some(r),
                Some(&c.unit),
                "empty_unit_id",
                "the unit is empty".to_owned(),
            );
            p.period = ids.periods[r];
            report.problems.push(p);
            continue;
        };
        let key = (u.clone(), ids.periods[r]);
        if let Some(&first) = index.get(&key) {
            if !long {
                let mut p = problem(
                    Some(r),
                    None,
                    "duplicate_unit",
                    format!(
                        "the unit and period already appear in row {}",
                        rows[first] + 1
                    ),
                );
                p.unit = Some(u);
                p.period = ids.periods[r];
                report.problems.push(p);
                continue;
            }
            record_of_row[r] = first;
            continue;
        }
        let mut rec = UnitRecord::new(&u);
        rec.period = ids.periods[r];
        rec.name = ids.names[r].clone();
        for (g, vals) in ids.groups {
            if let Some(v) = &vals[r] {
                rec.groups.insert(g.clone(), v.clone());
            }
        }
        index.insert(key, records.len());
        record_of_row[r] = records.len();
        records.push(rec);
        rows.push(r);
    }
    RecordIndex {
        records,
        rows,
        record_of_row,
    }
}

/// Fills the records from a long frame's indicator, value and self-assessed/appraised
/// columns, reporting unknown indicators (unless ignored) and values given twice.
pub(crate) fn fill_long(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
    index: &mut RecordIndex,
    report: &mut BatchReport,
) -> Result<(), BatchError> {
    let c = &opts.columns;
    let height = df.height();
    let records = &mut index.records;
    let inds = strings(df.column(&c.indicator)?).unwrap_or_else(|_| vec![None; height]);
    let vals = values(df.column(&c.value)?).map_err(|m| {
        BatchError::Input(BatchReport {
            problems: vec![problem(
                None,
                Some(&c.value),
                "not_numeric",
                format!("the value column {m}"),
            )],
            ignored_columns: Vec::new(),
        })
    })?;
    let side = |name: &str| df.column(name).ok().and_then(|col| values(col).ok());
    let (selfs, apprs) = (side(&c.self_assessed), side(&c.appraised));
    for r in 0..height {
        let k = index.record_of_row[r];
        if k == usize::MAX {
            continue;
        }
        let Some(ind) = inds[r].clone() else { continue };
        if fw.node(&ind).is_none() {
            if opts.ignore_unknown {
                if !report.ignored_columns.contains(&ind) {
                    report.ignored_columns.push(ind);
                }
            } else {
                let mut p = problem(
                    Some(r),
                    Some(&ind),
                    "unknown_indicator",
                    format!("'{ind}' is not an indicator of framework '{}'", fw.id()),
                );
                p.unit = Some(records[k].unit.clone());
                p.period = records[k].period;
                report.problems.push(p);
            }
            continue;
        }
        let s = selfs.as_ref().and_then(|v| v[r].clone());
        let a = apprs.as_ref().and_then(|v| v[r].clone());
        let entry = if s.is_some() || a.is_some() {
            Some(Entry::assessed(s, a))
        } else {
            vals[r].clone().map(Entry::Plain)
        };
        if let Some(e) = entry {
            if records[k].values.insert(ind.clone(), e).is_some() {
                let mut p = problem(
                    Some(r),
                    Some(&ind),
                    "duplicate_value",
                    "this indicator is given twice for the unit and period".to_owned(),
                );
                p.unit = Some(records[k].unit.clone());
                p.period = records[k].period;
                report.problems.push(p);
            }
        }
    }
    Ok(())
}

/// Fills the records from a wide frame's indicator columns (each record from its own row).
pub(crate) fn fill_wide(
    df: &DataFrame,
    indicators: &[String],
    index: &mut RecordIndex,
) -> Result<(), BatchError> {
    for name in indicators {
        // The header checked the type: only text, booleans and numbers get here.
        let Ok(vals) = values(df.column(name)?) else {
            continue;
        };
        for (r, &k) in index.record_of_row.iter().enumerate() {
            if k == usize::MAX || index.rows[k] != r {
                continue;
            }
            if let Some(v) = vals[r].clone() {
                index.records[k]
                    .values
                    .insert(name.clone(), Entry::Plain(v));
            }
        }
    }
    Ok(())
}

/// Builds unit records from a frame (the batch reader behind [`score`](crate::score)), with every
/// problem found; fails in strict mode when there is any.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["HN", "HN"]),
///     Column::new("period".into(), [2022, 2023]),
///     Column::new("indicator".into(), ["GOV", "GOV"]),
///     Column::new("value".into(), [0.5, 0.6]),
/// ])?;
/// let (records, report) = dti_polars::to_records(&df, &fw, &Default::default())?;
/// assert_eq!(records.len(), 2); // long layout detected
/// assert!(report.problems.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_records(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(Vec<UnitRecord>, BatchReport), BatchError> {
    to_located_records(df, fw, opts).map(|(records, _, report)| (records, report))
}

/// [`to_records`], with the frame row (0-based) each record was read from, so that later
/// problems can be located in the frame.
///
/// ```
/// use polars::prelude::*;
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let df = DataFrame::new_infer_height(vec![
///     Column::new("unit".into(), ["", "HN"]),
///     Column::new("GOV".into(), [0.5, 0.6]),
/// ])?;
/// let opts = dti_polars::BatchOptions::default().lenient(true);
/// let (records, rows, report) = dti_polars::to_located_records(&df, &fw, &opts)?;
/// assert_eq!((records.len(), rows[0], report.problems.len()), (1, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_located_records(
    df: &DataFrame,
    fw: &Framework,
    opts: &BatchOptions,
) -> Result<(Vec<UnitRecord>, Vec<usize>, BatchReport), BatchError> {
    let b = build(df, fw, opts)?;
    if !opts.lenient && !b.report.problems.is_empty() {
        return Err(BatchError::Input(b.report));
    }
    Ok((b.records, b.rows, b.report))
}
