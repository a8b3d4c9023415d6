//! A data frame's typed columns read straight into a [`WideNumbers`] panel: the fast path
//! of the Python package for polars, pandas and pyarrow frames (which cross as Arrow), with
//! the header rules of [`super::read_wide_numbers`] and its answer for anything else: `None`,
//! and the caller takes the general reader, which reports everything a table can hold wrong.

use std::borrow::Cow;

use crate::io::header::{plan_names, province_of};
use crate::io::records::ReadOptions;
use crate::io::wide::WideNumbers;
use crate::io::Ids;
use crate::model::{Framework, PERIODS};

/// One column of a frame, as the frame types it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FrameColumn<'a> {
    /// Text (`None`: null).
    Text(Vec<Option<&'a str>>),
    /// Numbers (NaN: null).
    Numbers(Cow<'a, [f64]>),
    /// Whole numbers (`None`: null).
    Integers(Vec<Option<i64>>),
    /// Any other type (a boolean, a date, a list): the frame takes the general path.
    Other,
}

/// Reads a frame of `rows` rows whose column names are `header`, each column asked of
/// `column` by its position (only the unit, name, period and indicator columns are asked).
/// `None` unless the frame is clean and wide — text units, whole-number or text years, a
/// number or null in every indicator cell — as [`super::read_wide_numbers`] reads a file; rows
/// are numbered as the lines of the frame written as CSV (the first row is line 2).
///
/// ```
/// use dti_core::io::{read_wide_frame, FrameColumn, ReadOptions};
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let header = ["unit".to_owned(), "year".to_owned(), "AWR".to_owned()];
/// let wide = read_wide_frame("frame", &fw, &ReadOptions::default(), &header, 2, &mut |c| match c {
///     0 => FrameColumn::Text(vec![Some("ha-noi"), Some("Đà Nẵng")]),
///     1 => FrameColumn::Integers(vec![Some(2024), Some(2024)]),
///     _ => FrameColumn::Numbers(vec![0.5, f64::NAN].into()),
/// })
/// .expect("a clean frame");
/// assert_eq!(wide.panel.units, ["ha-noi", "da-nang"]);
/// assert!(wide.panel.columns[0][1].is_nan());
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
pub fn read_wide_frame<'a>(
    name: &str,
    fw: &Framework,
    options: &ReadOptions,
    header: &[String],
    rows: usize,
    column: &mut dyn FnMut(usize) -> FrameColumn<'a>,
) -> Option<WideNumbers> {
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let plan = plan_names(name, header, fw, options.layout, &options.groups, b',').ok()?;
    let mut codes: Vec<&str> = plan
        .indicator_cols
        .iter()
        .map(|(_, k)| k.as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if plan.long || !plan.c_groups.is_empty() || codes.len() != plan.indicator_cols.len() {
        return None;
    }
    let FrameColumn::Text(units) = column(plan.c_unit) else {
        return None;
    };
    let names = match plan.c_name.map(&mut *column) {
        None => None,
        Some(FrameColumn::Text(n)) if n.len() == rows => Some(n),
        Some(_) => return None,
    };
    let periods = match plan.c_period.map(&mut *column) {
        None => vec![None; rows],
        Some(c) => years(c, rows)?,
    };
    if units.len() != rows {
        return None;
    }
    let mut columns = Vec::with_capacity(plan.indicator_cols.len());
    for (c, _) in &plan.indicator_cols {
        match column(*c) {
            FrameColumn::Numbers(v) if v.len() == rows && v.iter().all(|x| !x.is_infinite()) => {
                columns.push(v.into_owned());
            }
            // Whole numbers are numbers (a column of counts).
            FrameColumn::Integers(v) if v.len() == rows => {
                columns.push(v.iter().map(|x| x.map_or(f64::NAN, |x| x as f64)).collect());
            }
            _ => return None,
        }
    }
    let mut panel = crate::io::Panel {
        codes: plan.indicator_cols.iter().map(|(_, k)| k.clone()).collect(),
        columns,
        units: Ids::with_capacity(rows, units.iter().flatten().map(|u| u.len()).sum()),
        names: Vec::with_capacity(rows),
        periods: Vec::with_capacity(rows),
        // No group columns here: no groups (see `Panel::groups`).
        groups: Vec::new(),
    };
    for (r, unit) in units.iter().enumerate() {
        let unit = unit.map(str::trim).filter(|u| !u.is_empty())?;
        let period = periods[r];
        // A province named as published is the registry's province, as in a file.
        let province = province_of(fw, unit, period);
        let name = names
            .as_ref()
            .and_then(|n| n[r])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .or_else(|| province.map(|p| p.name_vi.clone()));
        panel.units.push(province.map_or(unit, |p| p.code.as_str()));
        panel.names.push(name);
        panel.periods.push(period);
    }
    panel.forget_absent_names();
    Some(WideNumbers {
        panel,
        lines: (2..rows + 2).collect(),
        notes: plan.notes,
    })
}

/// A period column as years: every cell a year of [`PERIODS`] (whole numbers, or their
/// text), or every cell null; `None` for anything else, which the general reader reports.
fn years(c: FrameColumn<'_>, rows: usize) -> Option<Vec<Option<i32>>> {
    let out: Vec<Option<i32>> = match c {
        FrameColumn::Integers(v) if v.len() == rows => v
            .iter()
            .map(|y| match y {
                None => Some(None),
                Some(y) => i32::try_from(*y)
                    .ok()
                    .filter(|y| PERIODS.contains(y))
                    .map(Some),
            })
            .collect::<Option<Vec<_>>>()?,
        FrameColumn::Text(v) if v.len() == rows => v
            .iter()
            .map(|y| match y.map(str::trim).filter(|y| !y.is_empty()) {
                None => Some(None),
                Some(y) => y.parse().ok().filter(|y| PERIODS.contains(y)).map(Some),
            })
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    // Some rows with a year and some without: the general reader says which.
    let given = out.iter().filter(|y| y.is_some()).count();
    (given == 0 || given == rows).then_some(out)
}
