//! # dti-core
//!
//! The indicator model and scoring engine for Vietnam's provincial **Digital Transformation
//! Index** (DTI, *Bộ chỉ số đánh giá chuyển đổi số cấp tỉnh*) and any index built the same
//! way: a tree of pillars, main indicators and component indicators, scored in points or by
//! the composite-indicator methods of the OECD/JRC Handbook.
//!
//! ## Overview
//!
//! - A **framework** is data, not code: a [`FrameworkDef`] (JSON or TOML, one documented
//!   schema) becomes a scorable [`Framework`] once [`Framework::new`] has validated it and
//!   compiled it into flat arrays. Validation reports every problem, each with its node code.
//! - A **cohort** of [`UnitRecord`]s (provinces, districts, departments …) is scored with
//!   [`score_cohort`] (or [`Framework::score`]): per unit, the points, value and rank of every
//!   node and view, the total, and an [`Explanation`].
//! - A **panel held in columns** (one column of numbers per indicator, as a DataFrame or a
//!   [`Panel`](io::Panel) holds it) is scored with [`score_columns`]: the same steps and the same numbers
//!   as [`score_cohort`], one result column per node, fast enough for a million units (the
//!   batch path of `dti-polars`); [`score_records`] gives the same columns from records.
//! - **One engine** behind all of them: every input fills one grid of `f64` columns (one per
//!   node) and runs the same checks, normalisation, aggregation and ranks, so every front
//!   door — records, columns, merged units, the COINr tables, the WASM package — gives the
//!   same numbers to the bit. Per-unit results are built only where they are asked for.
//! - Bad input never panics: [`ScoreError`] lists every problem with its row, unit and
//!   indicator; lenient mode ([`ScoreOptions::lenient`]) scores the rest and reports them.
//! - The official frameworks load by id ([`Framework::builtin`]: `vn-pdti-2020`,
//!   `vn-pdti-2022`, `vn-pdti-2025`); parameters a regulation does not publish are marked
//!   ([`Param`](model::Param)) and supplied by the user ([`Supplement`](model::Supplement)), never guessed; [`Extension`](model::Extension)s add
//!   component indicators.
//! - The province registry ([`provinces`](model::provinces), [`find_province`]) and the 2025 merger
//!   ([`merger_2025`], [`merge_cohort`]): merged units scored from their former units.
//!
//! The crate is pure Rust (serde, serde_json, thiserror, toml behind a feature and rayon
//! behind `parallel`), does no I/O and builds for `wasm32-unknown-unknown`; the same inputs
//! give bit-identical results on every target and any number of threads.
//!
//! ## Where things are
//!
//! The root holds what a first-time user needs: [`Framework`] and its definition, the input
//! ([`UnitRecord`], [`Value`], [`Entry`]), scoring ([`score_cohort`], [`score_columns`],
//! [`score_records`], [`explain_unit`]) and its results, the errors, the built-in frameworks,
//! the province registry and the 2025 merger. Everything else is in a module named like the
//! folder that holds it:
//!
//! | module | what |
//! |---|---|
//! | [`model`] | the framework schema (nodes, rules, levels, views, extensions and supplements), input and result types, the registry |
//! | [`engine`] | the one scoring engine's entry points, options and column results |
//! | [`methods`] | normalisers, ranks, imputation, outlier treatment, statistics and correlations, effective weights |
//! | [`analyses`] | scenarios, comparisons, targets, uncertainty, Sobol sensitivity, leave-one-out, merged units |
//! | [`io`] | safe text-table reading, [`Panel`](io::Panel), the COINr two-table layout (its pipeline is an analysis, re-exported here) |
//! | [`text`] | Vietnamese text keys: diacritics folding, name and unit-id keys, slugs |
//!
//! The layers only point down — a module uses its own layer and the ones below, never one
//! above (`tests/layers.rs` reads every `crate::…` path and fails on one that points up):
//!
//! ```text
//! analyses   scenarios, robustness (uncertainty, sensitivity, leave-one-out), merged units,
//!    ↓       the COINr pipeline
//! engine     the one scoring engine: checks, grid, kernel, results, explanations
//!    ↓
//! methods    formulas: normalisers, aggregators, ranks, imputation, treatment, statistics
//!    ↓
//! io         reading: text checks, records, the COINr tables, panels
//!    ↓
//! model      frameworks, the method choices they name, input, results, registry; errors
//!    ↓
//! text, math, sum   leaves
//! ```
//!
//! ## Quick start
//!
//! A small index in the shape of the DTI 2022 (Decision 922/QĐ-BTTTT): a foundation group
//! shared by two pillar views, scored from main-indicator values in 0..1 (the published form).
//!
//! ```
//! use dti_core::{Framework, UnitRecord};
//!
//! let fw = Framework::from_json(r#"{
//!   "schema_version": 1, "id": "mini", "name_vi": "Chỉ số mini", "name_en": "Mini index",
//!   "scale": 400,
//!   "nodes": [
//!     {"code": "F",   "name_vi": "Nền tảng chung", "name_en": "Foundation"},
//!     {"code": "AWR", "parent": "F", "name_vi": "Nhận thức số", "name_en": "Digital awareness", "max_points": 100},
//!     {"code": "INF", "parent": "F", "name_vi": "Hạ tầng số", "name_en": "Digital infrastructure", "max_points": 100},
//!     {"code": "A",   "name_vi": "Hoạt động", "name_en": "Activities"},
//!     {"code": "GOV", "parent": "A", "name_vi": "Chính quyền số", "name_en": "Digital government", "max_points": 120},
//!     {"code": "ECO", "parent": "A", "name_vi": "Kinh tế số", "name_en": "Digital economy", "max_points": 80}
//!   ],
//!   "views": [
//!     {"code": "CQS", "name_vi": "Chính quyền số", "name_en": "Digital government", "nodes": ["F", "GOV"]},
//!     {"code": "KTS", "name_vi": "Kinh tế số", "name_en": "Digital economy", "nodes": ["F", "ECO"]}
//!   ]
//! }"#)?;
//!
//! let units = [
//!     UnitRecord::new("P1").value("AWR", 0.9).value("INF", 0.8).value("GOV", 0.5).value("ECO", 0.25),
//!     UnitRecord::new("P2").value("AWR", 0.5).value("INF", 0.5).value("GOV", 1.0).value("ECO", 1.0),
//! ];
//! let scores = fw.score(&units)?;
//!
//! // P1: 90 + 80 + 60 + 20 = 250 of 400 points → 0.625.
//! let p1 = &scores.units[0];
//! assert_eq!(p1.points, Some(250.0));
//! assert_eq!(p1.value, Some(0.625));
//! // Its digital-government view: (90 + 80 + 60) / (100 + 100 + 120) = 230 / 320.
//! assert_eq!(p1.view("CQS").and_then(|v| v.value), Some(230.0 / 320.0));
//! // P2: 50 + 50 + 120 + 80 = 300 points, so P2 ranks first.
//! assert_eq!(scores.units[1].rank, Some(1));
//! // P1 would gain most by reaching the top on digital government: 120 − 60 = 60 points.
//! let best = &p1.explanation.as_ref().unwrap().opportunities[0];
//! assert_eq!((best.code.as_str(), best.gain), ("GOV", 60.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Concepts
//!
//! - **Framework**: id, Vietnamese and English names, version, source regulation, `scale`
//!   (total points, e.g. 1000), a missing-data policy, nodes and views.
//! - **Pillar / group, main indicator, component indicator, criterion**: nodes of the tree, of
//!   any depth, linked by `parent`. Each has a stable `code`, `name_vi`, `name_en`, and
//!   `max_points` and/or a relative `weight`.
//! - **Leaf rules** ([`Rule`](model::Rule)) turn raw input into a value in 0..1: `value` (given directly),
//!   `ratio` (a / b), `percent`, `steps` (thresholds → points), `levels` (label → fraction),
//!   `yes_no`, and `normalised` (a cohort-relative [`Normaliser`]). Points = value × max.
//!   Every leaf has a direction (+1 higher is better, −1 lower is better).
//! - **Normalisation** (cohort-relative leaves, [`Normaliser`]): min-max, z-score, rank,
//!   Borda, percentile rank, distance to max, to a reference unit or to a target, fraction of
//!   max, goalposts, fixed bounds, none — chosen per leaf, per level ([`LevelDef`](model::LevelDef)) or for the
//!   whole framework, computed within each period of the cohort or pooled over periods
//!   ([`ScoreOptions::pool_periods`]).
//! - **Weighting and aggregation** ([`Aggregator`]): `points_sum` (the DTI's own: Σ points,
//!   value = points / max), weighted arithmetic, geometric, harmonic and generalised means,
//!   weighted median, Copeland outranking — per node, per level, or for the framework.
//!   Weights are relative among siblings; [`Framework::effective_weights`] multiplies them
//!   down the tree; named weight sets and equal weights are one call away.
//! - **Imputation, outlier treatment, statistics** ([`impute`](methods::impute), [`treat`](methods::treat), [`summarise`](methods::summarise),
//!   [`correlations`](methods::correlations)): each reports what it did; none changes a value it should not.
//! - **The two-table layout** of COINr and the JRC COIN Tool ([`read_tables`](io::read_tables),
//!   [`run_pipeline`](io::run_pipeline), [`write_results`](io::write_results)).
//! - **Views**: reporting aggregates over any set of nodes, value = Σ points / Σ max points
//!   — how each DTI 2022 pillar shares the whole foundation group.
//! - **Missing data** ([`MissingPolicy`](model::MissingPolicy)): `zero` (the official DTI: no report, no points),
//!   `renormalise` (COINr: weights or max points of the available children renormalised), or
//!   `error`.
//! - **Input at any level**: a unit may give a node's value in 0..1 directly (researchers
//!   often have main-indicator values only); its descendants are then not scored, and giving
//!   both is an error naming both.
//! - **Ranks**: 1 = best, ties share the lowest rank (1, 2, 2, 4), missing values get none;
//!   always within a period.
//!
//! ## Schema
//!
//! A framework file (JSON shown; TOML has the same fields):
//!
//! | field | meaning |
//! |---|---|
//! | `schema_version` | must be [`SCHEMA_VERSION`](model::SCHEMA_VERSION) (1) |
//! | `id`, `name_vi`, `name_en`, `version`, `source`, `notes` | identification |
//! | `scale` | total points of the index |
//! | `aggregate` | `{"method": "points_sum"}` (default) or `{"method": "weighted_mean"}` |
//! | `missing` | `"zero"` (default), `"renormalise"` or `"error"` |
//! | `nodes[]` | `code`, `parent`, `name_vi`, `name_en`, `max_points`, `weight`, `aggregate`, `rule`, `direction`, `meta` |
//! | `nodes[].rule` | `{"type": "value"}` (default), `"ratio"`, `"percent"`, `{"type": "steps", "steps": [{"at": 4, "points": 20}]}`, `{"type": "levels", "levels": [{"label": "chairman", "fraction": 1}]}`, `"yes_no"`, `{"type": "normalised", "normaliser": {"method": "min_max", "l": 0, "u": 1}}` |
//! | `nodes[].meta` | `unit`, `data_source` (`self_report`, `automatic`, `survey`), `evidence` |
//! | `views[]` | `code`, `name_vi`, `name_en`, `nodes` (member codes) |
//!
//! Unit records: `{"unit": "HN", "name": "Hà Nội", "period": 2022, "groups": {"region": "…"},
//! "values": {"AWR": 0.8, "MEET": 4, "PORTAL": true, "HEAD": "chairman",
//! "ONLINE": {"numerator": 954, "denominator": 1865}, "X": {"self": 4, "appraised": 3}}}`.
//!
//! ## Untrusted input
//!
//! Everything a user gives — a framework file, unit records, columns, the COINr tables, an
//! analysis specification — is validated, and bad input is an error value, never a panic (a
//! fuzzer runs every reader and the scoring path on random input: `fuzz/`, replayed by the
//! tests).
//!
//! - **Frameworks**: every problem is reported with its node or view code ([`Problem`]):
//!   codes, parents and cycles, weights and max points (finite, not negative, sums that do not
//!   overflow), rules, levels, views; parameters a regulation does not publish must be
//!   supplied before scoring ([`Param`](model::Param)).
//! - **Values**: each is checked against its leaf's rule (in range, of the right kind, finite);
//!   every problem is reported with its row (messages count from 1), unit, period and
//!   indicator ([`InputError`]); empty and repeated unit ids (up to case, diacritics and
//!   spacing) are problems. Lenient mode scores the rest and lists what it left out.
//! - **Numbers never reach an output as NaN or infinity**: a normaliser on a degenerate
//!   column, an aggregate that overflows, a weight sum that overflows are errors
//!   ([`ScoreError`], [`NormaliseError`](methods::NormaliseError)).
//! - **Every count is bounded** before anything is allocated for it: runs of an analysis
//!   ([`MAX_RUNS`](analyses::MAX_RUNS)), result cells runs × units ([`MAX_CELLS`](analyses::MAX_CELLS)), Sobol's N·(d + 2) (computed
//!   without overflow), bootstrap resamples ([`MAX_BOOTSTRAP`](analyses::MAX_BOOTSTRAP)), uncertain inputs
//!   ([`MAX_INPUTS`](analyses::MAX_INPUTS)) and their alternatives ([`MAX_ALTERNATIVES`](analyses::MAX_ALTERNATIVES)), normaliser × imputation
//!   combinations ([`MAX_COMBINATIONS`](analyses::MAX_COMBINATIONS)), COINr levels ([`MAX_LEVEL`](io::MAX_LEVEL)).
//! - **The WASM package** (`dti-wasm`) refuses, with code `too_large`, more than 10,000 units,
//!   frameworks of more than 5,000 nodes and analyses of more than 100,000 runs (a public
//!   portal's limits); an argument of the wrong shape is `bad_argument`; a bug (a trap in the
//!   module) is caught by the package's entry and thrown as an `Error` with code `internal`.
//!   Every other error's `code` is the core error's `code()`.
//!
//! ## Performance
//!
//! One engine: every input fills a grid of `f64` columns (one per node) and runs the same
//! checks, normalisation, aggregation and ranks, so the cost is a few passes over each column
//! plus one sort per ranked column. What costs what (`scripts/bench` measures each beside a
//! naive kernel — min-max, weighted sum, one sort-rank — in the same run; the README's
//! Performance table has the figures):
//!
//! - [`score_columns`] is the fast path: no per-unit records in or out; node ranks are a sort
//!   per column, so they are computed only when asked ([`ColumnOptions::node_ranks`]).
//! - [`score_records`] gives the same columns from records; [`score_cohort`] adds per-unit
//!   results (a struct per unit and node) and, by default, explanations — several times the
//!   cost of the columns for a small cohort. Turn `explain` off when nothing reads it.
//! - Uncertainty and sensitivity re-aggregate on the grid without allocating per run, and
//!   spread runs over all cores with `parallel` (the same numbers on any number of threads).
//!
//! ## Crate features
//!
//! - `toml` (default): read and write framework definitions as TOML.
//! - `tables` (default): read and write the two-table CSV layout of COINr and the JRC COIN
//!   Tool, and run the reference tool's pipeline ([`read_tables`](io::read_tables), [`run_pipeline`](io::run_pipeline)).
//! - `parallel`: run uncertainty and sensitivity analyses on all cores (rayon); results are
//!   identical with and without it. Off by default, and off for wasm32.
#![deny(missing_docs)]

