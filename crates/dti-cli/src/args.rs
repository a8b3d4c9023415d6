//! The command line: every command's arguments, and the groups several commands share
//! (framework, data, COINr tables, output).

use crate::prelude::*;

pub const AFTER_HELP: &str = "Examples:
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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Fold Vietnamese diacritics to ASCII in the output.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// When two scores share a rank, in every ranking and in the rank normalisers: `auto`
    /// (the framework's own rule: the DTI frameworks rank values rounded to 4 decimals, as
    /// the ministry publishes them; others a relative 1e-12), `rounded:D` (equal when rounded
    /// to D decimals), `tolerance` or `tolerance:REL` (equal up to a relative difference),
    /// or `exact` (as COINr ranks). Default: auto, and exact for `dti coin`.
    #[arg(long, global = true, value_name = "RULE", value_parser = parse_ties)]
    pub ties: Option<Ties>,
    /// Write CSV text cells as they are. By default a text cell (a unit, a name, a code —
    /// never a number) that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    /// leading `'`, so that a spreadsheet opening the file does not run it as a formula (as
    /// OWASP recommends against CSV injection).
    #[arg(long, global = true)]
    pub raw_csv: bool,
}

pub fn parse_ties(s: &str) -> Result<Ties, String> {
    s.parse()
}

#[derive(Args, Clone)]
pub struct FrameworkArgs {
    /// A built-in framework id (see `dti frameworks list`), `total` (DTI values alone), or a
    /// framework file (.json, .toml). Default: the bundled data's own (`vn-pdti-2024` for the
    /// published 2024 table), else by --year (2024 on: vn-pdti-2024; 2021–2023:
    /// vn-pdti-2022; 2020: vn-pdti-2020), else vn-pdti-2022.
    #[arg(long, short)]
    pub framework: Option<String>,
    /// Extension files adding component indicators (.json, .toml).
    #[arg(long)]
    pub extension: Vec<PathBuf>,
    /// A supplement file giving unpublished points or weights (.json).
    #[arg(long)]
    pub supplement: Option<PathBuf>,
}

#[derive(Args, Clone)]
pub struct DataArgs {
    /// Data file: CSV (long: unit, period, indicator, value; or wide: one column per
    /// indicator), JSON unit records, or Parquet (builds with the `polars` feature; rows
    /// count from 1); or bundled data by name (`dti data list`): `published` (the official
    /// DTI 2024 of the 34 provinces, the default), `published:dti-63` (the DTI of the 63
    /// provinces, 2022–2024; the default for --year 2022 and 2023), `synthetic` (a
    /// synthetic 63-province panel with component indicators).
    pub data: Option<PathBuf>,
    /// CSV layout.
    #[arg(long, value_enum, default_value = "auto")]
    pub layout: Layout,
    /// Columns holding groups (e.g. region) rather than indicators.
    #[arg(long)]
    pub group: Vec<String>,
    /// The period to show (default: the latest in the data).
    #[arg(long)]
    pub year: Option<i32>,
    /// Score the good records and report the bad ones instead of failing: a bad value
    /// counts as missing (the framework's missing policy decides what that is worth), a bad
    /// row is left out, and every result row lists its problems.
    #[arg(long)]
    pub lenient: bool,
    /// The CSV field separator: `,` `;` or `tab` (default: detected from the header).
    #[arg(long, value_parser = dti_core::io::parse_delimiter)]
    pub delimiter: Option<u8>,
}

