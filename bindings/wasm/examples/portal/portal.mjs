// The DTI portal: a static page made of dti-wasm's components. Loads the bundled panel
// (data/panel.json) or a file the user picks or drops (read by the `dti` command's reader:
// every problem shown with its row), picks the year, framework and language, and links
// ranking → province → what-if → uncertainty → merged view by the address's #fragment.
import { analysis } from "./dti-wasm/components.mjs";
import * as dti from "./dti-wasm/web.mjs";

const TEXT = {
  vi: {
    title: "Chỉ số chuyển đổi số cấp tỉnh (DTI)", ranking: "Xếp hạng", unit: "Tỉnh/thành phố", whatIf: "Thử thay đổi",
    uncertainty: "Độ bất định", merge: "Sau sáp nhập", year: "Năm", framework: "Bộ chỉ số", language: "Ngôn ngữ",
    file: "Tải dữ liệu (CSV, JSON)", drop: "Thả tệp dữ liệu vào đây", bundled: "Dữ liệu: bảng tổng hợp 63 tỉnh đi kèm (số liệu giả lập).",
    loaded: (n, u) => `Dữ liệu: ${n} (${u} bản ghi).`, notLoaded: (n) => `Không đọc được ${n}; dữ liệu trước đó vẫn được giữ.`,
    pick: "Chọn một tỉnh/thành phố trong bảng xếp hạng.", toWhatIf: "Thử thay đổi giá trị của tỉnh này",
    toUnit: "Xem phân tích của tỉnh", toRanking: "Về bảng xếp hạng", loadFailed: (u, w) => `Không tải được ${u}: ${w}`,
  },
  en: {
    title: "Provincial Digital Transformation Index (DTI)", ranking: "Ranking", unit: "Province", whatIf: "What if",
    uncertainty: "Uncertainty", merge: "After the merger", year: "Year", framework: "Framework", language: "Language",
    file: "Load data (CSV, JSON)", drop: "Drop a data file here", bundled: "Data: the bundled 63-province panel (synthetic figures).",
    loaded: (n, u) => `Data: ${n} (${u} records).`, notLoaded: (n) => `${n} could not be read; the previous data is kept.`,
    pick: "Pick a province in the ranking.", toWhatIf: "Try other values for this province",
    toUnit: "See this province's breakdown", toRanking: "Back to the ranking", loadFailed: (u, w) => `Could not load ${u}: ${w}`,
  },
};

const $ = (id) => document.getElementById(id);
const state = { records: null, name: null, framework: "vn-pdti-2022", period: null, lang: "vi" };
const t = () => TEXT[state.lang];
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function showProblems(message, problems = []) {
  const box = $("problems");
  box.hidden = false;
  box.className = "error";
  box.innerHTML = `<strong>${esc(message)}</strong>` +
    (problems.length ? `<ul>${problems.map((p) => `<li data-line="${p.line ?? ""}">${esc(p.text ?? p.message)}</li>`).join("")}</ul>` : "");
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
  $("source").textContent = name ? t().loaded(name, records.length) : t().bundled;
  route();
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
  $("file-label").textContent = w.file;
  $("drop").textContent = w.drop;
  $("period").parentElement.firstChild.textContent = `${w.year} `;
  $("source").textContent = state.name ? w.loaded(state.name, state.records?.length ?? 0) : w.bundled;
}

/** A component with the portal's data and choices. */
function component(tag, attrs = {}) {
  const el = document.createElement(tag);
  el.setAttribute("framework", state.framework);
  el.setAttribute("lang", state.lang);
  if (state.period != null) el.setAttribute("period", String(state.period));
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.records = state.records;
  return el;
}

function route() {
  const view = $("view");
  if (!state.records) return;
  const [, page = "", arg = ""] = location.hash.match(/^#\/([^/]*)\/?(.*)$/) ?? [];
  const unit = decodeURIComponent(arg);
  const name = { "": "ranking", unit: "unit", "what-if": "what-if", uncertainty: "uncertainty", merge: "merge" }[page] ?? "ranking";
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.route === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    if (state.unit && (a.dataset.route === "unit" || a.dataset.route === "what-if")) a.href = `#/${a.dataset.route}/${encodeURIComponent(state.unit)}`;
  }
  const w = t();
  view.innerHTML = "";
  if (name === "ranking") {
    view.append(component("dti-ranking", { href: "#/unit/{unit}" }));
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
  // The panel is fetched while the module compiles.
  const url = new URL("./data/panel.json", document.baseURI).href;
  const panel = fetch(url).then((res) => {
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    return res.json();
  });
  panel.catch(() => {}); // reported below, once awaited
  await dti.ready();
  performance.mark("dti:module-ready");
  $("framework").addEventListener("change", () => { state.framework = $("framework").value; route(); });
  $("period").addEventListener("change", () => { state.period = Number($("period").value); route(); });
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
    $("view").innerHTML = `<p class="error" role="alert">${esc(t().loadFailed("data/panel.json", e.message))}</p>`;
    return;
  }
  words();
  setRecords(records, null);
  // The framework list after the first view: reading three definitions takes time.
  requestAnimationFrame(() => setTimeout(() => {
    $("framework").innerHTML = dti.builtinIds().map((id) => {
      const def = dti.builtinFramework(id);
      return `<option value="${esc(id)}">${esc(def.name_vi)}</option>`;
    }).join("");
    $("framework").value = state.framework;
  }));
}

main().catch((e) => {
  $("view").innerHTML = `<p class="error" role="alert">${esc(e.message ?? e)}</p>`;
});
