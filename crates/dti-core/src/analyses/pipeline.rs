//! The COINr pipeline (`composite-methods.md`; the reference tool's order): denominate →
//! impute → screen → treat → normalise → aggregate, over the two tables `io::read_tables`
//! reads, with every intermediate data set and report; and the results table written in the
//! reference tool's layout. Reading stays in `io`; this is a pipeline of methods and the
//! engine, so it lives with the analyses (re-exported from `io` for the paths it had).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::column_io::{ColumnOptions, ColumnScores};
use crate::engine::columns::score_columns;
use crate::engine::records::ScoreOptions;
use crate::io::panel::Panel;
use crate::io::tables::Tables;
use crate::io::writer::{CsvText, Writer};
use crate::methods::impute::{impute_panel, Imputation, ImputeReport};
use crate::methods::normalise::{Normaliser, Ties};
use crate::methods::treat::{treat_panel, TreatReport, Treatment};
use crate::model::definition::*;
use crate::model::framework::Framework;
use crate::model::result::{CohortScores, UnitKey};
use crate::model::validate::FrameworkError;

/// The pipeline of the reference tool, each step optional, in its order.
///
/// ```
/// let p: dti_core::io::Pipeline = serde_json::from_str(r#"{"denominate": true, "treat": {}}"#)?;
/// assert!(p.denominate && p.treat.is_some());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Pipeline {
    /// Divide indicators by their denominator column.
    pub denominate: bool,
    /// Impute missing values.
    pub impute: Option<Imputation>,
    /// Drop units whose share of indicators with a value is below this.
    pub screen: Option<f64>,
    /// Treat outliers.
    pub treat: Option<Treatment>,
    /// Normaliser of every indicator (default: the tables' options).
    pub normalise: Option<Normaliser>,
    /// Aggregator of every aggregate (default: the tables' options).
    pub aggregate: Option<Aggregator>,
    /// When two scores share a rank: `None` compares exactly, as COINr does (R's
    /// `rank(-x, ties.method = "min")`).
    pub ties: Option<Ties>,
    /// Treat every indicator as direction +1: for data already normalised (or oriented)
    /// elsewhere, aggregated as it is.
    pub ignore_directions: bool,
}

setters!(Pipeline { denominate: bool, impute: Option<Imputation>, screen: Option<f64>, treat: Option<Treatment>, normalise: Option<Normaliser>, aggregate: Option<Aggregator>, ties: Option<Ties>, ignore_directions: bool });

/// A unit dropped by screening.
///
/// ```
/// let s = serde_json::from_value::<dti_core::io::Screened>(serde_json::json!({ "unit": {"row": 0, "unit": "A"}, "share_available": 0.4 })).unwrap();
/// assert!(s.share_available < 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Screened {
    /// The record.
    pub unit: UnitKey,
    /// Its share of indicators with a value.
    pub share_available: f64,
}

/// Why a pipeline could not run.
///
/// ```
/// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,2024,1\nB,2024,1\n", &Default::default())?;
/// // Every unit has the same x: min-max scaling is undefined.
/// let err = dti_core::io::run_pipeline(&t, &dti_core::io::Pipeline::default()).unwrap_err();
/// assert!(matches!(err, dti_core::io::PipelineError::Score(_)));
/// # Ok::<(), dti_core::io::TableError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PipelineError {
    /// The pipeline's normaliser or aggregator does not fit the framework.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
    /// Scoring failed.
    #[error(transparent)]
    Score(#[from] crate::error::ScoreError),
    /// Denominating needs a denominator column the data table does not have.
    #[error("meta, line {line}: denominator '{denominator}' has no column in the data table (denominating needs it)")]
    MissingDenominator {
        /// The metadata line of the denominator.
        line: usize,
        /// Its code.
        denominator: String,
    },
}

impl PipelineError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let e = dti_core::io::PipelineError::Score(dti_core::ScoreError::Input { problems: vec![] });
    /// assert_eq!(e.code(), "input");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PipelineError::Framework(e) => e.code(),
            PipelineError::Score(e) => e.code(),
            PipelineError::MissingDenominator { .. } => "missing_denominator",
        }
    }
}

