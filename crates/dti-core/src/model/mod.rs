//! The indicator model: a framework (pillars → main indicators → component indicators) as
//! data, its validation, the flat plan the engine runs, the leaf rules, the input records
//! and result types, the official frameworks and the province registry.

pub(crate) mod builtin;
pub(crate) mod checks;
pub(crate) mod choices;
pub(crate) mod definition;
pub(crate) mod forms;
pub(crate) mod framework;
pub(crate) mod input;
pub(crate) mod merge_map;
pub(crate) mod plan;
pub(crate) mod problem;
pub(crate) mod published;
pub(crate) mod registry;
pub(crate) mod result;
pub(crate) mod rules;
pub(crate) mod validate;

pub use builtin::{builtin_ids, Extension, Supplement};
pub use definition::{
    Aggregator, DataSource, FrameworkDef, IndicatorMeta, Level, LevelDef, MissingPolicy, NodeDef,
    Param, Rule, Step, ViewDef, SCHEMA_VERSION,
};
pub use framework::Framework;
pub use input::{Assessed, Entry, UnitRecord, Value, PERIODS};
pub use problem::{FrameworkError, Problem};
pub use published::{
    published_data, published_ids, published_text, total_framework, PublishedData, PublishedRow,
    PUBLISHED_SOURCE, SYNTHETIC_PANEL, TOTAL_CODE,
};
pub use registry::{
    find_province, merger_2025, province_named, provinces, Era, LookupError, Province,
};
pub use result::{
    AssessedScore, CohortScores, Explanation, LeafExplanation, NodeScore, Opportunity, Status,
    UnitKey, UnitScore, ViewScore,
};
pub use validate::is_code;
