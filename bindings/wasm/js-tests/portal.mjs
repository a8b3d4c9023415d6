// The portal and its components in headless Chromium (Debian's, driven by playwright-core),
// against the folder `scripts/portal build` made (argument 1, default target/portal), served
// from that folder alone on 127.0.0.1. Every number shown is compared with the native `dti`
// command (DTI_NATIVE) exactly; each page passes axe-core's WCAG 2 A/AA rules; screenshots
// of every page at desktop and phone widths go to target/artifacts/. Prints timings (first
// render, what-if keystroke, the page's longest frame gap during uncertainty runs) and
// "N passed, M failed".
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import assert from "./assert.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "../../..");
const site = path.resolve(process.argv[2] ?? path.join(root, "target/portal"));
const shots = path.join(root, "target/artifacts");
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(path.join(here, "../node_modules/axe-core/axe.min.js"), "utf8");
const nativeBin = process.env.DTI_NATIVE;
const native = (args) => JSON.parse(execFileSync(nativeBin, [...args, "--format", "json"], { encoding: "utf8" }));
const panel = JSON.parse(readFileSync(path.join(root, "fixtures/vn-provinces-synthetic/panel.json"), "utf8"));
const tmp = mkdtempSync(path.join(tmpdir(), "dti-portal-"));

function serve(dir) {
  const port = 9000 + Math.floor(Math.random() * 900);
  const server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir], { stdio: "ignore" });
  return { url: `http://127.0.0.1:${port}/`, stop: () => server.kill() };
}

const results = [];
const timings = [];
async function check(name, fn) {
  try { await fn(); results.push({ name, ok: true }); }
  catch (e) { results.push({ name, ok: false, error: String(e && e.stack || e) }); }
}

/** Waits until the element `tag` has drawn (data-ready) or shows an error. */
async function drawn(page, tag) {
  await page.waitForFunction((t) => {
    const el = document.querySelector(t);
    return el && (el.dataset.ready === "true" || el.shadowRoot?.querySelector(".error"));
  }, tag, { timeout: 60000 });
  const error = await page.evaluate((t) => document.querySelector(t).shadowRoot.querySelector(".error")?.textContent, tag);
  assert.ok(!error, `${tag} shows an error: ${error}`);
}

/** Rows of a component's table: every data-* attribute of each tr[data-unit] and its cells. */
const rowsOf = (page, tag) => page.evaluate((t) => [...document.querySelector(t).shadowRoot.querySelectorAll("tbody tr[data-unit]")]
  .map((tr) => ({ ...tr.dataset, cells: [...tr.querySelectorAll("td[data-view]")].map((td) => ({ ...td.dataset })), change: tr.querySelector("td[data-change]")?.dataset.change })), tag);

async function axe(page, what) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
  });
  assert.deepEqual(violations, [], `${what}: accessibility violations`);
}

async function screenshots(browser, url, name, ready) {
  for (const [label, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport });
    await page.goto(url);
    await drawn(page, ready);
    await page.screenshot({ path: path.join(shots, `portal-${name}-${label}.png`), fullPage: true });
    await page.close();
  }
}

const byUnit = (list, period) => new Map(list.filter((u) => u.period === period).map((u) => [u.unit, u]));