/// Everything a pipeline run produced.
///
/// ```
/// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
/// let run = dti_core::io::run_pipeline(&t, &dti_core::io::Pipeline::default())?;
/// assert_eq!(run.data.last().unwrap().name, "Raw");
/// assert_eq!(run.normalised().panel.columns, [[0.0, 100.0]]);
/// assert_eq!(run.scores.index.value, [0.0, 100.0]);
/// assert_eq!(run.units().units, ["A", "B"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PipelineRun {
    /// The framework scored (with the pipeline's normaliser and aggregator).
    pub framework: Framework,
    /// Each data set in order: `Raw`, then `Denominated`, `Imputed`, `Screened`, `Treated` as
    /// run; the last is the data set scored. The `Normalised` one (the indicators'
    /// normalised values) is built on request: [`normalised`](Self::normalised).
    pub data: Vec<DataSet>,
    /// Values dropped because their denominator is missing for the record.
    pub missing_denominators: Vec<MissingDenominator>,
    /// What imputation did.
    pub imputed: Option<ImputeReport>,
    /// Units dropped by screening.
    pub screened: Vec<Screened>,
    /// What treatment did.
    pub treated: Vec<TreatReport>,
    /// The scores in columns: row `k` is row `k` of [`units`](Self::units). The index and
    /// the views are ranked; a node's ranks come from [`node_ranks`](Self::node_ranks).
    pub scores: ColumnScores,
    /// The tie rule the ranks used.
    ties: Ties,
}

/// The framework a pipeline scores with: the tables' own (shared, not copied) unless the
/// pipeline sets a normaliser, an aggregator or ignores directions — then that definition,
/// validated (a pipeline normaliser or aggregator is checked here).
fn pipeline_framework(tables: &Tables, p: &Pipeline) -> Result<Framework, FrameworkError> {
    if p.normalise.is_none() && p.aggregate.is_none() && !p.ignore_directions {
        return Ok(tables.framework.clone());
    }
    let mut def = tables.framework.def().clone();
    if let Some(n) = &p.normalise {
        def.normaliser = Some(n.clone());
    }
    if let Some(a) = p.aggregate {
        def.aggregate = a;
    }
    if p.ignore_directions {
        for n in &mut def.nodes {
            n.direction = 1;
        }
    }
    Framework::new(def)
}

/// One data set of a pipeline run: the step that made it and its values.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DataSet {
    /// `Raw`, `Denominated`, `Imputed`, `Screened`, `Treated` or `Normalised`.
    pub name: String,
    /// The units and their indicator columns after that step (shared: the `Raw` data set
    /// is the tables' own panel).
    pub panel: Arc<Panel>,
}

impl DataSet {
    fn new(name: &str, panel: impl Into<Arc<Panel>>) -> DataSet {
        DataSet {
            name: name.to_owned(),
            panel: panel.into(),
        }
    }
}

/// What a pipeline run did besides scoring ([`PipelineRun::report`]), under the names every
/// surface gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PipelineReport {
    /// What imputation did (none: not asked).
    pub imputation: Option<ImputeReport>,
    /// Units dropped by screening.
    pub screened: Vec<Screened>,
    /// What treatment did, indicator by indicator.
    pub treatment: Vec<TreatReport>,
    /// Values dropped by denominating: their record has no denominator.
    pub missing_denominators: Vec<MissingDenominator>,
    /// Each node's weight within its parent and in the index.
    pub effective_weights: Vec<crate::methods::EffectiveWeight>,
    /// Statistics of each indicator over the raw data ([`PipelineRun::statistics`]).
    pub statistics: Vec<crate::methods::IndicatorStats>,
    /// Correlations of the normalised indicators ([`PipelineRun::correlations`]).
    pub correlations: crate::methods::Correlations,
}

/// A value dropped by denominating: its record has no denominator value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MissingDenominator {
    /// The data row (0-based).
    pub row: usize,
    /// The indicator whose value was dropped.
    pub indicator: String,
    /// The denominator it needed.
    pub denominator: String,
}

impl PipelineRun {
    /// The scored units (the last data set: who each row of the scores is).
    pub fn units(&self) -> &Panel {
        static EMPTY: std::sync::OnceLock<Panel> = std::sync::OnceLock::new();
        self.data
            .last()
            .map_or_else(|| EMPTY.get_or_init(Panel::default), |d| &*d.panel)
    }

    /// The `Normalised` data set: the scored units with each indicator's normalised value
    /// (the leaf columns of [`scores`](Self::scores), copied), in framework order.
    pub fn normalised(&self) -> DataSet {
        let (codes, columns) = self
            .scores
            .nodes
            .iter()
            .zip(&self.framework.plan.children)
            .filter(|(_, children)| children.is_empty())
            .map(|(n, _)| (n.code.clone(), n.value.clone()))
            .unzip();
        DataSet::new("Normalised", self.units().with_columns(codes, columns))
    }

