//! The readers of the `dti` command, as a library: the data-file reader (CSV in long or wide
//! layout, JSON records, Parquet with the `polars` feature) and the method specifications of
//! `dti coin`. The binary uses them through this crate, so fuzz targets and tests exercise
//! exactly what the command runs.

pub mod data;
/// The short method specifications, now in the core (`dti_core::analyses::specs`).
pub use dti_core::analyses::specs as spec;
