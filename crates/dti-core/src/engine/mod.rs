//! The one scoring engine. Every front door — records ([`score_cohort`]), columns
//! ([`score_columns`]), merged units, the COINr tables and the bindings through those —
//! fills the same grid of `f64` columns (`grid.rs`, one per node); the checks
//! (`checks.rs`), the arithmetic (`kernel.rs`) and the ranks (`ranks.rs`) are written once
//! against it; results are turned into per-unit structs only at the edge (`results.rs`),
//! with explanations only when asked (`explain.rs`).
//!
//! [`score_cohort`]: crate::score_cohort
//! [`score_columns`]: crate::score_columns

pub(crate) mod absent;
mod checks;
pub(crate) mod column_io;
pub(crate) mod columns;
pub(crate) mod describe;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod grid;
pub(crate) mod kernel;
pub(crate) mod provinces;
// Ranks are a method (the rank normalisers use them); the engine ranks every node with them.
pub(crate) use crate::methods::ranks;
pub(crate) mod records;
pub(crate) mod results;

pub(crate) use grid::{Cell, ColumnGrid, Grid, Rows, UnitMeta};
pub(crate) use kernel::{
    aggregate_all, aggregate_error, group_by_period, normalisation_groups, normalise_leaves,
    overflow, score_grid,
};

pub use crate::error::{InputError, InputErrorKind, ScoreError};
pub use absent::{absent, absent_in_panel, Absent, AbsentNode};
pub use column_io::{ColumnInput, ColumnOptions, ColumnScores, NumberColumn, ScoreColumn};
pub use columns::{score_columns, score_columns_owned, score_records};
pub use describe::describe_input;
pub use explain::Explanations;
pub use provinces::not_provinces;
pub use ranks::{rank_within, rank_within_by};
pub use records::{explain_unit, score_cohort, ScoreOptions};