    /// The `Aggregated` data set, as COINr's `Aggregate()` leaves it: the scored units with
    /// each indicator's normalised value, then each aggregate's value — every level's and the
    /// index's — in framework order (the node columns of [`scores`](Self::scores), copied).
    ///
    /// ```
    /// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\ny,Y,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
    /// #     "uCode,Time,x,y\nA,2024,1,4\nB,2024,3,2\n", &Default::default())?;
    /// let run = dti_core::io::run_pipeline(&t, &dti_core::io::Pipeline::default())?;
    /// let a = run.aggregated();
    /// assert_eq!(a.panel.codes, ["x", "y", "I"]);
    /// // Min-max to 0-100, then the mean: A (0 + 100) / 2, B (100 + 0) / 2.
    /// assert_eq!(a.panel.column("I"), Some(&[50.0, 50.0][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn aggregated(&self) -> DataSet {
        let nodes = || self.scores.nodes.iter().zip(&self.framework.plan.children);
        let leaves = nodes().filter(|(_, children)| children.is_empty());
        let aggregates = nodes().filter(|(_, children)| !children.is_empty());
        let (codes, columns) = leaves
            .chain(aggregates)
            .map(|(n, _)| (n.code.clone(), n.value.clone()))
            .unzip();
        DataSet::new("Aggregated", self.units().with_columns(codes, columns))
    }

    /// The ranks of every node within each period (framework order), as the index is
    /// ranked: computed on request, since ranking sorts each column.
    ///
    /// ```
    /// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
    /// #     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
    /// let run = dti_core::io::run_pipeline(&t, &dti_core::io::Pipeline::default())?;
    /// assert_eq!(run.node_ranks()[0], [Some(2), Some(1)]); // x
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn node_ranks(&self) -> Vec<Vec<Option<u32>>> {
        let groups = crate::engine::group_by_period(&self.units().periods);
        self.scores
            .nodes
            .iter()
            .map(|n| match &n.rank {
                Some(r) => r.clone(),
                None => crate::engine::ranks::ranks(&n.value, &groups, self.ties),
            })
            .collect()
    }

    /// Statistics and flags of each indicator over the raw data set, in framework order
    /// (COINr's `get_stats` on the raw data): what `dti coin --out-dir` writes as
    /// `Statistics.csv` and Python's `coin()` returns as `statistics`.
    ///
    /// ```
    /// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
    /// #     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
    /// let run = dti_core::io::run_pipeline(&t, &dti_core::io::Pipeline::default())?;
    /// assert_eq!(run.statistics()[0].summary.mean, Some(2.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statistics(&self) -> Vec<crate::methods::IndicatorStats> {
        use crate::methods::{indicator_stats, NamedColumn, StatsOptions};
        let raw: Vec<NamedColumn> = self.data.first().map_or_else(Vec::new, |set| {
            let d = &set.panel;
            self.framework
                .leaves()
                .map(|l| {
                    let col = d
                        .column(&l.code)
                        .map_or_else(|| vec![f64::NAN; d.len()], <[f64]>::to_vec);
                    NamedColumn::new(&l.code, col)
                })
                .collect()
        });
        indicator_stats(&raw, &StatsOptions::default())
    }

    /// Pearson correlations between the indicators' normalised values (COINr's `get_corr`
    /// on the normalised data set).
    pub fn correlations(&self) -> crate::methods::Correlations {
        use crate::methods::{column_correlations, CorrelationMethod, StatsOptions};
        column_correlations(
            &self.framework,
            &self.scores,
            CorrelationMethod::Pearson,
            &StatsOptions::default(),
        )
    }

    /// What the run did besides scoring, as every surface reports it (`dti coin --format
    /// json`, Python's and R's `coin()`): one definition of the fields and their names.
    ///
    /// ```
    /// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type,Denominator\nx,X,1,I,1,1,Indicator,pop\nI,I,2,,1,1,Aggregate,\npop,Pop,,,,,Denominator,\n",
    /// #     "uCode,Time,x,pop\nA,2024,1,2\nB,2024,3,\nC,2024,4,2\n", &Default::default())?;
    /// let p = dti_core::io::Pipeline::default().denominate(true);
    /// let report = dti_core::io::run_pipeline(&t, &p)?.report();
    /// assert_eq!(report.missing_denominators[0].indicator, "x"); // B has no population
    /// assert_eq!(report.statistics[0].code, "x");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report(&self) -> PipelineReport {
        PipelineReport {
            imputation: self.imputed.clone(),
            screened: self.screened.clone(),
            treatment: self.treated.clone(),
            missing_denominators: self.missing_denominators.clone(),
            effective_weights: self.framework.effective_weights(),
            statistics: self.statistics(),
            correlations: self.correlations(),
        }
    }

    /// The scores as per-unit results (what [`score_cohort`](crate::score_cohort) gives,
    /// without explanations): the data set that was normalised, scored again by the same
    /// engine through the record adapter, so every number is the same.
    pub fn cohort_scores(&self) -> Result<CohortScores, crate::error::ScoreError> {
        let scored = self.units().to_records();
        let opts = ScoreOptions {
            explain: false,
            ties: self.ties,
            ..ScoreOptions::default()
        };
        self.framework.score_with(&scored, &opts)
    }
}

