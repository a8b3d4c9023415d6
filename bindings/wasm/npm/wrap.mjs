// Shared by the entries: wasm-bindgen exports wrapped so that a trap (a bug) becomes an Error
// with code "internal", and the browser entries' "call ready() first" guard.

/** The most units a call takes (the module's own limit, `MAX_UNITS`). */
const MAX_UNITS = 10_000;

/** Each export's parameters, as its declaration names them (for messages). */
const PARAMS = {
  validateFramework: ["framework"], scoreCohort: ["framework", "units", "options"],
  explainUnit: ["framework", "units", "unit", "period", "options"], mergeCohort: ["framework", "units", "map", "options"],
  normalise: ["normaliser", "values", "direction", "units"], applyScenario: ["framework", "units", "scenario"],
  compare: ["cohorts"], uncertainty: ["framework", "units", "spec", "progress", "options"],
  sensitivity: ["framework", "units", "spec", "progress", "options"], leaveOneOut: ["framework", "units", "options"],
  supplementFramework: ["id", "supplement"],
  compareAcrossMerger: ["framework", "before", "after", "options"], readRecords: ["framework", "text", "options"],
};

/** The path of the first number JSON cannot hold (NaN, ±Infinity) in `value`, or null: JSON
 * would turn it into null, and a weight of NaN would silently become the default. */
function nonFinite(value, path) {
  const stack = [[value, path]];
  while (stack.length) {
    const [v, p] = stack.pop();
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return [p, v];
    } else if (Array.isArray(v)) {
      for (let k = v.length - 1; k >= 0; k--) stack.push([v[k], `${p}[${k}]`]);
    } else if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) {
      const keys = Object.keys(v);
      for (let k = keys.length - 1; k >= 0; k--) stack.push([v[keys[k]], `${p}.${keys[k]}`]);
    }
  }
  return null;
}

/** Refuses an argument holding NaN or ±Infinity, naming the field (and the unit and
 * indicator of a record's value). */
function checkFinite(name, args) {
  const params = PARAMS[name] ?? [];
  for (let i = 0; i < args.length; i++) {
    // Refused before anything is read or serialised whole (the module refuses it too).
    if ((params[i] === "units" || params[i] === "before") && Array.isArray(args[i]) && args[i].length > MAX_UNITS) {
      const e = new Error(`${args[i].length} ${params[i]} is more than this package accepts (${MAX_UNITS})`);
      throw Object.assign(e, { name: "DtiError", code: "too_large", path: params[i] });
    }
    const bad = nonFinite(args[i], params[i] ?? `argument ${i + 1}`);
    if (!bad) continue;
    const [where, v] = bad;
    const m = where.match(/^(units|before)\[(\d+)\]\.values\.([^.[]+)/);
    const record = m ? args[i][Number(m[2])] : null;
    const about = record ? ` (unit '${record.unit}', indicator '${m[3]}')` : "";
    const e = new Error(`${where}${about}: ${v} is not a number this package takes (finite numbers only)`);
    throw Object.assign(e, { name: "DtiError", code: "bad_argument", path: where,
      ...(record ? { unit: record.unit, indicator: m[3] } : {}) });
  }
}

/** Values between 1 and 100 where 0..1 is expected: a table given in percent. */
const percentLike = (p) => p.code === "value_out_of_range" && p.value > 1 && p.value <= 100;

/** An input error's message as the command and Python word it (dti_core::engine::
 * describe_input): when at least three problems, and at least half of them, look like
 * percentages, one line says so and how to fix it, three are listed as examples and the
 * rest counted. Said here, beside the scoring module, whose size budget is spent. */
function summarisePercentages(e) {
  const problems = Array.isArray(e.problems) ? e.problems : [];
  const percent = problems.filter(percentLike).length;
  if (percent < 3 || percent * 2 < problems.length) return;
  const [head, ...lines] = e.message.split("\n");
  // One line per problem, in order; anything else is left as the module wrote it.
  if (lines.length !== problems.length || !lines.every((l) => l.startsWith("  - "))) return;
  const codes = [...new Set(problems.filter(percentLike).map((p) => p.indicator).filter(Boolean))].sort();
  const named = codes.slice(0, 8).join(", ") + (codes.length > 8 ? ` and ${codes.length - 8} more` : "");
  const out = [head, `  ${percent} values between 1 and 100 where a value in 0..1 is expected (${named}): they look like percentages; divide them by 100`];
  let shown = 0;
  problems.forEach((p, k) => {
    if (percentLike(p) && ++shown > 3) return;
    out.push(lines[k]);
  });
  if (percent > 3) out.push(`  … and ${percent - 3} more values like these`);
  e.message = out.join("\n");
}

/** Each improvement opportunity of a result with its leaf's names (`name_vi`, `name_en`), as
 * the command's JSON and Python give them (said here: the scoring module's budget is spent). */
function nameOpportunities(wasm, framework, units) {
  let names = null;
  for (const u of units) {
    for (const o of u?.explanation?.opportunities ?? []) {
      if (!names) {
        const def = typeof framework === "string" ? wasm.builtinFramework(framework) : framework;
        names = new Map((def?.nodes ?? []).map((n) => [n.code, n]));
      }
      const n = names.get(o.code);
      if (n) Object.assign(o, { name_vi: n.name_vi, name_en: n.name_en ?? "" });
    }
  }
}

/** The named exports of a wasm-bindgen module, each guarded against traps. */
export function wrap(wasm, names) {
  const guard = (f, name) => (...args) => {
    checkFinite(name, args);
    try {
      const out = f(...args);
      if (name === "explainUnit") nameOpportunities(wasm, args[0], [out]);
      else if (name === "scoreCohort") nameOpportunities(wasm, args[0], out.units);
      else if (name === "mergeCohort") nameOpportunities(wasm, args[0], out.scores.units);
      return out;
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        let detail = "";
        try { detail = wasm.lastPanic() ?? ""; } catch { /* the instance may be gone */ }
        const err = new Error(`internal error in dti-wasm: ${detail || e.message}`);
        err.name = "DtiError";
        err.code = "internal";
        throw err;
      }
      if (e instanceof Error && e.code === "input") summarisePercentages(e);
      throw e;
    }
  };
  return Object.fromEntries(names.map((n) => [n, guard((...args) => wasm[n](...args), n)]));
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
