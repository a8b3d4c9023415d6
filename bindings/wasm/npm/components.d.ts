// Types of dti-wasm/components: custom elements over the package (browsers only). Importing
// the module defines <dti-ranking>, <dti-map>, <dti-unit>, <dti-what-if>, <dti-uncertainty>, <dti-merge>.
import type { CohortScores, FrameworkDef, UnitRecord } from "./index.js";

/** The analysis module, loaded on first need (CSV reading, uncertainty). */
export function analysis(): Promise<typeof import("./analysis.js")>;
/** A name as the ranking's search compares it: no diacritics, no case, đ as d. */
export function searchKey(s: string): string;

/** What every component takes: attributes `src`, `framework`, `period`, `lang`, `unit`. */
declare class DtiElement extends HTMLElement {
  /** Unit records to show (instead of the `src` attribute). */
  records: UnitRecord[] | null;
  /** A framework definition (instead of the `framework` attribute). */
  frameworkDef: FrameworkDef | null;
  /** Redraws once, after the current task's changes. */
  refresh(): void;
}
export class DtiRanking extends DtiElement {
  /** A cohort to show rank changes against (a scenario's scores), instead of `compare-period`. */
  baseline: CohortScores | null;
}
/** A choropleth of the provinces (63 or 34, as the data's units are; `era` to choose): the
 * index value, a view's or node's value (`measure`), or the rank change (`measure="change"`). */
export class DtiMap extends DtiElement {
  /** A cohort to show rank changes against (`measure="change"`), instead of `compare-period`. */
  baseline: CohortScores | null;
}
/** A problem (a file's, from `readRecords`, or a cohort's, from an `input` error) in the
 * interface's language (`"vi"`: a catalogue keyed by the core's `code`, with file, row,
 * province, year and indicator filled in; `"en"`: the core's own words). */
export function problemText(problem: Record<string, unknown>, lang: "vi" | "en", fallback?: string): string;
/** Problems in the order of the rows they are on. */
export function byRow<T extends Record<string, unknown>>(problems: T[]): T[];
/** Quintile breaks of the values (up to four thresholds), as `<dti-map>` colours them. */
export function quantileBreaks(values: (number | null)[]): number[];
export class DtiUnit extends DtiElement {}
export class DtiWhatIf extends DtiElement {}
export class DtiUncertainty extends DtiElement {}
export class DtiMerge extends DtiElement {}

declare global {
  interface HTMLElementTagNameMap {
    "dti-ranking": DtiRanking;
    "dti-map": DtiMap;
    "dti-unit": DtiUnit;
    "dti-what-if": DtiWhatIf;
    "dti-uncertainty": DtiUncertainty;
    "dti-merge": DtiMerge;
  }
  interface HTMLElementEventMap {
    /** A component drew (`detail`: what it shows). */
    "dti-ready": CustomEvent<Record<string, unknown>>;
    /** A component could not draw: the message and the data's problems, each with its row. */
    "dti-error": CustomEvent<{ message: string; problems?: unknown[] }>;
    /** A province was chosen in <dti-ranking> (without `href`) or on <dti-map>. */
    "dti-select": CustomEvent<{ unit: string; period: number | null }>;
    /** <dti-what-if> re-scored an edit. */
    "dti-what-if": CustomEvent<{ unit: string; rank: number | null; value: number | null; passed: string[] }>;
  }
}
