// Browser / bundler entry of dti-wasm/analysis (the analysis module, a separate .wasm that
// only pages importing this entry download): call `await ready()` first.
import init, * as wasm from "./web/dti_wasm_analysis.js";
import { lazy } from "./wrap.mjs";
export { isDtiError } from "./wrap.mjs";
import { ANALYSIS } from "./names.mjs";

const m = lazy(init, wasm, ANALYSIS, "dti-wasm/analysis");

export const ready = m.ready;
export const readRecords = m.need("readRecords");
export const normalise = m.need("normalise");
export const applyScenario = m.need("applyScenario");
export const compare = m.need("compare");
export const uncertainty = m.need("uncertainty");
export const publishedData = m.need("publishedData");
export const publishedRecords = m.need("publishedRecords");
export const compareAcrossMerger = m.need("compareAcrossMerger");
export const sensitivity = m.need("sensitivity");
export const leaveOneOut = m.need("leaveOneOut");
export const supplementFramework = m.need("supplementFramework");
