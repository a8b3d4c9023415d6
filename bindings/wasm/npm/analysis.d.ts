// Types of dti-wasm/analysis, the analysis module: normalisation with a chosen method,
// scenarios, comparisons and uncertainty. The shapes are those of dti-wasm (index.d.ts).
import type {
  DtiError, CohortScores, ReadOptions, RecordsRead, Comparison, FrameworkDef, FrameworkInput, MergedScores, Normaliser,
  PublishedData, Scenario, UncertaintyResult, UncertaintySpec, UnitRecord, AnalysisOptions, SensitivitySpec,
  SensitivityResult, LeaveOneOut, Supplement,
} from "./index.js";
export type {
  FileProblem, ReadOptions, RecordsRead, Comparison, PublishedData, PublishedRow, Scenario, UncertaintyResult, UncertaintySpec,
  AnalysisOptions, SensitivitySpec, SensitivityResult, SobolIndex, LeaveOneOut, Supplement,
} from "./index.js";

/** Whether `e` was thrown by this package: narrows it to {@link DtiError}. */
export function isDtiError(e: unknown): e is DtiError;

/** Loads the analysis module (browsers: once, before any call; node: no-op). It is a
 * separate .wasm from the scoring module's, fetched only by pages that import this entry. */
export function ready(input?: string | URL | Request | BufferSource): Promise<void>;
/** Reads a data file's text as the `dti` command does (JSON, or CSV long or wide with the
 * headers of published tables): the records, each record's line, and every problem with its
 * line. Throws "invalid_file" (with `problems`) when the file cannot be read at all. */
export function readRecords(framework: FrameworkInput, text: string, options?: ReadOptions): RecordsRead;
export function normalise(normaliser: Normaliser, values: (number | null)[], direction?: 1 | -1, units?: string[]): (number | null)[];
export function applyScenario(framework: FrameworkInput, units: UnitRecord[], scenario: Scenario): { framework: FrameworkDef; units: UnitRecord[] };
export function compare(cohorts: CohortScores[]): Comparison;
/** The official DTI results as the ministry published them (source in `source`):
 * `"dti-2024"` (34 provinces: main indicators, DTI, rank; scored by `vn-pdti-2024`) or
 * `"dti-63"` (the DTI of the 63 provinces, 2022–2024; scored by `"total"`). */
export function publishedData(id: "dti-2024" | "dti-63"): PublishedData;
/** A published data set as unit records, ready for `scoreCohort`. */
export function publishedRecords(id: "dti-2024" | "dti-63"): UnitRecord[];
/** Compares one period's records (`before`, scored with `framework`) with a scored cohort:
 * when `before` holds the 63 provinces before the 2025 merger and `after` the 34, `before` is
 * merged onto the 34 first by the ministry's rule (`merged` then holds the merged scores).
 * `options.from`/`options.to` pick one period of each, as Python's `from_period`/`to_period`. */
export function compareAcrossMerger(framework: FrameworkInput, before: UnitRecord[], after: CohortScores, options?: {
  /** The period of `before` compared (default: every record). */
  from?: number;
  /** The period of `after` compared (default: every unit). */
  to?: number;
}): {
  comparison: Comparison;
  merged: MergedScores | null;
};
/** Uncertainty analysis on one period of `units` (`options.period`, default the latest, as
 * the command and Python). */
export function uncertainty(
  framework: FrameworkInput,
  units: UnitRecord[],
  spec: UncertaintySpec,
  progress?: (done: number, total: number) => boolean | void,
  options?: AnalysisOptions,
): UncertaintyResult;
/** Sobol indices of the mean absolute rank change, with 95 % bootstrap intervals
 * (`first_order_ci`, `total_ci`), on one period (`options.period`, default the latest). */
export function sensitivity(
  framework: FrameworkInput,
  units: UnitRecord[],
  spec: SensitivitySpec,
  progress?: (done: number, total: number) => boolean | void,
  options?: AnalysisOptions,
): SensitivityResult;
/** Leaves each node at `options.depth` (default 2) out in turn, on one period
 * (`options.period`, default the latest): the command's defaults. */
export function leaveOneOut(framework: FrameworkInput, units: UnitRecord[], options?: AnalysisOptions): LeaveOneOut;
/** A built-in framework completed by a supplement (the points or weights its source does not
 * publish: `vn-pdti-2025`'s indicators), validated, as `dti --supplement`. */
export function supplementFramework(id: string, supplement: Supplement): FrameworkDef;
