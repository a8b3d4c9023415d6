//! `dti`: score Vietnam's provincial Digital Transformation Index — and any index built the
//! same way — from the terminal.
//!
//! Exit codes: 0 success, 1 an input error (the message names the file, row, unit and
//! indicator), 2 a usage error.

mod bundled;
mod coin;
mod files;
mod output;
mod plot;

use dti_cli::{data, spec};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dti_core::{
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

use bundled::{Bundled, Source};
use data::{read_records, DataError, Layout, Loaded};
use output::{num, rank, signed, Format, Sink, Table};

const AFTER_HELP: &str = "Examples:
  dti score                                  the official DTI 2024 ranking of the 34 provinces
  dti score --year 2023                      the published DTI 2023 of the 63 provinces
  dti score my-data.csv --year 2023          your data (CSV or JSON, long or wide layout)
  dti data list                              the bundled data: published results, synthetic panel
  dti explain vinh-phuc                      one province's breakdown and best opportunities
  dti merge                                  the 34 provinces of 2025 from the 63 former ones
  dti frameworks show vn-pdti-2022           the framework as a tree with points
  dti coin --meta meta.csv --data data.csv --normalise minmax:0,100 --aggregate geometric
  dti uncertainty spec.json                  rank intervals under uncertain weights and methods
  dti plot ranks --out ranks.svg             a ranked bar chart";

#[derive(Parser)]
#[command(
    name = "dti",
    version,
    about = "Score, explain, merge and analyse Vietnam's provincial Digital Transformation Index (DTI) and any index built the same way",
    after_help = AFTER_HELP,
    // A fixed width keeps the help (and its snapshot test) the same on every terminal.
    term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Fold Vietnamese diacritics to ASCII in the output.
    #[arg(long, global = true)]
    ascii: bool,
    /// When two scores share a rank, in every ranking and in the rank normalisers: `auto`
    /// (the framework's own rule: the DTI frameworks rank values rounded to 4 decimals, as
    /// the ministry publishes them; others a relative 1e-12), `rounded:D` (equal when rounded
    /// to D decimals), `tolerance` or `tolerance:REL` (equal up to a relative difference),
    /// or `exact` (as COINr ranks). Default: auto, and exact for `dti coin`.
    #[arg(long, global = true, value_name = "RULE", value_parser = parse_ties)]
    ties: Option<Ties>,
    /// Write CSV text cells as they are. By default a text cell (a unit, a name, a code —
    /// never a number) that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    /// leading `'`, so that a spreadsheet opening the file does not run it as a formula (as
    /// OWASP recommends against CSV injection).
    #[arg(long, global = true)]
    raw_csv: bool,
}

fn parse_ties(s: &str) -> Result<Ties, String> {
    s.parse()
}

/// The tie rule of this run (`--ties`), set once at start.
static TIES: std::sync::OnceLock<Ties> = std::sync::OnceLock::new();

/// Score options with this run's tie rule.
fn score_options() -> ScoreOptions {
    ScoreOptions::default().ties(TIES.get().copied().unwrap_or_default())
}

