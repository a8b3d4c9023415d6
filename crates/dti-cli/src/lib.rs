//! The readers of the `dti` command, as a library: the data-file reader (CSV in long or wide
//! layout, JSON records, Parquet with the `polars` feature) and the method specifications of
//! `dti coin`. The binary uses them through this crate, so fuzz targets and tests exercise
//! exactly what the command runs.

pub mod data;
pub mod spec;
