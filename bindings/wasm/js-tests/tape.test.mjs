// The result tape's reader (js/tape.js) on hand-written tapes, with its generated object
// builders and without them (as under a Content-Security-Policy without 'unsafe-eval', here
// node's --disallow-code-generation-from-strings): the same objects JSON.parse gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), "dti-tape-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
// As an .mjs copy: the source is an ES module in a folder without "type": "module".
const reader = path.join(tmp, "tape.mjs");
copyFileSync(path.join(here, "../js/tape.js"), reader);
const { fromTape } = await import(pathToFileURL(reader).href);

// Ops as src/tape.rs numbers them.
const [NULL, TRUE, NUMBER, STRING, ARRAY, OBJECT, SHAPED] = [0, 2, 3, 4, 5, 6, 7];

// A tape by hand: two shapes (one with a "__proto__" field), a map with a "__proto__" key,
// an array of shaped objects, a shape met again, and the text the JSON of it would be.
const strings = ["b", "__proto__", "a", "code", "Hà Nội 𝔸", "x", "list"];
const tape = {
  ops: [
    SHAPED, // shape 1: code, list, x
    STRING, // code
    ARRAY, // list
    SHAPED, NUMBER, NULL, OBJECT, NUMBER, // {b, __proto__, a: {__proto__: 2}}
    SHAPED, NUMBER, TRUE, OBJECT, // {b, __proto__, a: {}}
    OBJECT, STRING, // x: {b: "Hà Nội 𝔸"}
  ],
  nums: [
    1, 4, // shape 1; code = strings[4]
    2, // list of 2
    0, 1.5, /* null */ 1, 1, 2, // shape 0; b = 1.5; __proto__ = null; a = {__proto__: 2}
    0, -0, /* true */ 0, // shape 0; b = -0; __proto__ = true; a = {}
    1, 0, 4, // x = {b: strings[4]}
  ],
  shapes: [3, 0, 1, 2, 3, 3, 6, 5],
};
const json = '{"code": "Hà Nội 𝔸", "list": [{"b": 1.5, "__proto__": null, "a": {"__proto__": 2}}, '
  + '{"b": 0, "__proto__": true, "a": {}}], "x": {"b": "Hà Nội 𝔸"}}';

function decode(read, t) {
  const text = strings.join("");
  const lens = Uint32Array.from(strings, (s) => s.length);
  return read(Uint8Array.from(t.ops), Float64Array.from(t.nums), text, lens, Uint32Array.from(t.shapes));
}

// What a reader gave, in a form that survives a process boundary: the text, every object's
// keys in order, and whether "__proto__" stayed an own key over the plain prototype.
function describe(v) {
  const keys = [];
  const walk = (x) => {
    if (x === null || typeof x !== "object") return;
    if (!Array.isArray(x)) {
      keys.push([Object.keys(x), Object.getPrototypeOf(x) === Object.prototype, Object.hasOwn(x, "__proto__")]);
    }
    Object.values(x).forEach(walk);
  };
  walk(v);
  return { text: JSON.stringify(v), keys };
}

test("a tape reads back as the objects JSON.parse gives", () => {
  const v = decode(fromTape, tape);
  assert.deepEqual(describe(v), describe(JSON.parse(json)));
  assert.ok(Object.is(v.list[1].b, -0), "numbers cross as themselves (JSON would give 0)");
  assert.equal(v.list[0].a.__proto__, 2);
});

test("a damaged tape is an error, not a wrong object", () => {
  for (const [what, t] of [
    ["an unknown shape", { ...tape, nums: [9, ...tape.nums.slice(1)] }],
    ["an unknown kind", { ...tape, ops: [8, ...tape.ops.slice(1)] }],
  ]) {
    assert.throws(() => decode(fromTape, t), /result tape is damaged/, what);
  }
});

test("without code generation (a CSP without 'unsafe-eval') the objects are the same", () => {
  const script = path.join(tmp, "no-eval.mjs");
  writeFileSync(
    script,
    `import { fromTape } from ${JSON.stringify(pathToFileURL(reader).href)};
let blocked = false;
try { new Function("return 1"); } catch { blocked = true; }
const strings = ${JSON.stringify(strings)};
const t = ${JSON.stringify(tape)};
${decode.toString()}
${describe.toString()}
process.stdout.write(JSON.stringify({ blocked, got: describe(decode(fromTape, t)) }));
`,
  );
  const out = JSON.parse(
    execFileSync(process.execPath, ["--disallow-code-generation-from-strings", script], { encoding: "utf8" }),
  );
  assert.equal(out.blocked, true, "the flag forbids new Function");
  assert.deepEqual(out.got, describe(JSON.parse(json)));
});

test("scoreCohort gives the same result without code generation", () => {
  // The package under test, as node.test.mjs finds it (built, or installed).
  const installed = process.env.DTI_WASM_INSTALLED;
  const entry = installed
    ? createRequire(path.join(installed, "index.js")).resolve("dti-wasm")
    : path.join(here, "../pkg/node.mjs");
  const panel = path.join(here, "../../../fixtures/vn-provinces-synthetic/panel.json");
  const script = path.join(tmp, "score.mjs");
  writeFileSync(
    script,
    `import { readFileSync } from "node:fs";
const dti = await import(${JSON.stringify(pathToFileURL(entry).href)});
await dti.ready();
const s = dti.scoreCohort("vn-pdti-2022", JSON.parse(readFileSync(${JSON.stringify(panel)}, "utf8")));
process.stdout.write(JSON.stringify(s));
`,
  );
  const run = (flags) => execFileSync(process.execPath, [...flags, script], { encoding: "utf8", maxBuffer: 1 << 26 });
  const generated = run([]);
  const plain = run(["--disallow-code-generation-from-strings"]);
  assert.ok(generated.length > 100_000, "a whole cohort with explanations");
  assert.equal(plain, generated);
});