#[derive(Args, Clone)]
struct FrameworkArgs {
    /// A built-in framework id (see `dti frameworks list`), `total` (DTI values alone), or a
    /// framework file (.json, .toml). Default: the bundled data's own (`vn-pdti-2024` for the
    /// published 2024 table), else by --year (2024 on: vn-pdti-2024; 2021–2023:
    /// vn-pdti-2022; 2020: vn-pdti-2020), else vn-pdti-2022.
    #[arg(long, short)]
    framework: Option<String>,
    /// Extension files adding component indicators (.json, .toml).
    #[arg(long)]
    extension: Vec<PathBuf>,
    /// A supplement file giving unpublished points or weights (.json).
    #[arg(long)]
    supplement: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct DataArgs {
    /// Data file: CSV (long: unit, period, indicator, value; or wide: one column per
    /// indicator), JSON unit records, or Parquet (builds with the `polars` feature; rows
    /// count from 1); or bundled data by name (`dti data list`): `published` (the official
    /// DTI 2024 of the 34 provinces, the default), `published:dti-63` (the DTI of the 63
    /// provinces, 2022–2024; the default for --year 2022 and 2023), `synthetic` (a
    /// synthetic 63-province panel with component indicators).
    data: Option<PathBuf>,
    /// CSV layout.
    #[arg(long, value_enum, default_value = "auto")]
    layout: Layout,
    /// Columns holding groups (e.g. region) rather than indicators.
    #[arg(long)]
    group: Vec<String>,
    /// The period to show (default: the latest in the data).
    #[arg(long)]
    year: Option<i32>,
    /// Score the good records and report the bad ones instead of failing: a bad value
    /// counts as missing (the framework's missing policy decides what that is worth), a bad
    /// row is left out, and every result row lists its problems.
    #[arg(long)]
    lenient: bool,
    /// The CSV field separator: `,` `;` or `tab` (default: detected from the header).
    #[arg(long, value_parser = dti_core::io::parse_delimiter)]
    delimiter: Option<u8>,
}

impl DataArgs {
    /// A data argument and a period, every other option at its default.
    fn of(data: Option<PathBuf>, year: Option<i32>) -> DataArgs {
        DataArgs {
            data,
            layout: Layout::Auto,
            group: Vec::new(),
            year,
            lenient: false,
            delimiter: None,
        }
    }
}

/// COINr's two tables instead of a framework and a data file.
#[derive(Args, Clone)]
struct TablesArgs {
    /// A COINr metadata table (iCode, iName, Level, Parent, Direction, Weight, Type, …):
    /// with --data, the framework and the data of the analysis (min-max to [0, 100] and
    /// arithmetic means, as `dti coin` by default).
    #[arg(long, requires = "table")]
    meta: Option<PathBuf>,
    /// The COINr data table that goes with --meta.
    #[arg(long = "data", id = "table", value_name = "DATA", requires = "meta")]
    table: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Score a cohort and print the ranked table (rank, unit, value, points, pillars).
    Score(ScoreArgs),
    /// One unit's breakdown: every node against its max, the pillars, the best opportunities.
    Explain(ExplainArgs),
    /// Score merged units from their former units (default: the 2025 province merger).
    Merge(MergeArgs),
    /// List, show or validate frameworks.
    Frameworks {
        #[command(subcommand)]
        action: FrameworksCommand,
    },
    /// Score COINr / JRC COIN Tool two-table data through the reference tool's steps.
    #[command(after_help = "Method specifications:
  --normalise  minmax[:l,u] (default 0,100) | zscore[:m,s] | rank | borda | prank | dist2max |
               fracmax | dist2ref:UNIT[,cap] | dist2targ[:cap] (targets from the Target column) |
               goalposts:lo,hi[,scale] | fixed:a,b[,k] | none (values times their direction:
               a -1 indicator is negated; with --directions ignore, values as they are)
  --aggregate  mean | geometric | harmonic | genmean:p | median | copeland
  --impute     mean | median | group-mean:COLUMN | group-median:COLUMN | latest | interpolate
  --treat      default (winsorise up to 5 points, else log) | winsor:N[,skew,kurtosis]
Steps run in this order: denominate, impute, screen, treat, normalise, aggregate. Denominator
columns are needed only with --denominate, so intermediate data sets can be read back.
Output: --format table (default) the ranked index, csv the results table (full precision), json
the scores with the treatment log, effective weights, statistics and correlations (also CSV
files in --out-dir).
Ranks compare scores exactly, as COINr does (--ties tolerance to share near-equal ranks).
Example: dti coin --meta meta.csv --data data.csv --denominate --impute mean --normalise minmax:0,100 --aggregate geometric")]
    Coin(CoinArgs),
    /// Apply a what-if scenario (JSON) and compare it with the baseline.
    Scenario(ScenarioArgs),
    /// Compare two rankings: two files, two periods (--from, --to) or two frameworks
    ///
    /// Units are matched by id; the command exits 1 when the two rankings have no ranked unit
    /// in common, and warns about units ranked on one side only.
    #[command(after_help = "Examples:
  dti compare before.csv after.csv                 two data files, the latest period of the first
  dti compare panel.csv --from 2022 --to 2023      year-over-year rank shifts in one panel
  dti compare panel.csv --framework-b custom.json  the same data under two frameworks
  dti compare --from 2023 --to 2024                the published DTI across the 2025 merger
A ranking of the 63 former provinces compared with one of the 34 is merged onto the 34 first
(plain means of the former provinces' values, the ministry's DTI 2024 rule), and says so.")]
    Compare(CompareArgs),
    /// Uncertainty analysis: rank intervals under uncertain weights and methods.
    Uncertainty(UncertaintyArgs),
    /// Sensitivity analysis: Sobol indices of the rank changes.
    Sensitivity(SensitivityArgs),
    /// Leave each component of a level out in turn and report the rank changes.
    LeaveOneOut(LeaveOneOutArgs),
    /// Draw an SVG chart.
    Plot {
        #[command(subcommand)]
        kind: PlotCommand,
    },
    /// The bundled data: the official published DTI results (2022–2024) and a synthetic panel.
    Data {
        #[command(subcommand)]
        action: DataCommand,
    },
}

/// How the core's CSV writers write text cells in this run (`--raw-csv`).
fn csv_text_rule() -> CsvText {
    if output::RAW_CSV.load(std::sync::atomic::Ordering::Relaxed) {
        CsvText::Raw
    } else {
        CsvText::Neutralised
    }
}

/// `dti data`.
#[derive(Subcommand)]
enum DataCommand {
    /// List the bundled data sets, their years, frameworks and sources.
    List {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Print a bundled published table as published (`published`, `published:dti-63`).
    Show {
        /// The data set's name (`dti data list`).
        name: String,
        #[command(flatten)]
        out: OutputArgs,
    },
}

/// The arguments of `dti score`.
#[derive(Args)]
struct ScoreArgs {
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti explain`.
#[derive(Args)]
struct ExplainArgs {
    /// The unit (id or name; case and diacritics ignored).
    unit: String,
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    out: OutputArgs,
    /// How many opportunities to list.
    #[arg(long, default_value_t = 5)]
    top: usize,
}

/// The arguments of `dti merge`.
#[derive(Args)]
struct MergeArgs {
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    /// A CSV map: merged unit, former unit (ids or province names).
    #[arg(long)]
    map: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti coin`.
#[derive(Args)]
struct CoinArgs {
    /// The metadata table (iCode, iName, Level, Parent, Direction, Weight, Type, …).
    #[arg(long)]
    meta: PathBuf,
    /// The data table (uCode, uName, Time, groups, denominators, indicators).
    #[arg(long)]
    data: PathBuf,
    /// Divide indicators by their denominator column.
    #[arg(long)]
    denominate: bool,
    /// Impute missing values (see below).
    #[arg(long, value_parser = spec::imputation)]
    impute: Option<dti_core::methods::Imputation>,
    /// Drop units with a share of indicators below this (0..1).
    #[arg(long, value_parser = spec::share)]
    screen: Option<f64>,
    /// Treat outliers (see below).
    #[arg(long, value_parser = spec::treatment)]
    treat: Option<dti_core::methods::Treatment>,
    /// The normaliser (see below).
    #[arg(long, value_parser = spec::normaliser)]
    normalise: Option<dti_core::Normaliser>,
    /// The aggregator (see below).
    #[arg(long, value_parser = spec::aggregator)]
    aggregate: Option<dti_core::Aggregator>,
    /// `keep` the metadata's directions, or `ignore` them (every indicator +1): for data
    /// already normalised or oriented elsewhere, aggregated as it is.
    #[arg(long, value_enum, default_value = "keep")]
    directions: Directions,
    /// Also write every intermediate data set, the results, the treatment log, effective
    /// weights, indicator statistics and correlations (CSV) into this folder.
    #[arg(long)]
    out_dir: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti scenario`.
#[derive(Args)]
struct ScenarioArgs {
    /// The scenario file.
    file: PathBuf,
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    tables: TablesArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti compare`.
#[derive(Args)]
struct CompareArgs {
    /// The baseline data (a file or bundled data by name). Default: the published DTI —
    /// the 63 provinces for 2022 and 2023, the 34 for 2024 — with --from 2023 --to 2024.
    a: Option<PathBuf>,
    /// The data compared with it (default: the baseline data again, for --from/--to or
    /// --framework-b).
    b: Option<PathBuf>,
    #[command(flatten)]
    fw: FrameworkArgs,
    /// Score B with this framework (a built-in id or a file) instead of --framework.
    #[arg(long)]
    framework_b: Option<String>,
    /// A COINr metadata table: A and B are then COINr data tables scored with it.
    #[arg(long, conflicts_with = "framework_b")]
    meta: Option<PathBuf>,
    /// The period of both rankings (default: the latest of the baseline).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<i32>,
    /// The baseline's period.
    #[arg(long)]
    from: Option<i32>,
    /// The compared ranking's period.
    #[arg(long)]
    to: Option<i32>,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti uncertainty`.
#[derive(Args)]
struct UncertaintyArgs {
    /// The specification (JSON: runs, seed, inputs).
    spec: PathBuf,
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    tables: TablesArgs,
    /// A given design (CSV or JSON: one row per run naming each input's choice).
    #[arg(long)]
    design: Option<PathBuf>,
    /// Write every run's choices and ranks here (CSV).
    #[arg(long)]
    draws: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti sensitivity`.
#[derive(Args)]
struct SensitivityArgs {
    /// The specification (JSON: n, seed, bootstrap, inputs).
    spec: PathBuf,
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    tables: TablesArgs,
    /// A given Saltelli design (CSV or JSON): N rows of A, N of B, then N of each ABᵢ
    /// in the order of the spec's inputs.
    #[arg(long)]
    design: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// The arguments of `dti leaveoneout`.
#[derive(Args)]
struct LeaveOneOutArgs {
    #[command(flatten)]
    fw: FrameworkArgs,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    tables: TablesArgs,
    /// The depth of the components from the top (1 = groups, 2 = main indicators, …).
    /// Default: 2.
    #[arg(long, conflicts_with = "level")]
    depth: Option<usize>,
    /// The level of the components counted as COINr counts them, from the bottom
    /// (1 = indicators, 2 = their parents, …).
    #[arg(long)]
    level: Option<usize>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Subcommand)]
enum FrameworksCommand {
    /// The built-in frameworks.
    List,
    /// A framework as a tree with points.
    Show {
        /// A built-in id or a framework file.
        framework: String,
        /// Extension files to add.
        #[arg(long)]
        extension: Vec<PathBuf>,
    },
    /// Validate a framework file and print every problem.
    Validate {
        /// The framework file (.json, .toml).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum PlotCommand {
    /// A ranked bar chart of the index.
    Ranks {
        #[command(flatten)]
        fw: FrameworkArgs,
        #[command(flatten)]
        data: DataArgs,
        /// The SVG file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Median rank with 5–95 % bars per unit, from an uncertainty specification.
    Uncertainty {
        /// The specification (JSON).
        spec: PathBuf,
        #[command(flatten)]
        fw: FrameworkArgs,
        #[command(flatten)]
        data: DataArgs,
        /// The SVG file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// One unit's pillar values.
    Pillars {
        /// The unit.
        unit: String,
        #[command(flatten)]
        fw: FrameworkArgs,
        #[command(flatten)]
        data: DataArgs,
        /// The SVG file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

/// Whether `dti coin` keeps the metadata's directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Directions {
    /// Multiply each indicator by its direction before normalising.
    Keep,
    /// Every indicator counts as +1.
    Ignore,
}

/// A failure: the message for standard error (exit code 1).
type Fail = String;

/// A usage error: the message, `dti --help` advice and exit code 2 (as clap's own).
fn usage(message: &str) -> ! {
    use clap::CommandFactory;
    Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

/// Reads a text file: UTF-8 (with or without a byte-order mark) or UTF-16 with one; other
/// encodings are an error naming the first line that is not UTF-8.
fn read_file(path: &Path) -> Result<String, Fail> {
    let bytes = files::read(path)?;
    data::decode(&path.display().to_string(), bytes).map_err(|e| e.to_string())
}

fn report(errors: Vec<DataError>) -> Fail {
    dti_core::io::describe(&errors)
}

/// The framework of a command whose data is `data`: --framework, or the data's own.
fn framework_for(args: &FrameworkArgs, data: &DataArgs) -> Result<Framework, Fail> {
    let source = Source::of(data.data.as_deref(), data.year);
    load_framework(args, source.framework(data.year))
}

fn load_framework(args: &FrameworkArgs, default: &str) -> Result<Framework, Fail> {
    let id = args.framework.as_deref().unwrap_or(default);
    let path = Path::new(id);
    // A file that exists is a file, whatever its name (`vn-mine.json`, `fwfile`); else an id.
    let mut def = if id == "total" {
        dti_core::model::total_framework().into_def()
    } else if path.is_file() || (path.extension().is_some() && !id.starts_with("vn-")) {
        let text = read_file(path)?;
        let parsed: Result<FrameworkDef, String> = if id.ends_with(".toml") {
            toml_def(&text)
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        };
        parsed.map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        FrameworkDef::builtin(id).map_err(|e| e.to_string())?
    };
    for ext in &args.extension {
        let text = read_file(ext)?;
        let e = if ext.extension().is_some_and(|x| x == "toml") {
            Extension::from_toml(&text)
        } else {
            Extension::from_json(&text)
        }
        .map_err(|e| format!("{}: {e}", ext.display()))?;
        // A framework that was whole before the extension and is not after it: the
        // extension's problems, named by the extension file.
        let whole = Framework::new(def.clone()).is_ok();
        def.extend(&e)
            .map_err(|e| format!("{}: {e}", ext.display()))?;
        if whole {
            if let Err(e) = Framework::new(def.clone()) {
                return Err(format!("{}: {e}", ext.display()));
            }
        }
    }
    if let Some(s) = &args.supplement {
        let sup: Supplement =
            serde_json::from_str(&read_file(s)?).map_err(|e| format!("{}: {e}", s.display()))?;
        def.supplement(&sup)
            .map_err(|e| format!("{}: {e}", s.display()))?;
    }
    Framework::new(def).map_err(|e| format!("framework {id}: {e}"))
}

fn toml_def(text: &str) -> Result<FrameworkDef, String> {
    Framework::from_toml(text)
        .map(Framework::into_def)
        .map_err(|e| e.to_string())
}

fn load_data(fw: &Framework, args: &DataArgs) -> Result<Loaded, Fail> {
    let source = Source::of(args.data.as_deref(), args.year);
    let loaded = match &source {
        Source::File(p) => load_file(
            p,
            fw,
            args.layout,
            &args.group,
            args.lenient,
            args.delimiter,
        ),
        Source::Bundled(b) => load_bundled(fw, *b, args.lenient),
    }?;
    said_aloud(fw, &loaded, &source.display())?;
    Ok(loaded)
}

/// What would score silently wrong is said: data with no unit at all is an error; an
/// indicator that no unit reports (every unit would score 0 of its points) and a unit that
/// reports nothing are warnings naming them.
fn said_aloud(fw: &Framework, loaded: &Loaded, name: &str) -> Result<(), Fail> {
    if loaded.units.is_empty() && loaded.file_problems.is_empty() {
        return Err(format!("{name} holds no unit: nothing to score"));
    }
    for m in dti_core::engine::absent(fw, &loaded.units).messages() {
        say!("warning: {name}: {m}");
    }
    Ok(())
}

/// A bundled data set, read as its file would be (the published tables' notes about result
/// columns read past are not repeated: they are the tables as published).
fn load_bundled(fw: &Framework, b: Bundled, lenient: bool) -> Result<Loaded, Fail> {
    // The published tables as the core resolves them (registry ids, names as published),
    // whatever the framework; the synthetic panel as its file.
    if let Some(d) = b.published() {
        return Ok(Loaded::new(b.file_name(), d.records()));
    }
    let loaded =
        read_records(b.file_name(), b.text(), fw, Layout::Auto, &[], None).map_err(report)?;
    checked(fw, loaded, lenient)
}

/// In strict mode, rows the reader could not take are an error — reported together with
/// every problem of the values in the rows it could; in lenient mode they are kept for the
/// warnings and the summary.
fn checked(fw: &Framework, loaded: Loaded, lenient: bool) -> Result<Loaded, Fail> {
    for n in &loaded.notes {
        say!("note: {n}");
    }
    if lenient || loaded.file_problems.is_empty() {
        return Ok(loaded);
    }
    let all: Vec<String> = loaded
        .problems(fw, &score_options())
        .iter()
        .map(ToString::to_string)
        .collect();
    Err(format!(
        "{} problem(s) in the input:\n  - {}",
        all.len(),
        all.join("\n  - ")
    ))
}

/// Reads a data file: Parquet by its extension, else CSV or JSON text.
fn load_file(
    path: &Path,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    lenient: bool,
    delimiter: Option<u8>,
) -> Result<Loaded, Fail> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        files::register(path);
        return load_parquet(path, fw, layout, groups, lenient);
    }
    let loaded = read_records(
        &path.display().to_string(),
        &read_file(path)?,
        fw,
        layout,
        groups,
        delimiter,
    )
    .map_err(report)?;
    checked(fw, loaded, lenient)
}

#[cfg(feature = "polars")]
fn load_parquet(
    path: &Path,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    lenient: bool,
) -> Result<Loaded, Fail> {
    let (loaded, left_out) =
        data::read_parquet(path, fw, layout, groups, lenient).map_err(report)?;
    for e in left_out {
        say!("warning: {e}");
    }
    Ok(loaded)
}

#[cfg(not(feature = "polars"))]
fn load_parquet(
    path: &Path,
    _: &Framework,
    _: Layout,
    _: &[String],
    _: bool,
) -> Result<Loaded, Fail> {
    Err(format!(
        "{}: reading Parquet needs the `polars` feature, which this build of dti does not have \
         (cargo install dti-cli --features polars), or convert the file to CSV",
        path.display()
    ))
}

/// A scoring error, with every input problem located in its file.
fn score_error(e: dti_core::ScoreError, data: &Loaded) -> Fail {
    match e {
        dti_core::ScoreError::Input { problems } => {
            let mut s = format!("{} problem(s) in the input:", problems.len());
            for p in &problems {
                s.push_str(&format!("\n  - {}", data.locate(p)));
            }
            s
        }
        other => other.to_string(),
    }
}

fn latest(units: &[UnitRecord], year: Option<i32>) -> Result<Option<i32>, Fail> {
    let periods: Vec<i32> = units.iter().filter_map(|u| u.period).collect();
    latest_of(&periods, year)
}

/// The period shown: `year` if the data has it, else the latest.
fn latest_of(periods: &[i32], year: Option<i32>) -> Result<Option<i32>, Fail> {
    match year {
        Some(y) if !periods.contains(&y) => Err(format!(
            "no data for {y}; the data has {}",
            periods_list(periods)
        )),
        Some(y) => Ok(Some(y)),
        None => Ok(periods.iter().copied().max()),
    }
}

fn periods_list(p: &[i32]) -> String {
    let mut v = p.to_vec();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        "no periods".to_owned()
    } else {
        v.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn score(fw: &Framework, data: &Loaded, lenient: bool) -> Result<CohortScores, Fail> {
    score_records(fw, &data.units, data, lenient)
}

fn score_records(
    fw: &Framework,
    units: &[UnitRecord],
    data: &Loaded,
    lenient: bool,
) -> Result<CohortScores, Fail> {
    let opts = score_options().lenient(lenient);
    let s = fw
        .score_with(units, &opts)
        .map_err(|e| score_error(e, data))?;
    for p in &data.file_problems {
        say!("warning: {p} (row left out)");
    }
    for p in &s.problems {
        say!("warning: {}", data.locate(p));
    }
    if lenient && (!s.problems.is_empty() || !data.file_problems.is_empty()) {
        let mut units: Vec<(&str, Option<i32>)> = s
            .problems
            .iter()
            .map(|p| (p.unit.as_str(), p.period))
            .collect();
        units.sort_unstable();
        units.dedup();
        say!(
            "warning: lenient: {} problem(s); {} unit(s) scored without their rejected values \
             (counted as missing), {} row(s) left out",
            s.problems.len() + data.file_problems.len(),
            units.len(),
            data.file_problems.len()
        );
    }
    Ok(s)
}

/// The columns shown beside the index: views if the framework has them, else top-level nodes.
/// The pillar columns: (code, is a view, position among the unit's views or nodes).
fn pillars(fw: &Framework) -> Vec<(String, bool, usize)> {
    if fw.def().views.is_empty() {
        let top: Vec<(String, bool, usize)> = fw
            .def()
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent.is_none())
            .map(|(k, n)| (n.code.clone(), false, k))
            .collect();
        // A single top-level node is the index itself (e.g. `total`): no column of its own.
        if top.len() == 1 {
            Vec::new()
        } else {
            top
        }
    } else {
        fw.def()
            .views
            .iter()
            .enumerate()
            .map(|(k, v)| (v.code.clone(), true, k))
            .collect()
    }
}

/// A pillar's value and rank, found by position (results list nodes and views in framework
/// order), so a table of many pillars costs no search per cell.
fn pillar_value(u: &UnitScore, code: &str, view: bool, at: usize) -> (Option<f64>, Option<u32>) {
    if view {
        match u.views.get(at) {
            Some(v) if v.code == code => (v.value, v.rank),
            _ => u.view(code).map_or((None, None), |v| (v.value, v.rank)),
        }
    } else {
        match u.nodes.get(at) {
            Some(n) if n.code == code => (n.value, n.rank),
            _ => u.node(code).map_or((None, None), |n| (n.value, n.rank)),
        }
    }
}

/// Units in the order of the ranked table: by rank, then id.
fn sorted_for_table<'a>(units: &[&'a UnitScore]) -> Vec<&'a UnitScore> {
    let mut rows = units.to_vec();
    rows.sort_by(|a, b| {
        a.rank
            .unwrap_or(u32::MAX)
            .cmp(&b.rank.unwrap_or(u32::MAX))
            .then(a.unit.cmp(&b.unit))
    });
    rows
}

/// Each unit's input problems (lenient scoring), located in its file.
fn unit_problems(
    scores: &CohortScores,
    data: &Loaded,
) -> std::collections::HashMap<(String, Option<i32>), Vec<String>> {
    let mut map: std::collections::HashMap<(String, Option<i32>), Vec<String>> = Default::default();
    for p in &scores.problems {
        map.entry((p.unit.clone(), p.period))
            .or_default()
            .push(data.locate(p));
    }
    map
}

/// `dti score` of a clean wide CSV (every indicator cell a number or empty), strict, as a
/// table or CSV: read straight into columns and scored by the engine's column adapter, with
/// no record or result struct per unit — the same engine as the record path, so the same
/// numbers (tests/columns.rs checks the two readers agree to the bit). `None`: any other
/// input or output takes the record path, which reports everything a file can hold wrong.
fn score_wide(
    fw: &Framework,
    data: &DataArgs,
    out: &OutputArgs,
    sink: &Sink,
) -> Result<Option<()>, Fail> {
    if data.lenient || out.format == Format::Json {
        return Ok(None);
    }
    let (name, text) = match Source::of(data.data.as_deref(), data.year) {
        Source::Bundled(Bundled::Synthetic) => (
            Bundled::Synthetic.file_name().to_owned(),
            std::borrow::Cow::Borrowed(Bundled::Synthetic.text()),
        ),
        // The published tables: the records path, which shows the published values beside.
        Source::Bundled(_) => return Ok(None),
        Source::File(p)
            if p.extension().is_some_and(|e| {
                !e.eq_ignore_ascii_case("json") && !e.eq_ignore_ascii_case("parquet")
            }) =>
        {
            (
                p.display().to_string(),
                std::borrow::Cow::Owned(read_file(&p)?),
            )
        }
        Source::File(_) => return Ok(None),
    };
    let Some(wide) =
        data::read_wide_numbers(&name, &text, fw, data.layout, &data.group, data.delimiter)
    else {
        return Ok(None);
    };
    drop(text);
    for n in &wide.notes {
        say!("note: {n}");
    }
    if wide.panel.is_empty() {
        return Err(format!("{name} holds no unit: nothing to score"));
    }
    for m in dti_core::engine::absent_in_panel(fw, &wide.panel).messages() {
        say!("warning: {name}: {m}");
    }
    let periods: Vec<i32> = wide.panel.periods.iter().flatten().copied().collect();
    let year = latest_of(&periods, data.year)?;
    let cols = pillars(fw);
    let opts = dti_core::ColumnOptions::default()
        .node_ranks(cols.iter().any(|(_, view, _)| !view))
        .ties(score_options().ties);
    let mut located = Loaded::new(&name, Vec::new());
    located.lines = wide.lines.iter().map(|&l| Some(l)).collect();
    let s = dti_core::score_columns(fw, &wide.panel.input(), &opts)
        .map_err(|e| score_error(e, &located))?;
    let p = &wide.panel;
    let index_rank = s.index.rank.as_deref().unwrap_or_default();
    let rank_of = |k: usize| index_rank.get(k).copied().flatten();
    // By rank (none last), then id (ids are unique within a period): the rows sort as
    // integers (rank, row), then each run of one rank — ties, or the unranked — by id. (A
    // row number takes 32 bits: more rows than that go the general way.)
    if u32::try_from(s.rows.len()).is_err() {
        return Ok(None);
    }
    let mut shown: Vec<u64> = (0..s.rows.len())
        .filter(|&k| p.periods[s.rows[k]] == year)
        .map(|k| u64::from(rank_of(k).unwrap_or(u32::MAX)) << 32 | k as u64)
        .collect();
    rayon::slice::ParallelSliceMut::par_sort_unstable(&mut shown[..]);
    let row_of = |key: u64| (key & u64::from(u32::MAX)) as usize;
    for run in shown.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run.sort_unstable_by(|&a, &b| {
                p.units[s.rows[row_of(a)]].cmp(&p.units[s.rows[row_of(b)]])
            });
        }
    }
    let value = |x: f64| (!x.is_nan()).then_some(x);
    let pillar_cols: Vec<&dti_core::engine::ScoreColumn> = cols
        .iter()
        .map(|(_, view, at)| if *view { &s.views[*at] } else { &s.nodes[*at] })
        .collect();
    let mut t = ranked_header(&cols, title(fw, year));
    if out.format == Format::Csv {
        // A CSV of a million rows is written as it is made, never held: blocks of rows are
        // made on every core, 32 at a time, and written in order.
        let block = |keys: &[u64]| wide_rows(keys, &s, p, &pillar_cols, sink.ascii);
        // Each batch is written while the next is made.
        sink.stream(|w| {
            use rayon::prelude::*;
            let mut made = vec![output::CsvRows::header(&t.header, sink.ascii).into_string()];
            for batch in shown.chunks(WIDE_BLOCK * 32) {
                let (written, next) = rayon::join(
                    || {
                        made.iter()
                            .try_for_each(|text| w.write_all(text.as_bytes()))
                    },
                    || batch.par_chunks(WIDE_BLOCK).map(block).collect(),
                );
                written?;
                made = next;
            }
            made.iter()
                .try_for_each(|text| w.write_all(text.as_bytes()))
        })?;
        // The process ends here: its memory goes back whole, faster than a million ids
        // freed one by one.
        std::mem::forget(s);
        std::mem::forget(wide);
        return Ok(Some(()));
    }
    for key in shown {
        let k = row_of(key);
        let row = s.rows[k];
        let mut r = row![
            rank(rank_of(k)),
            p.units[row].clone(),
            p.names[row].clone().unwrap_or_default(),
            num(value(s.index.value[k]), 4),
            num(s.index.points.get(k).copied().and_then(value), 1),
        ];
        for c in &pillar_cols {
            r.push(num(value(c.value[k]), 4));
            r.push(rank(c.rank.as_ref().and_then(|r| r[k])).into());
        }
        t.push(r);
    }
    sink.emit(out.format, &t, || serde_json::Value::Null)?;
    Ok(Some(()))
}

/// Rows of the ranked table written as one block (see [`wide_rows`]).
const WIDE_BLOCK: usize = 2048;

/// The CSV rows of the ranked table for `keys` (rank order; a key's low 32 bits are the
/// result row). Rows come scattered over the columns: the block's cells are gathered column
/// by column first (independent loads the processor overlaps), then written row by row.
fn wide_rows(
    keys: &[u64],
    s: &dti_core::ColumnScores,
    p: &dti_core::io::Panel,
    pillar_cols: &[&dti_core::engine::ScoreColumn],
    ascii: bool,
) -> String {
    let value = |x: f64| (!x.is_nan()).then_some(x);
    let n = pillar_cols.len();
    let at: Vec<usize> = keys
        .iter()
        .map(|&key| (key & u64::from(u32::MAX)) as usize)
        .collect();
    let mut cells = vec![f64::NAN; at.len() * (2 + n)];
    let mut ranks = vec![None; at.len() * (1 + n)];
    let index_rank = s.index.rank.as_deref().unwrap_or_default();
    for (j, &k) in at.iter().enumerate() {
        cells[j * (2 + n)] = s.index.value[k];
        cells[j * (2 + n) + 1] = s.index.points.get(k).copied().unwrap_or(f64::NAN);
        ranks[j * (1 + n)] = index_rank.get(k).copied().flatten();
    }
    for (c, col) in pillar_cols.iter().enumerate() {
        for (j, &k) in at.iter().enumerate() {
            cells[j * (2 + n) + 2 + c] = col.value[k];
            ranks[j * (1 + n) + 1 + c] = col.rank.as_ref().and_then(|r| r[k]);
        }
    }
    // The ids' text too (a second scattered load each): touched in one loop first.
    let who: Vec<(&str, &str)> = at
        .iter()
        .map(|&k| {
            let row = s.rows[k];
            (p.units[row].as_str(), p.names[row].as_deref().unwrap_or(""))
        })
        .collect();
    let touched = who.iter().fold(0u8, |a, (u, _)| {
        a ^ u.as_bytes().first().copied().unwrap_or(0)
    });
    std::hint::black_box(touched);
    let mut csv = output::CsvRows::new(ascii);
    for (j, &(unit, name)) in who.iter().enumerate() {
        let (x, r) = (
            &cells[j * (2 + n)..][..2 + n],
            &ranks[j * (1 + n)..][..1 + n],
        );
        csv.rank(r[0]);
        csv.text(unit);
        csv.text(name);
        csv.number(value(x[0]));
        csv.number(value(x[1]));
        for c in 0..n {
            csv.number(value(x[2 + c]));
            csv.rank(r[1 + c]);
        }
        csv.end();
    }
    csv.into_string()
}

/// The ranked table's columns: rank, unit, name, value, points, and each pillar's value and
/// rank.
fn ranked_header(cols: &[(String, bool, usize)], title: String) -> Table {
    let mut header = vec!["rank", "unit", "name", "value", "points"];
    let names: Vec<String> = cols
        .iter()
        .flat_map(|(c, _, _)| [c.clone(), format!("{c} #")])
        .collect();
    header.extend(names.iter().map(String::as_str));
    let mut right = vec![true, false, false, true, true];
    right.extend(cols.iter().flat_map(|_| [true, true]));
    let mut t = Table::new(&header, &right);
    t.title = Some(title);
    t
}

fn ranked_table(fw: &Framework, units: &[&UnitScore], title: String) -> Table {
    let cols = pillars(fw);
    let mut t = ranked_header(&cols, title);
    for u in sorted_for_table(units) {
        let mut r = row![
            rank(u.rank),
            u.unit.clone(),
            u.name.clone().unwrap_or_default(),
            num(u.value, 4),
            num(u.points, 1),
        ];
        for (c, view, at) in &cols {
            let (v, k) = pillar_value(u, c, *view, *at);
            r.push(num(v, 4));
            r.push(rank(k).into());
        }
        t.push(r);
    }
    t
}

fn title(fw: &Framework, period: Option<i32>) -> String {
    format!(
        "{} ({}){}",
        fw.def().name_vi,
        fw.id(),
        period.map(|p| format!(", {p}")).unwrap_or_default()
    )
}

fn find_unit<'a>(
    scores: &'a CohortScores,
    query: &str,
    period: Option<i32>,
) -> Result<&'a UnitScore, Fail> {
    // The core's resolver (id, name up to case and diacritics, a province's name), within
    // the year asked for.
    scores
        .find_unit(query, period)
        .filter(|u| u.period == period)
        .ok_or_else(|| {
            format!(
                "no unit '{query}'{} in the data",
                period.map(|p| format!(" in {p}")).unwrap_or_default()
            )
        })
}

/// What every command shares: the global options.
struct Context {
    ascii: bool,
    ties: Option<Ties>,
}

impl Context {
    /// Where a command's output goes.
    fn sink(&self, o: &OutputArgs) -> Sink {
        Sink {
            out: o.out.clone(),
            ascii: self.ascii,
        }
    }
}

fn run(cli: Cli) -> Result<(), Fail> {
    let ascii = cli.ascii;
    let cli_ties = cli.ties;
    output::RAW_CSV.store(cli.raw_csv, std::sync::atomic::Ordering::Relaxed);
    if let Some(t) = cli.ties {
        let _ = TIES.set(t);
    }
    let ctx = Context {
        ascii,
        ties: cli_ties,
    };
    match cli.command {
        Command::Score(args) => cmd_score(args, &ctx),
        Command::Explain(args) => cmd_explain(args, &ctx),
        Command::Merge(args) => cmd_merge(args, &ctx),
        Command::Frameworks { action } => frameworks(action, ascii),
        Command::Data { action } => match action {
            DataCommand::List { out } => bundled::list(&ctx.sink(&out), out.format),
            DataCommand::Show { name, out } => bundled::show(&name, &ctx.sink(&out), out.format),
        },
        Command::Coin(args) => cmd_coin(args, &ctx),
        Command::Scenario(args) => cmd_scenario(args, &ctx),
        Command::Compare(args) => cmd_compare(args, &ctx),
        Command::Uncertainty(args) => cmd_uncertainty(args, &ctx),
        Command::Sensitivity(args) => cmd_sensitivity(args, &ctx),
        Command::LeaveOneOut(args) => cmd_leave_one_out(args, &ctx),
        Command::Plot { kind } => match kind {
            PlotCommand::Ranks { fw, data, out } => {
                let fw = framework_for(&fw, &data)?;
                let loaded = load_data(&fw, &data)?;
                let year = latest(&loaded.units, data.year)?;
                let scores = score(&fw, &loaded, data.lenient)?;
                let mut shown: Vec<&UnitScore> =
                    scores.units.iter().filter(|u| u.period == year).collect();
                shown.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
                let bars: Vec<(String, f64)> = shown
                    .iter()
                    .map(|u| (label(u, ascii), u.value.unwrap_or(0.0)))
                    .collect();
                plot::ranks(&out, &title(&fw, year), &bars)
            }
            PlotCommand::Uncertainty {
                spec,
                fw,
                data,
                out,
            } => {
                let fw = framework_for(&fw, &data)?;
                let units = period_units(&fw, &data)?;
                let s: UncertaintySpec = serde_json::from_str(&read_file(&spec)?)
                    .map_err(|e| format!("{}: {e}", spec.display()))?;
                let result = with_progress("uncertainty", |p| {
                    uncertainty(&fw, &units, &s, Some(p))
                        .map_err(|e| analysis_error(e, &spec, &s.inputs, None))
                })?;
                warn_all(&result.warnings);
                let names: BTreeMap<&str, String> = units
                    .iter()
                    .map(|u| {
                        (
                            u.unit.as_str(),
                            u.name.clone().unwrap_or_else(|| u.unit.clone()),
                        )
                    })
                    .collect();
                let mut rows: Vec<_> = result.units.iter().collect();
                rows.sort_by(|a, b| {
                    a.median_rank
                        .unwrap_or(f64::MAX)
                        .total_cmp(&b.median_rank.unwrap_or(f64::MAX))
                });
                let bars: Vec<(String, f64, f64, f64)> = rows
                    .iter()
                    .map(|u| {
                        let n = names
                            .get(u.unit.as_str())
                            .cloned()
                            .unwrap_or_else(|| u.unit.clone());
                        (
                            fold_if(&n, ascii),
                            u.median_rank.unwrap_or(0.0),
                            u.rank_p05.unwrap_or(0.0),
                            u.rank_p95.unwrap_or(0.0),
                        )
                    })
                    .collect();
                plot::intervals(
                    &out,
                    &format!("Rank intervals (5–95 %), {} runs", result.runs),
                    &bars,
                )
            }
            PlotCommand::Pillars {
                unit,
                fw,
                data,
                out,
            } => {
                let fw = framework_for(&fw, &data)?;
                let loaded = load_data(&fw, &data)?;
                let year = latest(&loaded.units, data.year)?;
                let scores = score(&fw, &loaded, data.lenient)?;
                let u = find_unit(&scores, &unit, year)?;
                let bars: Vec<(String, f64)> = pillars(&fw)
                    .iter()
                    .map(|(c, view, at)| {
                        (c.clone(), pillar_value(u, c, *view, *at).0.unwrap_or(0.0))
                    })
                    .chain([(fw.id().to_owned(), u.value.unwrap_or(0.0))])
                    .collect();
                plot::pillars(
                    &out,
                    &format!(
                        "{}{}",
                        label(u, ascii),
                        year.map(|y| format!(", {y}")).unwrap_or_default()
                    ),
                    &bars,
                )
            }
        },
    }
}

/// `dti score`.
fn cmd_score(args: ScoreArgs, ctx: &Context) -> Result<(), Fail> {
    let ScoreArgs { fw, data, out } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let fw = framework_for(&fw, &data)?;
    if let Some(done) = score_wide(&fw, &data, &out, &sink(&out))? {
        return Ok(done);
    }
    let loaded = load_data(&fw, &data)?;
    let year = latest(&loaded.units, data.year)?;
    let scores = score(&fw, &loaded, data.lenient)?;
    let shown: Vec<&UnitScore> = scores.units.iter().filter(|u| u.period == year).collect();
    // Every result row carries the problems of its unit (lenient mode).
    let problems = unit_problems(&scores, &loaded);
    let mut t = ranked_table(&fw, &shown, title(&fw, year));
    let source = Source::of(data.data.as_deref(), data.year);
    let published = source
        .bundled()
        .and_then(|b| published_beside(&mut t, b, &shown, year));
    if let Some(b) = source.bundled() {
        t.notes.push(b.source_line());
    }
    if data.lenient {
        t.header.push("problems".to_owned());
        t.right.push(false);
        for (row, u) in t.rows.iter_mut().zip(sorted_for_table(&shown)) {
            let p = problems
                .get(&(u.unit.clone(), u.period))
                .map(|v| v.join("; "));
            row.push(p.unwrap_or_default().into());
        }
    }
    sink(&out).emit(out.format, &t, || {
        let mut v = serde_json::to_value(&shown).unwrap_or_default();
        if let Some(list) = v.as_array_mut() {
            for (item, u) in list.iter_mut().zip(&shown) {
                let p = problems
                    .get(&(u.unit.clone(), u.period))
                    .cloned()
                    .unwrap_or_default();
                if let Some(o) = item.as_object_mut() {
                    o.insert("problems".to_owned(), serde_json::json!(p));
                    if let Some(row) = published.as_ref().and_then(|m| m.get(&u.unit)) {
                        o.insert("published_value".to_owned(), serde_json::json!(row.dti));
                        o.insert("published_rank".to_owned(), serde_json::json!(row.rank));
                    }
                }
            }
        }
        v
    })
}

/// The published value (and rank, where published) beside each computed one, with a flag
/// where the two differ by more than the published rounding (half a unit in the 4th
/// decimal). The published rows by unit, when the data are a published table of `year`.
fn published_beside(
    t: &mut Table,
    b: Bundled,
    shown: &[&UnitScore],
    year: Option<i32>,
) -> Option<BTreeMap<String, &'static dti_core::model::PublishedRow>> {
    let d = b.published().filter(|d| d.framework != "total")?;
    let rows: BTreeMap<String, &dti_core::model::PublishedRow> = d
        .rows
        .iter()
        .filter(|r| Some(r.period) == year)
        .map(|r| (r.unit.clone(), r))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let ranked = d.rows.iter().any(|r| r.rank.is_some());
    t.header.push("published".to_owned());
    t.right.push(true);
    if ranked {
        t.header.push("pub. #".to_owned());
        t.right.push(true);
    }
    t.header.push("≠".to_owned());
    t.right.push(false);
    let half = 0.5 * 10f64.powi(-i32::from(d.decimals));
    let mut flagged = 0;
    for (row, u) in t.rows.iter_mut().zip(sorted_for_table(shown)) {
        let p = rows.get(&u.unit);
        row.push(num(p.map(|r| r.dti), 4));
        if ranked {
            row.push(rank(p.and_then(|r| r.rank)).into());
        }
        let differs = match (u.value, p) {
            (Some(v), Some(r)) => (v - r.dti).abs() > half + 1e-12,
            _ => true,
        };
        flagged += usize::from(differs);
        row.push(if differs { "*" } else { "" }.into());
    }
    t.notes.push(format!(
        "published: the ministry's value{}. * marks the {flagged} of {} values that differ from it \
         by more than its rounding (±{half}): the inputs are published rounded to {} decimals.",
        if ranked { " and rank" } else { "" },
        shown.len(),
        d.decimals
    ));
    Some(rows)
}

