//! The indicator model: a framework (pillars → main indicators → component indicators) as
//! data, its validation, the flat plan the engine runs, the leaf rules, the input records
//! and result types, the official frameworks and the province registry.

pub(crate) mod builtin;
pub(crate) mod forms;
pub(crate) mod framework;
pub(crate) mod input;
pub(crate) mod plan;
pub(crate) mod registry;
pub(crate) mod result;
pub(crate) mod rules;
pub(crate) mod validate;
