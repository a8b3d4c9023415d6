// dti-wasm/components: custom elements over the package, for any page (no framework):
//
//   <script type="module" src="node_modules/dti-wasm/components.mjs"></script>
//   <dti-ranking src="panel.json"></dti-ranking>
//
// <dti-ranking>, <dti-map>, <dti-unit>, <dti-what-if>, <dti-uncertainty>, <dti-merge>. Each takes its
// data from `src` (a URL: JSON unit records, or a CSV read by the `dti` command's reader) or
// from the `records` property, a framework (`framework`: a built-in id, default
// vn-pdti-2022, or the `frameworkDef` property), a `period` (default: the latest) and `lang`
// ("vi", default, or "en"). Every number is the package's: nothing is computed here but
// sorting, medians and counting. Styled with CSS custom properties (--dti-accent, --dti-fg,
// --dti-bg, --dti-muted, --dti-border, --dti-up, --dti-down, --dti-font).
import * as scoring from "./web.mjs";

const ready = scoring.ready();
let analysisModule = null;
/** The analysis module (CSV reading, uncertainty), loaded on first need. */
export function analysis() {
  analysisModule ??= import("./analysis-web.mjs").then(async (m) => { await m.ready(); return m; });
  return analysisModule;
}

// ---------------------------------------------------------------- words

const WORDS = {
  vi: {
    rank: "Hạng", change: "Thay đổi", unit: "Tỉnh/thành phố", value: "Chỉ số DTI", points: "Điểm",
    search: "Tìm tỉnh/thành phố", up: (n) => `tăng ${n} bậc`, down: (n) => `giảm ${n} bậc`, same: "không đổi",
    new: "mới", sortBy: (c) => `Sắp xếp theo ${c}`, of: (r, n) => `Hạng ${r}/${n}`, year: "Năm",
    loading: "Đang tải…", noData: "Không có dữ liệu", noUnit: (u) => `Không có tỉnh/thành phố '${u}' trong dữ liệu`,
    loadFailed: (u, why) => `Không tải được dữ liệu từ ${u}: ${why}`, problems: (n) => `${n} lỗi trong dữ liệu`,
    pillars: "Trụ cột", median: "Trung vị cả nước", best: "Cao nhất", indicators: "Chỉ số chính",
    won: "Điểm đạt", lost: "Điểm bị mất", max: "Điểm tối đa", opportunities: "Cơ hội cải thiện lớn nhất",
    opportunity: (name, gain, rank) => `Nếu “${name}” đạt mức tối đa, tỉnh được thêm ${gain} điểm` +
      (rank ? ` — đủ để lên hạng ${rank}.` : "."),
    noOpportunity: "Tất cả chỉ số đã đạt mức tối đa.",
    whatIf: "Thử thay đổi giá trị", newValue: "Chỉ số DTI mới", newRank: "Hạng mới", reset: "Khôi phục",
    passes: (names) => `Vượt qua: ${names}`, passesNone: "Chưa vượt qua tỉnh nào.",
    notNumber: "Không phải là số", outOfRange: (v) => `Giá trị ${v} nằm ngoài khoảng 0–1`, invalid: "Giá trị không hợp lệ",
    wasValue: (v) => `trước đây: ${v}`,
    uncertainty: "Độ bất định của thứ hạng", run: "Chạy", cancel: "Hủy", cancelled: "Đã hủy.",
    runs: (d, n) => `${d}/${n} lần chạy`, interval: "Khoảng hạng (5%–95%)", medianRank: "Hạng trung vị",
    officialRank: "Hạng chính thức", noise: (f, n) => `Trọng số các chỉ số chính dao động ±${f}% (${n} lần chạy).`,
    merge: "Sau sáp nhập (34 tỉnh, thành phố)", formed: "Hình thành từ", merged: "Tỉnh/thành phố mới",
    table: "Bảng số liệu", more: (n) => `… và ${n} lỗi khác`,
    map: (what, p) => `Bản đồ: ${what}, năm ${p}`, mapNoData: "Không có dữ liệu", legend: "Chú giải",
    rankChange: "Thay đổi thứ hạng", offMap: (names) => `Không có trên bản đồ: ${names}`,
    classRange: (a, b) => `${a} – ${b}`,
    moreColumns: "Hiện các cột khác",
  },
  en: {
    rank: "Rank", change: "Change", unit: "Province", value: "DTI value", points: "Points",
    search: "Search provinces", up: (n) => `up ${n} place${n === 1 ? "" : "s"}`, down: (n) => `down ${n} place${n === 1 ? "" : "s"}`,
    same: "unchanged", new: "new", sortBy: (c) => `Sort by ${c}`, of: (r, n) => `Rank ${r} of ${n}`, year: "Year",
    loading: "Loading…", noData: "No data", noUnit: (u) => `No province '${u}' in the data`,
    loadFailed: (u, why) => `Could not load the data from ${u}: ${why}`, problems: (n) => `${n} problem(s) in the data`,
    pillars: "Pillars", median: "National median", best: "Best", indicators: "Main indicators",
    won: "Points won", lost: "Points lost", max: "Max points", opportunities: "Biggest improvement opportunities",
    opportunity: (name, gain, rank) => `Bringing “${name}” to its maximum would add ${gain} points` +
      (rank ? ` — enough to reach rank ${rank}.` : "."),
    noOpportunity: "Every indicator is at its maximum.",
    whatIf: "Try other values", newValue: "New DTI value", newRank: "New rank", reset: "Reset",
    passes: (names) => `Passes: ${names}`, passesNone: "Passes no province yet.",
    notNumber: "Not a number", outOfRange: (v) => `${v} is outside 0–1`, invalid: "Not a valid value",
    wasValue: (v) => `was ${v}`,
    uncertainty: "Rank uncertainty", run: "Run", cancel: "Cancel", cancelled: "Cancelled.",
    runs: (d, n) => `${d}/${n} runs`, interval: "Rank interval (5%–95%)", medianRank: "Median rank",
    officialRank: "Official rank", noise: (f, n) => `Main-indicator weights vary by ±${f}% (${n} runs).`,
    merge: "After the merger (34 provinces)", formed: "Formed from", merged: "New province",
    table: "Data table", more: (n) => `… and ${n} more`,
    map: (what, p) => `Map: ${what}, ${p}`, mapNoData: "No data", legend: "Legend",
    rankChange: "Rank change", offMap: (names) => `Not on the map: ${names}`,
    classRange: (a, b) => `${a} – ${b}`,
    moreColumns: "Show the other columns",
  },
};

// ---------------------------------------------------------------- helpers

/** A name as search compares it: no diacritics, no case, đ as d. */
export function searchKey(s) {
  return String(s).normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase().trim();
}

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// Names come from data. Each is isolated from the text around it (an unclosed right-to-left
// override in one ends with it) and shortened past `max` characters, the whole name on hover:
// `<bdi>` in HTML; in SVG, which has no <bdi>, the isolates U+2068…U+2069 and a <title>.
const short = (s, max) => {
  const c = [...String(s ?? "")];
  return c.length > max ? `${c.slice(0, max - 1).join("")}…` : c.join("");
};
const iso = (s, max = 80) => `\u2068${short(s, max)}\u2069`;
const nm = (s, max = 80, wrap = (x) => x) => {
  const t = String(s ?? ""), c = short(t, max);
  return `<bdi${c === t ? "" : ` title="${esc(t)}"`}>${wrap(esc(c))}</bdi>`;
};
const svgName = (s, max = 22) => `${esc(iso(s, max))}<title>${esc(iso(s, 400))}</title>`;

// ---------------------------------------------------------------- problems, in words

/** A number in the interface's language, every digit kept (a value the core refused is
 * shown as it was given: 0,6968 in Vietnamese, 0.6968 in English). */
const exact = (x, lang) => (typeof x === "number" && Number.isFinite(x)
  ? x.toLocaleString(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 17, useGrouping: false })
  : String(x));

/** The core's problem codes in each language (the core's own English is the `text` of a
 * file's problem and a line of an input error's message); `d` holds the code's fields. */
