//! The composite-indicator methods, each formula with its source: normalisation,
//! aggregation, effective weights, imputation, outlier treatment, statistics, and ranks
//! (competition ranks under a tie rule, within periods).

pub(crate) mod aggregate;
pub(crate) mod impute;
pub(crate) mod normalise;
pub(crate) mod ranks;
pub(crate) use crate::scan;
pub(crate) mod stats;
pub(crate) mod treat;
pub(crate) mod weights;

pub use crate::sum::{exact_sum, ExactSum};
pub use impute::{impute, Imputation, ImputeReport, ImputedValue, NotImputed};
pub use normalise::{NormaliseError, Normaliser, Ties};
// `column_correlations` takes the engine's column results, so it lives in the engine.
pub use crate::engine::columns::column_correlations;
pub use stats::{
    correlation, correlations, indicator_stats, raw_columns, scored_columns, summarise,
    CorrelationMethod, Correlations, IndicatorStats, NamedColumn, NodeCorrelation, StatFlag,
    StatsOptions, Summary,
};
pub use treat::{treat, MovedValue, TreatReport, TreatedColumn, Treatment, Winsorised};
pub use weights::EffectiveWeight;