const { url, stop } = serve(site);
let browser;
try {
  await new Promise((r) => setTimeout(r, 800));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  if (!nativeBin) results.push({ name: "the native command is there to compare with", ok: false, error: "DTI_NATIVE is not set" });
  const latest = Math.max(...panel.map((u) => u.period));
  const scores = nativeBin ? native(["score", "synthetic"]) : [];
  const scoresBefore = nativeBin ? native(["score", "synthetic", "--year", String(latest - 1)]) : [];

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));

  await check("the portal opens on the published DTI 2024: the native numbers, the published ranks, the source; 2023 as published", async () => {
    await page.goto(`${url}#/`);
    await drawn(page, "dti-ranking");
    const rows = await rowsOf(page, "dti-ranking");
    assert.equal(rows.length, 34);
    const want = new Map(native(["score"]).map((u) => [u.unit, u]));
    for (const r of rows) {
      const n = want.get(r.unit);
      assert.ok(n, `native has ${r.unit}`);
      assert.equal(Number(r.value), n.value, `${r.unit} value`);
      assert.equal(Number(r.rank), n.rank, `${r.unit} rank`);
      assert.equal(Number(r.rank), n.published_rank, `${r.unit}: the published rank`);
    }
    const source = await page.textContent("#source");
    assert.ok(source.includes("dti.gov.vn") && source.includes("2024"), source);
    assert.equal(await page.isDisabled("#framework"), true, "the published data's own framework");
    await axe(page, "the published ranking");
    await page.selectOption("#period", "2023");
    await page.waitForFunction(() => document.querySelector("dti-ranking")?.shadowRoot.querySelectorAll("tbody tr[data-unit]").length === 63);
    await drawn(page, "dti-ranking");
    const w23 = new Map(native(["score", "--year", "2023"]).map((u) => [u.unit, u]));
    for (const r of await rowsOf(page, "dti-ranking")) {
      const n = w23.get(r.unit);
      assert.deepEqual([Number(r.value), Number(r.rank)], [n.value, n.rank], r.unit);
    }
    assert.ok((await page.textContent("#source")).includes("63"));
  });

  // The map's colours, derived here from the documented rule (quintile breaks of the values:
  // the value at position ⌊k·n/5⌋ of the sorted values, k = 1…4, each kept once and above the
  // least; class = breaks at or below a value; ColorBrewer Blues, darkest for the top class).
  const BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  const quintiles = (values) => {
    const v = [...values].sort((a, b) => a - b);
    const b = [];
    for (let k = 1; k < 5; k++) if (v[Math.floor((k * v.length) / 5)] > v[0] && !b.includes(v[Math.floor((k * v.length) / 5)])) b.push(v[Math.floor((k * v.length) / 5)]);
    return b;
  };
  const mapOf = (page, sel = "dti-map") => page.evaluate((t) => {
    const s = document.querySelector(t).shadowRoot;
    return {
      era: s.querySelector("svg").dataset.era,
      paths: [...s.querySelectorAll("path[data-unit]")].map((p) => ({ ...p.dataset, fill: p.getAttribute("fill"), label: p.getAttribute("aria-label") })),
      legend: [...s.querySelectorAll(".legend li")].map((li) => ({ ...li.dataset })),
      rows: [...s.querySelectorAll("tbody tr[data-unit]")].map((tr) => ({ ...tr.dataset })),
      credit: s.querySelector(".credit")?.textContent ?? "",
    };
  }, sel);
  const checkColours = (m, values) => {
    const breaks = quintiles(values);
    const palette = BLUES.slice(5 - (breaks.length + 1));
    for (const p of m.paths.filter((x) => x.value !== "")) {
      const want = palette[breaks.filter((b) => Number(p.value) >= b).length];
      assert.equal(p.fill, want, `${p.unit} (${p.value}) colour`);
    }
    const shown = m.legend.filter((l) => l.class !== "none");
    assert.deepEqual(shown.slice(1).map((l) => Number(l.from)), breaks, "the legend's breaks");
    return breaks;
  };

  await check("<dti-map> beside the ranking on the first page: the 34 provinces of 2024 with the native values, ranks and colours", async () => {
    await page.goto("about:blank");
    await page.goto(`${url}#/`);
    await drawn(page, "dti-map");
    await drawn(page, "dti-ranking");
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const at = (tag) => Number(document.querySelector(tag).dataset.readyAt);
      return { ready: Math.max(at("dti-map"), at("dti-ranking")), load: nav.loadEventEnd, start: nav.startTime };
    });
    timings.push(`first render of the map with the ranking: ${(t.ready - t.start).toFixed(0)} ms after navigation start, ${(t.ready - t.load).toFixed(0)} ms after load (budget 300 ms)`);
    const m = await mapOf(page);
    assert.equal(m.era, "34");
    assert.equal(m.paths.length, 34);
    const want = new Map(native(["score"]).map((u) => [u.unit, u]));
    for (const p of m.paths) {
      const n = want.get(p.unit);
      assert.ok(n, `native has ${p.unit}`);
      assert.deepEqual([Number(p.value), Number(p.rank)], [n.value, n.rank], p.unit);
    }
    assert.deepEqual(m.rows.map((r) => [r.unit, Number(r.value)]), [...want.values()].sort((a, b) => a.rank - b.rank).map((u) => [u.unit, u.value]), "the data table");
    checkColours(m, [...want.values()].map((u) => u.value));
    assert.ok(m.credit.includes("geoBoundaries") && m.credit.includes("CC BY 4.0"), m.credit);
    // Hoàng Sa and Trường Sa: drawn, named under Đà Nẵng and Khánh Hòa.
    const arch = await page.evaluate(() => [...document.querySelector("dti-map").shadowRoot.querySelectorAll(".arch")].map((g) => g.textContent));
    assert.deepEqual(arch, ["Quần đảo Hoàng Sa(Đà Nẵng)", "Quần đảo Trường Sa(Khánh Hòa)"]);
  });

  await check("<dti-map> from the keyboard: focus shows the province's name, value and rank; Enter opens its page", async () => {
    await page.goto("about:blank");
    await page.goto(`${url}#/`);
    await drawn(page, "dti-map");
    await page.focus('dti-map >> path[data-unit="ha-noi"]');
    const tip = await page.evaluate(() => { const t = document.querySelector("dti-map").shadowRoot.querySelector(".tip"); return t.hidden ? null : t.textContent; });
    assert.equal(tip, "Hà Nội: 0,8241, Hạng 1/34");
    // Tab reaches the next province; Enter on it selects it and the portal opens its page.
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => document.querySelector("dti-map").shadowRoot.activeElement?.dataset.unit);
    assert.ok(next && next !== "ha-noi", `Tab moved to ${next}`);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`#/unit/${next}$`));
    await drawn(page, "dti-unit");
  });

  await check("<dti-map> draws the 63 before the merger, a province without data as such, rank changes and a pillar", async () => {
    await page.goto(`${url}?data=synthetic#/`);
    await drawn(page, "dti-map");
    let m = await mapOf(page);
    assert.equal(m.era, "63");
    assert.equal(m.paths.length, 63);
    const want = byUnit(scores, latest);
    for (const p of m.paths) assert.deepEqual([Number(p.value), Number(p.rank)], [want.get(p.unit).value, want.get(p.unit).rank], p.unit);
    checkColours(m, [...want.values()].map((u) => u.value));
    // A view's values (the economy pillar), and a colour change timed.
    const ms = await page.evaluate(() => new Promise((done) => {
      const el = document.querySelector("dti-map");
      el.addEventListener("dti-ready", () => done(performance.now() - t0), { once: true });
      const t0 = performance.now();
      el.setAttribute("measure", "KTS");
    }));
    timings.push(`map colour change (another measure): ${ms.toFixed(1)} ms (budget 16 ms)`);
    m = await mapOf(page);
    for (const p of m.paths) {
      const v = want.get(p.unit).views.find((x) => x.code === "KTS");
      assert.deepEqual([Number(p.value), Number(p.rank)], [v.value, v.rank], `${p.unit} KTS`);
    }
    checkColours(m, [...want.values()].map((u) => u.views.find((x) => x.code === "KTS").value));
    // Rank change against the year before: before − now (positive: moved up), as the ranking.
    await page.evaluate(() => document.querySelector("dti-map").setAttribute("measure", "change"));
    await page.waitForFunction(() => document.querySelector("dti-map").shadowRoot.querySelector("svg")?.dataset.measure === "change");
    m = await mapOf(page);
    const before = byUnit(scoresBefore, latest - 1);
    for (const p of m.paths) assert.equal(Number(p.value), before.get(p.unit).rank - want.get(p.unit).rank, `${p.unit} change`);
    // A province the data lacks: hatched "no data", in its label too.
    await page.evaluate(async () => {
      const records = (await (await fetch("data/panel.json")).json()).filter((r) => r.unit !== "ha-noi");
      const el = document.createElement("dti-map");
      el.id = "lacking";
      el.records = records;
      document.querySelector("#view").append(el);
    });
    await drawn(page, "#lacking");
    m = await mapOf(page, "#lacking");
    const hn = m.paths.find((p) => p.unit === "ha-noi");
    assert.deepEqual([hn.value, hn.fill, hn.nodata], ["", "url(#nodata)", "true"]);
    assert.ok(hn.label.startsWith("Hà Nội: Không có dữ liệu"), hn.label);
    assert.equal(m.paths.filter((p) => p.value !== "").length, 62);
    await axe(page, "the map of the 63, a province without data");
  });

  await check("<dti-map> in English: its words, the archipelagos' names, and no accessibility violation", async () => {
    await page.goto("about:blank");
    await page.goto(`${url}#/`);
    await drawn(page, "dti-map");
    await page.selectOption("#lang", "en");
    await page.waitForFunction(() => document.querySelector("dti-map")?.shadowRoot.querySelector("figcaption")?.textContent.includes("No data"));
    await drawn(page, "dti-map");
    const text = await page.evaluate(() => document.querySelector("dti-map").shadowRoot.textContent);
    assert.ok(text.includes("Map: DTI value, 2024") && text.includes("Hoang Sa archipelago") && text.includes("Province boundaries: geoBoundaries"), text.slice(0, 300));
    const tip = await page.evaluate(() => document.querySelector("dti-map").shadowRoot.querySelector('path[data-unit="ha-noi"]').getAttribute("aria-label"));
    assert.equal(tip, "Hà Nội: 0.8241, Rank 1 of 34");
    await axe(page, "the map and the ranking in English");
  });

  await check("the map's data: each era's geometry within 250 KB compressed", async () => {
    const { gzipSync } = await import("node:zlib");
    for (const era of ["63", "34"]) {
      const bytes = readFileSync(path.join(site, "dti-wasm/map", `vn-${era}.json`));
      const gz = gzipSync(bytes, { level: 9 }).length;
      timings.push(`map geometry, ${era} provinces: ${bytes.length} bytes, ${gz} gzipped (budget 250 KB)`);
      assert.ok(gz <= 250_000, `${era}: ${gz} bytes gzipped`);
    }
  });

  await check("<dti-ranking> shows the native ranks and values, with rank changes against the year before", async () => {
    await page.goto(`${url}?data=synthetic#/`);
    await drawn(page, "dti-ranking");
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return { ready: Number(document.querySelector("dti-ranking").dataset.readyAt), load: nav.loadEventEnd, start: nav.startTime };
    });
    timings.push(`first render of the ranking: ${(t.ready - t.start).toFixed(0)} ms after navigation start, ${(t.ready - t.load).toFixed(0)} ms after load`);
    const rows = await rowsOf(page, "dti-ranking");
    assert.equal(rows.length, 63);
    const want = byUnit(scores, latest);
    const before = byUnit(scoresBefore, latest - 1);
    for (const r of rows) {
      const n = want.get(r.unit);
      assert.ok(n, `native has ${r.unit}`);
      assert.equal(Number(r.rank), n.rank, `${r.unit} rank`);
      assert.equal(Number(r.value), n.value, `${r.unit} value`);
      assert.deepEqual(r.cells.map((c) => [c.view, Number(c.value), Number(c.rank)]), n.views.map((v) => [v.code, v.value, v.rank]), `${r.unit} pillars`);
      assert.equal(Number(r.change), before.get(r.unit).rank - n.rank, `${r.unit} change`);
    }
  });

  await check("<dti-ranking> searches without diacritics and sorts by any column", async () => {
    const shadow = (sel) => `dti-ranking >> ${sel}`;
    await page.fill(shadow("input[type=search]"), "ha noi");
    await page.waitForFunction(() => document.querySelector("dti-ranking").shadowRoot.querySelectorAll("tbody tr").length < 63);
    let rows = await rowsOf(page, "dti-ranking");
    assert.deepEqual(rows.map((r) => r.unit), ["ha-noi"]);
    await page.fill(shadow("input[type=search]"), "THAI");
    await page.waitForFunction(() => document.querySelector("dti-ranking").shadowRoot.querySelectorAll("tbody tr").length === 2);
    rows = await rowsOf(page, "dti-ranking");
    assert.deepEqual(rows.map((r) => r.unit).sort(), ["thai-binh", "thai-nguyen"]);
    await page.fill(shadow("input[type=search]"), "");
    await page.click(shadow('button[data-sort="v:KTS"]'));
    await page.waitForFunction(() => document.querySelector("dti-ranking").shadowRoot.querySelector('th[aria-sort="descending"]'));
    rows = await rowsOf(page, "dti-ranking");
    const kts = rows.map((r) => Number(r.cells.find((c) => c.view === "KTS").value));
    assert.equal(rows.length, 63);
    assert.deepEqual(kts, [...kts].sort((a, b) => b - a), "sorted by KTS, highest first");
  });

  await check("the ranking passes the accessibility check (axe-core, WCAG 2.1 A/AA)", () => axe(page, "ranking"));

  await check("<dti-unit> shows the native pillars, points won and lost, and opportunities", async () => {
    await page.click("dti-ranking >> a:text-is('Hà Nội')");
    await page.waitForURL(/#\/unit\/ha-noi$/);
    await drawn(page, "dti-unit");
    const shown = await page.evaluate(() => {
      const s = document.querySelector("dti-unit").shadowRoot;
      return {
        value: Number(s.querySelector(".big").dataset.value), rank: Number(s.querySelector("[data-rank]").dataset.rank),
        pillars: [...s.querySelectorAll("tr[data-view]")].map((tr) => [tr.dataset.view, Number(tr.dataset.value), Number(tr.dataset.rank)]),
        nodes: [...s.querySelectorAll("tr[data-node]")].map((tr) => [tr.dataset.node, Number(tr.dataset.points)]),
        opportunities: [...s.querySelectorAll("li[data-code]")].map((li) => [li.dataset.code, Number(li.dataset.gain), li.textContent]),
        chart: s.querySelector("svg[role=img]")?.getAttribute("aria-label") ?? "",
      };
    });
    const n = native(["explain", "ha-noi", "synthetic"]);
    assert.equal(shown.value, n.value);
    assert.equal(shown.rank, n.rank);
    assert.deepEqual(shown.pillars, n.views.map((v) => [v.code, v.value, v.rank]));
    const mains = n.nodes.filter((x) => !["F", "A"].includes(x.code));
    assert.deepEqual(shown.nodes, mains.map((x) => [x.code, x.points]));
    const opp = n.explanation.opportunities.filter((o) => o.gain > 0).slice(0, 3);
    assert.deepEqual(shown.opportunities.map((o) => [o[0], o[1]]), opp.map((o) => [o.code, o.gain]));
    assert.ok(shown.opportunities[0][2].includes("điểm"), shown.opportunities[0][2]);
    assert.ok(shown.chart.includes("Chính quyền số"), shown.chart);
  });

  await check("the province page passes the accessibility check", () => axe(page, "province"));

  await check("<dti-what-if> marks out-of-range and non-numeric input, and re-ranks as the native command does", async () => {
    await page.goto(`${url}?data=synthetic#/what-if/hau-giang`);
    await drawn(page, "dti-what-if");
    const field = (code) => `dti-what-if >> input[data-code="${code}"]`;
    const invalid = (code) => page.getAttribute(field(code), "aria-invalid");
    const message = (code) => page.textContent(`dti-what-if >> #msg-${code}`);
    // The fields show the numbers as the page writes them: 0,5054 in Vietnamese (beside the
    // results' 0,5829), the record's value to its last digit.
    const ha = panel.find((u) => u.unit === "hau-giang" && u.period === latest);
    assert.equal(await page.inputValue(field("GOV")), String(ha.values.GOV).replace(".", ","));
    await page.fill(field("GOV"), "1.5");
    assert.equal(await invalid("GOV"), "true");
    assert.ok((await message("GOV")).includes("1,50"), await message("GOV"));
    assert.equal(await page.getAttribute("dti-what-if", "data-valid"), "false");
    await page.fill(field("GOV"), "abc");
    assert.equal(await invalid("GOV"), "true");
    assert.equal(await message("GOV"), "Không phải là số");
    const before = Number(await page.evaluate(() => document.querySelector("dti-what-if").shadowRoot.querySelector("[data-rank]")?.dataset.rank ?? "0"));
    for (const [code, v] of [["GOV", "0,95"], ["ECO", "0.95"], ["SOC", "0.95"]]) await page.fill(field(code), v);
    assert.equal(await invalid("GOV"), null);
    assert.equal(await page.getAttribute("dti-what-if", "data-valid"), "true");
    const shown = await page.evaluate(() => {
      const s = document.querySelector("dti-what-if").shadowRoot;
      return { rank: Number(s.querySelector("output [data-rank]").dataset.rank), value: Number(s.querySelector("output [data-value]").dataset.value), passes: s.querySelector("[data-passes]").dataset.passes.split(" ").filter(Boolean) };
    });
    // The same edit through the native command.
    const edited = panel.filter((u) => u.period === latest).map((u) => (u.unit === "hau-giang" ? { ...u, values: { ...u.values, GOV: 0.95, ECO: 0.95, SOC: 0.95 } } : u));
    const file = path.join(tmp, "edited.json");
    writeFileSync(file, JSON.stringify(edited));
    const after = native(["score", file]);
    const hg = after.find((u) => u.unit === "hau-giang");
    const base = byUnit(scores, latest).get("hau-giang");
    assert.equal(shown.rank, hg.rank);
    assert.equal(shown.value, hg.value);
    assert.ok(shown.rank < base.rank, `rank ${base.rank} → ${shown.rank}`);
    const passed = scores.filter((u) => u.period === latest && u.rank < base.rank && after.find((x) => x.unit === u.unit).rank > hg.rank).map((u) => u.unit);
    assert.deepEqual(shown.passes.sort(), passed.sort());
    assert.ok(before === 0 || before === base.rank);
    // One keystroke's work (validate, re-score, redraw the answer), timed in the page.
    const ms = await page.evaluate(() => {
      const input = document.querySelector("dti-what-if").shadowRoot.querySelector('input[data-code="AWR"]');
      const times = [];
      for (let k = 0; k < 20; k++) {
        input.value = String(0.5 + k / 100);
        const t0 = performance.now();
        input.dispatchEvent(new Event("input"));
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[10];
    });
    timings.push(`what-if update per keystroke: ${ms.toFixed(1)} ms (median of 20)`);
  });

  await check("the what-if page passes the accessibility check", () => axe(page, "what-if"));

  await check("<dti-uncertainty> runs 1,000 draws in a worker without freezing the page: the native intervals", async () => {
    await page.goto(`${url}?data=synthetic#/`);
    await drawn(page, "dti-ranking");
    // Frames keep coming while the draws run (the page's longest gap between frames).
    await page.evaluate(() => {
      window.__gap = 0;
      let last = performance.now();
      const tick = (t) => { window.__gap = Math.max(window.__gap, t - last); last = t; if (!window.__stopFrames) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    await page.click("#nav-uncertainty");
    await drawn(page, "dti-uncertainty");
    const gap = await page.evaluate(() => { window.__stopFrames = true; return window.__gap; });
    timings.push(`longest frame gap while 1,000 uncertainty draws ran: ${gap.toFixed(0)} ms`);
    const rows = await page.evaluate(() => [...document.querySelector("dti-uncertainty").shadowRoot.querySelectorAll("tr[data-unit]")].map((tr) => ({ ...tr.dataset })));
    const spec = path.join(root, "fixtures/specs/dti2022-points-25.json");
    const n = JSON.parse(execFileSync(nativeBin, ["uncertainty", spec, "synthetic", "--year", String(latest), "--format", "json"], { encoding: "utf8" }));
    assert.equal(rows.length, 63);
    const want = new Map(n.units.map((u) => [u.unit, u]));
    for (const r of rows) {
      const u = want.get(r.unit);
      assert.deepEqual([Number(r.p05), Number(r.p95), Number(r.median)], [u.rank_p05, u.rank_p95, u.median_rank], r.unit);
    }
    assert.ok(gap < 500, `the page froze for ${gap} ms`);
  });

  await check("<dti-uncertainty> can be cancelled, and says so", async () => {
    // A run long enough to cancel for certain (100,000 draws), cancelled once it has begun.
    await page.evaluate(() => document.querySelector("dti-uncertainty").setAttribute("runs", "100000"));
    await page.waitForFunction(() => document.querySelector("dti-uncertainty").shadowRoot.querySelector("progress")?.max === 100000);
    await page.click("dti-uncertainty >> #run");
    await page.waitForFunction(() => document.querySelector("dti-uncertainty").shadowRoot.querySelector("#cancel").disabled === false);
    await page.click("dti-uncertainty >> #cancel");
    assert.equal(await page.textContent("dti-uncertainty >> #status"), "Đã hủy.");
    assert.equal(await page.isDisabled("dti-uncertainty >> #run"), false);
    // Nothing arrives after: the worker is gone.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.textContent("dti-uncertainty >> #status"), "Đã hủy.");
    await page.evaluate(() => document.querySelector("dti-uncertainty").setAttribute("runs", "1000"));
  });

  await check("the uncertainty page passes the accessibility check", () => axe(page, "uncertainty"));

  await check("<dti-merge> shows the 34 merged provinces as the native command scores them", async () => {
    await page.click("#nav-merge");
    await drawn(page, "dti-merge");
    const rows = await rowsOf(page, "dti-merge");
    const n = native(["merge", "synthetic"]);
    const want = new Map(n.scores.units.filter((u) => u.period === latest).map((u) => [u.unit, u]));
    const from = new Map(n.members.filter((m) => m.period === latest).map((m) => [m.unit, m.from.join(" ")]));
    assert.equal(rows.length, 34);
    assert.equal(want.size, 34);
    for (const r of rows) {
      const u = want.get(r.unit);
      assert.equal(Number(r.value), u.value, r.unit);
      assert.equal(Number(r.rank), u.rank, r.unit);
      assert.equal(r.from, from.get(r.unit), r.unit);
    }
  });

  await check("the merged view passes the accessibility check", () => axe(page, "merge"));

  await check("English labels on request", async () => {
    await page.goto(`${url}?data=synthetic#/`);
    await drawn(page, "dti-ranking");
    await page.selectOption("#lang", "en");
    await page.waitForFunction(() => document.querySelector("dti-ranking")?.shadowRoot.querySelector("th button")?.textContent.startsWith("Rank"));
    assert.equal(await page.textContent("#nav-merge"), "After the merger");
    await axe(page, "ranking in English");
    await page.selectOption("#lang", "vi");
  });

  await check("a framework that does not fit the data is a message in the page, and the ranking comes back", async () => {
    await page.goto(`${url}?data=synthetic#/`);
    await drawn(page, "dti-ranking");
    await page.waitForFunction(() => document.querySelectorAll("#framework option").length === 4);
    await page.selectOption("#framework", "vn-pdti-2020");
    await page.waitForSelector("dti-ranking >> .error");
    const items = await page.$$eval("dti-ranking", (els) => [...els[0].shadowRoot.querySelectorAll(".error li")].map((li) => li.textContent));
    assert.equal(items.length, 21, "20 problems and a count of the rest");
    // The core's code in the page's language, with its row, province, year and indicator.
    assert.equal(items[0], "dòng 1, tỉnh/thành phố “ha-noi” (2022), chỉ số “AWR”: không phải là chỉ số của bộ chỉ số này");
    assert.ok((await page.textContent("dti-ranking >> .error strong")).endsWith("lỗi trong dữ liệu"));
    assert.ok(/… và \d+ lỗi khác/.test(items[20]), items[20]);
    await page.selectOption("#framework", "vn-pdti-2022");
    await drawn(page, "dti-ranking");
    assert.equal((await rowsOf(page, "dti-ranking")).length, 63);
  });

  await check("the ranking sorts from the keyboard", async () => {
    await page.focus('dti-ranking >> button[data-sort="value"]');
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("dti-ranking").shadowRoot.querySelector('th[aria-sort="descending"] button[data-sort="value"]'));
    const values = (await rowsOf(page, "dti-ranking")).map((r) => Number(r.value));
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    assert.equal(await page.evaluate(() => document.querySelector("dti-ranking").shadowRoot.activeElement?.dataset.sort), "value", "focus stays on the header");
  });

  await check("end to end: a file with a bad row is refused with its row; fixed, it is ranked, explained, edited, analysed and merged", async () => {
    const csv = readFileSync(path.join(root, "crates/dti-core/data/synthetic/vn-provinces-synthetic.csv"), "utf8").split("\n");
    const bad = [...csv];
    bad[7] = bad[7].replace(/,[^,]*$/, ",1.7");
    await page.goto(`${url}?data=synthetic#/`);
    await drawn(page, "dti-ranking");
    await page.setInputFiles("#file", { name: "tinh.csv", mimeType: "text/csv", buffer: Buffer.from(bad.join("\n")) });
    await page.waitForSelector("#problems li");
    const problems = await page.$$eval("#problems li", (li) => li.map((x) => [x.dataset.line, x.textContent]));
    assert.equal(problems.length, 1);
    assert.equal(problems[0][0], "8");
    // In the page's language (the core's code, its details filled in), numbers as Vietnamese
    // write them.
    assert.ok(problems[0][1].startsWith("tệp tinh.csv, dòng 8, tỉnh/thành phố “"), problems[0][1]);
    assert.ok(problems[0][1].endsWith("1,7 nằm ngoài khoảng 0–1; giá trị của một chỉ số là điểm đạt / điểm tối đa"), problems[0][1]);
    // Several problems are listed by row, whatever order the reader found them in.
    const many = [...bad];
    many[9] = many[9].replace(/,[^,]*$/, ",2.5");
    many[4] = many[4].split(",").slice(0, 2).join(",");
    await page.setInputFiles("#file", { name: "tinh.csv", mimeType: "text/csv", buffer: Buffer.from(many.join("\n")) });
    await page.waitForFunction(() => document.querySelectorAll("#problems li").length === 3);
    const lines = await page.$$eval("#problems li", (li) => li.map((x) => Number(x.dataset.line)));
    assert.deepEqual(lines, [5, 8, 10]);
    // A problem of the file's form, in Vietnamese too (its kind and details from the core).
    const ragged = await page.textContent("#problems li[data-line='5']");
    assert.ok(ragged.startsWith("tệp tinh.csv, dòng 5, tỉnh/thành phố “") && ragged.endsWith(": dòng có 2 ô trong khi dòng tiêu đề có 12"), ragged);
    // Fixed (one province's activity values raised), the file replaces the panel.
    const fixed = csv.map((line, k) => (k > 0 && line.startsWith("hau-giang,") ? line.replace(/,2023,(.*)$/, (_, rest) => `,2023,${rest.split(",").map((x, j) => (j >= 6 ? "0.95" : x)).join(",")}`) : line));
    await page.setInputFiles("#file", { name: "tinh.csv", mimeType: "text/csv", buffer: Buffer.from(fixed.join("\n")) });
    await page.waitForFunction(() => document.getElementById("problems").hidden);
    assert.ok((await page.textContent("#source")).includes("tinh.csv"));
    await drawn(page, "dti-ranking");
    const rows = await rowsOf(page, "dti-ranking");
    const hg = rows.find((r) => r.unit === "hau-giang");
    assert.ok(Number(hg.rank) < 40, `hau-giang ranks ${hg.rank} with its raised values`);
    await page.click("dti-ranking >> a:text-is('Hậu Giang')");
    await drawn(page, "dti-unit");
    await page.click("text=Thử thay đổi giá trị của tỉnh này");
    await drawn(page, "dti-what-if");
    await page.fill('dti-what-if >> input[data-code="AWR"]', "0.99");
    const now = Number(await page.getAttribute("dti-what-if >> output [data-rank]", "data-rank"));
    assert.ok(now <= Number(hg.rank), `${hg.rank} → ${now}`);
    await page.click("#nav-uncertainty");
    await drawn(page, "dti-uncertainty");
    await page.click("#nav-merge");
    await drawn(page, "dti-merge");
    assert.equal((await rowsOf(page, "dti-merge")).length, 34);
  });

  await check("no page error in the browser", () => assert.deepEqual(pageErrors, []));

  await check("each component embeds with two lines of HTML (the npm README's), from JSON or CSV; a missing file is a message", async () => {
    const embed = path.join(site, "embed-test.html");
    const csvText = readFileSync(path.join(root, "crates/dti-core/data/synthetic/vn-provinces-synthetic.csv"), "utf8");
    writeFileSync(path.join(site, "data/panel.csv"), csvText);
    const badLines = csvText.split("\n");
    assert.ok(badLines[3].startsWith("ha-noi,"), badLines[3]);
    badLines[3] = badLines[3].replace(/,[^,]*$/, ",2.5");
    writeFileSync(path.join(site, "data/bad.csv"), badLines.join("\n"));
    // The README's two lines, with the package and the data where this folder has them.
    const readme = readFileSync(path.join(here, "../npm/README.md"), "utf8");
    const twoLines = readme.match(/```html\n([\s\S]*?)```/)[1].trim();
    assert.equal(twoLines.split("\n").length, 2, twoLines);
    writeFileSync(embed, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>embed</title></head><body><main>
${twoLines.replace("node_modules/dti-wasm/", "./dti-wasm/").replace('src="panel.json"', 'src="data/panel.csv"')}
<dti-unit src="data/panel.json" unit="Đà Nẵng"></dti-unit>
<dti-merge src="data/panel.json" period="2022"></dti-merge>
<dti-what-if src="data/panel.json" unit="ha-noi" lang="en"></dti-what-if>
<dti-uncertainty src="data/panel.json" runs="200" autorun></dti-uncertainty>
<dti-ranking id="missing" src="data/nowhere.json"></dti-ranking>
</main></body></html>`);
    const p = await browser.newPage();
    await p.goto(`${url}embed-test.html`);
    for (const tag of ["dti-ranking", "dti-unit", "dti-merge", "dti-what-if", "dti-uncertainty"]) await drawn(p, tag);
    assert.equal((await rowsOf(p, "dti-ranking")).length, 63, "the CSV, read by the command's reader");
    assert.equal(Number(await p.getAttribute("dti-unit >> .big", "data-value")), byUnit(scores, latest).get("da-nang").value);
    assert.equal((await rowsOf(p, "dti-merge")).length, 34);
    assert.ok((await p.textContent("dti-what-if >> h2")).startsWith("Try other values"));
    await p.waitForFunction(() => document.getElementById("missing").shadowRoot.querySelector(".error"));
    // Every component refuses a file with a bad row, naming the row.
    for (const tag of ["dti-ranking", "dti-unit", "dti-what-if", "dti-uncertainty", "dti-merge"]) {
      const text = await p.evaluate(async (t) => {
        const el = document.createElement(t);
        el.setAttribute("src", "data/bad.csv");
        el.setAttribute("unit", "ha-noi");
        document.body.append(el);
        for (let k = 0; k < 200 && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
        const out = el.shadowRoot.querySelector(".error")?.textContent ?? "(no error shown)";
        el.remove();
        return out;
      }, tag);
      assert.ok(text.includes("tệp bad.csv, dòng 4, tỉnh/thành phố “ha-noi” (2023), chỉ số “SOC”: 2,5 nằm ngoài khoảng 0–1"), `${tag}: ${text}`);
    }
    // Rank changes against a scenario: the baseline property.
    const moves = await p.evaluate(async () => {
      const dti = await import("./dti-wasm/web.mjs");
      await dti.ready();
      const panel = await (await fetch("data/panel.json")).json();
      const now = panel.filter((u) => u.period === 2023);
      const scenario = now.map((u) => (u.unit === "ha-noi" ? { ...u, values: { ...u.values, GOV: 0.2 } } : u));
      const el = document.createElement("dti-ranking");
      el.baseline = dti.scoreCohort("vn-pdti-2022", scenario);
      el.records = now;
      document.body.append(el);
      for (let k = 0; k < 200 && el.dataset.ready !== "true"; k++) await new Promise((r) => setTimeout(r, 50));
      const base = new Map(el.baseline.units.map((u) => [u.unit, u.rank]));
      const rows = [...el.shadowRoot.querySelectorAll("tbody tr")];
      const wrong = rows.filter((tr) => Number(tr.querySelector("td[data-change]").dataset.change) !== base.get(tr.dataset.unit) - Number(tr.dataset.rank));
      const hn = rows.find((tr) => tr.dataset.unit === "ha-noi").querySelector("td[data-change]");
      el.remove();
      return { rows: rows.length, wrong: wrong.length, hanoi: [hn.dataset.change, hn.getAttribute("aria-label")] };
    });
    assert.deepEqual([moves.rows, moves.wrong], [63, 0]);
    assert.ok(Number(moves.hanoi[0]) > 0 && moves.hanoi[1].startsWith("tăng"), JSON.stringify(moves.hanoi));
    // And records given as a property with a value out of range: the core's problem.
    const shown = await p.evaluate(async () => {
      const el = document.createElement("dti-ranking");
      el.records = [{ unit: "ha-noi", period: 2023, values: { AWR: 1.7 } }];
      document.body.append(el);
      for (let k = 0; k < 200 && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
      return el.shadowRoot.querySelector(".error li")?.textContent ?? "(no error shown)";
    });
    assert.equal(shown, "dòng 1, tỉnh/thành phố “ha-noi” (2023), chỉ số “AWR”: 1,7 nằm ngoài khoảng 0–1; giá trị của một chỉ số là điểm đạt / điểm tối đa");
    // In English, the core's own words.
    const english = await p.evaluate(async () => {
      const el = document.createElement("dti-ranking");
      el.setAttribute("lang", "en");
      el.records = [{ unit: "ha-noi", period: 2023, values: { AWR: 1.7 } }];
      document.body.append(el);
      for (let k = 0; k < 200 && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
      return el.shadowRoot.querySelector(".error")?.textContent ?? "(no error shown)";
    });
    assert.ok(english.startsWith("1 problem(s) in the data") && english.includes("unit 'ha-noi' (2023), indicator 'AWR': 1.7 is outside 0..1"), english);
    const msg = await p.textContent("#missing >> .error");
    assert.ok(msg.includes("data/nowhere.json") && msg.includes("404"), msg);
    await p.close();
    rmSync(embed);
  });

  await check("data is never markup: a hostile view code runs no script; a malformed address is no broken page", async () => {
    const p = await browser.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${url}?data=synthetic#/`);
    await drawn(p, "dti-ranking");
    const result = await p.evaluate(async () => {
      const dti = await import("./dti-wasm/web.mjs");
      await dti.ready();
      const def = dti.builtinFramework("vn-pdti-2022");
      const evil = '"><img src=x onerror="window.__pwned=1">';
      def.views[0].code = evil;
      const panel = await (await fetch("data/panel.json")).json();
      const el = document.createElement("dti-ranking");
      el.frameworkDef = def;
      el.records = panel.filter((u) => u.period === 2023);
      document.body.append(el);
      for (let k = 0; k < 200 && el.dataset.ready !== "true" && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
      const out = { pwned: window.__pwned ?? null, imgs: el.shadowRoot.querySelectorAll("img").length,
        refused: (el.shadowRoot.querySelector(".error")?.textContent ?? "").includes("only letters, digits") };
      el.remove();
      return out;
    });
    // The code is refused at validation (codes have a documented character set), shown as
    // the framework's problem; the sort buttons escape any code as well (the components test).
    assert.deepEqual(result, { pwned: null, imgs: 0, refused: true }, JSON.stringify(result));
    // A record whose period is text is an error naming it, not a row silently dropped.
    const odd = await p.evaluate(async () => {
      const panel = await (await fetch("data/panel.json")).json();
      const el = document.createElement("dti-ranking");
      el.records = panel.filter((u) => u.period === 2023).map((u, k) => (k === 3 ? { ...u, period: "2023" } : u));
      document.body.append(el);
      for (let k = 0; k < 200 && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
      const text = el.shadowRoot.querySelector(".error")?.textContent ?? "(no error)";
      el.remove();
      return text;
    });
    assert.ok(odd.includes("records[3]") && odd.includes("is not a year"), odd);
    // A malformed % in the address: the page stays up, no "URI malformed".
    await p.goto(`${url}?data=synthetic#/unit/%E0%A4%A`);
    await p.waitForSelector("dti-unit");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(errors, [], errors.join("; "));
    await p.close();
  });

  await check("hostile names, ids, routes and problem texts reach every component as text: no script, names isolated and shortened", async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${url}?data=synthetic#/`);
    await drawn(p, "dti-ranking");
    const out = await p.evaluate(async () => {
      const panel = await (await fetch("data/panel.json")).json();
      const units = [...new Set(panel.map((u) => u.unit))];
      const evil = ['<img src=x onerror="window.__pwned=1">', '"><script>window.__pwned=2</script>', "\u202eevil override",
        "Đ".repeat(3000), "x\u001b[2J\u0007y"];
      const records = panel.map((u) => { const k = units.indexOf(u.unit); return k < evil.length ? { ...u, name: evil[k] } : u; });
      const out = {};
      for (const [tag, attrs] of [["dti-ranking", {}], ["dti-unit", { unit: units[2] }], ["dti-what-if", { unit: units[3] }],
        ["dti-uncertainty", { runs: "20", autorun: "" }], ["dti-merge", {}]]) {
        const el = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        el.records = records;
        document.body.append(el);
        const done = () => (tag === "dti-uncertainty" ? el.shadowRoot.querySelector("tr[data-unit]") : el.dataset.ready === "true");
        for (let k = 0; k < 600 && !done() && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
        const root = el.shadowRoot;
        // An SVG name's own text, without the <title> that holds it whole.
        const text = [...root.querySelectorAll("bdi, svg text")].map((t) => (t.localName === "text" ? t.firstChild?.textContent ?? "" : t.textContent));
        out[tag] = {
          drawn: Boolean(done()), error: root.querySelector(".error")?.textContent ?? null,
          markup: root.querySelectorAll("img, script").length,
          // The override never leaks past its name: the name sits in <bdi> or between U+2068…U+2069.
          leaks: text.some((t) => t.includes("\u202e") && !/^(\u2068\u202eevil override\u2069|\u202eevil override)$/.test(t)) ||
            [...root.querySelectorAll("td, h2, p")].some((c) => [...c.childNodes].some((n) => n.nodeType === 3 && n.textContent.includes("\u202e"))),
          longest: Math.max(0, ...text.map((t) => [...t].length)),
          overflow: document.documentElement.scrollWidth > window.innerWidth,
        };
        el.remove();
      }
      // A problem text with a hostile unit id: listed as text.
      const el = document.createElement("dti-ranking");
      el.records = [{ unit: '<img src=x onerror="window.__pwned=3">', period: 2023, values: { AWR: 1.7 } }];
      document.body.append(el);
      for (let k = 0; k < 200 && !el.shadowRoot.querySelector(".error"); k++) await new Promise((r) => setTimeout(r, 50));
      out.problem = { text: el.shadowRoot.querySelector(".error li")?.textContent ?? "", markup: el.shadowRoot.querySelectorAll("img").length };
      el.remove();
      return out;
    });
    for (const tag of ["dti-ranking", "dti-unit", "dti-what-if", "dti-uncertainty", "dti-merge"]) {
      const o = out[tag];
      assert.ok(o.drawn && o.error === null, `${tag}: ${JSON.stringify(o)}`);
      assert.deepEqual([o.markup, o.leaks, o.overflow], [0, false, false], `${tag}: ${JSON.stringify(o)}`);
      assert.ok(o.longest <= 402, `${tag}: a name of ${o.longest} characters`);
    }
    assert.ok(out.problem.text.includes('<img src=x onerror="window.__pwned=3">') && out.problem.markup === 0, JSON.stringify(out.problem));
    // Hostile routes: an id with markup, and data from another origin's script URL.
    for (const route of ["#/unit/%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D4%22%3E", "#/what-if/%22%3E%3Csvg%20onload%3Dwindow.__pwned%3D5%3E"]) {
      await p.goto(`${url}?data=synthetic${route}`);
      await new Promise((r) => setTimeout(r, 600));
    }
    await p.goto(`${url}?data=javascript:window.__pwned=6#/`);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await p.evaluate(() => window.__pwned ?? null), null);
    assert.deepEqual(errors, [], errors.join("; "));
    await p.close();
  });

  await check("the portal served from outside its built folder says what is missing (no blank page)", async () => {
    const source = serve(path.join(root, "bindings/wasm/examples/portal"));
    try {
      await new Promise((r) => setTimeout(r, 600));
      const p = await browser.newPage();
      await p.goto(source.url);
      await p.waitForSelector(".error[role=alert]", { timeout: 20000 });
      const msg = await p.textContent(".error[role=alert]");
      assert.ok(msg.includes("Không tải được"), msg);
      await p.close();
    } finally { source.stop(); }
  });

  await check("on a 390 px phone every page fits: no element past the viewport, rank, name and value shown, chart text ≥ 12 px", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const pages = [["#/", ["dti-map", "dti-ranking"]], ["#/unit/ha-noi", ["dti-unit"]], ["#/what-if/ha-noi", ["dti-what-if"]],
      ["#/uncertainty", ["dti-uncertainty"]], ["#/merge", ["dti-merge"]], ["?data=synthetic#/", ["dti-map", "dti-ranking"]]];
    for (const [hash, tags] of pages) {
      await phone.goto("about:blank");
      await phone.goto(`${url}${hash}`);
      for (const tag of tags) await drawn(phone, tag);
      if (tags[0] === "dti-uncertainty") await phone.waitForFunction(() => document.querySelector("dti-uncertainty").shadowRoot.querySelector("#chart svg"));
      // Open every table behind a <details>, as a reader would.
      await phone.evaluate((ts) => { for (const t of ts) for (const d of document.querySelector(t).shadowRoot.querySelectorAll("details")) d.open = true; }, tags);
      const bad = await phone.evaluate((ts) => {
        const out = [], width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > width) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
        const walk = (root, where) => {
          for (const el of root.querySelectorAll("*")) {
            if (el.closest(".sr") || el.tagName === "STYLE" || el.tagName === "OPTION") continue;
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 0.5) out.push(`${where} ${el.tagName.toLowerCase()}${el.className?.baseVal ?? el.className ? "." + (el.className.baseVal ?? el.className) : ""} ends at ${r.right.toFixed(0)}`);
            if (el.classList.contains("scroll") && el.scrollWidth > el.clientWidth + 1) out.push(`${where}: a table scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
            if (el.tagName === "text") {
              const svg = el.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
              const px = parseFloat(getComputedStyle(el).fontSize) * scale;
              if (px < 11.95) out.push(`${where}: chart text "${el.textContent.slice(0, 20)}" is ${px.toFixed(1)} px`);
            }
          }
        };
        walk(document, "page");
        for (const t of ts) walk(document.querySelector(t).shadowRoot, t);
        // Rank, name and value: visible in every table row that has them.
        for (const t of ts) {
          for (const tr of document.querySelector(t).shadowRoot.querySelectorAll("tbody tr[data-unit]")) {
            const cells = [...tr.children].filter((td) => !td.classList.contains("extra"));
            if (cells.some((td) => td.getBoundingClientRect().width === 0 && tr.getBoundingClientRect().width > 0)) out.push(`${t}: a rank, name or value cell is hidden`);
          }
        }
        return [...new Set(out)].slice(0, 8);
      }, tags);
      assert.deepEqual(bad, [], `${hash} at 390 px`);
    }
    // The other columns on demand: the ranking's pillars, one button away.
    await phone.goto(`${url}#/`);
    await drawn(phone, "dti-ranking");
    const shown = () => phone.evaluate(() => document.querySelector("dti-ranking").shadowRoot.querySelector("td.extra").getBoundingClientRect().width > 0);
    assert.equal(await shown(), false, "the pillars are hidden at 390 px");
    await phone.click("dti-ranking >> button.more");
    assert.equal(await shown(), true, "the button shows them");
    assert.equal(await phone.getAttribute("dti-ranking >> button.more", "aria-pressed"), "true");
    await phone.close();
  });

  await check("screenshots of every page at desktop and phone widths (target/artifacts/)", async () => {
    for (const [name, hash, tag] of [["ranking", "#/", "dti-ranking"], ["province", "#/unit/ha-noi", "dti-unit"], ["what-if", "#/what-if/ha-noi", "dti-what-if"], ["uncertainty", "#/uncertainty", "dti-uncertainty"], ["merge", "#/merge", "dti-merge"]]) {
      await screenshots(browser, `${url}${hash}`, name, tag);
    }
  });
} finally {
  await browser?.close();
  stop();
  rmSync(tmp, { recursive: true, force: true });
}
for (const t of timings) console.log(`# ${t}`);
for (const r of results) console.log(`${r.ok ? "ok" : "not ok"} - ${r.name}${r.error ? "\n  " + r.error.split("\n").slice(0, 6).join("\n  ") : ""}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed || results.length === 0 ? 1 : 0;
