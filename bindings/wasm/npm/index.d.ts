// Types of the dti-wasm package: the shapes of dti-core's JSON, declared once.
// Numbers that can be missing are `number | null`.

// ---------------------------------------------------------------- frameworks

export type Aggregator =
  | { method: "points_sum" }
  | { method: "weighted_mean" }
  | { method: "geometric_mean" }
  | { method: "harmonic_mean" }
  | { method: "generalised_mean"; p: number }
  | { method: "weighted_median" }
  | { method: "copeland" };

export type Normaliser =
  | { method: "none" }
  | { method: "min_max"; l?: number; u?: number }
  | { method: "z_score"; m?: number; s?: number }
  | { method: "rank" }
  | { method: "borda" }
  | { method: "percentile_rank" }
  | { method: "distance_to_max" }
  | { method: "fraction_of_max" }
  | { method: "distance_to_reference"; unit: string; cap?: boolean }
  | { method: "distance_to_target"; target?: number; cap?: boolean }
  | { method: "goalposts"; lo: number; hi: number; scale?: number; truncate?: boolean }
  | { method: "fixed_bounds"; a: number; b: number; k?: number };

export interface Step { at: number; points: number }
export interface Level { label: string; fraction: number }

export type Rule =
  | { type: "value" }
  | { type: "ratio" }
  | { type: "percent" }
  | { type: "steps"; steps: Step[]; whole?: boolean }
  | { type: "levels"; levels: Level[] }
  | { type: "yes_no" }
  | { type: "normalised"; normaliser?: Normaliser };

export type MissingPolicy = "zero" | "renormalise" | "error";
export type Param = "max_points" | "weight";

export interface IndicatorMeta {
  unit?: string;
  data_source?: "self_report" | "automatic" | "survey";
  evidence?: string;
  target?: number;
}

export interface NodeDef {
  code: string;
  parent?: string;
  name_vi: string;
  name_en?: string;
  max_points?: number;
  weight?: number;
  aggregate?: Aggregator;
  rule?: Rule;
  direction?: 1 | -1;
  meta?: IndicatorMeta;
  unpublished?: Param[];
}

export interface ViewDef { code: string; name_vi: string; name_en?: string; nodes: string[] }

export interface LevelDef {
  depth: number;
  aggregate?: Aggregator;
  normaliser?: Normaliser;
  data_threshold?: number;
}

export interface FrameworkDef {
  schema_version: 1;
  id: string;
  name_vi: string;
  name_en?: string;
  version?: string;
  source?: string;
  scale?: number;
  aggregate?: Aggregator;
  missing?: MissingPolicy;
  data_threshold?: number;
  normaliser?: Normaliser;
  /** How the index's ranks treat near-equal values when the caller asks for `"auto"`:
   * the built-in DTI frameworks declare `{ rounded: 4 }` (the ministry ranks published
   * 4-decimal values). */
  ties?: Ties;
  levels?: LevelDef[];
  weight_sets?: Record<string, Record<string, number>>;
  notes?: string[];
  nodes: NodeDef[];
  views?: ViewDef[];
}

/** A built-in framework id (`builtinIds()`), `"total"` (DTI values alone, as the published
 * 63-province tables give them), or a definition. */
export type FrameworkInput = string | FrameworkDef;

/** A province's published result for one year. */
export interface PublishedRow {
  /** The registry id (`ho-chi-minh`). */
  unit: string;
  /** The name as published (`TP. Hồ Chí Minh`). */
  name: string;
  period: number;
  /** The published rank (the 34-province table only). */
  rank: number | null;
  /** The published DTI value (0..1). */
  dti: number;
  /** The published main-indicator values, `[code, value]` in the table's column order. */
  values: [string, number][];
}

/** An official published data set (`publishedData`): its rows and where they come from. */
export interface PublishedData {
  id: "dti-2024" | "dti-63";
  title: string;
  era: "pre2025" | "from2025";
  periods: number[];
  /** The framework that scores its records: `vn-pdti-2024` or `total`. */
  framework: string;
  decimals: number;
  source: string;
  rows: PublishedRow[];
}