/// `dti explain`.
fn cmd_explain(args: ExplainArgs, ctx: &Context) -> Result<(), Fail> {
    let ExplainArgs {
        unit,
        fw,
        data,
        out,
        top,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let fw = framework_for(&fw, &data)?;
    let loaded = load_data(&fw, &data)?;
    let year = latest(&loaded.units, data.year)?;
    let opts = score_options().lenient(data.lenient).top_n(top);
    let scores = fw
        .score_with(&loaded.units, &opts)
        .map_err(|e| score_error(e, &loaded))?;
    let u = find_unit(&scores, &unit, year)?;
    explain(&fw, u, &sink(&out), out.format)
}

/// `dti merge`.
fn cmd_merge(args: MergeArgs, ctx: &Context) -> Result<(), Fail> {
    let MergeArgs {
        fw,
        mut data,
        map,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    // The former provinces are what merges: by default the published DTI of the 63.
    if data.data.is_none() && map.is_none() {
        data.data = Some(PathBuf::from("published:dti-63"));
    }
    let fw = framework_for(&fw, &data)?;
    let loaded = load_data(&fw, &data)?;
    let units = &loaded.units;
    let year = latest(units, data.year)?;
    let map = match map {
        None => merger_2025().clone(),
        Some(p) => {
            resolve_map(&read_file(&p)?, units).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    let opts = MergeOptions::default()
        .lenient(data.lenient)
        .score(score_options());
    let merged = merge_cohort(&fw, units, &map, &opts).map_err(|e| match e {
        dti_core::analyses::MergeError::Score(s) => score_error(s, &loaded),
        other => other.to_string(),
    })?;
    for p in &merged.problems {
        say!("warning: {p}");
    }
    for u in &merged.unmapped {
        say!(
            "warning: row {}, unit '{}' belongs to no merged unit",
            u.row + 2,
            u.unit
        );
    }
    let shown: Vec<&UnitScore> = merged
        .scores
        .units
        .iter()
        .filter(|u| u.period == year)
        .collect();
    let t = ranked_table(&fw, &shown, format!("{} — merged units", title(&fw, year)));
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&merged).unwrap_or_default()
    })
}

/// `dti coin`.
fn cmd_coin(args: CoinArgs, ctx: &Context) -> Result<(), Fail> {
    let CoinArgs {
        meta,
        data,
        denominate,
        impute,
        screen,
        treat,
        normalise,
        aggregate,
        directions,
        out_dir,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let cli_ties = ctx.ties;
    let tables = read_tables(
        &read_file(&meta)?,
        &read_file(&data)?,
        &TableOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    if let Some(
        dti_core::methods::Imputation::GroupMean { group }
        | dti_core::methods::Imputation::GroupMedian { group },
    ) = &impute
    {
        if !tables.data.groups.iter().any(|g| g.contains_key(group)) {
            let mut known: Vec<&String> =
                tables.data.groups.iter().flat_map(|g| g.keys()).collect();
            known.sort();
            known.dedup();
            usage(&format!(
                "--impute: the data table {} has no group column '{group}' (its group columns: {})",
                data.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
        }
    }
    let p = Pipeline::default()
        .denominate(denominate)
        .impute(impute)
        .screen(screen)
        .treat(treat)
        .normalise(normalise)
        .aggregate(aggregate)
        .ties(cli_ties)
        .ignore_directions(directions == Directions::Ignore);
    let run = run_pipeline(&tables, &p).map_err(|e| e.to_string())?;
    for m in &run.missing_denominators {
        say!(
            "warning: data row {}, indicator '{}': no denominator '{}'; value left missing",
            m.row + 2,
            m.indicator,
            m.denominator
        );
    }
    for s in &run.screened {
        say!(
            "note: unit '{}' screened out ({:.0}% of indicators available)",
            s.unit.unit,
            s.share_available * 100.0
        );
    }
    let results = write_results_as(&run, csv_text_rule());
    // Statistics and correlations, computed once for --out-dir and --format json.
    let mut analysis: Option<coin::Analysis> = None;
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // Every data set, the Normalised one (built on request) last.
        let normalised = run.normalised();
        let mut files: Vec<(String, String)> = run
            .data
            .iter()
            .chain([&normalised])
            .map(|d| {
                (
                    format!("{}.csv", d.name),
                    write_data_as(&run.framework, &d.panel, csv_text_rule()),
                )
            })
            .collect();
        files.push(("Results.csv".to_owned(), results.clone()));
        files.extend(
            coin::parts(
                &run,
                analysis.get_or_insert_with(|| coin::Analysis::of(&run)),
            )
            .into_iter()
            .map(|p| (p.file.to_owned(), p.table.csv())),
        );
        // Every path is checked before any is written: no partial set of outputs.
        for (name, _) in &files {
            files::check(&dir.join(name))?;
        }
        for (name, text) in files {
            files::write(&dir.join(name), &text)?;
        }
    }
    match out.format {
        Format::Json => sink(&out).write(
            &(serde_json::to_string_pretty(&coin::json(
                &run,
                analysis.get_or_insert_with(|| coin::Analysis::of(&run)),
            )?)
            .unwrap_or_default()
                + "\n"),
        ),
        Format::Table => {
            let mut t = coin::ranked(&run);
            t.title = Some(format!("{} — COINr pipeline", run.framework.id()));
            sink(&out).write(&t.render())
        }
        Format::Csv => sink(&out).write(&results),
    }
}

/// `dti scenario`.
fn cmd_scenario(args: ScenarioArgs, ctx: &Context) -> Result<(), Fail> {
    let ScenarioArgs {
        file,
        fw,
        data,
        tables,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let (fw, from_tables) = framework_or_tables(&fw, &data, &tables)?;
    let loaded = match from_tables {
        Some(l) => l,
        None => load_data(&fw, &data)?,
    };
    let units = &loaded.units;
    let year = latest(units, data.year)?;
    let scenario: Scenario =
        serde_json::from_str(&read_file(&file)?).map_err(|e| format!("{}: {e}", file.display()))?;
    let (fw2, units2) = scenario
        .apply(&fw, units)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let base = score(&fw, &loaded, data.lenient)?;
    // A value the scenario set is the scenario's: its problems name the scenario file.
    let applied = Loaded::new(
        &format!(
            "{} (applied to {})",
            file.display(),
            Source::of(data.data.as_deref(), data.year).display()
        ),
        units2,
    );
    let after = score(&fw2, &applied, data.lenient)?;
    let name = if scenario.name.is_empty() {
        file.display().to_string()
    } else {
        scenario.name.clone()
    };
    comparison(
        &base,
        &after,
        (year, year),
        format!("Scenario: {name}"),
        &sink(&out),
        out.format,
    )
}

/// `dti compare`.
fn cmd_compare(args: CompareArgs, ctx: &Context) -> Result<(), Fail> {
    let CompareArgs {
        a,
        b,
        fw,
        framework_b,
        meta,
        year,
        from,
        to,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let Some(a) = a else {
        return compare_published(from, to, year, &sink(&out), out.format);
    };
    if b.is_none() && framework_b.is_none() && from.is_none() && to.is_none() {
        usage("compare needs a second data file, --framework-b, or --from/--to");
    }
    if b.is_none() && framework_b.is_none() && from == to {
        usage("--from and --to name the same period: there is nothing to compare");
    }
    let data_a = DataArgs::of(Some(a.clone()), from.or(year));
    let fw_b = framework_b.as_ref().map(|id| {
        load_framework(
            &FrameworkArgs {
                framework: Some(id.clone()),
                ..fw.clone()
            },
            id,
        )
    });
    let table = |path: &PathBuf| {
        framework_or_tables(
            &fw,
            &data_a,
            &TablesArgs {
                meta: meta.clone(),
                table: Some(path.clone()),
            },
        )
    };
    let (fw_a, la) = match &meta {
        Some(_) => table(&a)?,
        None => (framework_for(&fw, &data_a)?, None),
    };
    let fw_b = fw_b.transpose()?.unwrap_or_else(|| fw_a.clone());
    let la = match la {
        Some(l) => l,
        None => load_data(&fw_a, &data_a)?,
    };
    let lb = match &b {
        Some(path) if meta.is_some() => table(path)?.1,
        Some(path) => Some(load_data(
            &fw_b,
            &DataArgs::of(Some(path.clone()), to.or(year)),
        )?),
        None if framework_b.is_some() => Some(load_data(&fw_b, &data_a)?),
        None => None,
    };
    let pa = latest(&la.units, from.or(year))?;
    let a_name = Source::of(Some(&a), None).display();
    let b_name = b
        .as_ref()
        .map_or_else(|| a_name.clone(), |p| Source::of(Some(p), None).display());
    let b_units = &lb.as_ref().unwrap_or(&la).units;
    let pb = match to.or(year).or(pa) {
        Some(p) if !b_units.iter().any(|u| u.period == Some(p)) => {
            return Err(format!(
                "{b_name} has no data for {p} (it has {}): nothing to compare",
                periods_list(&b_units.iter().filter_map(|u| u.period).collect::<Vec<_>>())
            ))
        }
        p => p,
    };
    let sb = match &lb {
        Some(l) => score(&fw_b, l, false)?,
        None => score(&fw_a, &la, false)?,
    };
    let sa = across_merger(&fw_a, &la, pa, &sb, pb)?;
    let side = |path: &str, f: &Framework, p: Option<i32>| {
        let mut s = path.to_owned();
        if framework_b.is_some() {
            s.push_str(&format!(" [{}]", f.id()));
        }
        if let Some(p) = p {
            s.push_str(&format!(" {p}"));
        }
        s
    };
    comparison(
        &sa,
        &sb,
        (pa, pb),
        format!(
            "{} vs {}",
            side(&a_name, &fw_a, pa),
            side(&b_name, &fw_b, pb)
        ),
        &sink(&out),
        out.format,
    )
}

/// The baseline's scores: its records of period `pa` scored as they are — or, when they are
/// the 63 former provinces and the compared ranking (`sb`, period `pb`) the 34, merged onto
/// the 34 first by the ministry's rule, said on standard error.
fn across_merger(
    fw: &Framework,
    la: &Loaded,
    pa: Option<i32>,
    sb: &CohortScores,
    pb: Option<i32>,
) -> Result<CohortScores, Fail> {
    let before: Vec<UnitRecord> = la
        .units
        .iter()
        .filter(|u| u.period == pa)
        .cloned()
        .collect();
    let after: Vec<UnitRecord> = sb
        .units
        .iter()
        .filter(|u| u.period == pb)
        .map(|u| UnitRecord::new(&u.unit))
        .collect();
    if dti_core::analyses::cohort_era(&before) == Some(Era::Pre2025)
        && dti_core::analyses::cohort_era(&after) == Some(Era::From2025)
    {
        let opts = MergeOptions::default().score(score_options());
        let merged = merge_cohort(fw, &before, merger_2025(), &opts).map_err(|e| e.to_string())?;
        say!(
            "note: the {} provinces of {} merged onto the {} of the 2025 map first (plain means of \
             the former provinces' values, the ministry's DTI 2024 rule), then compared",
            before.len(),
            pa.map_or_else(|| "the baseline".to_owned(), |p| p.to_string()),
            merged.scores.units.len()
        );
        return Ok(merged.scores);
    }
    score(fw, la, false)
}

/// `dti compare` on the published DTI: the 63 provinces' values for 2022 and 2023 (and
/// 2024), the 34's for 2024, each year as published.
fn compare_published(
    from: Option<i32>,
    to: Option<i32>,
    year: Option<i32>,
    sink: &Sink,
    format: Format,
) -> Result<(), Fail> {
    let (pa, pb) = match (from.or(year), to.or(year)) {
        (None, None) => (2023, 2024),
        (Some(f), None) => (f, if f < 2024 { f + 1 } else { 2024 }),
        (None, Some(t)) => (if t > 2022 { t - 1 } else { 2022 }, t),
        (Some(f), Some(t)) => (f, t),
    };
    let fw = dti_core::model::total_framework();
    let side = |p: i32, later: bool| -> Result<Loaded, Fail> {
        let b = if later && p == 2024 {
            Bundled::Published2024
        } else {
            Bundled::Published63
        };
        let d = b.published().ok_or("no published data")?;
        let rows: Vec<UnitRecord> = d
            .rows
            .iter()
            .filter(|r| r.period == p)
            .map(|r| {
                UnitRecord::new(&r.unit)
                    .name(&r.name)
                    .period(p)
                    .value(dti_core::model::TOTAL_CODE, r.dti)
            })
            .collect();
        if rows.is_empty() {
            return Err(format!(
                "the published DTI has no {p} (it has 2022, 2023 and 2024): nothing to compare"
            ));
        }
        Ok(Loaded::new(b.file_name(), rows))
    };
    if pa == pb && pa != 2024 {
        usage("--from and --to name the same period: there is nothing to compare");
    }
    let (la, lb) = (side(pa, false)?, side(pb, true)?);
    let sb = score(&fw, &lb, false)?;
    let sa = across_merger(&fw, &la, Some(pa), &sb, Some(pb))?;
    comparison(
        &sa,
        &sb,
        (Some(pa), Some(pb)),
        format!("published DTI {pa} vs {pb}"),
        sink,
        format,
    )
}

/// `dti uncertainty`.
fn cmd_uncertainty(args: UncertaintyArgs, ctx: &Context) -> Result<(), Fail> {
    let UncertaintyArgs {
        spec,
        fw,
        data,
        tables,
        design,
        draws,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let cli_ties = ctx.ties;
    let (fw, units) = analysis_inputs(&fw, &data, &tables)?;
    let mut s: UncertaintySpec =
        serde_json::from_str(&read_file(&spec)?).map_err(|e| format!("{}: {e}", spec.display()))?;
    s.keep_draws |= draws.is_some();
    if let Some(t) = cli_ties {
        s.ties = t;
    }
    let result = with_progress("uncertainty", |p| match &design {
        Some(d) => {
            let design = read_design(d)?;
            uncertainty_design(&fw, &units, &s, &design, Some(p))
                .map_err(|e| analysis_error(e, &spec, &s.inputs, Some(d)))
        }
        None => uncertainty(&fw, &units, &s, Some(p))
            .map_err(|e| analysis_error(e, &spec, &s.inputs, None)),
    })?;
    warn_all(&result.warnings);
    if let (Some(path), Some(d)) = (&draws, &result.draws) {
        files::write(path, &draws_csv(d))?;
    }
    let mut t = Table::new(
        &[
            "unit",
            "nominal rank",
            "median rank",
            "p5 rank",
            "p95 rank",
            "mean rank",
            "nominal value",
            "p5 value",
            "p95 value",
        ],
        &[false, true, true, true, true, true, true, true, true],
    );
    t.title = Some(format!("Uncertainty analysis, {} runs", result.runs));
    let mut rows: Vec<_> = result.units.iter().collect();
    rows.sort_by_key(|u| u.nominal_rank.unwrap_or(u32::MAX));
    for u in rows {
        t.push(row![
            u.unit.clone(),
            rank(u.nominal_rank),
            num(u.median_rank, 1),
            num(u.rank_p05, 1),
            num(u.rank_p95, 1),
            num(u.mean_rank, 2),
            num(u.nominal_value, 4),
            num(u.value_p05, 4),
            num(u.value_p95, 4),
        ]);
    }
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&result).unwrap_or_default()
    })
}

/// `dti sensitivity`.
fn cmd_sensitivity(args: SensitivityArgs, ctx: &Context) -> Result<(), Fail> {
    let SensitivityArgs {
        spec,
        fw,
        data,
        tables,
        design,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let cli_ties = ctx.ties;
    let (fw, units) = analysis_inputs(&fw, &data, &tables)?;
    let mut s: SensitivitySpec =
        serde_json::from_str(&read_file(&spec)?).map_err(|e| format!("{}: {e}", spec.display()))?;
    if let Some(t) = cli_ties {
        s.ties = t;
    }
    let result = with_progress("sensitivity", |p| match &design {
        Some(d) => {
            let design = read_design(d)?;
            sensitivity_design(&fw, &units, &s, &design, Some(p))
                .map_err(|e| analysis_error(e, &spec, &s.inputs, Some(d)))
        }
        None => sensitivity(&fw, &units, &s, Some(p))
            .map_err(|e| analysis_error(e, &spec, &s.inputs, None)),
    })?;
    warn_all(&result.warnings);
    let mut t = Table::new(
        &[
            "input",
            "first order",
            "95% interval",
            "total",
            "95% interval",
        ],
        &[false, true, true, true, true],
    );
    t.title = Some(format!(
        "Sobol indices of the mean absolute rank change ({} runs, variance {:.4})",
        result.runs, result.variance
    ));
    let ci = |c: Option<(f64, f64)>| c.map_or("-".to_owned(), |(a, b)| format!("{a:.3}..{b:.3}"));
    for ix in &result.indices {
        t.push(row![
            ix.input.clone(),
            num(Some(ix.first_order), 3),
            ci(ix.first_order_ci),
            num(Some(ix.total), 3),
            ci(ix.total_ci),
        ]);
    }
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&result).unwrap_or_default()
    })
}

/// `dti leave-one-out`.
fn cmd_leave_one_out(args: LeaveOneOutArgs, ctx: &Context) -> Result<(), Fail> {
    let LeaveOneOutArgs {
        fw,
        data,
        tables,
        depth,
        level,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let (fw, units) = analysis_inputs(&fw, &data, &tables)?;
    let depth = match (depth, level) {
        (Some(d), _) => d,
        // COINr's levels count from the indicators up: level L is depth D + 1 − L
        // for a tree whose deepest leaves are at depth D.
        (None, Some(l)) => {
            let deepest = fw
                .leaves()
                .map(|n| fw.depth(&n.code).unwrap_or(0))
                .max()
                .unwrap_or(0);
            if l == 0 || l > deepest {
                usage(&format!(
                    "--level {l}: the framework's levels are 1 (indicators) to {deepest}"
                ));
            }
            deepest + 1 - l
        }
        (None, None) => 2,
    };
    let loo = leave_one_out(&fw, &units, depth).map_err(|e| e.to_string())?;
    let mut t = Table::new(
        &["component", "mean |rank change|", "largest change"],
        &[false, true, true],
    );
    t.title = Some(format!("Leaving each component at depth {depth} out"));
    for c in &loo.components {
        let max = c
            .shifts
            .iter()
            .flatten()
            .map(|s| s.abs())
            .max()
            .unwrap_or(0);
        t.push(row![
            c.code.clone(),
            num(Some(c.mean_abs_rank_shift), 2),
            max.to_string(),
        ]);
    }
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&loo).unwrap_or_default()
    })
}