/// Runs the pipeline on tables.
///
/// ```
/// # let t = dti_core::io::read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
/// let p = dti_core::io::Pipeline::default().normalise(Some(dti_core::Normaliser::Rank));
/// let run = dti_core::io::run_pipeline(&t, &p)?;
/// assert_eq!(run.scores.index.value, [1.0, 2.0]); // ranks of x, aggregated as they are
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_pipeline(tables: &Tables, p: &Pipeline) -> Result<PipelineRun, PipelineError> {
    if p.denominate {
        let used: Vec<&String> = tables.denominated.values().collect();
        if let Some(a) = tables
            .absent_denominators
            .iter()
            .find(|a| used.contains(&&a.code))
        {
            return Err(PipelineError::MissingDenominator {
                line: a.line,
                denominator: a.code.clone(),
            });
        }
    }
    let framework = pipeline_framework(tables, p)?;
    let mut data = vec![DataSet::new("Raw", Arc::clone(&tables.data))];
    // Each step works on a copy of the data set before it (every data set is kept).
    let next = |data: &[DataSet]| {
        data.last()
            .map(|d| Panel::clone(&d.panel))
            .unwrap_or_default()
    };
    let mut missing_denominators = Vec::new();
    if p.denominate {
        let mut current = next(&data);
        missing_denominators = denominate(tables, &mut current);
        data.push(DataSet::new("Denominated", current));
    }
    let mut imputed = None;
    if let Some(how) = &p.impute {
        let mut current = next(&data);
        imputed = Some(impute_panel(&framework, &mut current, how));
        data.push(DataSet::new("Imputed", current));
    }
    let mut screened = Vec::new();
    if let Some(threshold) = p.screen {
        let mut current = next(&data);
        screened = screen(&framework, &mut current, threshold);
        data.push(DataSet::new("Screened", current));
    }
    let mut treated = Vec::new();
    if let Some(how) = &p.treat {
        let mut current = next(&data);
        treated = treat_panel(&framework, &mut current, how);
        data.push(DataSet::new("Treated", current));
    }
    let ties = p.ties.unwrap_or(Ties::Exact);
    // The index and views are ranked; a node's ranks only when asked (`node_ranks`).
    let opts = ColumnOptions {
        ties,
        ..ColumnOptions::default()
    };
    let current = &data[data.len() - 1].panel;
    let scores = score_columns(&framework, &current.input(), &opts)?;
    // The `Normalised` data set is the leaf columns of the scores: built on request
    // (`PipelineRun::normalised`), not kept as a second copy of them (a fifth of the
    // memory and, with the page faults of writing it, about 40 % of a 10,000 × 100 run).
    Ok(PipelineRun {
        framework,
        data,
        missing_denominators,
        imputed,
        screened,
        treated,
        scores,
        ties,
    })
}