// ---------------------------------------------------------------- input

export type Value = number | boolean | string | { numerator: number; denominator: number };
export type Entry = Value | { self?: Value; appraised?: Value };

export interface UnitRecord {
  unit: string;
  name?: string;
  period?: number;
  groups?: Record<string, string>;
  values: Record<string, Entry>;
}

/** When two scores share a rank, in every ranking and in the rank normalisers: `"auto"`
 * (the default) is the framework's declared rule, else `{ tolerance: 1e-12 }`; `"exact"`
 * only equal values (COINr); `{ tolerance: r }` within a relative difference;
 * `{ rounded: d }` equal when rounded to d decimals (the official DTI's published values). */
export type Ties = "auto" | "exact" | { tolerance: number } | { rounded: number };

export interface ScoreOptions {
  lenient?: boolean;
  explain?: boolean;
  top_n?: number;
  pool_periods?: boolean;
  ties?: Ties;
}

// ---------------------------------------------------------------- results

export type Status = "scored" | "given" | "aggregated" | "missing" | "covered";

export interface AssessedScore { input: Value; value: number | null; points: number | null }

export interface NodeScore {
  code: string;
  points: number | null;
  max_points: number | null;
  value: number | null;
  rank: number | null;
  status: Status;
  self_assessed?: AssessedScore;
  appraised?: AssessedScore;
}

export interface ViewScore {
  code: string;
  points: number | null;
  max_points: number | null;
  value: number | null;
  rank: number | null;
}

export interface LeafExplanation {
  code: string;
  value: number | null;
  points: number | null;
  max_points: number | null;
  lost: number | null;
  contribution: number | null;
  gain: number | null;
}

export interface Explanation {
  leaves: LeafExplanation[];
  /** The leaves that would raise the total most. The package's functions add each leaf's
   * names (as the command and Python give them); the core's own result has code and gain. */
  opportunities: { code: string; name_vi?: string; name_en?: string; gain: number }[];
}

export interface UnitScore {
  unit: string;
  name?: string;
  period?: number;
  groups?: Record<string, string>;
  points: number | null;
  max_points: number | null;
  value: number | null;
  rank: number | null;
  nodes: NodeScore[];
  views: ViewScore[];
  explanation?: Explanation;
}

/** One input problem: `code` names the kind; the other fields depend on it. */
export interface InputProblem {
  row: number;
  unit: string;
  period?: number;
  indicator?: string;
  code: string;
  [field: string]: unknown;
}

export interface UnitKey { row: number; unit: string; period?: number }

export interface CohortScores {
  framework: string;
  units: UnitScore[];
  problems: InputProblem[];
  excluded: UnitKey[];
}

export interface MergeGroup { unit: string; name?: string; from: string[] }
export interface MergeMap { groups: MergeGroup[] }
export interface MergeOptions { lenient?: boolean; depth?: number; score?: ScoreOptions }

export interface MergedScores {
  scores: CohortScores;
  members: { unit: string; period: number | null; from: string[]; missing: string[] }[];
  unmapped: UnitKey[];
  input_problems: InputProblem[];
  problems: { code: string; [field: string]: unknown }[];
}

export interface Scenario {
  name?: string;
  values?: ({ unit: string; period?: number; indicator: string } & (
    | { op: "set"; value: Value }
    | { op: "add"; by: number }
    | { op: "scale"; by: number }
  ))[];
  weights?: Record<string, number>;
  max_points?: Record<string, number>;
  aggregate?: Aggregator;
  node_aggregate?: Record<string, Aggregator>;
  normaliser?: Normaliser;
  levels?: LevelDef[];
  drop?: string[];
  add?: NodeDef[];
  missing?: MissingPolicy;
  scale?: number;
}

export interface NodeComparison {
  code: string;
  values: (number | null)[];
  ranks: (number | null)[];
  value_diffs: (number | null)[];
  rank_shifts: (number | null)[];
}

