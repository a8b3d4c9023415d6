// Runs the suite against the node build of the package (bindings/wasm/pkg): the scoring
// entry and the analysis entry, side by side as a portal would import them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { cases } from "./suite.mjs";
import { loadGolden } from "./golden.mjs";
import { timeScoreCohort } from "./timing.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

// The package under test: the build in bindings/wasm/pkg, or, with DTI_WASM_INSTALLED (a
// folder where the packed tarball was `npm install`ed), the installed package, resolved by
// its name as a user's code resolves it.
const installed = process.env.DTI_WASM_INSTALLED;
const load = (name, file) => {
  if (!installed) return import(path.join(here, "../pkg", file));
  const resolved = createRequire(path.join(installed, "index.js")).resolve(name);
  assert.ok(resolved.includes(`${path.sep}node_modules${path.sep}dti-wasm${path.sep}`), resolved);
  return import(pathToFileURL(resolved).href);
};
const scoring = await load("dti-wasm", "node.mjs");
const analysis = await load("dti-wasm/analysis", "analysis-node.mjs");
const root = path.join(here, "../../..");
const fixtures = path.join(root, "fixtures");
const env = {
  fixture: (p) => readFileSync(path.join(fixtures, p), "utf8"),
  golden: loadGolden(
    () => readdirSync(fixtures, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name),
    (p) => (existsSync(path.join(fixtures, p)) ? readFileSync(path.join(fixtures, p), "utf8") : null),
  ),
  native: process.env.DTI_NATIVE ? (args) => execFileSync(process.env.DTI_NATIVE, args, { encoding: "utf8" }) : null,
};

await scoring.ready();
await analysis.ready();
const dti = { ...scoring, ...analysis };
for (const [name, fn] of cases(dti, env)) {
  test(name, fn);
}

// readRecords reports a damaged file exactly as the native command does: every problem, the
// same words, the same lines.
test("readRecords gives the native command's problems for a damaged file", { skip: !env.native }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dti-read-"));
  const file = path.join(dir, "bad.csv");
  const lines = readFileSync(path.join(root, "crates/dti-core/data/synthetic/vn-provinces-synthetic.csv"), "utf8").split("\n");
  lines[5] = lines[5].replace(/,[^,]*$/, ",1.7"); // a value out of range
  lines[9] = lines[9].split(",").slice(0, 3).join(","); // a short row
  lines[12] = lines[12].replace(/^[^,]*,/, ","); // no unit
  writeFileSync(file, lines.join("\n"));
  let stderr = "";
  try { env.native(["score", file]); } catch (e) { stderr = String(e.stderr); }
  const native = stderr.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
  const read = dti.readRecords("vn-pdti-2022", readFileSync(file, "utf8"), { name: file });
  assert.equal(native.length, 3, stderr);
  assert.deepEqual(read.problems.map((p) => p.text), native);
  rmSync(dir, { recursive: true });
});

// The engine issue's WASM figure, printed with the results (a measurement, not a check).
// The raw module's packed entry (what the wrapper calls for plain records): a packing that
// does not add up is an error, never a read past the end or a trap.
test("a damaged packing of records is refused", { skip: !!installed }, () => {
  const raw = createRequire(import.meta.url)("../pkg/node/dti_wasm.js");
  const run = (text, lens, nums) => {
    try {
      return raw.scoreCohortPacked("vn-pdti-2022", text, Uint32Array.from(lens), Float64Array.from(nums));
    } catch (e) {
      return e;
    }
  };
  // One record: unit "A", no name, period 2023, one value GOV = 0.5.
  const good = run("AGOV", [1, 3], [1, 0, -1, 2023, 1, 1, 0.5]);
  assert.equal(good.units[0].unit, "A");
  for (const [text, lens, nums] of [
    ["AGOV", [1, 3], [2, 0, -1, 2023, 1, 1, 0.5]], // two records announced
    ["AGOV", [1, 3], [1, 0, -1, 2023, 1, 1, 0.5, 7]], // a number left over
    ["AGOV", [1, 3], [1, 5, -1, 2023, 1, 1, 0.5]], // a string index out of range
    ["AGOV", [1, 3], [1, 0.5, -1, 2023, 1, 1, 0.5]], // an index that is not whole
    ["AGOV", [1, 3], [1, 0, -1, 2023.5, 1, 1, 0.5]], // a period that is not whole
    ["AGOV", [1, 3], [1, 0, -1, 2 ** 31, 1, 1, 0.5]], // a period out of range
    ["AGOV", [1, 3], [1, 0, -1, 2023, 1, 1, NaN]], // a value that is not finite
    ["AGOV", [1, 3], [1, 0, -1, 2023, 1e9, 1, 0.5]], // a count past the end
    ["AGOV", [1, 4], [1, 0, -1, 2023, 1, 1, 0.5]], // lengths past the text
    ["AGOVX", [1, 3], [1, 0, -1, 2023, 1, 1, 0.5]], // text left over
    ["", [], [NaN]],
    ["", [], []],
  ]) {
    const e = run(text, lens, nums);
    assert.ok(e instanceof Error && e.code === "bad_argument", `${JSON.stringify(nums)}: ${e?.message ?? "no error"}`);
  }
});