const PROBLEMS = {
  vi: {
    value_out_of_range: (d, n) => `${n(d.value)} nằm ngoài khoảng 0–1; giá trị của một chỉ số là điểm đạt / điểm tối đa`,
    percent_out_of_range: (d, n) => `${n(d.value)} nằm ngoài khoảng 0–100 của một tỷ lệ phần trăm`,
    not_finite: (d) => `${d.value} không phải là một số hữu hạn`,
    not_whole: (d, n) => `${n(d.value)} không phải là số nguyên`,
    negative_count: (d, n) => `${n(d.value)} là số âm; số đếm không thể âm`,
    zero_denominator: (d, n) => `mẫu số bằng 0 (tử số ${n(d.numerator)}), tỷ số không xác định`,
    numerator_above_denominator: (d, n) => `tử số ${n(d.numerator)} lớn hơn mẫu số ${n(d.denominator)}`,
    unknown_level: (d) => `mức “${d.label}” không có; các mức: ${(d.expected ?? []).join(", ")}`,
    wrong_type: (d) => `cần ${d.expected}, nhận được ${d.found}`,
    empty_entry: () => "mục không có giá trị tự đánh giá lẫn giá trị thẩm định",
    duplicate_unit: (d) => `tỉnh/thành phố và năm này đã có ở dòng ${d.first_row + 1}`,
    empty_unit_id: () => "mã tỉnh/thành phố bị trống",
    period_out_of_range: () => "năm không nằm trong khoảng 1000–9999",
    missing: () => "không có giá trị và bộ chỉ số không cho phép thiếu dữ liệu",
    unpublished_weights: (d) => `trọng số của các chỉ số con ${(d.children ?? []).join(", ")} chưa được công bố: hãy nhập trực tiếp giá trị của chỉ số này, hoặc bổ sung trọng số`,
    node_and_descendant: (d) => `có giá trị cho cả chỉ số này và chỉ số con “${d.descendant}”; chỉ nhập một cấp`,
    unknown_indicator: (d) => `không phải là chỉ số của bộ chỉ số này${d.suggestion ? ` (có phải “${d.suggestion}”?)` : ""}`,
    // The file's form (code invalid_file; `detail.code` says which).
    empty_file: () => "tệp không có nội dung",
    unclosed_quote: () => "một trường trong dấu ngoặc kép bắt đầu ở đây nhưng không được đóng trước khi hết tệp",
    not_json: () => "không phải là một mảng JSON các bản ghi",
    bad_header: () => "tên cột trong dòng tiêu đề bị trống hoặc lặp lại",
    no_unit_column: (d) => `không có cột tỉnh/thành phố (unit, uCode, code, province hoặc id)${d.one_column ? "; dòng tiêu đề chỉ có một cột: hãy chọn dấu phân cách" : ""}`,
    missing_group: (d) => `không có cột nhóm “${d.group}” trong tệp`,
    long_layout: () => "dạng dọc cần có cột indicator và cột value",
    unknown_column: (d) => `cột “${d.column}” không phải là chỉ số của bộ chỉ số này${d.suggestion ? ` (có phải “${d.suggestion}”?)` : ""}; nếu là cột nhóm, hãy khai báo trong tùy chọn groups`,
    ragged_row: (d) => `dòng có ${d.cells} ô trong khi dòng tiêu đề có ${d.expected}`,
    empty_unit: () => "ô tỉnh/thành phố bị trống",
    bad_period: (d) => `năm “${d.period}” không phải là một năm trong khoảng 1000–9999`,
    missing_period: () => "ô năm bị trống trong khi các dòng khác có năm",
    duplicate_indicator: () => "chỉ số này được cho hai lần cho cùng tỉnh/thành phố và năm",
    duplicate_column: () => "chỉ số này có hai cột (theo mã và theo tên)",
  },
};

/** A problem in the interface's language, with where it is (file, row, province, year,
 * indicator): a file's problem (`readRecords`: `line`, `detail`) or a cohort's (`row`, from
 * 0). English is the core's own text; a code without words here keeps the core's message. */
export function problemText(p, lang, fallback) {
  const d = p.detail ?? p;
  const say = PROBLEMS[lang]?.[d.code ?? p.code];
  if (!say) return p.text ?? fallback ?? p.message ?? String(p.code);
  const where = [];
  if (p.file) where.push(`tệp ${p.file}`);
  if (p.line != null) where.push(`dòng ${p.line}`);
  else if (p.record != null) where.push(`bản ghi ${p.record}`);
  else if (p.row != null) where.push(`dòng ${p.row + 1}`);
  if (p.unit != null) where.push(`tỉnh/thành phố “${p.unit}”${p.period != null ? ` (${p.period})` : ""}`);
  if (p.indicator != null) where.push(`chỉ số “${p.indicator}”`);
  return `${where.length ? `${where.join(", ")}: ` : ""}${say(d, (x) => exact(x, lang))}`;
}

/** Problems in the order of the rows they are on (a reader lists rows it could not take
 * first, then the values' problems). */
export function byRow(problems) {
  const at = (p) => p.line ?? p.record ?? (p.row != null ? p.row + 1 : Infinity);
  return problems.map((p, k) => [p, k]).sort((a, b) => at(a[0]) - at(b[0]) || a[1] - b[1]).map(([p]) => p);
}

