// The DTI portal: a static page made of dti-wasm's components. Opens on the published DTI
// (data/published.json: 2024 for the 34 provinces, scored from the main indicators by
// vn-pdti-2024; 2022 and 2023 for the 63, as published), or the synthetic panel
// (?data=synthetic, data/panel.json), or a file the user picks or drops (read by the `dti`
// command's reader: every problem shown with its row); picks the year, framework and
// language, and links ranking → province → what-if → uncertainty → merged view by the
// address's #fragment. The first page is the map of the provinces beside the ranking.
import { analysis, byRow, problemText } from "./dti-wasm/components.mjs";
import * as dti from "./dti-wasm/web.mjs";

const TEXT = {
  vi: {
    title: "Chỉ số chuyển đổi số cấp tỉnh (DTI)", ranking: "Xếp hạng", unit: "Tỉnh/thành phố", whatIf: "Thử thay đổi",
    uncertainty: "Độ bất định", merge: "Sau sáp nhập", year: "Năm", framework: "Bộ chỉ số", language: "Ngôn ngữ",
    file: "Tải dữ liệu (CSV, JSON)", drop: "Thả tệp dữ liệu vào đây", bundled: "Dữ liệu: bảng tổng hợp 63 tỉnh đi kèm (số liệu giả lập).",
    data: "Dữ liệu", publishedData: "DTI đã công bố", syntheticData: "Bảng giả lập 63 tỉnh",
    published: (p) => p >= 2024
      ? `Dữ liệu: kết quả DTI ${p} đã công bố của 34 tỉnh, thành phố (tính lại từ 8 chỉ số chính).`
      : `Dữ liệu: kết quả DTI ${p} đã công bố của 63 tỉnh, thành phố.`,
    sourceLabel: "Nguồn",
    loaded: (n, u) => `Dữ liệu: ${n} (${u} bản ghi).`, notLoaded: (n) => `Không đọc được ${n}; dữ liệu trước đó vẫn được giữ.`,
    pick: "Chọn một tỉnh/thành phố trong bảng xếp hạng.", toWhatIf: "Thử thay đổi giá trị của tỉnh này",
    toUnit: "Xem phân tích của tỉnh", toRanking: "Về bảng xếp hạng", loadFailed: (u, w) => `Không tải được ${u}: ${w}`,
  },
  en: {
    title: "Provincial Digital Transformation Index (DTI)", ranking: "Ranking", unit: "Province", whatIf: "What if",
    uncertainty: "Uncertainty", merge: "After the merger", year: "Year", framework: "Framework", language: "Language",
    file: "Load data (CSV, JSON)", drop: "Drop a data file here", bundled: "Data: the bundled 63-province panel (synthetic figures).",
    data: "Data", publishedData: "Published DTI", syntheticData: "Synthetic 63-province panel",
    published: (p) => p >= 2024
      ? `Data: the published DTI ${p} of the 34 provinces (recomputed from the 8 main indicators).`
      : `Data: the published DTI ${p} of the 63 provinces.`,
    sourceLabel: "Source",
    loaded: (n, u) => `Data: ${n} (${u} records).`, notLoaded: (n) => `${n} could not be read; the previous data is kept.`,
    pick: "Pick a province in the ranking.", toWhatIf: "Try other values for this province",
    toUnit: "See this province's breakdown", toRanking: "Back to the ranking", loadFailed: (u, w) => `Could not load ${u}: ${w}`,
  },
};

const $ = (id) => document.getElementById(id);
// `published` (the default) or `synthetic`: the address's ?data=.
const DATASET = new URLSearchParams(location.search).get("data") === "synthetic" ? "synthetic" : "published";
const state = { records: null, name: null, framework: "vn-pdti-2022", period: null, lang: "vi", published: null };
/** Whether the published DTI is shown (not the synthetic panel, nor a loaded file). */
const showingPublished = () => state.published !== null && state.name === null;
const t = () => TEXT[state.lang];
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function showProblems(message, problems = []) {
  const box = $("problems");
  box.hidden = false;
  box.className = "error";
  box.innerHTML = `<strong>${esc(message)}</strong>` +
    // Each problem in the page's language, in the order of the file's rows.
    (problems.length ? `<ul>${byRow(problems).map((p) => `<li data-line="${p.line ?? ""}" data-code="${esc(p.code ?? "")}">${esc(problemText(p, state.lang))}</li>`).join("")}</ul>` : "");
}
function clearProblems() {
  $("problems").hidden = true;
  $("problems").innerHTML = "";
}

