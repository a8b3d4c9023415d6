// Node entry of dti-wasm (the scoring module): loaded synchronously; `ready()` is there for
// symmetry with the browser entry.
import { createRequire } from "node:module";
import { wrap } from "./wrap.mjs";
export { isDtiError } from "./wrap.mjs";
import { SCORING } from "./names.mjs";

const require = createRequire(import.meta.url);
const api = wrap(require("./node/dti_wasm.js"), SCORING);

export const ready = async () => {};
export const {
  builtinIds, builtinFramework, validateFramework, scoreCohort, explainUnit, mergeCohort, findProvince,
} = api;
/** @deprecated The earlier name of `mergeCohort` (the core's `merge_cohort`). */
export const mergeUnits = mergeCohort;