test("scoreCohort timing on the 63-province panel (printed)", (t) => {
  t.diagnostic(`scoreCohort median ${timeScoreCohort(dti).toFixed(3)} ms per call`);
});

// Every example of the READMEs runs, in order, against the built package: imports become
// bindings of the two entries, console output is collected.
async function runReadme(file, result) {
  const readme = readFileSync(file, "utf8");
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 2, `${file} has its examples`);
  const code = blocks.join("\n").replace(
    /import \{([^}]*)\} from "dti-wasm(?:\/analysis)?";/g,
    (_, names) => `const {${names.replace(/ as /g, ": ")}} = dti;`,
  );
  const logged = [];
  const AsyncFunction = (async () => {}).constructor;
  const run = new AsyncFunction("dti", "console", `${code}\nreturn ${result};`);
  return { value: await run(dti, { log: (...a) => logged.push(a) }), logged };
}

test("the npm README examples run", async () => {
  const { value: robustness, logged } = await runReadme(path.join(here, "../npm/README.md"), "robustness");
  // The flagship question has an answer: some rank interval is wider than one place.
  assert.equal(robustness.runs, 1000);
  assert.ok(robustness.units.some((u) => u.rank_p05 !== u.rank_p95), JSON.stringify(robustness.units));
  assert.deepEqual(robustness.warnings, []);
  assert.ok(logged.length > 0);
});

test("the repository README's JS examples run", async () => {
  const { value: robustness } = await runReadme(path.join(root, "README.md"), "robustness");
  assert.equal(robustness.runs, 1000);
});

// One math library on every target: logs and powers (geometric, harmonic and power means,
// and an uncertainty analysis switching between them) give the native command's numbers to
// the bit (`assert.equal` compares doubles exactly). Before the core took ln, exp and pow
// from one pure-Rust libm, 26 of 200 values here differed in the last bit.
test("logs and powers give the native command's bits", { skip: !env.native }, () => {
  const leaf = (k, parent, w) => ({
    code: `x${k}`, name_vi: `x${k}`, parent, weight: w,
    rule: { type: "normalised", normaliser: { method: "min_max", l: 1, u: 100 } },
  });
  const framework = {
    schema_version: 1, id: "means", name_vi: "Các trung bình", aggregate: { method: "geometric_mean" },
    nodes: [
      { code: "G", name_vi: "G", aggregate: { method: "geometric_mean" }, weight: 2 },
      { code: "H", name_vi: "H", aggregate: { method: "harmonic_mean" }, weight: 1 },
      { code: "P", name_vi: "P", aggregate: { method: "generalised_mean", p: 0.37 }, weight: 3 },
      leaf(1, "G", 1), leaf(2, "G", 3), leaf(3, "G", 0.7),
      leaf(4, "H", 2), leaf(5, "H", 1.3),
      leaf(6, "P", 1), leaf(7, "P", 2.9),
    ],
  };
  // A fixed pseudo-random cohort (an LCG: the same numbers on every run).
  let s = 12345;
  const next = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const units = Array.from({ length: 200 }, (_, u) => ({
    unit: `U${u}`,
    values: Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`x${k + 1}`, 1000 * next()])),
  }));
  const dir = mkdtempSync(path.join(tmpdir(), "dti-bits-"));
  try {
    const fwFile = path.join(dir, "means.json");
    const dataFile = path.join(dir, "units.json");
    const specFile = path.join(dir, "spec.json");
    writeFileSync(fwFile, JSON.stringify(framework));
    writeFileSync(dataFile, JSON.stringify(units));
    const native = JSON.parse(env.native(["score", dataFile, "--framework", fwFile, "--format", "json"]));
    const wasm = dti.scoreCohort(framework, units);
    assert.equal(native.length, 200);
    let compared = 0;
    for (const n of native) {
      const w = wasm.units.find((x) => x.unit === n.unit);
      assert.equal(w.value, n.value, n.unit);
      assert.equal(w.rank, n.rank, n.unit);
      for (const node of n.nodes) {
        assert.equal(w.nodes.find((x) => x.code === node.code).value, node.value, `${n.unit} ${node.code}`);
        compared += 1;
      }
    }
    assert.ok(compared >= 200 * 10, `${compared} values compared`);
    // Uncertainty with the aggregators as alternatives and weight noise.
    const spec = {
      runs: 64, seed: 7,
      inputs: [
        { name: "agg", kind: "aggregator", depth: 1, alternatives: [
          { method: "geometric_mean" }, { method: "harmonic_mean" }, { method: "generalised_mean", p: 2.5 }] },
        { name: "w", kind: "weight_noise", factor: 0.25 },
      ],
    };
    writeFileSync(specFile, JSON.stringify(spec));
    const nativeU = JSON.parse(env.native(["uncertainty", specFile, dataFile, "--framework", fwFile, "--format", "json"]));
    const wasmU = dti.uncertainty(framework, units, spec);
    assert.equal(wasmU.units.length, 200);
    for (const [k, n] of nativeU.units.entries()) {
      // Every quantile compared exactly (Object.is on each number).
      assert.deepStrictEqual(wasmU.units[k], n, n.unit);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