function setRecords(records, name) {
  state.records = records;
  state.name = name;
  const periods = [...new Set(records.map((r) => r.period).filter((p) => p != null))].sort((a, b) => a - b);
  state.period = periods.includes(state.period) ? state.period : periods[periods.length - 1] ?? null;
  $("period").innerHTML = periods.map((p) => `<option value="${p}">${p}</option>`).join("");
  if (state.period != null) $("period").value = String(state.period);
  $("period").disabled = periods.length === 0;
  sourceLine();
  frameworkChoice();
  route();
}

/** Where the numbers come from, under the controls. */
function sourceLine() {
  const w = t();
  if (showingPublished()) {
    $("source").textContent = `${w.published(state.period)} ${w.sourceLabel}: ${state.published.source}.`;
  } else {
    $("source").textContent = state.name ? w.loaded(state.name, state.records?.length ?? 0) : w.bundled;
  }
}

/** The framework a view scores with: the published data's own (vn-pdti-2024 for 2024, the
 * published values for the 63 provinces' years, and for merging the 63), else the choice. */
function frameworkFor(tag) {
  if (!showingPublished()) return state.framework;
  return state.period >= 2024 && tag !== "dti-merge" ? "vn-pdti-2024" : "total";
}

/** The records a view gets: the published data's year (the 63's for merging), else all. */
function recordsFor(tag) {
  if (!showingPublished()) return state.records;
  const p = state.period;
  if (tag === "dti-merge" || p < 2024) return state.published.records63.filter((r) => r.period === p);
  return state.published.records2024;
}

/** The framework list: the builtins to choose from, or the published data's own, fixed. */
function frameworkChoice() {
  const select = $("framework");
  if (showingPublished()) {
    const id = frameworkFor("dti-ranking");
    select.innerHTML = `<option value="${esc(id)}">${esc(dti.builtinFramework(id).name_vi)}</option>`;
    select.disabled = true;
    return;
  }
  select.disabled = false;
  select.innerHTML = dti.builtinIds().map((id) => {
    const def = dti.builtinFramework(id);
    return `<option value="${esc(id)}">${esc(def.name_vi)}</option>`;
  }).join("");
  select.value = state.framework;
}

async function readFile(file) {
  const text = await file.text();
  const a = await analysis();
  try {
    const read = a.readRecords(state.framework, text, { name: file.name });
    if (read.problems.length) {
      showProblems(t().notLoaded(file.name), read.problems);
      return;
    }
    clearProblems();
    setRecords(read.units, file.name);
  } catch (e) {
    showProblems(`${t().notLoaded(file.name)} ${e.problems ? "" : e.message}`, e.problems ?? []);
  }
}

/** Puts the page's words in the chosen language. */
function words() {
  const w = t();
  document.documentElement.lang = state.lang;
  document.title = w.title;
  $("title").textContent = w.title;
  for (const [id, key] of [["nav-ranking", "ranking"], ["nav-unit", "unit"], ["nav-what-if", "whatIf"], ["nav-uncertainty", "uncertainty"], ["nav-merge", "merge"]]) {
    $(id).textContent = w[key];
  }
  $("fw-label").textContent = w.framework;
  $("lang-label").textContent = w.language;
  $("data-label").textContent = w.data;
  $("dataset").options[0].textContent = w.publishedData;
  $("dataset").options[1].textContent = w.syntheticData;
  $("file-label").textContent = w.file;
  $("drop").textContent = w.drop;
  $("period").parentElement.firstChild.textContent = `${w.year} `;
  sourceLine();
}

/** A component with the portal's data and choices. */
function component(tag, attrs = {}) {
  const el = document.createElement(tag);
  el.setAttribute("framework", frameworkFor(tag));
  el.setAttribute("lang", state.lang);
  if (state.period != null) el.setAttribute("period", String(state.period));
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.records = recordsFor(tag);
  return el;
}

