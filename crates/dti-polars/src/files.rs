//! Reading and writing files: CSV (through the core's text checks) and Parquet.

use std::path::Path;

use crate::options::*;
use polars::prelude::*;

/// Reads a CSV file into a frame: every column whose cells all parse as numbers becomes
/// Float64 (`period`-like integer columns Int64), the rest String; empty cells and `NA` are
/// nulls.
///
/// ```no_run
/// let df = dti_polars::read_csv("panel.csv".as_ref())?;
/// # Ok::<(), dti_polars::BatchError>(())
/// ```
pub fn read_csv(path: &Path) -> Result<DataFrame, BatchError> {
    let file = |message: String| BatchError::File {
        path: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| file(e.to_string()))?;
    let text = dti_core::io::decode(bytes).map_err(|e| file(e.to_string()))?;
    read_csv_str(&text).map_err(file)
}

/// [`read_csv`] from text.
///
/// ```
/// let df = dti_polars::read_csv_str("unit,period,GOV\nA,2023,0.5\nB,2023,NA\n")?;
/// assert_eq!(df.column("GOV")?.f64()?.get(1), None);
/// assert_eq!(df.column("period")?.i64()?.get(0), Some(2023));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv_str(text: &str) -> Result<DataFrame, String> {
    // The checks of every reader in the workspace (dti_core::io): a damaged file is an error
    // with its physical line, never a frame with a row lost or a column shifted.
    let delimiter = dti_core::io::sniff_delimiter(text);
    if let Some(line) = dti_core::io::unterminated_quote(text, delimiter) {
        return Err(format!(
            "line {line}: a quoted field opens here and no quote closes it before the end of the file"
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    if let Some(dti_core::io::HeaderProblem { message, .. }) =
        dti_core::io::header_problems(&header).into_iter().next()
    {
        return Err(format!("line 1: {message}"));
    }
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
    let mut rec = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        if !reader
            .read_record(&mut rec)
            .map_err(|e| format!("line {line}: {e}"))?
        {
            break;
        }
        if rec.len() != header.len() {
            if rec.len() == 1 && rec.get(0).is_some_and(str::is_empty) {
                continue; // a blank line
            }
            return Err(format!(
                "line {line}: {} cell(s) where the header has {}",
                rec.len(),
                header.len()
            ));
        }
        for (c, col) in cells.iter_mut().enumerate() {
            let v = rec.get(c).unwrap_or("");
            col.push((!dti_core::io::is_missing(v)).then(|| v.to_owned()));
        }
    }
    let cols = header
        .iter()
        .zip(cells)
        .map(|(h, col)| {
            let ints: Option<Vec<Option<i64>>> = col
                .iter()
                .map(|v| {
                    v.as_ref()
                        .map_or(Some(None), |s| s.parse::<i64>().ok().map(Some))
                })
                .collect();
            let floats: Option<Vec<Option<f64>>> = col
                .iter()
                .map(|v| {
                    v.as_ref()
                        .map_or(Some(None), |s| s.parse::<f64>().ok().map(Some))
                })
                .collect();
            let is_period = ["period", "year", "time"].contains(&h.to_lowercase().as_str());
            match (ints, floats) {
                (Some(i), _) if is_period => Column::new(h.as_str().into(), i),
                (_, Some(f)) if col.iter().any(Option::is_some) => {
                    Column::new(h.as_str().into(), f)
                }
                _ => Column::new(h.as_str().into(), col),
            }
        })
        .collect();
    DataFrame::new_infer_height(cols).map_err(|e| e.to_string())
}

/// Writes a frame to a Parquet file (feature `parquet`): e.g. a panel, or scores for another
/// tool.
///
/// ```no_run
/// let mut df = dti_polars::read_csv("panel.csv".as_ref())?;
/// dti_polars::write_parquet(&mut df, "panel.parquet".as_ref())?;
/// # Ok::<(), dti_polars::BatchError>(())
/// ```
#[cfg(feature = "parquet")]
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), BatchError> {
    let f = std::fs::File::create(path).map_err(|e| BatchError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    ParquetWriter::new(f).finish(df)?;
    Ok(())
}

/// Reads a Parquet file (feature `parquet`).
#[cfg(feature = "parquet")]
pub fn read_parquet(path: &Path) -> Result<DataFrame, BatchError> {
    let f = std::fs::File::open(path).map_err(|e| BatchError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(ParquetReader::new(f).finish()?)
}
