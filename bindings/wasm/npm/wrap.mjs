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

// Marks, on the stack of `firstUnheld`, the end of an object's entries.
const LEAVE = Symbol("leave");

// How deep an argument may nest (the module's JSON reader stops at 128; no record, spec or
// framework needs more than a few levels).
const MAX_DEPTH = 100;

/** What a value inside an argument is, when JSON would drop it or lose what it holds (a key
 * whose value is a function disappears; a Map becomes `{}`), or null. */
function dropped(v) {
  if (typeof v === "function") return "a function";
  if (typeof v === "symbol") return "a symbol";
  if (typeof v === "bigint") return "a BigInt";
  if (v instanceof Map) return "a Map";
  if (v instanceof Set) return "a Set";
  return null;
}

/** The first thing in `value` (depth first, in key order) that JSON cannot hold, or null:
 * `{ path, value }` for a NaN or ±Infinity (JSON would turn it into null, and a weight of NaN
 * would silently become the default), `{ path, cycle: true }` for an object that contains
 * itself (JSON.stringify would throw; a walk would never end), `{ path, what }` for a value
 * JSON would drop or empty (a function, a Map …) or nesting deeper than `MAX_DEPTH`. Each
 * object is walked once — one shared by two records holds the same the second time — and the
 * path is spelled only for what is reported: a string per value was most of this walk's time.
 * The argument itself may be a function (a `progress` callback). */
function firstUnheld(value, root) {
  // Flat triples (value, frame, key); a frame per object entered: its parent frame, key and
  // depth.
  const stack = [value, -1, root];
  const frames = [];
  const open = new Set();
  const done = new Set();
  const spell = (frame, key) => {
    const keys = [key];
    for (let f = frame; f >= 0; f = frames[3 * f]) keys.push(frames[3 * f + 1]);
    let p = keys[keys.length - 1];
    for (let k = keys.length - 2; k >= 0; k--) p += typeof keys[k] === "number" ? `[${keys[k]}]` : `.${keys[k]}`;
    return p;
  };
  while (stack.length) {
    const key = stack.pop();
    const frame = stack.pop();
    const v = stack.pop();
    if (v === LEAVE) {
      open.delete(key);
      done.add(key);
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return { path: spell(frame, key), value: v };
    } else if (frame >= 0 && dropped(v)) {
      return { path: spell(frame, key), what: dropped(v) };
    } else if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v) && !done.has(v)) {
      if (open.has(v)) return { path: spell(frame, key), cycle: true };
      const depth = frame < 0 ? 0 : frames[3 * frame + 2] + 1;
      if (depth >= MAX_DEPTH) return { path: spell(frame, key), what: `nesting deeper than ${MAX_DEPTH} levels` };
      open.add(v);
      const f = frames.length / 3;
      frames.push(frame, key, depth);
      stack.push(LEAVE, f, v);
      if (Array.isArray(v)) {
        for (let k = v.length - 1; k >= 0; k--) stack.push(v[k], f, k);
      } else {
        const keys = Object.keys(v);
        for (let k = keys.length - 1; k >= 0; k--) stack.push(v[keys[k]], f, keys[k]);
      }
    }
  }
  return null;
}

/** Refuses an argument holding NaN or ±Infinity, naming the field (and the unit and
 * indicator of a record's value), an object that contains itself, or a value JSON would drop
 * or empty. */
