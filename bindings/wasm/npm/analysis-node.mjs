// Node entry of dti-wasm/analysis (the analysis module): loaded synchronously.
import { createRequire } from "node:module";
import { wrap } from "./wrap.mjs";
export { isDtiError } from "./wrap.mjs";
import { ANALYSIS } from "./names.mjs";

const require = createRequire(import.meta.url);
const api = wrap(require("./node/dti_wasm_analysis.js"), ANALYSIS);

export const ready = async () => {};
export const {
  readRecords, normalise, applyScenario, compare, uncertainty, publishedData, publishedRecords, compareAcrossMerger,
  sensitivity, leaveOneOut, supplementFramework,
} = api;