fn fold_if(s: &str, ascii: bool) -> String {
    if ascii {
        dti_core::text::fold_diacritics(s)
    } else {
        s.to_owned()
    }
}

fn label(u: &UnitScore, ascii: bool) -> String {
    fold_if(u.name.as_deref().unwrap_or(&u.unit), ascii)
}

/// The records of one period (the chosen or latest one), for the analyses.
/// The framework of `--framework`, or of COINr tables with their data (as a loaded file).
fn framework_or_tables(
    fw: &FrameworkArgs,
    data: &DataArgs,
    tables: &TablesArgs,
) -> Result<(Framework, Option<Loaded>), Fail> {
    let (Some(meta), Some(table)) = (&tables.meta, &tables.table) else {
        return Ok((framework_for(fw, data)?, None));
    };
    let t = read_tables(
        &read_file(meta)?,
        &read_file(table)?,
        &TableOptions::default(),
    )
    .map_err(|e| format!("{} and {}: {e}", meta.display(), table.display()))?;
    let mut loaded = Loaded::new(&table.display().to_string(), t.records());
    loaded.lines = (0..t.data.len()).map(|k| Some(k + 2)).collect();
    Ok((t.framework, Some(loaded)))
}

/// The framework and the records of one period (--year, default the latest) for an analysis.
fn analysis_inputs(
    fw: &FrameworkArgs,
    data: &DataArgs,
    tables: &TablesArgs,
) -> Result<(Framework, Vec<UnitRecord>), Fail> {
    let (fw, from_tables) = framework_or_tables(fw, data, tables)?;
    let units = match from_tables {
        Some(loaded) => {
            let year = latest(&loaded.units, data.year)?;
            loaded
                .units
                .into_iter()
                .filter(|u| u.period == year)
                .collect()
        }
        None => period_units(&fw, data)?,
    };
    Ok((fw, units))
}