impl DataArgs {
    /// A data argument and a period, every other option at its default.
    pub fn of(data: Option<PathBuf>, year: Option<i32>) -> DataArgs {
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
pub struct TablesArgs {
    /// A COINr metadata table (iCode, iName, Level, Parent, Direction, Weight, Type, …):
    /// with --data, the framework and the data of the analysis (min-max to [0, 100] and
    /// arithmetic means, as `dti coin` by default).
    #[arg(long, requires = "table")]
    pub meta: Option<PathBuf>,
    /// The COINr data table that goes with --meta.
    #[arg(long = "data", id = "table", value_name = "DATA", requires = "meta")]
    pub table: Option<PathBuf>,
}

#[derive(Args, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
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

/// `dti data`.
#[derive(Subcommand)]
pub enum DataCommand {
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
pub struct ScoreArgs {
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti explain`.
#[derive(Args)]
pub struct ExplainArgs {
    /// The unit (id or name; case and diacritics ignored).
    pub unit: String,
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// How many opportunities to list.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// The language of the indicator names: vi (as published) or en.
    #[arg(long, value_enum, default_value_t = Lang::Vi)]
    pub lang: Lang,
}

/// The language of names in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Vietnamese, as the ministry publishes the names.
    Vi,
    /// English (the Vietnamese name where a framework gives none).
    En,
}

impl Lang {
    /// A node's or a view's name in this language.
    pub fn name<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.trim().is_empty() => en,
            _ => vi,
        }
    }
}

/// The arguments of `dti merge`.
#[derive(Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// A CSV map: merged unit, former unit (ids or province names).
    #[arg(long)]
    pub map: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti coin`.
#[derive(Args)]
pub struct CoinArgs {
    /// The metadata table (iCode, iName, Level, Parent, Direction, Weight, Type, …).
    #[arg(long)]
    pub meta: PathBuf,
    /// The data table (uCode, uName, Time, groups, denominators, indicators).
    #[arg(long)]
    pub data: PathBuf,
    /// Divide indicators by their denominator column.
    #[arg(long)]
    pub denominate: bool,
    /// Impute missing values (see below).
    #[arg(long, value_parser = spec::imputation)]
    pub impute: Option<dti_core::methods::Imputation>,
    /// Drop units with a share of indicators below this (0..1).
    #[arg(long, value_parser = spec::share)]
    pub screen: Option<f64>,
    /// Treat outliers (see below).
    #[arg(long, value_parser = spec::treatment)]
    pub treat: Option<dti_core::methods::Treatment>,
    /// The normaliser (see below).
    #[arg(long, value_parser = spec::normaliser)]
    pub normalise: Option<dti_core::Normaliser>,
    /// The aggregator (see below).
    #[arg(long, value_parser = spec::aggregator)]
    pub aggregate: Option<dti_core::Aggregator>,
    /// `keep` the metadata's directions, or `ignore` them (every indicator +1): for data
    /// already normalised or oriented elsewhere, aggregated as it is.
    #[arg(long, value_enum, default_value = "keep")]
    pub directions: Directions,
    /// Also write every data set by stage (Raw … Normalised, and Aggregated: with every
    /// aggregate's values), the results, the treatment log, effective weights, indicator
    /// statistics and correlations (CSV) into this folder.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti scenario`.
#[derive(Args)]
pub struct ScenarioArgs {
    /// The scenario file.
    pub file: PathBuf,
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub tables: TablesArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti compare`.
#[derive(Args)]
pub struct CompareArgs {
    /// The baseline data (a file or bundled data by name). Default: the published DTI —
    /// the 63 provinces for 2022 and 2023, the 34 for 2024 — with --from 2023 --to 2024.
    pub a: Option<PathBuf>,
    /// The data compared with it (default: the baseline data again, for --from/--to or
    /// --framework-b).
    pub b: Option<PathBuf>,
    #[command(flatten)]
    pub fw: FrameworkArgs,
    /// Score B with this framework (a built-in id or a file) instead of --framework.
    #[arg(long)]
    pub framework_b: Option<String>,
    /// A COINr metadata table: A and B are then COINr data tables scored with it.
    #[arg(long, conflicts_with = "framework_b")]
    pub meta: Option<PathBuf>,
    /// The period of both rankings (default: the latest of the baseline).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub year: Option<i32>,
    /// The baseline's period.
    #[arg(long)]
    pub from: Option<i32>,
    /// The compared ranking's period.
    #[arg(long)]
    pub to: Option<i32>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti uncertainty`.
#[derive(Args)]
pub struct UncertaintyArgs {
    /// The specification (JSON: runs, seed, inputs).
    pub spec: PathBuf,
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub tables: TablesArgs,
    /// A given design (CSV or JSON: one row per run naming each input's choice).
    #[arg(long)]
    pub design: Option<PathBuf>,
    /// Write every run's choices and ranks here (CSV).
    #[arg(long)]
    pub draws: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti sensitivity`.
#[derive(Args)]
pub struct SensitivityArgs {
    /// The specification (JSON: n, seed, bootstrap, inputs).
    pub spec: PathBuf,
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub tables: TablesArgs,
    /// A given Saltelli design (CSV or JSON): N rows of A, N of B, then N of each ABᵢ
    /// in the order of the spec's inputs.
    #[arg(long)]
    pub design: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The arguments of `dti leaveoneout`.
#[derive(Args)]
pub struct LeaveOneOutArgs {
    #[command(flatten)]
    pub fw: FrameworkArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub tables: TablesArgs,
    /// The depth of the components from the top (1 = groups, 2 = main indicators, …).
    /// Default: 2.
    #[arg(long, conflicts_with = "level")]
    pub depth: Option<usize>,
    /// The level of the components counted as COINr counts them, from the bottom
    /// (1 = indicators, 2 = their parents, …).
    #[arg(long)]
    pub level: Option<usize>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Subcommand)]
pub enum FrameworksCommand {
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
pub enum PlotCommand {
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
pub enum Directions {
    /// Multiply each indicator by its direction before normalising.
    Keep,
    /// Every indicator counts as +1.
    Ignore,
}
