//! What researchers ask of a scored index: scenarios, comparisons and targets
//! (`scenario.rs`), uncertainty, sensitivity and leave-one-out (`robustness.rs`), and
//! units merged from former ones (`merge.rs`).

pub(crate) mod eras;
pub(crate) mod merge;
pub(crate) mod robustness;
pub(crate) mod scenario;

pub use eras::{cohort_era, compare_across_merger};
pub use merge::{
    merge_cohort, MergeError, MergeGroup, MergeMap, MergeOptions, MergeProblem, MergedScores,
    MergedUnit,
};
pub use robustness::{
    leave_one_out, saltelli_matrices, sensitivity, sensitivity_design, sobol_indices, uncertainty,
    uncertainty_design, uncertainty_from_draws, uncertainty_runs, AnalysisError, Design,
    DesignValue, Draws, LeaveOneOut, LeftOut, Progress, SensitivityResult, SensitivitySpec,
    SobolEstimate, SobolIndex, Uncertain, UncertainKind, UncertaintyResult, UncertaintySpec,
    UnitPeriod, UnitUncertainty, MAX_ALTERNATIVES, MAX_BOOTSTRAP, MAX_CELLS, MAX_COMBINATIONS,
    MAX_INPUTS, MAX_RUNS,
};
pub use scenario::{
    compare, kendall_tau, seek_target, Comparison, Goal, NodeComparison, RankingSummary, Scenario,
    ScenarioError, TargetError, TargetResult, TopK, UnitComparison, ValueChange, ValueOp,
};
