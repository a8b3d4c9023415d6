//! What researchers ask of a scored index: scenarios, comparisons and targets
//! (`scenario.rs`); uncertainty (`uncertainty.rs`), sensitivity (`sensitivity.rs`) and
//! leave-one-out (`leave_one_out.rs`) over the assumptions of `assumptions.rs` and the
//! shared evaluator of `prepared.rs`; units merged from former ones (`merge.rs`) and
//! rankings across the 2025 merger (`eras.rs`).
//!
//! The robustness analyses (`composite-methods.md`, "Uncertainty and sensitivity analysis";
//! OECD/JRC Handbook 2008 §7; Saltelli et al. 2010): an uncertain assumption is data
//! ([`Uncertain`]): noise on weights, alternative normalisers, aggregators, weight sets or
//! imputations, or a range for a parameter. Each run maps a point u ∈ [0, 1)ᵈ to one choice
//! per input; runs are independent and seeded by a counter-based generator, so results are
//! identical in any order, on any number of threads (feature `parallel`) and on every
//! platform. The cohort is resolved once; normalised leaf columns are computed once per
//! combination of normaliser (and imputation) choices; a run only re-aggregates flat arrays.

pub(crate) mod assumptions;
pub(crate) mod comparison;
pub(crate) mod eras;
pub(crate) mod forms;
pub(crate) mod leave_one_out;
pub(crate) mod merge;
pub(crate) mod period;
#[cfg(feature = "tables")]
pub(crate) mod pipeline;
pub(crate) mod prepared;
pub(crate) mod scenario;
pub(crate) mod scopes;
pub(crate) mod sensitivity;
pub mod specs;
pub(crate) mod target;
pub(crate) mod uncertainty;

pub use assumptions::{
    AnalysisError, Design, DesignValue, Progress, Uncertain, UncertainKind, MAX_ALTERNATIVES,
    MAX_BOOTSTRAP, MAX_CELLS, MAX_COMBINATIONS, MAX_INPUTS, MAX_RUNS,
};
pub use comparison::{
    compare, kendall_tau, Comparison, NodeComparison, RankingSummary, TopK, UnitComparison,
};
pub use eras::{cohort_era, compare_across_merger};
pub use leave_one_out::{leave_one_out, LeaveOneOut, LeftOut, UnitPeriod};
pub use merge::{
    merge_cohort, MergeError, MergeGroup, MergeMap, MergeOptions, MergeProblem, MergedScores,
    MergedUnit,
};
pub use period::one_period;
#[cfg(feature = "tables")]
pub use pipeline::{
    run_pipeline, write_results, write_results_as, DataSet, MissingDenominator, Pipeline,
    PipelineError, PipelineReport, PipelineRun, Screened,
};
pub use scenario::{Scenario, ScenarioError, ValueChange, ValueOp};
pub use sensitivity::{
    saltelli_matrices, sensitivity, sensitivity_design, sobol_indices, SensitivityResult,
    SensitivitySpec, SobolEstimate, SobolIndex,
};
pub use target::{seek_target, Goal, TargetError, TargetResult};
pub use uncertainty::{
    uncertainty, uncertainty_design, uncertainty_from_draws, uncertainty_runs, Draws,
    UncertaintyResult, UncertaintySpec, UnitUncertainty,
};
