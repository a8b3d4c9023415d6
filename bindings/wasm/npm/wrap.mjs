// Shared by the entries: wasm-bindgen exports wrapped so that a trap (a bug) becomes an Error
// with code "internal", and the browser entries' "call ready() first" guard.

/** The named exports of a wasm-bindgen module, each guarded against traps. */
export function wrap(wasm, names) {
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
  return Object.fromEntries(names.map((n) => [n, guard((...args) => wasm[n](...args))]));
}

/** A browser entry over a wasm-bindgen web module: `ready(input?)` instantiates it once;
 * `need(name)` is the export, throwing code "not_ready" until then. */
export function lazy(init, wasm, names, entry) {
  let api = null;
  return {
    async ready(input) {
      if (!api) {
        await init(input ? { module_or_path: input } : undefined);
        api = wrap(wasm, names);
      }
    },
    need: (name) => (...args) => {
      if (!api) {
        const e = new Error(`call await ready() from ${entry} before ${name}()`);
        throw Object.assign(e, { name: "DtiError", code: "not_ready" });
      }
      return api[name](...args);
    },
  };
}

/** Whether `e` is an error thrown by this package (an Error named "DtiError" with a string
 * `code`). */
export function isDtiError(e) {
  return e instanceof Error && e.name === "DtiError" && typeof e.code === "string";
}
