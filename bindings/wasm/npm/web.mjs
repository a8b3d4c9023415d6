// Browser / bundler entry of dti-wasm (the scoring module): call `await ready()` (optionally
// with the .wasm URL) first.
import init, * as wasm from "./web/dti_wasm.js";
import { lazy } from "./wrap.mjs";
export { isDtiError } from "./wrap.mjs";
import { SCORING } from "./names.mjs";

const m = lazy(init, wasm, SCORING, "dti-wasm");

export const ready = m.ready;
export const builtinIds = m.need("builtinIds");
export const builtinFramework = m.need("builtinFramework");
export const validateFramework = m.need("validateFramework");
export const scoreCohort = m.need("scoreCohort");
export const explainUnit = m.need("explainUnit");
export const mergeCohort = m.need("mergeCohort");
/** @deprecated The earlier name of `mergeCohort` (the core's `merge_cohort`). */
export const mergeUnits = mergeCohort;
export const findProvince = m.need("findProvince");