fn period_units(fw: &Framework, data: &DataArgs) -> Result<Vec<UnitRecord>, Fail> {
    let loaded = load_data(fw, data)?;
    let year = latest(&loaded.units, data.year)?;
    // Each kept record's position in the loaded data, to locate its problems in the file.
    let (rows, units): (Vec<usize>, Vec<UnitRecord>) = loaded
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.period == year)
        .map(|(k, u)| (k, u.clone()))
        .unzip();
    // Report input problems with their file lines before an analysis runs.
    fw.score_with(&units, &score_options().explain(false))
        .map_err(|e| match e {
            dti_core::ScoreError::Input { problems } => {
                let located: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        let at = |k: usize| rows.get(k).copied().unwrap_or(k);
                        let kind = match p.kind {
                            dti_core::InputErrorKind::DuplicateUnit { first_row } => {
                                dti_core::InputErrorKind::DuplicateUnit {
                                    first_row: at(first_row),
                                }
                            }
                            ref k => k.clone(),
                        };
                        loaded.locate(&dti_core::InputError {
                            row: at(p.row),
                            kind,
                            ..p.clone()
                        })
                    })
                    .collect();
                format!(
                    "{} problem(s) in the input:\n  - {}",
                    located.len(),
                    located.join("\n  - ")
                )
            }
            other => other.to_string(),
        })?;
    Ok(units)
}