function route() {
  const view = $("view");
  if (!state.records) return;
  const [, page = "", arg = ""] = location.hash.match(/^#\/([^/]*)\/?(.*)$/) ?? [];
  // A malformed address (`#/unit/%E0%A4%A`) is taken as it is, never a broken page.
  let unit;
  try { unit = decodeURIComponent(arg); } catch { unit = arg; }
  const name = { "": "ranking", unit: "unit", "what-if": "what-if", uncertainty: "uncertainty", merge: "merge" }[page] ?? "ranking";
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.route === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    if (state.unit && (a.dataset.route === "unit" || a.dataset.route === "what-if")) a.href = `#/${a.dataset.route}/${encodeURIComponent(state.unit)}`;
  }
  const w = t();
  view.innerHTML = "";
  if (name === "ranking") {
    // The map beside the ranking (stacked on a phone); a province chosen on the map opens
    // its page, as its name in the ranking does.
    const both = document.createElement("div");
    both.className = "map-ranking";
    const map = component("dti-map");
    map.addEventListener("dti-select", (e) => { location.hash = `#/unit/${encodeURIComponent(e.detail.unit)}`; });
    both.append(map, component("dti-ranking", { href: "#/unit/{unit}" }));
    view.append(both);
  } else if (name === "unit" || name === "what-if") {
    const chosen = unit || state.unit;
    if (!chosen) {
      view.innerHTML = `<p>${esc(w.pick)} <a href="#/">${esc(w.toRanking)}</a></p>`;
      return;
    }
    state.unit = chosen;
    const links = document.createElement("p");
    links.className = "links";
    links.innerHTML = name === "unit"
      ? `<a href="#/what-if/${encodeURIComponent(chosen)}">${esc(w.toWhatIf)}</a> <a href="#/">${esc(w.toRanking)}</a>`
      : `<a href="#/unit/${encodeURIComponent(chosen)}">${esc(w.toUnit)}</a> <a href="#/">${esc(w.toRanking)}</a>`;
    view.append(links, component(name === "unit" ? "dti-unit" : "dti-what-if", { unit: chosen }));
  } else if (name === "uncertainty") {
    view.append(component("dti-uncertainty", { runs: "1000", factor: "0.25", seed: "2022", autorun: "" }));
  } else {
    view.append(component("dti-merge"));
  }
}

async function main() {
  // The data is fetched while the module compiles.
  const file = DATASET === "published" ? "data/published.json" : "data/panel.json";
  const url = new URL(`./${file}`, document.baseURI).href;
  const panel = fetch(url).then((res) => {
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    return res.json();
  });
  panel.catch(() => {}); // reported below, once awaited
  await dti.ready();
  performance.mark("dti:module-ready");
  $("framework").addEventListener("change", () => { state.framework = $("framework").value; route(); });
  $("period").addEventListener("change", () => {
    state.period = Number($("period").value);
    sourceLine();
    frameworkChoice();
    route();
  });
  $("dataset").value = DATASET;
  $("dataset").addEventListener("change", () => { location.search = `?data=${$("dataset").value}`; });
  $("lang").addEventListener("change", () => { state.lang = $("lang").value; words(); route(); });
  $("file").addEventListener("change", () => { if ($("file").files[0]) readFile($("file").files[0]); });
  // Drag and drop anywhere on the page.
  let depth = 0;
  document.addEventListener("dragenter", (e) => { e.preventDefault(); depth++; $("drop").hidden = false; });
  document.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; $("drop").hidden = true; } });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    depth = 0;
    $("drop").hidden = true;
    const f = e.dataTransfer?.files?.[0];
    if (f) readFile(f);
  });
  window.addEventListener("hashchange", route);
  // The view's own errors (a framework that does not fit the data…) stay in the view.
  let records;
  try {
    records = await panel;
    performance.mark("dti:data-ready");
  } catch (e) {
    $("view").innerHTML = `<p class="error" role="alert">${esc(t().loadFailed(file, e.message))}</p>`;
    return;
  }
  words();
  if (DATASET === "published") {
    state.published = records;
    // 2024 (the 34) and the 63 provinces' earlier years: each year as published.
    setRecords([...records.records63.filter((r) => r.period < 2024), ...records.records2024], null);
  } else {
    setRecords(records, null);
  }
}

main().catch((e) => {
  $("view").innerHTML = `<p class="error" role="alert">${esc(e.message ?? e)}</p>`;
});
