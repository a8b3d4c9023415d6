//! The names every module of the command uses: the core's types and analyses, the command's
//! own argument groups, loading, tables and output. One `use crate::prelude::*;` a file.

pub(crate) use std::collections::BTreeMap;
pub(crate) use std::path::{Path, PathBuf};

pub(crate) use clap::{Args, Parser, Subcommand};
pub(crate) use dti_cli::{data, spec};
pub(crate) use dti_core::{
    analyses::{
        compare, leave_one_out, sensitivity, sensitivity_design, uncertainty, uncertainty_design,
        Design, DesignValue, MergeOptions, Scenario, SensitivitySpec, UncertaintySpec,
    },
    find_province,
    io::{
        read_tables, run_pipeline, write_data_as, write_results_as, CsvText, Pipeline, TableOptions,
    },
    merge_cohort, merger_2025,
    methods::Ties,
    model::{Extension, Supplement},
    CohortScores, Era, Framework, FrameworkDef, MergeMap, ScoreOptions, UnitRecord, UnitScore,
};

pub(crate) use crate::analysis::*;
pub(crate) use crate::args::*;
pub(crate) use crate::bundled::{Bundled, Source};
pub(crate) use crate::context::*;
pub(crate) use crate::data::{read_records, DataError, Layout, Loaded};
pub(crate) use crate::load::*;
pub(crate) use crate::output::{self, num, rank, signed, Format, Sink, Table};
pub(crate) use crate::ranked::*;
pub(crate) use crate::{coin, files, plot};
pub(crate) use crate::{row, say};