/// Runs `f` with a progress bar on a terminal (hidden when piped).
fn with_progress<T>(
    what: &str,
    f: impl FnOnce(dti_core::analyses::Progress) -> Result<T, Fail>,
) -> Result<T, Fail> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} runs ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    let cb = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        true
    };
    let r = f(&cb);
    bar.finish_and_clear();
    r
}

/// Prints each warning on standard error.
fn warn_all(warnings: &[String]) {
    for w in warnings {
        say!("warning: {w}");
    }
}

/// An analysis error, located: a design problem names the design file, its line (CSV) or
/// JSON pointer and the column; a specification problem names the spec file.
fn analysis_error(
    e: dti_core::analyses::AnalysisError,
    spec: &Path,
    inputs: &[dti_core::analyses::Uncertain],
    design: Option<&PathBuf>,
) -> Fail {
    // The JSON pointer of the input a problem is about.
    let at = |name: &str| {
        inputs
            .iter()
            .position(|i| i.name == name)
            .map_or(String::new(), |k| format!(" /inputs/{k}:"))
    };
    match (&e, design) {
        (dti_core::analyses::AnalysisError::Spec { input, .. }, _) => {
            format!("{}:{} {e}", spec.display(), at(input))
        }
        (dti_core::analyses::AnalysisError::Conflict { second, .. }, _) => {
            format!("{}:{} {e}", spec.display(), at(second))
        }
        (
            dti_core::analyses::AnalysisError::Design {
                row,
                input,
                message,
            },
            Some(d),
        ) => {
            if d.extension().is_some_and(|x| x == "json") {
                format!("{}: /rows/{row}/{input}: {message}", d.display())
            } else {
                // The header is line 1: design row k (from 0) is line k + 2.
                format!(
                    "{}, line {}, column '{input}': {message}",
                    d.display(),
                    row + 2
                )
            }
        }
        (dti_core::analyses::AnalysisError::Score(_), _) => e.to_string(),
        _ => format!("{}: {e}", spec.display()),
    }
}