/// Divides each denominated indicator by its denominator column; a value without a
/// (non-zero) denominator is dropped and listed: (row, indicator, denominator).
fn denominate(tables: &Tables, panel: &mut Panel) -> Vec<MissingDenominator> {
    let mut missing = Vec::new();
    let pairs: Vec<(usize, &String, &String, &[f64])> = tables
        .denominated
        .iter()
        .filter_map(|(ind, den)| {
            let k = panel.codes.iter().position(|c| c == ind)?;
            let d = tables.denominators.get(den).map_or(&[][..], Vec::as_slice);
            Some((k, ind, den, d))
        })
        .collect();
    for row in 0..panel.len() {
        for &(k, ind, den, d) in &pairs {
            let x = panel.columns[k][row];
            if x.is_nan() {
                continue;
            }
            match d.get(row) {
                Some(&d) if !d.is_nan() && d != 0.0 => panel.columns[k][row] = x / d,
                _ => {
                    panel.columns[k][row] = f64::NAN;
                    missing.push(MissingDenominator {
                        row,
                        indicator: ind.clone(),
                        denominator: den.clone(),
                    });
                }
            }
        }
    }
    missing
}

/// Drops the rows whose share of leaves with a value is below `threshold`; lists them.
fn screen(fw: &Framework, panel: &mut Panel, threshold: f64) -> Vec<Screened> {
    let leaves: Vec<&[f64]> = fw.leaves().filter_map(|l| panel.column(&l.code)).collect();
    let total = fw.leaves().count().max(1) as f64;
    let mut kept = Vec::new();
    let mut screened = Vec::new();
    for row in 0..panel.len() {
        let have = leaves.iter().filter(|c| !c[row].is_nan()).count();
        let share = have as f64 / total;
        if share < threshold {
            screened.push(Screened {
                unit: UnitKey {
                    row,
                    unit: panel.units[row].to_owned(),
                    period: panel.periods[row],
                },
                share_available: share,
            });
        } else {
            kept.push(row);
        }
    }
    if !screened.is_empty() {
        *panel = panel.select(&kept);
    }
    screened
}

/// A run's results in the reference tool's layout: `uCode, uName, Time`, the score of every
/// node (framework order, so indicators, then aggregates up to the index), and the rank of
/// each, as `Rank_<code>` columns. Missing values are `NA`; numbers are written exactly.
///
/// ```
/// # use dti_core::{io::*, *};
/// # let t = read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,2024,1\nB,2024,3\n", &Default::default())?;
/// let run = run_pipeline(&t, &Pipeline::default())?;
/// let csv = write_results(&run);
/// assert_eq!(csv.lines().next(), Some("uCode,uName,Time,x,I,Rank_x,Rank_I"));
/// assert_eq!(csv.lines().nth(2), Some("B,,2024,100,100,1,1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
/// Text cells that a spreadsheet would take for a formula are neutralised
/// ([`CsvText::Neutralised`]); [`write_results_as`] chooses.
pub fn write_results(run: &PipelineRun) -> String {
    write_results_as(run, CsvText::Neutralised)
}

/// [`write_results`] with text cells as `text` says.
pub fn write_results_as(run: &PipelineRun, text: CsvText) -> String {
    let nodes = &run.scores.nodes;
    let ranks: Vec<String> = nodes.iter().map(|n| format!("Rank_{}", n.code)).collect();
    let header = nodes
        .iter()
        .map(|n| n.code.as_str())
        .chain(ranks.iter().map(String::as_str));
    let units = run.units();
    // About 20 bytes a value and 6 a rank: one allocation, not a doubling copy per size.
    let mut w = Writer::with_capacity(
        text,
        units.len() * (16 + nodes.len() * 26),
        &["uCode", "uName", "Time"],
        header,
    );
    let node_ranks = run.node_ranks();
    // Rows are written from blocks of the columns copied row-major first: reading each row
    // straight from ~2 × nodes columns misses the cache on nearly every value.
    const BLOCK: usize = 128;
    let n = nodes.len();
    let mut values = vec![0.0; BLOCK * n];
    let mut ranks = vec![None; BLOCK * n];
    for start in (0..units.len()).step_by(BLOCK) {
        let rows = start..(start + BLOCK).min(units.len());
        for (k, (node, rank)) in nodes.iter().zip(&node_ranks).enumerate() {
            for (j, u) in rows.clone().enumerate() {
                values[j * n + k] = node.value[u];
                ranks[j * n + k] = rank[u];
            }
        }
        for (j, u) in rows.enumerate() {
            w.who(&units.units[u], units.name(u), units.periods[u]);
            for &x in &values[j * n..(j + 1) * n] {
                w.number(x);
            }
            for &r in &ranks[j * n..(j + 1) * n] {
                match r {
                    Some(k) => w.integer(k),
                    None => w.text("NA"),
                }
            }
            w.end();
        }
    }
    w.finish()
}
