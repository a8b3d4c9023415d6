//! Reading unit data: the core's one reader ([`dti_core::io::read_records`]: JSON records,
//! or CSV in long or wide layout), the `--layout` flag, Parquet through dti-polars, and the
//! bundled default data.

#[cfg(feature = "polars")]
use std::path::Path;

use dti_core::io::ReadOptions;
pub use dti_core::io::{FileProblem as DataError, Records as Loaded};
use dti_core::Framework;

/// The bundled default data: the synthetic 63-province panel, 2021–2023 (vn-pdti-2022).
pub const BUNDLED: &str = dti_core::model::SYNTHETIC_PANEL;

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

impl Layout {
    fn core(self) -> dti_core::io::Layout {
        match self {
            Layout::Auto => dti_core::io::Layout::Auto,
            Layout::Long => dti_core::io::Layout::Long,
            Layout::Wide => dti_core::io::Layout::Wide,
        }
    }
}

/// The core's read options from the command's flags.
fn options(layout: Layout, groups: &[String], delimiter: Option<u8>) -> ReadOptions {
    ReadOptions::default()
        .layout(layout.core())
        .groups(groups.to_vec())
        .delimiter(delimiter)
}

/// Reads records from a file's text; `name` names the file in errors.
pub fn read_records(
    name: &str,
    text: &str,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    delimiter: Option<u8>,
) -> Result<Loaded, Vec<DataError>> {
    dti_core::io::read_records(name, text, fw, &options(layout, groups, delimiter))
        .map_err(dti_core::io::ReadError::into_problems)
}

/// A clean wide file straight into columns (see [`dti_core::io::read_wide_numbers`]).
pub fn read_wide_numbers(
    name: &str,
    text: &str,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    delimiter: Option<u8>,
) -> Option<dti_core::io::WideNumbers> {
    dti_core::io::read_wide_numbers(name, text, fw, &options(layout, groups, delimiter))
}

/// Column names the Parquet reader takes for the unit, its name and the period (as the CSV
/// reader does).
#[cfg(feature = "polars")]
const UNIT: [&str; 6] = ["unit", "ucode", "code", "province", "id", "unit_id"];
#[cfg(feature = "polars")]
const NAME: [&str; 3] = ["name", "uname", "unit_name"];
#[cfg(feature = "polars")]
const PERIOD: [&str; 3] = ["period", "year", "time"];

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
    let fail = |message: String| DataError::new(&name, None, message);
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
    let opts = BatchOptions::default()
        .columns(columns)
        .layout(match layout {
            Layout::Auto => dti_polars::Layout::Auto,
            Layout::Long => dti_polars::Layout::Long,
            Layout::Wide => dti_polars::Layout::Wide,
        })
        .groups(groups.to_vec())
        .lenient(lenient);
    let located = |p: &BatchProblem| {
        DataError::new(&name, p.row.map(|r| r + 1), p.message.clone())
            .with_unit(p.unit.as_deref())
            .with_indicator(p.column.as_deref())
    };
    match dti_polars::to_located_records(&df, fw, &opts) {
        Ok((units, rows, report)) => Ok((
            {
                let mut loaded = Loaded::new(&name, units);
                loaded.lines = rows.iter().map(|r| Some(r + 1)).collect();
                loaded
            },
            report.problems.iter().map(located).collect(),
        )),
        Err(BatchError::Input(report)) => Err(report.problems.iter().map(located).collect()),
        Err(e) => Err(vec![fail(e.to_string())]),
    }
}

/// Decodes a file's bytes (see [`dti_core::io::decode`]), naming the file in errors.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    dti_core::io::decode(bytes)
        .map_err(|e| DataError::new(name, Some(e.line), e.message).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_panel_reads() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let recs = read_records("panel.csv", BUNDLED, &fw, Layout::Auto, &[], None)
            .unwrap()
            .units;
        assert_eq!(recs.len(), 189);
        assert_eq!(recs[0].name.as_deref(), Some("Hà Nội"));
    }
}
