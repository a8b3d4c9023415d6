//! The composite-indicator methods, each formula with its source: normalisation,
//! aggregation, effective weights, imputation, outlier treatment and statistics.

pub(crate) mod aggregate;
pub(crate) mod impute;
pub(crate) mod normalise;
pub(crate) mod stats;
pub(crate) mod treat;
pub(crate) mod weights;
