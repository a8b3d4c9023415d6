// Browser / bundler entry: call `await ready()` (optionally with the .wasm URL) first.
import init, * as wasm from "./web/dti_wasm.js";
import { wrap } from "./wrap.mjs";

let api = null;
const need = (name) => (...args) => {
  if (!api) throw Object.assign(new Error(`call await ready() before ${name}()`), { name: "DtiError", code: "not_ready" });
  return api[name](...args);
};

export async function ready(input) {
  if (!api) {
    await init(input ? { module_or_path: input } : undefined);
    api = wrap(wasm);
  }
}

export const builtinIds = need("builtinIds");
export const builtinFramework = need("builtinFramework");
export const validateFramework = need("validateFramework");
export const scoreCohort = need("scoreCohort");
export const explainUnit = need("explainUnit");
export const mergeUnits = need("mergeUnits");
export const normalise = need("normalise");
export const applyScenario = need("applyScenario");
export const compare = need("compare");
export const uncertainty = need("uncertainty");
export const findProvince = need("findProvince");
