// The one JS test suite: `cases(dti, env)` returns [name, fn] pairs. `env.fixture(path)`
// reads a file under fixtures/ as text; `env.golden` holds every golden case
// (`golden.mjs`: the cases tests/golden.rs walks); `env.native(args)` (node only) runs the
// native `dti` command and returns its stdout, so WASM results are checked equal to native
// ones (the browser runner compares with native itself, outside the page).
import assert from "./assert.mjs";
import { checkUnit } from "./golden.mjs";

const close = (a, b, what) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

const codeOf = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error, "errors are Error objects");
    return e;
  }
  assert.fail("expected an error");
};

export function cases(dti, env) {
  const json = (p) => JSON.parse(env.fixture(p));
  return [
    ["lists the built-in frameworks", () => {
      assert.deepEqual(dti.builtinIds(), ["vn-pdti-2020", "vn-pdti-2022", "vn-pdti-2024", "vn-pdti-2025"]);
      assert.equal(dti.builtinFramework("vn-pdti-2022").nodes.length, 11);
    }],

    ["scores every golden case as worked by hand (fixtures/*/expected.json)", () => {
      // The same cases and rules as tests/golden.rs: not a hard-coded subset.
      assert.ok(env.golden.length >= 4, `golden cases found: ${env.golden.map((c) => c.name)}`);
      const errors = [];
      for (const c of env.golden) {
        const s = dti.scoreCohort(c.framework, c.units, c.expected.options);
        for (const exp of c.expected.units) {
          const u = s.units.find((x) => x.unit === exp.unit && x.period === exp.period);
          if (!u) { errors.push(`${c.name}: no result for unit ${exp.unit}`); continue; }
          const mine = [];
          checkUnit(mine, u, exp);
          errors.push(...mine.map((e) => `${c.name}: ${e}`));
        }
      }
      assert.deepEqual(errors, []);
    }],

    ["scores a framework given as an object, with components", () => {
      const fw = json("district-components/framework.json");
      const units = json("district-components/units.json");
      const s = dti.scoreCohort(fw, units);
      const d2 = s.units.find((u) => u.unit === "D2");
      assert.equal(d2.points, 70);
      const meet = d2.nodes.find((n) => n.code === "AWR.MEET");
      assert.equal(meet.self_assessed.points, 20);
      assert.equal(meet.appraised.points, 15);
    }],

    ...(env.native ? [["gives exactly the native numbers on the bundled panel", () => {
      const nativeOut = JSON.parse(env.native(["score", "synthetic", "--format", "json"]));
      assert.equal(nativeOut.length, 63, "the native command scores the panel's latest year");
      const panel = json("vn-provinces-synthetic/panel.json");
      const s = dti.scoreCohort("vn-pdti-2022", panel);
      for (const n of nativeOut) {
        const w = s.units.find((u) => u.unit === n.unit && u.period === n.period);
        assert.equal(w.value, n.value, n.unit);
        assert.equal(w.points, n.points, n.unit);
        assert.equal(w.rank, n.rank, n.unit);
        assert.deepEqual(w.views, n.views);
      }
    }]] : []),

    ["results are the plain objects JSON would give (they cross as a tape, not as text)", () => {
      // Group names are the user's: "__proto__" must stay an own key, as JSON.parse keeps it,
      // not become the object's prototype; Vietnamese text and missing numbers cross intact.
      const units = [
        { unit: "Hà Nội", name: "Thủ đô 𝔸", groups: JSON.parse('{"__proto__": "evil", "region": "Đồng bằng"}'), values: { GOV: 0.5 } },
        { unit: "B", values: {} },
      ];
      const s = dti.scoreCohort("vn-pdti-2022", units);
      const u = s.units[0];
      assert.equal(Object.getPrototypeOf(u.groups), Object.prototype);
      assert.deepEqual(Object.keys(u.groups), ["__proto__", "region"]);
      assert.equal(Object.getOwnPropertyDescriptor(u.groups, "__proto__").value, "evil");
      assert.equal(u.name, "Thủ đô 𝔸");
      assert.equal(u.groups.region, "Đồng bằng");
      // No NaN, undefined or prototype where JSON would have null or a plain object.
      const again = JSON.parse(JSON.stringify(s));
      assert.deepEqual(s, again);
      assert.equal(JSON.stringify(s), JSON.stringify(again));
    }],

    ["records of plain numbers cross packed, with the result and errors JSON would give", () => {
      // The wrapper packs plain records whose values are all numbers (no JSON text); records
      // of another prototype cross as JSON, as before. Both must give the same, including
      // -0, whole numbers, undefined keys, null names and periods, and the errors.
      const viaJson = (units) => units.map((u) => Object.assign(Object.create({ kind: "record" }), u));
      const same = (fw, units, options) => {
        let a, b, ea = null, eb = null;
        try { a = dti.scoreCohort(fw, units, options); } catch (e) { ea = e; }
        try { b = dti.scoreCohort(fw, viaJson(units), options); } catch (e) { eb = e; }
        if (ea || eb) {
          assert.ok(ea && eb, `${ea?.message} / ${eb?.message}`);
          assert.deepEqual([ea.code, ea.message, ea.path, ea.problems], [eb.code, eb.message, eb.path, eb.problems]);
          return ea;
        }
        assert.deepEqual(a, b);
        return a;
      };
      const panel = json("vn-provinces-synthetic/panel.json");
      assert.equal(same("vn-pdti-2022", panel).units.length, panel.length);
      same("vn-pdti-2022", panel, { ties: "exact" });
      const odd = [
        { unit: "A", name: null, period: 2023, values: { AWR: -0, ECO: 1, GOV: 0.25, HR: undefined } },
        { unit: "Bắc Ninh", name: "Tỉnh Bắc Ninh", period: 2023, values: { AWR: 0.5, GOV: 0 }, groups: undefined },
        { unit: "C", period: null, values: {} },
        { unit: "D" },
      ];
      same("vn-pdti-2022", odd);
      same("vn-pdti-2022", [{ unit: "A", period: 2023, values: { AWR: -0 } }]);
      // Errors the engine finds after reading: the same either way.
      assert.equal(same("vn-pdti-2022", [{ unit: "A", values: { GOV: 1.5 } }]).code, "input");
      assert.equal(same("vn-pdti-2022", [{ unit: "A", values: { NOPE: 0.5 } }, { unit: "A", values: {} }]).code, "input");
      // Records the wrapper does not pack (groups, labels, a whole number out of i32, an
      // unknown key, an emoji): JSON as before, the same either way.
      same("vn-pdti-2022", [{ unit: "A", groups: { region: "North" }, values: { GOV: 0.5 } }]);
      assert.equal(same("vn-pdti-2022", [{ unit: "A", period: 2 ** 31, values: {} }]).code, "bad_argument");
      assert.equal(same("vn-pdti-2022", [{ unit: "A", extra: 1, values: {} }]).code, "bad_argument");
      same("vn-pdti-2022", [{ unit: "A 😀", values: { GOV: 0.5 } }]);
      assert.equal(same("vn-pdti-2022", [{ unit: 7, values: {} }]).code, "bad_argument");
    }],

    ["explains a unit", () => {
      const e = dti.explainUnit("vn-pdti-2022", json("dti2022-main/units.json"), "P1");
      assert.equal(e.explanation.opportunities[0].code, "ECO");
      close(e.explanation.opportunities[0].gain, 90, "ECO gain");
    }],

    ["merges three provinces like the hand computation", () => {
      assert.equal(dti.mergeUnits, dti.mergeCohort, "the earlier name is the same function");
      const m = dti.mergeCohort("vn-pdti-2022", json("merge-three/units.json"), {
        groups: [{ unit: "N", from: ["A", "B", "C"] }, { unit: "D", from: ["D"] }],
      });
      const n = m.scores.units.find((u) => u.unit === "N");
      close(n.points, 610, "N points");
      assert.equal(n.rank, 1);
    }],

    ["normalises, compares, applies scenarios, runs uncertainty", () => {
      assert.deepEqual(dti.normalise({ method: "min_max", l: 0, u: 100 }, [2, 4, null, 10]), [0, 25, null, 100]);
      const units = json("dti2022-main/units.json");
      const base = dti.scoreCohort("vn-pdti-2022", units);
      const c = dti.compare([base, base]);
      assert.equal(c.summaries[0].kendall, 1);
      const { framework, units: u2 } = dti.applyScenario("vn-pdti-2022", units, {
        values: [{ unit: "P1", indicator: "GOV", op: "set", value: 1 }],
      });
      const after = dti.scoreCohort(framework, u2);
      close(after.units.find((u) => u.unit === "P1").points, 715, "P1 after"); // 635 + 0.4·200
      let calls = 0;
      const r = dti.uncertainty("vn-pdti-2022", units, {
        runs: 50, seed: 1,
        inputs: [{ name: "agg", kind: "aggregator", depth: 1, alternatives: [{ method: "points_sum" }, { method: "geometric_mean" }] }],
      }, () => { calls += 1; });
      assert.equal(r.runs, 50);
      assert.ok(calls > 0);
      const stop = codeOf(() => dti.uncertainty("vn-pdti-2022", units, { runs: 200, inputs: [{ name: "w", kind: "weight_noise", factor: 0.1 }] }, () => false));
      assert.equal(stop.code, "cancelled");
    }],

    ["says once that values look like percentages, as the command and Python do", () => {
      // 80 values in 1..100 where 0..1 is expected, and one other problem: one line says what
      // they are and how to fix it, three are examples, the rest are counted; every problem
      // stays in `problems`.
      const units = Array.from({ length: 40 }, (_, k) => ({ unit: `U${k}`, period: 2023, values: { AWR: 20 + k, GOV: 30 + k } }));
      units.push({ unit: "X", period: 2023, values: { ECO: -1 } });
      const e = codeOf(() => dti.scoreCohort("vn-pdti-2022", units));
      assert.equal(e.code, "input");
      assert.equal(e.problems.length, 81);
      const lines = e.message.split("\n");
      assert.equal(lines.length, 1 + 1 + 3 + 1 + 1, e.message);
      assert.equal(lines[1], "  80 values between 1 and 100 where a value in 0..1 is expected (AWR, GOV): they look like percentages; divide them by 100");
      assert.ok(lines.some((l) => l.includes("unit 'X'")), e.message);
      assert.equal(lines.at(-1), "  … and 77 more values like these");
      // A few such values are listed as they are.
      const few = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: { AWR: 50 } }, { unit: "B", values: { AWR: -2 } }]));
      assert.equal(few.message.split("\n").length, 3, few.message);
    }],

    ["runs sensitivity and leave-one-out on the latest period, and completes vn-pdti-2025", () => {
      // Two periods of the same units: an analysis takes the latest (as the command and
      // Python), or the one named; a period the data lacks is refused naming the option.
      const units = json("dti2022-main/units.json");
      const both = [...units.map((u) => ({ ...u, period: 2022 })), ...units.map((u) => ({ ...u, period: 2023 }))];
      const loo = dti.leaveOneOut("vn-pdti-2022", both);
      assert.equal(loo.depth, 2);
      assert.ok(loo.units.length === units.length && loo.units.every((u) => u.period === 2023));
      assert.deepEqual(dti.leaveOneOut("vn-pdti-2022", both, { period: 2022, depth: 1 }).units.map((u) => u.period),
        units.map(() => 2022));
      let e = codeOf(() => dti.leaveOneOut("vn-pdti-2022", both, { period: 2020 }));
      assert.deepEqual([e.code, e.path], ["invalid", "options.period"]);
      assert.ok(e.message.includes("2022, 2023"), e.message);
      e = codeOf(() => dti.leaveOneOut("vn-pdti-2022", both, { depth: 0 }));
      assert.deepEqual([e.code, e.path], ["bad_argument", "options.depth"]);
      e = codeOf(() => dti.leaveOneOut("vn-pdti-2022", both, { years: 2 }));
      assert.equal(e.code, "bad_argument");
      // Nothing to analyse is an error, not an empty answer.
      e = codeOf(() => dti.leaveOneOut("vn-pdti-2022", []));
      assert.deepEqual([e.code, e.path], ["invalid", "units"]);
      const s = dti.sensitivity("vn-pdti-2022", both, {
        n: 32, seed: 5, bootstrap: 20, inputs: [{ name: "w", kind: "weight_noise", factor: 0.25, depth: 1 }],
      });
      assert.equal(s.runs, 32 * 3);
      assert.ok(s.indices[0].total_ci[0] <= s.indices[0].total_ci[1], JSON.stringify(s.indices[0]));
      const u = dti.uncertainty("vn-pdti-2022", both, { runs: 20, inputs: [{ name: "w", kind: "weight_noise", factor: 0.1 }] },
        undefined, { period: 2022 });
      assert.ok(u.units.every((x) => x.period === 2022));
      // vn-pdti-2025 publishes no indicator points: supplied, it scores; the id is checked.
      const pts = { AWR: 120, INST: 120, INFRA: 120, HR: 120, SEC: 120, GOV: 160, ECO: 120, SOC: 120 };
      const fw = dti.supplementFramework("vn-pdti-2025", { max_points: pts });
      assert.equal(fw.nodes.find((n) => n.code === "GOV").max_points, 160);
      assert.equal(dti.scoreCohort(fw, dti.publishedRecords("dti-2024")).units.length, 34);
      assert.equal(codeOf(() => dti.scoreCohort("vn-pdti-2025", dti.publishedRecords("dti-2024"))).code, "invalid_framework");
      assert.equal(codeOf(() => dti.supplementFramework("vn-pdti-2099", { max_points: pts })).code, "unknown_builtin");
      // One period of each side of a comparison across the merger, as Python's from/to.
      const after = dti.scoreCohort("total", dti.publishedData("dti-2024").rows
        .map((r) => ({ unit: r.unit, period: r.period, values: { DTI: r.dti } })));
      const across = dti.compareAcrossMerger("total", dti.publishedRecords("dti-63"), after, { from: 2023, to: 2024 });
      assert.ok(across.merged !== null && across.comparison.units.length === 34);
      e = codeOf(() => dti.compareAcrossMerger("total", dti.publishedRecords("dti-63"), after, { from: 2019 }));
      assert.deepEqual([e.code, e.path], ["bad_argument", "options.from"]);
    }],

    ["reproduces the official DTI 2024 from the published data", () => {
      const d = dti.publishedData("dti-2024");
      assert.equal(d.rows.length, 34);
      assert.ok(d.source.includes("dti.gov.vn"), d.source);
      const s = dti.scoreCohort(d.framework, dti.publishedRecords("dti-2024"));
      for (const row of d.rows) {
        const u = s.units.find((x) => x.unit === row.unit);
        assert.ok(Math.abs(u.value - row.dti) <= 1e-4, `${row.name}: ${u.value} vs ${row.dti}`);
        assert.equal(u.rank, row.rank, row.name);
      }
      // Ranks as published: 2022, Thanh Hóa = Yên Bái = 0.6350, both 15th, then 17th.
      const y22 = dti.publishedRecords("dti-63").filter((r) => r.period === 2022);
      const t = dti.scoreCohort("total", y22);
      const rank = (id) => t.units.find((u) => u.unit === id).rank;
      assert.deepEqual([rank("thanh-hoa"), rank("yen-bai")], [15, 15]);
      assert.ok(!t.units.some((u) => u.rank === 16));
      // 2023 (63) against 2024 (34): merged first.
      const y23 = dti.publishedRecords("dti-63").filter((r) => r.period === 2023);
      const after = dti.scoreCohort("total", d.rows.map((r) => ({ unit: r.unit, period: 2024, values: { DTI: r.dti } })));
      const x = dti.compareAcrossMerger("total", y23, after);
      assert.ok(x.merged !== null);
      const hn = x.comparison.units.find((u) => u.unit === "ha-noi");
      assert.deepEqual(hn.index.ranks, [5, 1]);
      assert.equal(codeOf(() => dti.publishedData("dti-1999")).code, "bad_argument");
    }],

    ["NaN and infinities are errors naming the field, never a default", () => {
      const fw = dti.builtinFramework("vn-pdti-2022");
      fw.nodes.find((n) => n.code === "GOV").max_points = NaN;
      let e = codeOf(() => dti.scoreCohort(fw, [{ unit: "A", values: { GOV: 0.5 } }]));
      assert.equal(e.code, "bad_argument");
      assert.ok(e.message.startsWith("framework.nodes[") && e.message.includes("max_points: NaN"), e.message);
      e = codeOf(() => dti.scoreCohort({ ...dti.builtinFramework("vn-pdti-2022"), scale: Infinity }, []));
      assert.equal(e.path, "framework.scale");
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: { GOV: 0.5 } }, { unit: "HN", values: { ECO: -Infinity } }]));
      assert.deepEqual([e.code, e.path, e.unit, e.indicator], ["bad_argument", "units[1].values.ECO", "HN", "ECO"]);
      assert.equal(codeOf(() => dti.normalise({ method: "rank" }, [1, NaN])).path, "values[1]");
      // An object that contains itself is an error naming where it turns back (the walk for
      // NaN never ended on one); one shared by two records is read as it is; the first NaN in
      // key order is the one named.
      const loop = { unit: "A", values: { GOV: 0.5 } };
      loop.values.self = loop;
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [loop]));
      assert.deepEqual([e.code, e.path], ["bad_argument", "units[0].values.self"]);
      assert.ok(e.message.includes("contains itself"), e.message);
      const list = [0.5];
      list.push(list);
      assert.equal(codeOf(() => dti.normalise({ method: "rank" }, list)).path, "values[1]");
      // What JSON would drop or empty (GOV gone, a Map as {}) is an error naming it, as is
      // nesting deeper than 100 levels; a progress callback is a function and is fine.
      for (const [v, path, what] of [
        [() => 0.5, "units[0].values.GOV", "a function"],
        [Symbol("x"), "units[0].values.GOV", "a symbol"],
        [1n, "units[0].values.GOV", "a BigInt"],
      ]) {
        e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: { ECO: 0.5, GOV: v } }]));
        assert.deepEqual([e.code, e.path], ["bad_argument", path]);
        assert.ok(e.message.includes(`${what} is not a value`), e.message);
      }
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: new Map([["GOV", 0.5]]) }]));
      assert.deepEqual([e.code, e.path], ["bad_argument", "units[0].values"]);
      let deep = [];
      for (let k = 0; k < 5000; k++) deep = [deep];
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: { GOV: deep } }]));
      assert.deepEqual([e.code, e.path], ["bad_argument", "units[0].values.GOV" + "[0]".repeat(97)]);
      const shared = { GOV: 0.5, ECO: 0.25 };
      assert.equal(dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: shared }, { unit: "B", values: shared }]).units.length, 2);
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", values: { GOV: NaN, ECO: Infinity } }]));
      assert.equal(e.path, "units[0].values.GOV");
      // A progress callback that throws stops the analysis; its exception reaches the caller.
      const boom = new Error("stop here");
      let caught = null;
      try {
        dti.uncertainty("vn-pdti-2022", json("dti2022-main/units.json"), { runs: 200, inputs: [{ name: "w", kind: "weight_noise", factor: 0.1 }] }, () => { throw boom; });
      } catch (x) { caught = x; }
      assert.equal(caught, boom);
      // A million units is refused before the array is read or serialised: as too large, not
      // for the NaN its first record holds (which reading it would have found first).
      const many = new Array(1_000_000).fill({ unit: "U", values: { GOV: NaN } });
      const big = codeOf(() => dti.scoreCohort("vn-pdti-2022", many));
      assert.deepEqual([big.code, big.path], ["too_large", "units"]);
    }],

    ["a fraction of a count and a year out of range are errors, never scored", () => {
      const fw = dti.builtinFramework("vn-pdti-2022");
      fw.nodes.push({ code: "AWR.MEET", parent: "AWR", name_vi: "Số cuộc họp", max_points: 100,
        rule: { type: "steps", whole: true, steps: [{ at: 1, points: 50 }, { at: 2, points: 100 }] } });
      let e = codeOf(() => dti.scoreCohort(fw, [{ unit: "A", values: { "AWR.MEET": 2.5 } }]));
      assert.deepEqual([e.code, e.problems[0].code, e.problems[0].indicator], ["input", "not_whole", "AWR.MEET"]);
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "A", period: -2147483648, values: { GOV: 0.5 } }]));
      assert.deepEqual([e.code, e.problems[0].code, e.problems[0].period], ["input", "period_out_of_range", -2147483648]);
    }],

    ["finds provinces", () => {
      assert.equal(dti.findProvince("TP. Hồ Chí Minh", "from2025").code, "ho-chi-minh");
      const e = codeOf(() => dti.findProvince("Vinh Phuk", "pre2025"));
      assert.equal(e.code, "unknown_province");
      assert.ok(dti.isDtiError(e), "package errors pass the type guard");
      assert.ok(!dti.isDtiError(new Error("x")) && !dti.isDtiError({ name: "DtiError", code: "x" }));
      assert.deepEqual(e.suggestions.slice(0, 1), ["Vĩnh Phúc"]);
    }],

    ["errors carry stable codes and locations", () => {
      let e = codeOf(() => dti.validateFramework({ schema_version: 1, id: "x", name_vi: "X", nodes: [
        { code: "A", name_vi: "A", max_points: 1 }, { code: "A", name_vi: "A", max_points: 1 }] }));
      assert.equal(e.code, "invalid_framework");
      assert.equal(e.problems[0].code, "duplicate_code");
      assert.equal(e.path, "A");
      e = codeOf(() => dti.validateFramework("vn-pdti-2025"));
      assert.equal(e.code, "invalid_framework");
      assert.equal(e.problems.length, 8);
      e = codeOf(() => dti.scoreCohort("vn-pdti-1999", []));
      assert.equal(e.code, "unknown_builtin");
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ unit: "HN", values: { GOV: 1.5 } }]));
      assert.equal(e.code, "input");
      assert.equal(e.unit, "HN");
      assert.equal(e.indicator, "GOV");
      assert.equal(e.problems[0].code, "value_out_of_range");
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", [{ nope: 1 }]));
      assert.equal(e.code, "bad_argument");
      assert.equal(e.path, "units");
      e = codeOf(() => dti.scoreCohort("vn-pdti-2022", Array.from({ length: 10001 }, (_, k) => ({ unit: `U${k}`, values: {} }))));
      assert.equal(e.code, "too_large");
      e = codeOf(() => dti.explainUnit("vn-pdti-2022", [], "Atlantis"));
      assert.equal(e.code, "unknown_unit");
    }],

    ["reads a published table's CSV, locating every problem by its line", () => {
      // A published table's header (Vietnamese names), a province as published, a result
      // column read past, a short row and a value out of range.
      const text = "Tỉnh/Thành phố,Năm,Nhận thức số,Hoạt động chính quyền số,Xếp hạng\n"
        + "TP. Hồ Chí Minh,2023,0.5,0.75,1\n"
        + "Huế,2023\n"
        + "ha-noi,2023,1.5,0.25,2\n";
      const read = dti.readRecords("vn-pdti-2022", text, { name: "bxh.csv" });
      assert.deepEqual(read.units.map((u) => [u.unit, u.period, u.values.AWR, u.values.GOV]),
        [["ho-chi-minh", 2023, 0.5, 0.75], ["ha-noi", 2023, 1.5, 0.25]]);
      assert.deepEqual(read.lines, [2, 4]);
      assert.equal(read.notes.length, 1);
      assert.deepEqual(read.problems.map((p) => [p.code, p.line, p.unit, p.indicator]),
        [["invalid_file", 3, "Huế", null], ["value_out_of_range", 4, "ha-noi", "AWR"]]);
      assert.ok(read.problems[1].text.startsWith("bxh.csv, row 4, unit 'ha-noi' (2023), indicator 'AWR': "), read.problems[1].text);
      // Each problem's details, for a page to word it: the form's kind, or the value's.
      assert.deepEqual(read.problems.map((p) => p.detail), [{ code: "ragged_row", cells: 2, expected: 5 }, { code: "value_out_of_range", value: 1.5 }]);
      const e = codeOf(() => dti.readRecords("vn-pdti-2022", "unit,period,BOGUS\nha-noi,2023,1\n"));
      assert.equal(e.code, "invalid_file");
      assert.equal(e.row, 1);
      assert.equal(e.problems[0].indicator, "BOGUS");
      // The hint in this package's words: its option, not the command's flag.
      assert.equal(e.problems[0].hint, "groups");
      assert.ok(e.problems[0].text.endsWith("; list grouping columns in the groups option"), e.problems[0].text);
      assert.ok(e.message.includes("groups option") && !e.message.includes("--group"), e.message);
      const one = codeOf(() => dti.readRecords("vn-pdti-2022", "unit;period;GOV\nha-noi;2023;1\n", { delimiter: "," }));
      assert.ok(one.message.includes("the delimiter option") && !one.message.includes("--delimiter"), one.message);
      // A unit that is not a province: a note with the nearest names, as the command warns.
      const near = dti.readRecords("vn-pdti-2022", "unit,period,AWR\nHCMC,2023,0.5\nHa Noii,2023,0.5\n");
      assert.deepEqual(near.units.map((u) => u.unit), ["ho-chi-minh", "Ha Noii"]);
      assert.ok(near.notes.some((n) => n.startsWith("unit 'Ha Noii' is not a province") && n.includes("Hà Nội")), near.notes);
      assert.equal(codeOf(() => dti.readRecords("vn-pdti-2022", "unit\n", { delimiter: ";;" })).code, "bad_argument");
      assert.equal(codeOf(() => dti.readRecords("vn-pdti-2022", "", {})).code, "invalid_file");
    }],
  ];
}