function checkFinite(name, args) {
  const params = PARAMS[name] ?? [];
  for (let i = 0; i < args.length; i++) {
    // Refused before anything is read or serialised whole (the module refuses it too).
    if ((params[i] === "units" || params[i] === "before") && Array.isArray(args[i]) && args[i].length > MAX_UNITS) {
      const e = new Error(`${args[i].length} ${params[i]} is more than this package accepts (${MAX_UNITS})`);
      throw Object.assign(e, { name: "DtiError", code: "too_large", path: params[i] });
    }
    const bad = firstUnheld(args[i], params[i] ?? `argument ${i + 1}`);
    if (!bad) continue;
    const where = bad.path;
    if (bad.cycle || bad.what) {
      const e = new Error(bad.cycle
        ? `${where}: an object that contains itself, which JSON cannot hold`
        : `${where}: ${bad.what} is not a value this package takes (plain objects, arrays, numbers, text, true/false, null)`);
      throw Object.assign(e, { name: "DtiError", code: "bad_argument", path: where });
    }
    const m = where.match(/^(units|before)\[(\d+)\]\.values\.([^.[]+)/);
    const record = m ? args[i][Number(m[2])] : null;
    const about = record ? ` (unit '${record.unit}', indicator '${m[3]}')` : "";
    const e = new Error(`${where}${about}: ${bad.value} is not a number this package takes (finite numbers only)`);
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
 * the command's JSON and Python give them (said here: the scoring module's budget is spent).
 * `builtins` keeps each built-in framework's names (they never change), so that a call does
 * not fetch the whole definition again; a definition given as an object is read each call. */
function nameOpportunities(wasm, framework, units, builtins) {
  let names = null;
  for (const u of units) {
    for (const o of u?.explanation?.opportunities ?? []) {
      if (!names && typeof framework === "string") {
        names = builtins.get(framework);
        if (!names) {
          names = nodeNames(wasm.builtinFramework(framework));
          builtins.set(framework, names);
        }
      } else if (!names) {
        names = nodeNames(framework);
      }
      const n = names.get(o.code);
      if (n) Object.assign(o, { name_vi: n.name_vi, name_en: n.name_en ?? "" });
    }
  }
}

// A record's keys (UnitRecord's fields: any other is an error serde reports).
const RECORD_KEYS = new Set(["unit", "name", "period", "groups", "values"]);

/** Whether `v` is an object JSON.stringify writes as its own keys: a plain object. */
const plain = (v) => v !== null && typeof v === "object" &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) && typeof v.toJSON !== "function";

/** Records packed for `scoreCohortPacked` (`unpack_units` in `src/convert.rs`: the layout is
 * there), or null when any of them is not the common case — a plain object with a string
 * `unit`, a string or null `name`, a whole `period` (or null), no `groups` and finite numbers
 * as `values`, its text without surrogates — and the records cross as JSON instead.
 * Nothing is packed that JSON would read otherwise: keys whose value is undefined are left
 * out as JSON.stringify leaves them out, −0 is packed as 0 as JSON writes it. */
function packUnits(units) {
  try {
    if (!Array.isArray(units) || Object.getPrototypeOf(units) !== Array.prototype || typeof units.toJSON === "function" ||
      typeof Object.prototype.toJSON === "function") return null;
    const index = new Map();
    const strings = [];
    const str = (s) => {
      let k = index.get(s);
      if (k === undefined) {
        k = strings.length;
        strings.push(s);
        index.set(s, k);
      }
      return k;
    };
    const nums = [units.length];
    for (let u = 0; u < units.length; u++) {
      const r = units[u];
      if (!plain(r)) return null;
      for (const key of Object.keys(r)) if (!RECORD_KEYS.has(key) && r[key] !== undefined) return null;
      const { unit, name, period, groups, values } = r;
      if (typeof unit !== "string") return null;
      nums.push(str(unit));
      if (name === undefined || name === null) nums.push(-1);
      else if (typeof name === "string") nums.push(str(name));
      else return null;
      if (period === undefined || period === null) nums.push(NaN);
      else if (Number.isInteger(period) && period >= -2147483648 && period <= 2147483647) nums.push(period + 0);
      else return null;
      // Groups (rare in a portal's records) cross as JSON.
      if (groups !== undefined && !(plain(groups) && Object.values(groups).every((g) => g === undefined))) return null;
      const at = nums.length;
      nums.push(0);
      if (values !== undefined) {
        if (!plain(values)) return null;
        for (const code of Object.keys(values)) {
          const v = values[code];
          if (v === undefined) continue;
          if (typeof v !== "number" || !Number.isFinite(v)) return null;
          nums.push(str(code), v + 0);
          nums[at]++;
        }
      }
    }
    const text = strings.join("");
    // Surrogates (an emoji, or a lone one JSON would escape and serde refuse): as JSON.
    if (/[\uD800-\uDFFF]/.test(text)) return null;
    return { text, lens: Uint32Array.from(strings, (s) => s.length), nums: Float64Array.from(nums) };
  } catch {
    // A getter that throws, a proxy: JSON reports it as it always has.
    return null;
  }
}

/** Each node of a framework definition by its code. */
const nodeNames = (def) => new Map((def?.nodes ?? []).map((n) => [n.code, n]));

/** The named exports of a wasm-bindgen module, each guarded against traps. */
export function wrap(wasm, names) {
  const builtins = new Map();
  const guard = (f, name) => (...args) => {
    // scoreCohort's records packed, where they are the common case: the same result without
    // their JSON text (checked as they are packed: the arguments' check is for the others).
    const packed = name === "scoreCohort" && wasm.scoreCohortPacked && Array.isArray(args[1]) && args[1].length <= MAX_UNITS
      ? packUnits(args[1])
      : null;
    checkFinite(name, packed ? [args[0], undefined, args[2]] : args);
    try {
      const out = packed
        ? wasm.scoreCohortPacked(args[0], packed.text, packed.lens, packed.nums, args[2])
        : f(...args);
      if (name === "explainUnit") nameOpportunities(wasm, args[0], [out], builtins);
      else if (name === "scoreCohort") nameOpportunities(wasm, args[0], out.units, builtins);
      else if (name === "mergeCohort") nameOpportunities(wasm, args[0], out.scores.units, builtins);
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
