// The npm side of the operations × surfaces test (bindings/python/tests/test_surfaces.py):
// runs every operation of operations.json through the npm package as a portal would call it
// and prints each result in the test's common shape (JSON on stdout). The package: the build
// in bindings/wasm/pkg, or DTI_WASM_PKG.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = process.env.DTI_WASM_PKG ?? path.join(root, "bindings/wasm/pkg");
const dti = await import(path.join(pkg, "node.mjs"));
const analysis = await import(path.join(pkg, "analysis-node.mjs"));
const ops = JSON.parse(readFileSync(path.join(__dirname(), "operations.json"), "utf8"));

function __dirname() {
  return path.dirname(fileURLToPath(import.meta.url));
}

const fw = ops.framework;
const records = analysis.readRecords(fw, readFileSync(path.join(root, ops.panel), "utf8"), { name: ops.panel }).units;
const inPeriod = (u) => u.period === ops.period;
const byUnit = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const nodes = (u) => Object.fromEntries(u.nodes.map((n) => [n.code, [n.points, n.rank]]));

const out = {};
const scores = dti.scoreCohort(fw, records);
out.score = scores.units.filter(inPeriod).map((u) => [u.unit, u.period, u.points, u.value, u.rank, nodes(u)]).sort(byUnit);

const e = dti.explainUnit(fw, records, ops.explain);
out.explain = [e.unit, e.period, e.points, e.rank, e.explanation.opportunities.map((o) => [o.code, o.name_vi, o.name_en, o.gain])];

const m = dti.mergeCohort(fw, records);
const from = new Map(m.members.map((x) => [`${x.unit}/${x.period}`, [...x.from].sort()]));
out.merge = m.scores.units.filter(inPeriod)
  .map((u) => [u.unit, u.period, u.points, u.rank, from.get(`${u.unit}/${u.period}`)]).sort(byUnit);

const applied = analysis.applyScenario(fw, records, ops.scenario);
const c = analysis.compare([scores, dti.scoreCohort(applied.framework, applied.units)]);
out.scenario = c.units.filter((u) => inPeriod(u) && u.index)
  .map((u) => [u.unit, u.period, u.index.ranks[0], u.index.ranks[1], u.index.rank_shifts[1]]).sort(byUnit);

// The published DTI of 2023 (63 provinces) against 2024 (34): the 63 merged onto the 34 first.
const cmp = ops.compare;
const dti2024 = analysis.publishedData("dti-2024").rows.map((r) => ({ unit: r.unit, period: r.period, values: { DTI: r.dti } }));
const across = analysis.compareAcrossMerger(cmp.framework, analysis.publishedRecords("dti-63"),
  dti.scoreCohort(cmp.framework, dti2024), { from: cmp.from, to: cmp.to });
out.compare = across.comparison.units.filter((u) => u.index)
  .map((u) => [u.unit, u.index.ranks[0], u.index.ranks[1], u.index.rank_shifts[1]]).sort(byUnit);

const unc = analysis.uncertainty(fw, records, ops.uncertainty);
out.uncertainty = unc.units.map((u) => [u.unit, u.period, u.nominal_rank, u.median_rank, u.rank_p05, u.rank_p95,
  u.value_p05, u.value_p95]).sort(byUnit);

const sens = analysis.sensitivity(fw, records, ops.sensitivity);
out.sensitivity = sens.indices.map((i) => [i.input, i.first_order, i.total, i.first_order_ci, i.total_ci]);

const loo = analysis.leaveOneOut(fw, records, ops.leave_one_out);
out.leave_one_out = loo.components.map((x) => [x.code, x.mean_abs_rank_shift,
  Math.max(0, ...x.shifts.filter((s) => s !== null).map(Math.abs))]);

const sup = analysis.supplementFramework(ops.supplement.framework, ops.supplement.supplement);
out.supplement = dti.scoreCohort(sup, analysis.publishedRecords("dti-2024")).units
  .map((u) => [u.unit, u.points, u.rank]).sort(byUnit);

process.stdout.write(JSON.stringify(out));
