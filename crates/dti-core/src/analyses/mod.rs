//! What researchers ask of a scored index: scenarios, comparisons and targets
//! (`scenario.rs`), uncertainty, sensitivity and leave-one-out (`robustness.rs`), and
//! units merged from former ones (`merge.rs`).

pub(crate) mod merge;
pub(crate) mod robustness;
pub(crate) mod scenario;