// The crate README's example runs as a doctest, so the page crates.io shows cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// Setters for an options struct that is `#[non_exhaustive]` (other crates cannot write it as
/// a struct literal): `ScoreOptions::default().lenient(true).top_n(3)`, one per field, named
/// like the field.
macro_rules! setters {
    ($t:ty { $($f:ident: $ty:ty),* $(,)? }) => {
        impl $t {
            $(
                #[doc = concat!("Sets `", stringify!($f), "` (see the field).")]
                #[must_use]
                pub fn $f(mut self, $f: $ty) -> Self {
                    self.$f = $f;
                    self
                }
            )*
        }
    };
}

pub mod analyses;
pub mod engine;
mod error;
pub mod io;
mod math;
pub mod methods;
pub mod model;
mod scan;
mod suggest;
mod sum;
pub mod text;

// What a first-time user needs is at the root; everything else is in the modules above
// (named like the folders), each item once.
pub use analyses::{merge_cohort, MergeMap};
pub use engine::{
    explain_unit, score_cohort, score_columns, score_columns_owned, score_records, ColumnInput,
    ColumnOptions, ColumnScores, InputError, InputErrorKind, NumberColumn, ScoreError,
    ScoreOptions,
};
pub use methods::Normaliser;
pub use model::{
    builtin_ids, find_province, merger_2025, Aggregator, CohortScores, Entry, Era, Explanation,
    Framework, FrameworkDef, FrameworkError, NodeScore, Problem, Province, UnitRecord, UnitScore,
    Value, ViewScore,
};