export interface Comparison {
  units: { unit: string; period: number | null; index: NodeComparison | null; nodes: NodeComparison[] }[];
  summaries: {
    cohort: number;
    units: number;
    changed: number;
    mean_abs_rank_shift: number;
    spearman: number | null;
    kendall: number | null;
    top_k: { k: number; share: number }[];
  }[];
}

export type Uncertain = { name: string } & (
  | { kind: "weight_noise"; depth?: number; factor: number }
  | { kind: "normaliser"; depth?: number; alternatives: Normaliser[] }
  | { kind: "aggregator"; depth?: number; alternatives: Aggregator[] }
  | { kind: "weight_set"; alternatives: string[] }
  | { kind: "generalised_power"; depth?: number; lo: number; hi: number }
);

export interface UncertaintySpec {
  inputs: Uncertain[];
  runs: number;
  seed?: number;
  keep_draws?: boolean;
  pool_periods?: boolean;
  ties?: Ties;
}

export interface UnitUncertainty {
  unit: string;
  period: number | null;
  nominal_value: number | null;
  nominal_rank: number | null;
  mean_rank: number | null;
  median_rank: number | null;
  rank_p05: number | null;
  rank_p95: number | null;
  value_mean: number | null;
  value_p05: number | null;
  value_median: number | null;
  value_p95: number | null;
}

export interface UncertaintyResult {
  runs: number;
  units: UnitUncertainty[];
  draws: {
    inputs: string[];
    units: string[];
    choices: (number | string)[][];
    values: (number | null)[][];
    ranks: (number | null)[][];
  } | null;
  /** What the analysis noticed but did not stop for (an input without effect). */
  warnings: string[];
}

export interface SensitivitySpec {
  inputs: Uncertain[];
  /** Base sample size N: the design has N(d + 2) runs. */
  n: number;
  seed?: number;
  /** Bootstrap resamples for the 95 % intervals (0: none). */
  bootstrap?: number;
  pool_periods?: boolean;
  ties?: Ties;
}

export interface SobolIndex {
  input: string;
  first_order: number;
  total: number;
  /** 95 % bootstrap interval of the first-order index (null without `bootstrap`). */
  first_order_ci: [number, number] | null;
  total_ci: [number, number] | null;
}

export interface SensitivityResult {
  runs: number;
  mean: number;
  variance: number;
  indices: SobolIndex[];
  warnings: string[];
}

/** Which records an analysis runs on (default: the latest period in them, as the command's
 * `--year`), and leave-one-out's depth (default 2: the main indicators). */
export interface AnalysisOptions {
  period?: number;
  depth?: number;
}

export interface LeaveOneOut {
  depth: number;
  units: { unit: string; period: number | null }[];
  nominal_ranks: (number | null)[];
  components: {
    code: string;
    mean_abs_rank_shift: number;
    /** Per unit (in `units` order): the rank without it minus the nominal rank (positive = falls). */
    shifts: (number | null)[];
  }[];
}

/** Points or weights that a framework's source does not publish, supplied by the user. */
export interface Supplement {
  max_points?: Record<string, number>;
  weights?: Record<string, number>;
}

export interface Province {
  code: string;
  name_vi: string;
  alias: string;
  gso_code: number | null;
  era: "pre2025" | "from2025";
}

// ---------------------------------------------------------------- files (readRecords)

/** How `readRecords` reads a file. */
export interface ReadOptions {
  /** The file's name in problems (default "data.csv"); a name ending ".json" reads JSON. */
  name?: string;
  /** CSV layout: detected from the header by default ("indicator" and "value" columns: long). */
  layout?: "auto" | "long" | "wide";
  /** Columns holding groups (regions…), not indicators. */
  groups?: string[];
  /** The field separator (one character); default: `,` `;` or tab, whichever the header uses most. */
  delimiter?: string;
  /** The options the values are checked with (as `scoreCohort` would score them). */
  score?: ScoreOptions;
}