fn read_design(path: &Path) -> Result<Design, Fail> {
    let text = read_file(path)?;
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    for (k, r) in reader.records().enumerate() {
        let r = r.map_err(|e| format!("{}, row {}: {e}", path.display(), k + 2))?;
        let row = header
            .iter()
            .zip(r.iter())
            .map(|(h, v)| {
                let cell = if let Ok(i) = v.parse::<u64>() {
                    DesignValue::Index(i)
                } else if let Ok(x) = v.parse::<f64>() {
                    DesignValue::Number(x)
                } else {
                    DesignValue::Name(v.to_owned())
                };
                (h.clone(), cell)
            })
            .collect();
        rows.push(row);
    }
    Ok(Design { rows })
}

fn draws_csv(d: &dti_core::analyses::Draws) -> String {
    let mut header: Vec<String> = vec!["run".to_owned()];
    header.extend(d.inputs.iter().cloned());
    header.extend(d.units.iter().map(|u| format!("rank_{u}")));
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for (k, (choices, ranks)) in d.choices.iter().zip(&d.ranks).enumerate() {
        let mut row = vec![k.to_string()];
        row.extend(choices.iter().map(|c| match c {
            DesignValue::Index(i) => i.to_string(),
            DesignValue::Number(x) => x.to_string(),
            DesignValue::Name(s) => s.clone(),
        }));
        row.extend(ranks.iter().map(|r| rank(*r)));
        let _ = w.write_record(&row);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// A user's merge map: entries that are not unit ids are looked up as province names.
fn resolve_map(text: &str, units: &[UnitRecord]) -> Result<MergeMap, String> {
    let raw = MergeMap::from_csv(text).map_err(|e| e.to_string())?;
    let ids: Vec<&str> = units.iter().map(|u| u.unit.as_str()).collect();
    let mut map = MergeMap::default();
    for g in &raw.groups {
        let (unit, name) = match find_province(&g.unit, Era::From2025) {
            Ok(p) if !ids.contains(&g.unit.as_str()) => (p.code.clone(), Some(p.name_vi.clone())),
            _ => (g.unit.clone(), None),
        };
        for f in &g.from {
            let former = if ids.contains(&f.as_str()) {
                f.clone()
            } else {
                find_province(f, Era::Pre2025)
                    .map(|p| p.code.clone())
                    .unwrap_or_else(|_| f.clone())
            };
            map.add(&unit, name.as_deref(), &former);
        }
    }
    Ok(map)
}

fn explain(fw: &Framework, u: &UnitScore, sink: &Sink, format: Format) -> Result<(), Fail> {
    if format == Format::Json {
        return sink.write(&(serde_json::to_string_pretty(u).unwrap_or_default() + "\n"));
    }
    let mut t = Table::new(
        &["node", "name", "points", "max", "value", "rank", "status"],
        &[false, false, true, true, true, true, false],
    );
    t.title = Some(format!(
        "{} ({}){} — value {}, {} points, rank {}",
        u.name.as_deref().unwrap_or(&u.unit),
        u.unit,
        u.period.map(|p| format!(", {p}")).unwrap_or_default(),
        num(u.value, 4),
        num(u.points, 1),
        rank(u.rank)
    ));
    for n in &u.nodes {
        let def = fw.node(&n.code);
        let depth = {
            let mut d = 0;
            let mut p = def.and_then(|x| x.parent.clone());
            while let Some(c) = p {
                d += 1;
                p = fw.node(&c).and_then(|x| x.parent.clone());
            }
            d
        };
        t.push(row![
            format!("{}{}", "  ".repeat(depth), n.code),
            def.map(|d| d.name_vi.clone()).unwrap_or_default(),
            num(n.points, 1),
            num(n.max_points, 0),
            num(n.value, 4),
            rank(n.rank),
            serde_json::to_value(n.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        ]);
    }
    let mut text = t.render();
    if !u.views.is_empty() {
        let mut v = Table::new(
            &["pillar", "points", "max", "value", "rank"],
            &[false, true, true, true, true],
        );
        for x in &u.views {
            v.push(row![
                x.code.clone(),
                num(x.points, 1),
                num(x.max_points, 0),
                num(x.value, 4),
                rank(x.rank),
            ]);
        }
        text.push('\n');
        text.push_str(&v.render());
    }
    if let Some(e) = &u.explanation {
        let mut o = Table::new(&["opportunity", "name", "gain"], &[false, false, true]);
        o.title = Some(
            "Biggest improvement opportunities (gain if the indicator reached its maximum)"
                .to_owned(),
        );
        for op in &e.opportunities {
            o.push(row![
                op.code.clone(),
                fw.node(&op.code)
                    .map(|d| d.name_vi.clone())
                    .unwrap_or_default(),
                num(Some(op.gain), 2),
            ]);
        }
        text.push('\n');
        text.push_str(&o.render());
    }
    match format {
        Format::Csv => sink.write(&t.csv()),
        _ => sink.write(&text),
    }
}

/// Compares the ranking of period `periods.0` of `a` with that of period `periods.1` of `b`,
/// matching units by id; fails when no unit is ranked in both.
fn comparison(
    a: &CohortScores,
    b: &CohortScores,
    periods: (Option<i32>, Option<i32>),
    heading: String,
    sink: &Sink,
    format: Format,
) -> Result<(), Fail> {
    // Two different periods are matched by unit: both sides are relabelled with the
    // baseline's period.
    let pick = |s: &CohortScores, period: Option<i32>| {
        let mut picked = s.clone();
        picked.units.retain(|u| u.period == period);
        for u in &mut picked.units {
            u.period = periods.0;
        }
        picked
    };
    let (a, b) = (pick(a, periods.0), pick(b, periods.1));
    let cmp = compare(&[&a, &b]);
    let ranked = |s: &CohortScores| -> Vec<String> {
        s.units
            .iter()
            .filter(|u| u.rank.is_some())
            .map(|u| u.unit.clone())
            .collect()
    };
    let (ra, rb) = (ranked(&a), ranked(&b));
    let only_a: Vec<&String> = ra.iter().filter(|u| !rb.contains(u)).collect();
    let only_b: Vec<&String> = rb.iter().filter(|u| !ra.contains(u)).collect();
    if cmp.summaries[0].units == 0 {
        return Err(format!(
            "{heading}: no unit is ranked in both ({} ranked units in the first, {} in the second{}): nothing to compare",
            ra.len(),
            rb.len(),
            if ra.is_empty() || rb.is_empty() {
                String::new()
            } else {
                format!(
                    "; e.g. '{}' only in the first, '{}' only in the second",
                    ra[0], rb[0]
                )
            }
        ));
    }
    let list = |v: &[&String]| {
        let shown: Vec<&str> = v.iter().take(10).map(|s| s.as_str()).collect();
        format!(
            "{}{}",
            shown.join(", "),
            if v.len() > 10 { ", …" } else { "" }
        )
    };
    if !only_a.is_empty() {
        say!(
            "warning: {} unit(s) ranked only in the first are left out: {}",
            only_a.len(),
            list(&only_a)
        );
    }
    if !only_b.is_empty() {
        say!(
            "warning: {} unit(s) ranked only in the second are left out: {}",
            only_b.len(),
            list(&only_b)
        );
    }
    let mut t = Table::new(
        &[
            "unit",
            "name",
            "rank before",
            "rank after",
            "shift",
            "value before",
            "value after",
            "change",
        ],
        &[false, false, true, true, true, true, true, true],
    );
    let s = &cmp.summaries[0];
    t.title = Some(format!(
        "{heading}\n{} of {} units changed rank; mean |shift| {:.2}; Spearman {}; Kendall {}",
        s.changed,
        s.units,
        s.mean_abs_rank_shift,
        num(s.spearman, 3),
        num(s.kendall, 3)
    ));
    let mut rows: Vec<_> = cmp.units.iter().collect();
    rows.sort_by_key(|u| {
        u.index
            .as_ref()
            .and_then(|i| i.ranks[1])
            .unwrap_or(u32::MAX)
    });
    for u in rows {
        let Some(i) = &u.index else { continue };
        let name = a
            .unit(&u.unit, u.period)
            .and_then(|x| x.name.clone())
            .unwrap_or_default();
        t.push(row![
            u.unit.clone(),
            name,
            rank(i.ranks[0]),
            rank(i.ranks[1]),
            i.rank_shifts[1].map_or("-".to_owned(), |s| format!("{s:+}")),
            num(i.values[0], 4),
            num(i.values[1], 4),
            signed(i.value_diffs[1], 4),
        ]);
    }
    sink.emit(format, &t, || {
        serde_json::to_value(&cmp).unwrap_or_default()
    })
}

fn frameworks(action: FrameworksCommand, ascii: bool) -> Result<(), Fail> {
    let sink = Sink { out: None, ascii };
    match action {
        FrameworksCommand::List => {
            let mut t = Table::new(
                &["id", "name", "source", "status"],
                &[false, false, false, false],
            );
            for id in dti_core::builtin_ids() {
                let def = FrameworkDef::builtin(id).map_err(|e| e.to_string())?;
                let status = match Framework::new(def.clone()) {
                    // Points fitted to published results rather than taken from a regulation
                    // (the version says so: `2024-inferred`).
                    Ok(_) if def.version.ends_with("inferred") => {
                        "ready; points inferred from the published results".to_owned()
                    }
                    Ok(_) => "ready".to_owned(),
                    Err(_) => "provisional: unpublished parameters must be supplied".to_owned(),
                };
                t.push(row![
                    id.to_owned(),
                    def.name_en.clone(),
                    def.source.clone(),
                    status,
                ]);
            }
            sink.write(&t.render())
        }
        FrameworksCommand::Show {
            framework,
            extension,
        } => {
            let args = FrameworkArgs {
                framework: Some(framework.clone()),
                extension,
                supplement: None,
            };
            let def = match load_framework(&args, &framework) {
                Ok(fw) => fw.into_def(),
                // A provisional built-in still shows, with its gaps.
                Err(e) => FrameworkDef::builtin(&framework).map_err(|_| e)?,
            };
            sink.write(&tree(&def))
        }
        FrameworksCommand::Validate { file } => {
            let text = read_file(&file)?;
            let result = if file.extension().is_some_and(|e| e == "toml") {
                Framework::from_toml(&text)
            } else {
                Framework::from_json(&text)
            };
            match result {
                Ok(fw) => sink.write(&format!(
                    "{}: valid framework '{}' ({} nodes, {} leaves{})\n",
                    file.display(),
                    fw.id(),
                    fw.def().nodes.len(),
                    fw.leaves().count(),
                    fw.max_points()
                        .map(|m| format!(", {m} points"))
                        .unwrap_or_default()
                )),
                Err(e) => Err(format!("{}: {e}", file.display())),
            }
        }
    }
}

/// A framework as an indented tree with points and rules; each line's text from the file is
/// shown with its control and bidirectional characters escaped (one line a node).
fn tree(def: &FrameworkDef) -> String {
    use dti_core::text::Shown;
    let mut out = format!(
        "{} — {}\n{}\nsource: {}\n",
        Shown(&def.id),
        Shown(&def.name_vi),
        Shown(&def.name_en),
        Shown(&def.source)
    );
    if let Some(s) = def.scale {
        out.push_str(&format!("scale: {s} points\n"));
    }
    fn walk(def: &FrameworkDef, parent: Option<&str>, depth: usize, out: &mut String) {
        use dti_core::text::Shown;
        for n in def.nodes.iter().filter(|n| n.parent.as_deref() == parent) {
            let pts = n.max_points.map(|m| format!("{m} pts")).unwrap_or_else(|| {
                if n.unpublished.contains(&dti_core::model::Param::MaxPoints) {
                    "points unpublished".to_owned()
                } else {
                    n.weight.map(|w| format!("weight {w}")).unwrap_or_default()
                }
            });
            let rule = n
                .rule
                .as_ref()
                .map(|r| format!(" [{}]", r.name()))
                .unwrap_or_default();
            out.push_str(&format!(
                "{}{} {} — {}{rule} ({pts})\n",
                "  ".repeat(depth),
                Shown(&n.code),
                Shown(&n.name_vi),
                Shown(&n.name_en)
            ));
            walk(def, Some(&n.code), depth + 1, out);
        }
    }
    walk(def, None, 1, &mut out);
    for v in &def.views {
        out.push_str(&format!(
            "view {} {} = {}\n",
            Shown(&v.code),
            Shown(&v.name_vi),
            Shown(&v.nodes.join(" + "))
        ));
    }
    for n in &def.notes {
        out.push_str(&format!("note: {}\n", Shown(n)));
    }
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", dti_core::text::shown_lines(&e));
            ExitCode::from(1)
        }
    }
}
