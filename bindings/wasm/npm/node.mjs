// Node entry: the wasm module is loaded synchronously; `ready()` is there for symmetry.
import { createRequire } from "node:module";
import { wrap } from "./wrap.mjs";

const require = createRequire(import.meta.url);
const api = wrap(require("./node/dti_wasm.js"));

export const ready = async () => {};
export const {
  builtinIds, builtinFramework, validateFramework, scoreCohort, explainUnit, mergeUnits,
  normalise, applyScenario, compare, uncertainty, findProvince,
} = api;