/** One problem of a file, located as the `dti` command locates it. */
export interface FileProblem {
  /** The kind: "invalid_file" for the file's form, else the value problem's code ("out_of_range"…). */
  code: string;
  /** The located message ("data.csv, row 3, unit 'hue' (2023), indicator 'AWR': …"), its hint
   * in this package's words ("…; list grouping columns in the groups option"). */
  text: string;
  /** What can be done: "groups" (declare the column a grouping column) or "delimiter" (choose the separator). */
  hint?: "groups" | "delimiter";
  file: string;
  /** The physical line (the header is line 1). */
  line: number | null;
  /** The record (from 1), when the source has no lines (JSON). */
  record: number | null;
  unit: string | null;
  period: number | null;
  indicator: string | null;
  message: string;
}

/** What `readRecords` read. */
export interface RecordsRead {
  units: UnitRecord[];
  /** The line each record starts on (null: JSON). */
  lines: (number | null)[];
  /** What the user should know: result columns read past, units of a provincial framework
   * that are not provinces (with the nearest names). */
  notes: string[];
  /** Every problem the `dti` command would report: rows it could not take, then the values'. */
  problems: FileProblem[];
}

/** The `code` of a {@link DtiError}: the core error's own `code()` (a test checks this list
 * against the Rust source), or one of the package's own: `bad_argument`, `too_large`,
 * `not_ready` (browser entry before `ready()`), `internal` (a bug). */
export type DtiErrorCode =
  // FrameworkError
  | "parse" | "unknown_builtin" | "unknown_weight_set" | "invalid_framework"
  // ScoreError
  | "input" | "normalise" | "aggregate" | "column" | "overflow" | "unknown_unit"
  // MergeError
  | "merge_map" | "merge_input"
  // ScenarioError (and unknown_unit)
  | "unknown_node" | "not_numeric" | "ineffective_weight"
  // AnalysisError
  | "analysis_spec" | "analysis_design" | "conflict" | "no_effect" | "too_large" | "invalid" | "cancelled"
  // NormaliseError (normalise)
  | "zero_range" | "zero_spread" | "too_few_values" | "zero_max" | "reference_absent"
  | "reference_at_minimum" | "target_not_above_minimum" | "no_target"
  // LookupError (findProvince)
  | "unknown_province"
  // FileProblem (readRecords)
  | "invalid_file"
  // the package's own
  | "bad_argument" | "not_ready" | "internal";

/** Every error thrown by this package. */
export interface DtiError extends Error {
  name: "DtiError";
  /** The kind (see {@link DtiErrorCode}); conflict: two uncertain inputs set one parameter;
   * no_effect: no input changes anything. */
  code: DtiErrorCode;
  unit?: string;
  indicator?: string;
  path?: string;
  row?: number;
  problems?: unknown[];
}

// ---------------------------------------------------------------- functions (scoring module)
// Normalisation, scenarios, comparisons and uncertainty: `dti-wasm/analysis` (analysis.d.ts).

/** Whether `e` was thrown by this package: narrows it to {@link DtiError}. */
export function isDtiError(e: unknown): e is DtiError;

/** Loads the scoring module (browsers: once, before any call; node: no-op). */
export function ready(input?: string | URL | Request | BufferSource): Promise<void>;
export function builtinIds(): string[];
export function builtinFramework(id: string): FrameworkDef;
export function validateFramework(framework: FrameworkInput): FrameworkDef;
export function scoreCohort(framework: FrameworkInput, units: UnitRecord[], options?: ScoreOptions): CohortScores;
/** One unit's result with its explanation: `unit` is an id, a display name (up to case and
 * diacritics) or a province's name ("TP. Hồ Chí Minh"); without `period`, the unit's latest. */
export function explainUnit(framework: FrameworkInput, units: UnitRecord[], unit: string, period?: number, options?: ScoreOptions): UnitScore;
/** Scores merged units from their former units (the core's `merge_cohort`); without a map,
 * the 2025 province merger. */
export function mergeCohort(framework: FrameworkInput, units: UnitRecord[], map?: MergeMap, options?: MergeOptions): MergedScores;
/** @deprecated The earlier name of {@link mergeCohort}. */
export function mergeUnits(framework: FrameworkInput, units: UnitRecord[], map?: MergeMap, options?: MergeOptions): MergedScores;
export function findProvince(query: string, era: "pre2025" | "from2025"): Province;
