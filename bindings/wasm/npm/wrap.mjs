// Wraps the wasm-bindgen exports: a trap (a bug) becomes an Error with code "internal".
export function wrap(wasm) {
  const guard = (f) => (...args) => {
    try {
      return f(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        let detail = "";
        try { detail = wasm.lastPanic() ?? ""; } catch { /* the instance may be gone */ }
        const err = new Error(`internal error in dti-wasm: ${detail || e.message}`);
        err.name = "DtiError";
        err.code = "internal";
        throw err;
      }
      throw e;
    }
  };
  return {
    builtinIds: guard(wasm.builtinIds),
    builtinFramework: guard(wasm.builtinFramework),
    validateFramework: guard(wasm.validateFramework),
    scoreCohort: guard((f, u, o) => wasm.scoreCohort(f, u, o)),
    explainUnit: guard((f, u, id, p) => wasm.explainUnit(f, u, id, p)),
    mergeUnits: guard((f, u, m, o) => wasm.mergeUnits(f, u, m, o)),
    normalise: guard((n, v, d, u) => wasm.normalise(n, v, d, u)),
    applyScenario: guard(wasm.applyScenario),
    compare: guard(wasm.compare),
    uncertainty: guard((f, u, s, p) => wasm.uncertainty(f, u, s, p)),
    findProvince: guard(wasm.findProvince),
  };
}