const formats = new Map();
function fmt(x, lang, digits = 4) {
  if (x == null || !Number.isFinite(x)) return "–";
  const key = `${lang}${digits}`;
  // One formatter per language and precision: building one per number is slow.
  if (!formats.has(key)) {
    formats.set(key, new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return formats.get(key).format(x);
}

function median(xs) {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Data loaded once per URL: records from JSON or CSV (the command's reader), or a message. */
const fromUrl = new Map();
async function loadUrl(url, framework) {
  const key = `${url}\n${typeof framework === "string" ? framework : framework.id}`;
  if (!fromUrl.has(key)) {
    fromUrl.set(key, (async () => {
      let res;
      try { res = await fetch(url); } catch (e) { return { error: String(e.message ?? e) }; }
      if (!res.ok) return { error: `${res.status} ${res.statusText}` };
      const text = await res.text();
      const name = url.split("/").pop().split("?")[0] || "data.csv";
      if (/\.json$/i.test(name)) {
        try { return { records: JSON.parse(text) }; } catch (e) { return { error: e.message }; }
      }
      const a = await analysis();
      try {
        const read = a.readRecords(framework, text, { name });
        if (read.problems.length) return { problems: read.problems };
        return { records: read.units };
      } catch (e) {
        return e.problems ? { problems: e.problems } : { error: e.message };
      }
    })());
  }
  return fromUrl.get(key);
}

/** Scores of some periods of a records array, kept while the array lives (each period is
 * its own cohort: scoring a few periods gives their numbers exactly as scoring all). */
const scored = new WeakMap();
function scorePeriods(framework, records, periods) {
  let cache = scored.get(records);
  if (!cache) scored.set(records, (cache = new Map()));
  const key = `${typeof framework === "string" ? framework : JSON.stringify(framework)}|${periods.join(",")}`;
  if (!cache.has(key)) {
    const wanted = new Set(periods);
    const subset = records.filter((r) => wanted.has(r.period ?? null));
    cache.set(key, scoring.scoreCohort(framework, subset, { explain: false }));
  }
  return cache.get(key);
}

const defs = new Map();
/** A built-in framework's definition, read once. */
function frameworkDef(id) {
  if (!defs.has(id)) defs.set(id, scoring.builtinFramework(id));
  return defs.get(id);
}

const STYLE = `
:host { display: block; font: var(--dti-font, 15px/1.45 system-ui, sans-serif); color: var(--dti-fg, #1f2328);
  background: var(--dti-bg, transparent); --_accent: var(--dti-accent, #0b5cad); --_muted: var(--dti-muted, #59636e);
  --_border: var(--dti-border, #d1d9e0); --_up: var(--dti-up, #116329); --_down: var(--dti-down, #a40e26); }
:host([hidden]) { display: none; }
h2 { font-size: 1.15em; margin: 0 0 .5em; } h3 { font-size: 1em; margin: 1em 0 .4em; }
table { border-collapse: collapse; width: 100%; } caption { text-align: left; font-weight: 600; padding: .3em 0; }
th, td { padding: .3em .5em; border-bottom: 1px solid var(--_border); text-align: right; white-space: nowrap; }
th { font-weight: 600; } .name { text-align: left; white-space: normal; min-width: 8em; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th button:focus-visible, a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--_accent); outline-offset: 1px; }
a { color: var(--_accent); } .muted { color: var(--_muted); }
.up { color: var(--_up); } .down { color: var(--_down); }
.error { color: var(--_down); border: 1px solid var(--_down); border-radius: 4px; padding: .5em .75em; }
.error ul { margin: .3em 0 0; padding-left: 1.2em; }
input[type=search], input[type=text] { font: inherit; padding: .25em .4em; border: 1px solid var(--_muted); border-radius: 4px; }
input[aria-invalid=true] { border: 2px solid var(--_down); background: #fff4f4; }
button.action { font: inherit; padding: .3em .9em; border-radius: 4px; border: 1px solid var(--_accent); background: var(--_accent); color: #fff; cursor: pointer; }
button.action.secondary { background: transparent; color: var(--_accent); }
.scroll { overflow-x: auto; } .big { font-size: 1.6em; font-weight: 700; }
bdi, h2, p { overflow-wrap: anywhere; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
svg text { font: 12px system-ui, sans-serif; fill: var(--dti-fg, #1f2328); }
/* A phone (the element under 560 px): rank, name and value stay; the other columns on demand. */
:host { container-type: inline-size; }
button.more { display: none; font: inherit; margin: .3em 0; padding: .2em .7em; border-radius: 4px; border: 1px solid var(--_accent); background: transparent; color: var(--_accent); cursor: pointer; }
@container (max-width: 560px) {
  .extra { display: none; }
  .all-columns .extra { display: table-cell; }
  button.more { display: inline-block; }
  th, td { padding: .3em .35em; } th { white-space: normal; }
  .name { min-width: 6em; }
}
`;

/** What every component shares: attributes, data, words, errors. */
class DtiElement extends HTMLElement {
  static observedAttributes = ["src", "framework", "period", "lang", "unit"];
  #records = null;
  #frameworkDef = null;
  #queued = false;
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }
  connectedCallback() {
    this.refresh();
    // Charts are drawn for the element's width (text stays 12 px on a phone): a change of
    // width redraws them.
    if (this.resized && !this.#observer && typeof ResizeObserver !== "undefined") {
      this.#observer = new ResizeObserver(([e]) => {
        const width = Math.round(e.contentRect.width);
        const drawn = this.#chartDrawnFor;
        if (drawn != null && width > 0 && Math.abs(Math.max(300, Math.min(this.#chartMost, width)) - drawn) >= 16) this.resized();
      });
      this.#observer.observe(this);
    }
  }
  disconnectedCallback() { this.#observer?.disconnect(); this.#observer = null; }
  #observer = null;
  #chartDrawnFor = null;
  #chartMost = 0;
  /** The width charts are drawn for: the element's, between 300 and `most` pixels. */
  chartWidth(most) {
    const w = Math.round(this.getBoundingClientRect().width);
    this.#chartMost = most;
    this.#chartDrawnFor = Math.max(300, Math.min(most, w || most));
    return this.#chartDrawnFor;
  }
  attributeChangedCallback() { this.refresh(); }
  /** Unit records to show (instead of `src`). */
  get records() { return this.#records; }
  set records(v) { this.#records = v; this.refresh(); }
  /** A framework definition (instead of the `framework` attribute). */
  get frameworkDef() { return this.#frameworkDef; }
  set frameworkDef(v) { this.#frameworkDef = v; this.refresh(); }
  get framework() { return this.#frameworkDef ?? this.getAttribute("framework") ?? "vn-pdti-2022"; }
  get lang() {
    const l = this.getAttribute("lang") ?? this.closest("[lang]")?.getAttribute("lang") ?? "vi";
    return l.startsWith("en") ? "en" : "vi";
  }
  get words() { return WORDS[this.lang]; }
  /** Re-renders once, after the current task's changes. */
  refresh() {
    if (this.#queued || !this.isConnected) return;
    this.#queued = true;
    queueMicrotask(async () => {
      this.#queued = false;
      try {
        await this.#draw();
      } catch (e) {
        this.showError(e.message ?? String(e), e.problems);
      }
    });
  }
  async #draw() {
    await ready;
    let records = this.#records;
    if (!records) {
      const src = this.getAttribute("src");
      if (!src) return this.show(`<p class="muted">${esc(this.words.noData)}</p>`);
      this.show(`<p class="muted" role="status">${esc(this.words.loading)}</p>`);
      const got = await loadUrl(new URL(src, document.baseURI).href, this.framework);
      if (got.error) return this.showError(this.words.loadFailed(src, got.error));
      if (got.problems) return this.showError(this.words.problems(got.problems.length), got.problems);
      records = got.records;
    }
    // A period that is not a whole number (`"2023"`) would silently drop its record from
    // every year's view: an error naming the record, as the package's functions give.
    const odd = records.findIndex((u) => u.period != null && !Number.isInteger(u.period));
    if (odd >= 0) {
      const u = records[odd];
      return this.showError(`records[${odd}] (unit '${u.unit}'): period ${JSON.stringify(u.period)} is not a year (a whole number)`);
    }
    const def = typeof this.framework === "string" ? frameworkDef(this.framework) : this.framework;
    const periods = [...new Set(records.map((u) => u.period ?? null))].sort((a, b) => a - b);
    const asked = this.getAttribute("period");
    const period = asked ? Number(asked) : periods[periods.length - 1];
    if (asked && !periods.includes(period)) {
      return this.showError(`${this.words.noData}: ${period} (${periods.join(", ")})`);
    }
    const all = scorePeriods(this.framework, records, this.periodsNeeded(period, periods));
    const cohort = all.units.filter((u) => (u.period ?? null) === period);
    await this.draw({ records, def, all, periods, period, cohort });
  }
  /** The period compared with (rank changes): `compare-period`, else the one before
   * `period`; `null` when the data has none. */
  comparePeriod(period, periods) {
    const asked = this.getAttribute("compare-period");
    const prev = asked ? Number(asked) : periods.filter((p) => p < period).pop();
    return prev != null && periods.includes(prev) ? prev : null;
  }
  /** The periods the element scores: the one shown. */
  periodsNeeded(period) { return [period]; }
  /** A node's or view's name in the element's language. */
  nameOf(def, code) {
    const n = def.nodes.find((x) => x.code === code) ?? (def.views ?? []).find((x) => x.code === code);
    if (!n) return code;
    return (this.lang === "en" && n.name_en) || n.name_vi;
  }
  show(html) {
    this.shadowRoot.innerHTML = `<style>${STYLE}</style>${html}`;
    // "Show the other columns" (a phone): the table's extra columns, kept across redraws.
    for (const b of this.shadowRoot.querySelectorAll("button.more")) {
      const table = this.shadowRoot.getElementById(b.getAttribute("aria-controls"));
      const set = (on) => { table?.classList.toggle("all-columns", on); b.setAttribute("aria-pressed", String(on)); };
      set(this.#allColumns);
      b.addEventListener("click", () => { this.#allColumns = !this.#allColumns; set(this.#allColumns); });
    }
  }
  #allColumns = false;
  /** The button that shows a table's other columns on a phone. */
  moreButton(tableId) {
    return `<button type="button" class="more" aria-controls="${tableId}" aria-pressed="false">${esc(this.words.moreColumns)}</button>`;
  }
  /** An error in the element, with the problems' rows: never a blank element. */
  showError(message, problems) {
    // A file's problems carry the command's words (`text`); the core's input problems are
    // listed in the error's message, one per line.
    const [title, ...listed] = String(message).split("\n  - ");
    // Each problem in the interface's language, by row; the core's own lines otherwise.
    const lines = problems?.length && (problems.every((p) => p.text) || problems.length === listed.length)
      ? byRow(problems.map((p, k) => ({ ...p, fallback: listed[k] }))).map((p) => problemText(p, this.lang, p.fallback))
      : listed;
    const MAX = 20;
    const list = lines.slice(0, MAX).map((l) => `<li>${esc(l)}</li>`).join("") +
      (lines.length > MAX ? `<li>${esc(this.words.more(lines.length - MAX))}</li>` : "");
    // The core's "N problem(s) in the input:" in the interface's language.
    const head = problems?.length && /^\d+ problem\(s\) in the/.test(title) ? this.words.problems(problems.length) : title;
    this.show(`<div class="error" role="alert"><strong>${esc(head)}</strong>${list ? `<ul>${list}</ul>` : ""}</div>`);
    this.dispatchEvent(new CustomEvent("dti-error", { bubbles: true, composed: true, detail: { message, problems } }));
  }
  /** Announces that the element drew (tests and pages wait for it). */
  drawn(detail = {}) {
    this.dataset.ready = "true";
    this.dataset.readyAt = String(performance.now());
    this.dispatchEvent(new CustomEvent("dti-ready", { bubbles: true, composed: true, detail }));
  }
}

function changeCell(w, before, now) {
  if (before == null || now == null) return `<td class="muted" data-change="">${before == null ? esc(w.new) : "–"}</td>`;
  const d = before - now;
  if (d > 0) return `<td class="up" data-change="${d}" aria-label="${esc(w.up(d))}">▲${d}</td>`;
  if (d < 0) return `<td class="down" data-change="${d}" aria-label="${esc(w.down(-d))}">▼${-d}</td>`;
  return `<td class="muted" data-change="0" aria-label="${esc(w.same)}">–</td>`;
}

// ---------------------------------------------------------------- <dti-ranking>

/** The ranked table of a cohort: values and ranks of the index and every view, sorting by
 * any column, search by name (diacritics ignored), rank change against `compare-period`
 * (default: the period before) or a `baseline` cohort (a scenario's `CohortScores`).
 * `href` ("#/unit/{unit}") links each name; else a click dispatches `dti-select`. */
export class DtiRanking extends DtiElement {
  static observedAttributes = [...DtiElement.observedAttributes, "compare-period", "href"];
  #baseline = null;
  #sort = { key: "rank", dir: 1 };
  #query = "";
  get baseline() { return this.#baseline; }
  set baseline(v) { this.#baseline = v; this.refresh(); }
  periodsNeeded(period, periods) {
    const prev = this.#baseline ? null : this.comparePeriod(period, periods);
    return prev == null ? [period] : [prev, period];
  }
  draw({ def, all, periods, period, cohort }) {
    const w = this.words;
    const views = def.views ?? [];
    let before = new Map();
    let against = null;
    if (this.#baseline) {
      for (const u of this.#baseline.units) if ((u.period ?? null) === period) before.set(u.unit, u.rank);
      against = "baseline";
    } else {
      const prev = this.comparePeriod(period, periods);
      if (prev != null) {
        for (const u of all.units) if (u.period === prev) before.set(u.unit, u.rank);
        against = prev;
      }
    }
    const rows = cohort.map((u) => ({
      u, rank: u.rank, value: u.value, name: u.name ?? u.unit,
      change: before.has(u.unit) && u.rank != null ? before.get(u.unit) - u.rank : null,
      ...Object.fromEntries(u.views.map((v) => [`v:${v.code}`, v.value])),
    }));
    const { key, dir } = this.#sort;
    const cmp = (a, b) => {
      const x = a[key], y = b[key];
      if (x == null && y == null) return 0;
      if (x == null) return 1;
      if (y == null) return -1;
      return (typeof x === "string" ? x.localeCompare(y, "vi") : x - y) * dir;
    };
    rows.sort((a, b) => cmp(a, b) || (a.rank ?? Infinity) - (b.rank ?? Infinity));
    const q = searchKey(this.#query);
    const shown = q ? rows.filter((r) => searchKey(r.name).includes(q) || searchKey(r.u.unit).includes(q)) : rows;
    const href = this.getAttribute("href");
    const th = (k, label, cls = "") => {
      const sorted = k === key ? (dir > 0 ? "ascending" : "descending") : "none";
      return `<th scope="col" class="${cls}" aria-sort="${sorted}"><button type="button" data-sort="${esc(k)}" title="${esc(w.sortBy(label))}">${nm(label, 40)}${k === key ? (dir > 0 ? " ↑" : " ↓") : ""}</button></th>`;
    };
    const nameCell = (r) => {
      if (href) return `<td class="name">${nm(r.name, 80, (x) => `<a href="${esc(href.replace("{unit}", encodeURIComponent(r.u.unit)).replace("{period}", period ?? ""))}">${x}</a>`)}</td>`;
      return `<td class="name">${nm(r.name, 80, (x) => `<a href="#" data-select="${esc(r.u.unit)}">${x}</a>`)}</td>`;
    };
    const body = shown.map((r) => `<tr data-unit="${esc(r.u.unit)}" data-rank="${r.rank ?? ""}" data-value="${r.value ?? ""}">` +
      `<td>${r.rank ?? "–"}</td>${against == null ? "" : changeCell(w, before.get(r.u.unit), r.rank)}${nameCell(r)}` +
      `<td data-value="${r.value ?? ""}">${fmt(r.value, this.lang)}</td>` +
      r.u.views.map((v) => `<td class="extra" data-view="${esc(v.code)}" data-value="${v.value ?? ""}" data-rank="${v.rank ?? ""}">${fmt(v.value, this.lang)} <span class="muted">(${v.rank ?? "–"})</span></td>`).join("") +
      "</tr>").join("");
    const caption = `${nm(typeof def === "object" ? ((this.lang === "en" && def.name_en) || def.name_vi) : def, 200)} — ${esc(w.year)} ${esc(period ?? "")}`;
    this.show(`
      <label>${esc(w.search)} <input type="search" value="${esc(this.#query)}" aria-controls="t"></label>
      <div class="scroll"><table id="t"><caption>${caption}</caption>
      <thead><tr>${th("rank", w.rank)}${against == null ? "" : th("change", w.change)}${th("name", w.unit, "name")}${th("value", w.value)}${views.map((v) => th(`v:${v.code}`, this.nameOf(def, v.code), "extra")).join("")}</tr></thead>
      <tbody>${body}</tbody></table></div>${views.length ? this.moreButton("t") : ""}
      <p class="muted" role="status">${shown.length}/${rows.length}</p>`);
    const input = this.shadowRoot.querySelector("input");
    input.addEventListener("input", () => {
      this.#query = input.value;
      this.refresh();
      // Keep typing in the search box across the redraw.
      queueMicrotask(() => queueMicrotask(() => {
        const again = this.shadowRoot.querySelector("input");
        again.focus();
        again.setSelectionRange(again.value.length, again.value.length);
      }));
    });
    for (const b of this.shadowRoot.querySelectorAll("th button")) {
      b.addEventListener("click", () => {
        const k = b.dataset.sort;
        this.#sort = { key: k, dir: k === this.#sort.key ? -this.#sort.dir : (k === "rank" || k === "name" ? 1 : -1) };
        this.refresh();
        queueMicrotask(() => queueMicrotask(() => this.shadowRoot.querySelector(`th button[data-sort="${CSS.escape(k)}"]`)?.focus()));
      });
    }
    for (const a of this.shadowRoot.querySelectorAll("a[data-select]")) {
      a.addEventListener("click", (e) => {
        e.preventDefault();
        this.dispatchEvent(new CustomEvent("dti-select", { bubbles: true, composed: true, detail: { unit: a.dataset.select, period } }));
      });
    }
    this.drawn({ period, units: rows.length, against });
  }
}

// ---------------------------------------------------------------- <dti-unit>

/** A bar chart of a unit's pillars against the national median and the best, in SVG drawn
 * for `width` pixels (one unit a pixel: its 12 px text stays 12 px), each value next to its
 * bar. */
function pillarChart(items, w, lang, width) {
  const rowH = 34, left = Math.round(Math.min(150, width * 0.36)), barW = width - left - 62;
  const h = items.length * rowH + 34;
  const x = (v) => left + Math.max(0, Math.min(1, v ?? 0)) * barW;
  const chars = Math.max(8, Math.floor((left - 6) / 6.6));
  const parts = items.map((it, k) => {
    const y = 12 + k * rowH;
    return `<g><text x="0" y="${y + 17}">${svgName(it.name, chars)}</text>
      <rect x="${left}" y="${y + 4}" width="${barW}" height="18" fill="#eef1f4"></rect>
      <rect x="${left}" y="${y + 4}" width="${x(it.value) - left}" height="18" fill="var(--dti-accent, #0b5cad)"></rect>
      <line x1="${x(it.median)}" x2="${x(it.median)}" y1="${y}" y2="${y + 26}" stroke="#1f2328" stroke-width="2" stroke-dasharray="3 2"></line>
      <path d="M${x(it.best)} ${y} l5 -6 h-10 z" fill="#116329"></path>
      <text x="${left + barW + 6}" y="${y + 17}">${esc(fmt(it.value, lang))}</text></g>`;
  }).join("");
  const legendY = items.length * rowH + 28;
  const label = items.map((it) => `${iso(it.name)}: ${fmt(it.value, lang)} (${w.median} ${fmt(it.median, lang)}, ${w.best} ${fmt(it.best, lang)})`).join("; ");
  const step = Math.min(120, Math.floor((width - 10) / 3));
  return `<svg viewBox="0 0 ${width} ${h}" width="${width}" style="max-width: 100%; height: auto" role="img" aria-label="${esc(`${w.pillars}: ${label}`)}">
    <title>${esc(w.pillars)}</title>${parts}
    <g transform="translate(0 ${legendY})"><rect width="12" height="12" y="-10" fill="var(--dti-accent, #0b5cad)"></rect><text x="16">${esc(short(w.value, 14))}</text>
    <line x1="${step + 4}" x2="${step + 4}" y1="-12" y2="2" stroke="#1f2328" stroke-width="2" stroke-dasharray="3 2"></line><text x="${step + 10}">${esc(short(w.median, 16))}</text>
    <path d="M${2 * step + 8} -8 l5 -6 h-10 z" fill="#116329"></path><text x="${2 * step + 18}">${esc(short(w.best, 12))}</text></g></svg>`;
}

/** One unit: its index value and rank, its pillars against the national median and the best
 * (chart and table), its main indicators with points won and lost, and its biggest
 * improvement opportunities (the core's explanation) in words. */
export class DtiUnit extends DtiElement {
  resized() { this.refresh(); }
  draw({ records, def, period, cohort }) {
    const w = this.words;
    const asked = this.getAttribute("unit");
    const periodRecords = records.filter((r) => (r.period ?? null) === period);
    let me;
    try {
      me = scoring.explainUnit(this.framework, periodRecords, asked ?? "", period ?? undefined);
    } catch (e) {
      if (e.code === "unknown_unit") return this.showError(w.noUnit(asked ?? ""));
      throw e;
    }
    const n = cohort.filter((u) => u.rank != null).length;
    const pillars = me.views.map((v) => {
      const col = cohort.map((u) => u.views.find((x) => x.code === v.code)?.value);
      return { code: v.code, name: this.nameOf(def, v.code), value: v.value, rank: v.rank, median: median(col), best: Math.max(...col.filter((x) => x != null)) };
    });
    const roots = new Set(def.nodes.filter((x) => !x.parent).map((x) => x.code));
    const mains = me.nodes.filter((x) => {
      const d = def.nodes.find((y) => y.code === x.code);
      return d && d.parent && roots.has(d.parent);
    });
    const points = cohort.map((u) => u.points ?? u.value).filter((x) => x != null);
    const rankWith = (total) => 1 + points.filter((p) => p > total + 1e-9 * Math.max(1, Math.abs(total))).length;
    const total = me.points ?? me.value;
    const opps = (me.explanation?.opportunities ?? []).filter((o) => o.gain > 0).slice(0, 3).map((o) => {
      const r = rankWith(total + o.gain);
      return `<li data-code="${esc(o.code)}" data-gain="${o.gain}">${esc(w.opportunity(this.nameOf(def, o.code), fmt(o.gain, this.lang, 1), r < me.rank ? r : null))}</li>`;
    }).join("");
    const digits = me.points != null ? 1 : 4;
    this.show(`
      <h2>${nm(me.name ?? me.unit)} <span class="muted">— ${esc(w.year)} ${esc(period ?? "")}</span></h2>
      <p><span class="big" data-value="${me.value ?? ""}">${fmt(me.value, this.lang)}</span>
        <span data-rank="${me.rank ?? ""}">${esc(w.of(me.rank ?? "–", n))}</span>
        ${me.points != null ? `<span class="muted">(${fmt(me.points, this.lang, 1)} / ${fmt(me.max_points, this.lang, 0)} ${esc(w.points.toLowerCase())})</span>` : ""}</p>
      <h3>${esc(w.pillars)}</h3>
      ${pillarChart(pillars, w, this.lang, this.chartWidth(560))}
      <details><summary>${esc(w.table)}</summary><div class="scroll"><table id="pillars"><caption class="sr">${esc(w.pillars)}</caption>
        <thead><tr><th scope="col" class="name">${esc(w.pillars)}</th><th scope="col">${esc(w.value)}</th><th scope="col">${esc(w.rank)}</th><th scope="col" class="extra">${esc(w.median)}</th><th scope="col" class="extra">${esc(w.best)}</th></tr></thead>
        <tbody>${pillars.map((p) => `<tr data-view="${esc(p.code)}" data-value="${p.value ?? ""}" data-rank="${p.rank ?? ""}"><td class="name">${nm(p.name)}</td><td>${fmt(p.value, this.lang)}</td><td>${p.rank ?? "–"}</td><td class="extra">${fmt(p.median, this.lang)}</td><td class="extra">${fmt(p.best, this.lang)}</td></tr>`).join("")}</tbody></table></div>${this.moreButton("pillars")}</details>
      <h3>${esc(w.indicators)}</h3>
      <div class="scroll"><table id="mains"><caption class="sr">${esc(w.indicators)}</caption>
        <thead><tr><th scope="col" class="name">${esc(w.indicators)}</th><th scope="col">${esc(w.won)}</th><th scope="col" class="extra">${esc(w.max)}</th><th scope="col" class="extra">${esc(w.lost)}</th><th scope="col">${esc(w.rank)}</th></tr></thead>
        <tbody>${mains.map((x) => `<tr data-node="${esc(x.code)}" data-points="${x.points ?? ""}"><td class="name">${esc(this.nameOf(def, x.code))}</td><td>${fmt(x.points, this.lang, digits)}</td><td class="extra">${fmt(x.max_points, this.lang, 0)}</td><td class="extra${x.max_points && x.points != null && x.max_points - x.points > 0 ? " down" : ""}">${x.max_points != null && x.points != null ? fmt(x.max_points - x.points, this.lang, digits) : "–"}</td><td>${x.rank ?? "–"}</td></tr>`).join("")}</tbody></table></div>${this.moreButton("mains")}
      <h3>${esc(w.opportunities)}</h3>
      ${opps ? `<ol>${opps}</ol>` : `<p>${esc(w.noOpportunity)}</p>`}`);
    this.drawn({ unit: me.unit, period, rank: me.rank, value: me.value });
  }
}

// ---------------------------------------------------------------- <dti-what-if>

/** A number as typed: a point or a comma for decimals ("0,75"); `null` when it is none. */
function parseTyped(text) {
  const t = text.trim().replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  return Number(t);
}

/** Edit any input indicator of one unit: each edit is validated as typed (the core's check:
 * a value it refuses is marked on its field with the reason, never ignored) and re-scored:
 * the new value, the new rank and the units it passes. */
export class DtiWhatIf extends DtiElement {
  #edits = new Map(); // code → typed text
  #key = "";
  draw({ records, def, period, cohort }) {
    const w = this.words;
    const asked = this.getAttribute("unit") ?? "";
    const key = `${asked}|${period}`;
    if (key !== this.#key) { this.#edits.clear(); this.#key = key; }
    const periodRecords = records.filter((r) => (r.period ?? null) === period);
    const base = cohort.find((u) => u.unit === asked) ??
      cohort.find((u) => searchKey(u.name ?? "") === searchKey(asked));
    if (!base) return this.showError(w.noUnit(asked));
    const row = periodRecords.findIndex((r) => r.unit === base.unit);
    const record = periodRecords[row];
    const parents = new Set(def.nodes.map((x) => x.parent).filter(Boolean));
    const leaves = def.nodes.filter((x) => !parents.has(x.code) && x.parent);
    const fields = leaves.map((x) => {
      const v = record.values[x.code];
      const shown = typeof v === "object" && v !== null ? JSON.stringify(v) : v == null ? "" : exact(v, this.lang);
      return `<div class="field"><label for="in-${esc(x.code)}">${esc(this.nameOf(def, x.code))} <span class="muted">(${esc(x.code)})</span></label>
        <input type="text" inputmode="decimal" id="in-${esc(x.code)}" data-code="${esc(x.code)}" value="${esc(this.#edits.get(x.code) ?? shown)}" aria-describedby="msg-${esc(x.code)}" autocomplete="off">
        <span id="msg-${esc(x.code)}" class="msg" aria-live="polite"><span class="muted">${esc(w.wasValue(shown))}</span></span></div>`;
    }).join("");
    this.show(`<style>.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .6em 1.2em; }
      .field label { display: block; } .field input { width: 7rem; } .msg { display: block; font-size: .9em; min-height: 1.2em; }
      .msg.bad { color: var(--_down); } output { display: block; margin: .8em 0; }</style>
      <h2>${esc(w.whatIf)}: ${nm(base.name ?? base.unit)} <span class="muted">— ${esc(w.year)} ${esc(period ?? "")}</span></h2>
      <div class="fields">${fields}</div>
      <p><button type="button" class="action secondary" id="reset">${esc(w.reset)}</button></p>
      <output id="out" aria-live="polite"></output>`);
    const out = this.shadowRoot.getElementById("out");
    const update = () => {
      const values = { ...record.values };
      let bad = false;
      for (const input of this.shadowRoot.querySelectorAll("input[data-code]")) {
        const code = input.dataset.code;
        const msg = this.shadowRoot.getElementById(`msg-${code}`);
        const typed = this.#edits.get(code);
        input.removeAttribute("aria-invalid");
        msg.className = "msg";
        if (typed === undefined) continue;
        const x = parseTyped(typed);
        if (x === null) {
          input.setAttribute("aria-invalid", "true");
          msg.className = "msg bad";
          msg.textContent = w.notNumber;
          bad = true;
          continue;
        }
        values[code] = x;
      }
      if (bad) { out.innerHTML = ""; this.dataset.valid = "false"; return; }
      const edited = periodRecords.map((r, k) => (k === row ? { ...r, values } : r));
      let now;
      try {
        now = scoring.scoreCohort(this.framework, edited, { explain: false });
      } catch (e) {
        if (e.code !== "input") throw e;
        // The core refused a value: mark each field it names, with the reason.
        for (const p of e.problems) {
          const input = this.shadowRoot.querySelector(`input[data-code="${CSS.escape(p.indicator ?? "")}"]`);
          if (!input) continue;
          input.setAttribute("aria-invalid", "true");
          const msg = this.shadowRoot.getElementById(`msg-${p.indicator}`);
          msg.className = "msg bad";
          msg.textContent = p.code === "value_out_of_range" ? w.outOfRange(fmt(p.value, this.lang, 2)) : `${w.invalid} (${p.code})`;
        }
        out.innerHTML = "";
        this.dataset.valid = "false";
        return;
      }
      const mine = now.units[row];
      const before = new Map(cohort.map((u) => [u.unit, u]));
      const passed = now.units.filter((u) => u.unit !== mine.unit && before.get(u.unit)?.rank < base.rank && u.rank > mine.rank);
      const d = base.rank - mine.rank;
      out.innerHTML = `<p>${esc(w.newValue)}: <strong data-value="${mine.value ?? ""}">${fmt(mine.value, this.lang)}</strong>
        <span class="muted">(${fmt(base.value, this.lang)})</span> — ${esc(w.newRank)}: <strong data-rank="${mine.rank ?? ""}">${mine.rank ?? "–"}</strong>
        <span class="${d > 0 ? "up" : d < 0 ? "down" : "muted"}">${d > 0 ? `▲${d} (${esc(w.up(d))})` : d < 0 ? `▼${-d} (${esc(w.down(-d))})` : esc(w.same)}</span></p>
        <p data-passes="${passed.map((u) => esc(u.unit)).join(" ")}">${passed.length ? esc(w.passes(passed.map((u) => iso(u.name ?? u.unit)).join(", "))) : esc(w.passesNone)}</p>`;
      this.dataset.valid = "true";
      this.dispatchEvent(new CustomEvent("dti-what-if", { bubbles: true, composed: true, detail: { unit: mine.unit, rank: mine.rank, value: mine.value, passed: passed.map((u) => u.unit) } }));
    };
    for (const input of this.shadowRoot.querySelectorAll("input[data-code]")) {
      input.addEventListener("input", () => { this.#edits.set(input.dataset.code, input.value); update(); });
    }
    this.shadowRoot.getElementById("reset").addEventListener("click", () => { this.#edits.clear(); this.refresh(); });
    update();
    this.drawn({ unit: base.unit, period, rank: base.rank });
  }
}

// ---------------------------------------------------------------- <dti-uncertainty>

/** Rank intervals under weight noise on the official points (a points sum's weights are its
 * max points), run in a worker with a progress bar and a cancel button: the page never
 * freezes. Attributes: `runs` (1000), `factor` (0.25), `seed` (2022), `autorun`. */
export class DtiUncertainty extends DtiElement {
  static observedAttributes = [...DtiElement.observedAttributes, "runs", "factor", "seed"];
  #worker = null;
  #result = null;
  #key = "";
  disconnectedCallback() { super.disconnectedCallback(); this.#worker?.terminate(); this.#worker = null; }
  draw({ records, period, cohort }) {
    const w = this.words;
    const runs = Math.min(100000, Math.max(1, Number(this.getAttribute("runs") ?? 1000) | 0));
    const factor = Number(this.getAttribute("factor") ?? 0.25);
    const seed = Number(this.getAttribute("seed") ?? 2022);
    const periodRecords = records.filter((r) => (r.period ?? null) === period);
    const key = JSON.stringify([runs, factor, seed, period, this.framework, periodRecords.length]);
    if (key !== this.#key) { this.#result = null; this.#key = key; }
    const spec = { runs, seed, inputs: [{ name: "main-indicator points", kind: "weight_noise", factor, depth: 2 }] };
    this.show(`<style>progress { width: 16rem; vertical-align: middle; } .bar { display: flex; gap: .8em; align-items: center; flex-wrap: wrap; }</style>
      <h2>${esc(w.uncertainty)} <span class="muted">— ${esc(w.year)} ${esc(period ?? "")}</span></h2>
      <p>${esc(w.noise(Math.round(factor * 100), runs))}</p>
      <div class="bar"><button type="button" class="action" id="run">${esc(w.run)}</button>
        <button type="button" class="action secondary" id="cancel" disabled>${esc(w.cancel)}</button>
        <progress id="progress" max="${runs}" value="0" aria-label="${esc(w.runs(0, runs))}"></progress>
        <span id="status" role="status" aria-live="polite"></span></div>
      <div id="chart"></div>`);
    const $ = (id) => this.shadowRoot.getElementById(id);
    const show = (result) => {
      $("chart").innerHTML = this.#chart(result, cohort);
      this.drawn({ period, runs: result.runs });
    };
    const start = () => {
      this.#worker?.terminate();
      const worker = new Worker(new URL("./uncertainty-worker.mjs", import.meta.url), { type: "module" });
      this.#worker = worker;
      $("run").disabled = true;
      $("cancel").disabled = false;
      $("status").textContent = w.runs(0, runs);
      worker.onmessage = ({ data }) => {
        // A message already on its way when the run was cancelled or restarted is dropped.
        if (this.#worker !== worker) return;
        if (data.progress) {
          $("progress").value = data.progress[0];
          $("progress").setAttribute("aria-label", w.runs(data.progress[0], data.progress[1]));
          $("status").textContent = w.runs(data.progress[0], data.progress[1]);
        } else if (data.error) {
          worker.terminate();
          this.#worker = null;
          this.showError(data.error.message, data.error.problems);
        } else if (data.result) {
          worker.terminate();
          this.#worker = null;
          this.#result = data.result;
          $("run").disabled = false;
          $("cancel").disabled = true;
          $("progress").value = runs;
          $("status").textContent = w.runs(runs, runs);
          show(data.result);
        }
      };
      worker.onerror = (e) => { worker.terminate(); this.showError(e.message ?? String(e)); };
      worker.postMessage({ framework: this.framework, records: periodRecords, spec });
    };
    $("run").addEventListener("click", start);
    $("cancel").addEventListener("click", () => {
      if (this.#worker) {
        this.#worker.onmessage = null;
        this.#worker.terminate();
      }
      this.#worker = null;
      $("run").disabled = false;
      $("cancel").disabled = true;
      $("status").textContent = w.cancelled;
      this.dispatchEvent(new CustomEvent("dti-cancelled", { bubbles: true, composed: true }));
    });
    if (this.#result) show(this.#result);
    else if (this.hasAttribute("autorun")) start();
  }
  resized() {
    const chart = this.shadowRoot.getElementById("chart");
    if (chart && this.#result && this.#cohort) chart.innerHTML = this.#chart(this.#result, this.#cohort);
  }
  #cohort = null;
  #chart(result, cohort) {
    const w = this.words;
    this.#cohort = cohort;
    const names = new Map(cohort.map((u) => [u.unit, u.name ?? u.unit]));
    const rows = result.units.filter((u) => u.nominal_rank != null).sort((a, b) => a.nominal_rank - b.nominal_rank);
    const n = rows.length;
    // Drawn for the element's width, one unit a pixel: the 12 px text stays 12 px.
    const width = this.chartWidth(620), left = Math.round(Math.min(150, width * 0.38)), plot = width - left - 20, rowH = 16;
    const chars = Math.max(8, Math.floor((left - 8) / 6.6));
    const x = (r) => left + ((r - 1) / Math.max(1, n - 1)) * plot;
    const h = rows.length * rowH + 40;
    const ticks = [1, ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].filter((t) => t < n), n];
    const key = `<p class="muted">${esc(w.interval)} · ● ${esc(w.officialRank)}</p>`;
    const svg = `${key}<svg viewBox="0 0 ${width} ${h}" width="${width}" style="max-width: 100%; height: auto" role="img" aria-label="${esc(`${w.interval}: ${rows.slice(0, 5).map((u) => `${iso(names.get(u.unit))} ${u.rank_p05}–${u.rank_p95}`).join("; ")}…`)}">
      <title>${esc(w.interval)}</title>
      ${ticks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="20" y2="${h - 14}" stroke="#d1d9e0"></line><text x="${x(t)}" y="${h - 2}" text-anchor="middle">${t}</text>`).join("")}
      ${rows.map((u, k) => {
        const y = 26 + k * rowH;
        return `<g data-unit="${esc(u.unit)}"><text x="${left - 6}" y="${y + 4}" text-anchor="end">${svgName(names.get(u.unit) ?? u.unit, chars)}</text>
          <line x1="${x(u.rank_p05)}" x2="${x(u.rank_p95)}" y1="${y}" y2="${y}" stroke="var(--dti-accent, #0b5cad)" stroke-width="5" stroke-linecap="round"></line>
          <circle cx="${x(u.nominal_rank)}" cy="${y}" r="3.5" fill="#1f2328"></circle></g>`;
      }).join("")}
      </svg>`;
    const table = `<details><summary>${esc(w.table)}</summary><div class="scroll"><table><caption class="sr">${esc(w.interval)}</caption>
      <thead><tr><th scope="col" class="name">${esc(w.unit)}</th><th scope="col">${esc(w.officialRank)}</th><th scope="col" class="extra">${esc(w.medianRank)}</th><th scope="col">${esc(w.interval)}</th></tr></thead>
      <tbody>${rows.map((u) => `<tr data-unit="${esc(u.unit)}" data-p05="${u.rank_p05}" data-p95="${u.rank_p95}" data-median="${u.median_rank}"><td class="name">${nm(names.get(u.unit) ?? u.unit)}</td><td>${u.nominal_rank}</td><td class="extra">${u.median_rank}</td><td>${u.rank_p05}–${u.rank_p95}</td></tr>`).join("")}</tbody></table></div></details>`;
    return svg + table;
  }
}

// ---------------------------------------------------------------- <dti-merge>

/** The 2025 view: the merged provinces scored from their former ones (the core's
 * `mergeCohort`, the 2025 merger by default), each with the provinces it was formed from. */
export class DtiMerge extends DtiElement {
  draw({ records, def, period }) {
    const w = this.words;
    const periodRecords = records.filter((r) => (r.period ?? null) === period);
    const merged = scoring.mergeCohort(this.framework, periodRecords);
    const names = new Map(periodRecords.map((r) => [r.unit, r.name ?? r.unit]));
    const members = new Map(merged.members.map((m) => [m.unit, m]));
    const views = def.views ?? [];
    const rows = [...merged.scores.units].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
    this.show(`<h2>${esc(w.merge)} <span class="muted">— ${esc(w.year)} ${esc(period ?? "")}</span></h2>
      <div class="scroll"><table id="merged"><caption class="sr">${esc(w.merge)}</caption>
      <thead><tr><th scope="col">${esc(w.rank)}</th><th scope="col" class="name">${esc(w.merged)}</th><th scope="col">${esc(w.value)}</th>
      ${views.map((v) => `<th scope="col" class="extra">${esc(this.nameOf(def, v.code))}</th>`).join("")}<th scope="col" class="name extra">${esc(w.formed)}</th></tr></thead>
      <tbody>${rows.map((u) => `<tr data-unit="${esc(u.unit)}" data-rank="${u.rank ?? ""}" data-value="${u.value ?? ""}" data-from="${esc((members.get(u.unit)?.from ?? []).join(" "))}">
        <td>${u.rank ?? "–"}</td><td class="name">${nm(u.name ?? u.unit)}</td><td>${fmt(u.value, this.lang)}</td>
        ${u.views.map((v) => `<td class="extra" data-view="${esc(v.code)}" data-value="${v.value ?? ""}">${fmt(v.value, this.lang)}</td>`).join("")}
        <td class="name extra">${(members.get(u.unit)?.from ?? []).map((f) => nm(names.get(f) ?? f)).join(", ")}</td></tr>`).join("")}</tbody></table></div>${this.moreButton("merged")}`);
    this.drawn({ period, units: rows.length });
  }
}


// ---------------------------------------------------------------- <dti-map>

/** The map data of an era ("63": before 1 July 2025, "34": after), fetched once, from the
 * package's own folder (no map service, no tiles). */
const mapFiles = new Map();
function mapData(era) {
  if (!mapFiles.has(era)) {
    const url = new URL(`./map/vn-${era}.json`, import.meta.url);
    mapFiles.set(era, fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url.pathname}: ${r.status} ${r.statusText}`);
      return r.json();
    }));
  }
  return mapFiles.get(era);
}

/** Five classes, light to dark (ColorBrewer Blues: ordered for colour-blind readers too). */
const SEQUENTIAL = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
/** Rank change: down a lot … up a lot (the ranking's red and green), unchanged grey. */
const DIVERGING = ["#a40e26", "#e8a0a6", "#eeeeee", "#93c9a0", "#116329"];
/** No data: hatched (the pattern `#nodata` of the map's own SVG). */
const NO_DATA = "url(#nodata)";

/** Quintile breaks of the values: up to four thresholds, each class [b(k), b(k+1)). */
export function quantileBreaks(values) {
  const v = values.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  const breaks = [];
  for (let k = 1; k < 5 && v.length; k++) {
    const b = v[Math.floor((k * v.length) / 5)];
    if (b > v[0] && !breaks.includes(b)) breaks.push(b);
  }
  return breaks;
}
const classOf = (x, breaks) => breaks.filter((b) => x >= b).length;
/** A rank change's class: ≤ −3, −2…−1, 0, 1…2, ≥ 3 places (positive: moved up). */
const changeClass = (d) => (d <= -3 ? 0 : d < 0 ? 1 : d === 0 ? 2 : d < 3 ? 3 : 4);

/** A choropleth of the provinces: the index value (`measure`, default), a view's or main
 * indicator's value (`measure="GOV"`), or the rank change against `compare-period` (default:
 * the period before) or a `baseline` cohort (`measure="change"`). The 63 provinces or the 34
 * after the 2025 merger, as the data's units are (`era="63"`/`"34"` to choose); a province
 * the data lacks is drawn as "no data". Hover or focus shows a province's name, value and
 * rank; a click or Enter dispatches `dti-select` (as the ranking); a legend shows the classes
 * and their breaks, and a data table says the same for screen readers. */
export class DtiMap extends DtiElement {
  static observedAttributes = [...DtiElement.observedAttributes, "measure", "era", "compare-period", "selected"];
  #baseline = null;
  get baseline() { return this.#baseline; }
  set baseline(v) { this.#baseline = v; this.refresh(); }
  periodsNeeded(period, periods) {
    if (this.getAttribute("measure") !== "change" || this.#baseline) return [period];
    const prev = this.comparePeriod(period, periods);
    return prev == null ? [period] : [prev, period];
  }
  /** The era whose map holds the cohort's units: the one asked, else the 34 when every unit
   * is one of them, else the 63. */
  async era(cohort) {
    const asked = this.getAttribute("era");
    if (asked === "34" || asked === "63") return mapData(asked);
    const after = await mapData("34");
    const ids = new Set(after.units.map((u) => u.unit));
    return cohort.every((u) => ids.has(u.unit)) ? after : mapData("63");
  }
  async draw({ def, all, periods, period, cohort }) {
    const w = this.words, lang = this.lang;
    const map = await this.era(cohort);
    const measure = this.getAttribute("measure") || "value";
    const byUnit = new Map(cohort.map((u) => [u.unit, u]));
    // What each province shows: its value (or rank change) and rank.
    let before = null;
    if (measure === "change") {
      before = new Map();
      if (this.#baseline) {
        for (const u of this.#baseline.units) if ((u.period ?? null) === period) before.set(u.unit, u.rank);
      } else {
        const prev = this.comparePeriod(period, periods);
        for (const u of all.units) if (prev != null && u.period === prev) before.set(u.unit, u.rank);
      }
    }
    const valueOf = (u) => {
      if (!u) return null;
      if (measure === "change") return before.has(u.unit) && before.get(u.unit) != null && u.rank != null ? before.get(u.unit) - u.rank : null;
      if (measure === "value") return u.value;
      const n = u.views.find((v) => v.code === measure) ?? u.nodes.find((v) => v.code === measure);
      if (!n) throw new Error(`measure="${measure}": no view or node of that code (${[...(def.views ?? []), ...def.nodes].map((x) => x.code).join(", ")})`);
      return n.value;
    };
    const rankOf = (u) => {
      if (!u || measure === "value" || measure === "change") return u?.rank ?? null;
      return (u.views.find((v) => v.code === measure) ?? u.nodes.find((v) => v.code === measure))?.rank ?? null;
    };
    const label = measure === "value" ? w.value : measure === "change" ? w.rankChange : this.nameOf(def, measure);
    const values = map.units.map((m) => valueOf(byUnit.get(m.unit)));
    const breaks = measure === "change" ? [] : quantileBreaks(values);
    const palette = measure === "change" ? DIVERGING : SEQUENTIAL.slice(5 - (breaks.length + 1));
    const colour = (x) => (x == null ? NO_DATA : measure === "change" ? DIVERGING[changeClass(x)] : palette[classOf(x, breaks)]);
    const shown = (x) => (x == null ? w.mapNoData : measure === "change"
      ? (x > 0 ? w.up(x) : x < 0 ? w.down(-x) : w.same) : fmt(x, lang));
    const n = cohort.filter((u) => u.rank != null).length;
    const describe = (m, x, r) => `${m.name}: ${shown(x)}${r != null ? `, ${w.of(r, n)}` : ""}`;
    const [vx, vy, vw, vh] = map.viewBox;
    const selected = this.getAttribute("selected");
    const paths = map.units.map((m, k) => {
      const u = byUnit.get(m.unit), x = values[k], r = rankOf(u);
      const name = u?.name ?? m.name;
      return `<path d="${m.d}" data-unit="${esc(m.unit)}" data-value="${x ?? ""}" data-rank="${r ?? ""}" fill="${colour(x)}"` +
        `${x == null ? ' data-nodata="true"' : ""}${m.unit === selected ? ' aria-pressed="true" class="selected"' : ' aria-pressed="false"'}` +
        ` tabindex="0" role="button" aria-label="${esc(describe({ name }, x, r))}" data-tip="${esc(describe({ name }, x, r))}"></path>`;
    }).join("");
    // Hoàng Sa and Trường Sa, boxed and named under the province they belong to.
    const arch = map.archipelagos.map((a) => {
      const [bx, by, bw, bh] = a.box;
      const owner = map.units.find((m) => m.unit === a.unit)?.name ?? a.unit;
      const text = lang === "en" ? a.name_en : a.name_vi;
      const fs = 26, tw = [...text].length * fs * 0.6;
      const cx = Math.min(bx + bw / 2, vx + vw - tw / 2 - 4);
      return `<g class="arch"><rect x="${bx}" y="${by}" width="${bw}" height="${bh}" rx="6" fill="none" stroke="#59636e" stroke-dasharray="4 3"></rect>` +
        `<text x="${cx}" y="${by - fs * 1.3}" font-size="${fs}" text-anchor="middle">${esc(text)}</text>` +
        `<text x="${cx}" y="${by - fs * 0.25}" font-size="${fs}" text-anchor="middle">(${esc(owner)})</text></g>`;
    }).join("");
    const off = cohort.filter((u) => !map.units.some((m) => m.unit === u.unit)).map((u) => u.name ?? u.unit);
    const range = (k) => {
      const lo = k === 0 ? Math.min(...values.filter((x) => x != null)) : breaks[k - 1];
      const hi = k === breaks.length ? Math.max(...values.filter((x) => x != null)) : breaks[k];
      return w.classRange(fmt(lo, lang), fmt(hi, lang));
    };
    const changes = [[0, "≤ −3"], [1, "−2 … −1"], [2, "0"], [3, "+1 … +2"], [4, "≥ +3"]];
    const legend = (measure === "change"
      ? changes.map(([k, t]) => `<li data-class="${k}"><span class="sw" style="background:${DIVERGING[k]}"></span>${esc(t)}</li>`)
      : palette.map((c, k) => `<li data-class="${k}" data-from="${k === 0 ? "" : breaks[k - 1]}" data-to="${k === breaks.length ? "" : breaks[k]}"><span class="sw" style="background:${c}"></span>${esc(range(k))}</li>`)
    ).join("") + `<li data-class="none"><span class="sw nodata"></span>${esc(w.mapNoData)}</li>`;
    const rows = [...cohort].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity)).map((u) => {
      const x = valueOf(u), r = rankOf(u);
      return `<tr data-unit="${esc(u.unit)}" data-value="${x ?? ""}" data-rank="${r ?? ""}"><td>${r ?? "–"}</td><td class="name">${nm(u.name ?? u.unit)}</td><td>${esc(shown(x))}</td></tr>`;
    }).join("");
    const title = w.map(label, period ?? "");
    const credit = map.attribution;
    this.show(`<style>${MAP_STYLE}</style>
      <figure><div class="stage"><svg viewBox="${vx} ${vy} ${vw} ${vh}" role="group" aria-label="${esc(title)}" data-era="${map.era}" data-measure="${esc(measure)}">
        <defs><pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line y2="8" stroke="#8c959f" stroke-width="2"></line></pattern></defs>
        <g class="units" stroke="#59636e" stroke-width="0.8" stroke-linejoin="round">${paths}</g>${arch}</svg>
        <div class="tip" aria-hidden="true" hidden></div></div>
        <figcaption><strong>${esc(title)}</strong>
        <ul class="legend" aria-label="${esc(w.legend)}">${legend}</ul>
        ${off.length ? `<p class="muted" data-off-map="${off.length}">${esc(w.offMap(off.slice(0, 10).join(", ") + (off.length > 10 ? ` … (+${off.length - 10})` : "")))}</p>` : ""}
        <p class="credit muted"><small>${esc(credit[lang] ?? credit.vi)} <a href="${esc(credit.licence)}">CC BY 4.0</a></small></p></figcaption></figure>
      <details><summary>${esc(w.table)}</summary><div class="scroll"><table><caption class="sr">${esc(title)}</caption>
        <thead><tr><th scope="col">${esc(w.rank)}</th><th scope="col" class="name">${esc(w.unit)}</th><th scope="col">${esc(label)}</th></tr></thead>
        <tbody>${rows}</tbody></table></div></details>`);
    this.#interact(period);
    this.drawn({ period, era: map.era, measure, units: cohort.length, breaks });
  }
  #interact(period) {
    const root = this.shadowRoot, tip = root.querySelector(".tip"), stage = root.querySelector(".stage");
    const show = (p) => {
      tip.textContent = p.dataset.tip;
      tip.hidden = false;
      const a = p.getBoundingClientRect(), b = stage.getBoundingClientRect();
      tip.style.left = `${Math.max(0, Math.min(b.width - tip.offsetWidth, a.left - b.left + a.width / 2 - tip.offsetWidth / 2))}px`;
      tip.style.top = `${Math.max(0, a.top - b.top - tip.offsetHeight - 6)}px`;
    };
    const hide = () => { tip.hidden = true; };
    const select = (p) => {
      this.setAttribute("selected", p.dataset.unit);
      this.dispatchEvent(new CustomEvent("dti-select", { bubbles: true, composed: true, detail: { unit: p.dataset.unit, period } }));
    };
    for (const p of root.querySelectorAll("path[data-unit]")) {
      p.addEventListener("pointerenter", () => show(p));
      p.addEventListener("focus", () => show(p));
      p.addEventListener("pointerleave", hide);
      p.addEventListener("blur", hide);
      p.addEventListener("click", () => select(p));
      p.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(p); }
      });
    }
  }
}

const MAP_STYLE = `
figure { margin: 0; } .stage { position: relative; }
svg { display: block; width: 100%; height: auto; max-height: 80vh; }
svg path { cursor: pointer; } svg path:hover, svg path:focus { stroke: #1f2328; stroke-width: 2; outline: none; }
svg path.selected { stroke: var(--_accent); stroke-width: 3; }
svg path:focus-visible { stroke: var(--_accent); stroke-width: 3.5; }
.arch text { font: 26px system-ui, sans-serif; fill: var(--dti-fg, #1f2328); }
.tip { position: absolute; background: #1f2328; color: #fff; padding: .3em .6em; border-radius: 4px; font-size: .9em; pointer-events: none; max-width: 16em; white-space: normal; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3em 1em; padding: 0; margin: .4em 0; }
.legend li { display: flex; align-items: center; gap: .35em; }
.sw { display: inline-block; width: 1.1em; height: 1.1em; border: 1px solid #59636e; }
.sw.nodata { background: repeating-linear-gradient(45deg, #fff 0 3px, #8c959f 3px 5px); }
figcaption { margin-top: .3em; } .credit { margin: .2em 0 0; }
`;

const ELEMENTS = {
  "dti-ranking": DtiRanking, "dti-map": DtiMap, "dti-unit": DtiUnit, "dti-what-if": DtiWhatIf,
  "dti-uncertainty": DtiUncertainty, "dti-merge": DtiMerge,
};
for (const [tag, cls] of Object.entries(ELEMENTS)) {
  if (!customElements.get(tag)) customElements.define(tag, cls);
}
