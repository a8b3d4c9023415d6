// Projects the province boundaries (this folder's GeoJSON, CC BY 4.0: README.md) into the
// npm package's map data, one file per era: `map/vn-63.json` (the 63 provinces before
// 1 July 2025) and `map/vn-34.json` (the 34 after). Each holds SVG path data per unit, keyed
// by the registry's unit id (the package's own `findProvince`, so the map joins the scores by
// id, never by a spelling), the two archipelagos' boxes and the credit line.
//
//   node bindings/wasm/map/build.mjs PKG      (PKG: the built package; run by scripts/wasm-package)
//
// Projection: equirectangular, x scaled by cos 16° (the country's middle latitude), so shapes
// keep their proportions within a few per cent over 8–23° N; 1 unit = 1/60° of latitude.
// Coordinates are rounded to 0.1 unit (about 190 m) and written relative ("l" steps); a point
// that rounds onto the one before it is dropped. Hoàng Sa and Trường Sa stay where they are,
// parts of Đà Nẵng and Khánh Hòa, as on Viet Nam's official maps.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(process.argv[2] ?? path.join(here, "../pkg"));
const dti = await import(path.join(pkg, "node.mjs"));

const K = 60;                       // units per degree of latitude
const COS = Math.cos((16 * Math.PI) / 180);
const WEST = 102, NORTH = 23.6;     // the map's top-left corner (° E, ° N)
const x = (lon) => (lon - WEST) * COS * K;
const y = (lat) => (NORTH - lat) * K;
const r1 = (v) => Math.round(v * 10);    // tenths of a unit, as integers

const ATTRIBUTION = {
  vi: "Ranh giới tỉnh: geoBoundaries (www.geoboundaries.org), CC BY 4.0 — đã đơn giản hoá và gộp thành 34 tỉnh, thành phố theo sắp xếp năm 2025.",
  en: "Province boundaries: geoBoundaries (www.geoboundaries.org), CC BY 4.0 — simplified, and merged into the 34 provinces of 2025.",
  url: "https://www.geoboundaries.org",
  licence: "https://creativecommons.org/licenses/by/4.0/",
};

/** A ring as relative path steps in tenths of a unit (then written as units). */
function ring(coords) {
  const pts = [];
  for (const [lon, lat] of coords) {
    const p = [r1(x(lon)), r1(y(lat))];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) pts.pop();
  const n = (v) => (v / 10).toString();
  if (pts.length < 3) {
    // An islet smaller than the rounding: a dot of 0.6 units, so it stays on the map.
    const [px, py] = pts[0];
    return `M${n(px - 3)} ${n(py - 3)}h0.6v0.6h-0.6z`;
  }
  let d = `M${n(pts[0][0])} ${n(pts[0][1])}l`;
  for (let k = 1; k < pts.length; k++) {
    const dx = pts[k][0] - pts[k - 1][0], dy = pts[k][1] - pts[k - 1][1];
    const sy = dy < 0 ? n(dy) : ` ${n(dy)}`;
    d += k === 1 ? `${n(dx)}${sy}` : `${dx < 0 ? n(dx) : ` ${n(dx)}`}${sy}`;
  }
  return `${d}z`;
}

function polygons(geometry) {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

const read = (f) => JSON.parse(readFileSync(path.join(here, f), "utf8"));
const islands = read("vn-archipelagos.geojson").features;
let bounds = [Infinity, Infinity, -Infinity, -Infinity];

function era(file, era, code) {
  const units = read(file).features.map((f) => {
    const province = dti.findProvince(f.properties.name, code);
    const d = polygons(f.geometry).map((poly) => poly.map(ring).join("")).join("");
    for (const poly of polygons(f.geometry)) {
      for (const [lon, lat] of poly[0]) {
        bounds = [Math.min(bounds[0], x(lon)), Math.min(bounds[1], y(lat)), Math.max(bounds[2], x(lon)), Math.max(bounds[3], y(lat))];
      }
    }
    return { unit: province.code, name: province.name_vi, d };
  }).sort((a, b) => a.unit.localeCompare(b.unit));
  const ids = new Set(units.map((u) => u.unit));
  if (ids.size !== units.length) throw new Error(`${file}: two features are one unit`);
  const archipelagos = islands.map((f) => {
    let b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const poly of polygons(f.geometry)) {
      for (const [lon, lat] of poly[0]) b = [Math.min(b[0], x(lon)), Math.min(b[1], y(lat)), Math.max(b[2], x(lon)), Math.max(b[3], y(lat))];
    }
    const owner = dti.findProvince(code === "pre2025" ? f.properties.province : f.properties.province_2025, code).code;
    const pad = 6;
    return {
      name_vi: f.properties.name,
      name_en: f.properties.name.replace("Quần đảo Hoàng Sa", "Hoang Sa archipelago").replace("Quần đảo Trường Sa", "Truong Sa archipelago"),
      unit: owner,
      box: [b[0] - pad, b[1] - pad, b[2] - b[0] + 2 * pad, b[3] - b[1] + 2 * pad].map((v) => Math.round(v * 10) / 10),
    };
  });
  return { era, units, archipelagos };
}

const maps = [era("vn-provinces-63.geojson", "63", "pre2025"), era("vn-provinces-34.geojson", "34", "from2025")];
const m = 8;
const viewBox = [Math.floor(bounds[0] - m), Math.floor(bounds[1] - m), Math.ceil(bounds[2] - bounds[0] + 2 * m), Math.ceil(bounds[3] - bounds[1] + 2 * m)];
mkdirSync(path.join(pkg, "map"), { recursive: true });
for (const map of maps) {
  const out = { era: map.era, viewBox, attribution: ATTRIBUTION, units: map.units, archipelagos: map.archipelagos };
  writeFileSync(path.join(pkg, "map", `vn-${map.era}.json`), JSON.stringify(out));
}
writeFileSync(path.join(pkg, "map", "README.md"), readFileSync(path.join(here, "README.md")));
console.log(`map data: ${maps.map((m) => `vn-${m.era}.json ${m.units.length} units`).join(", ")} (viewBox ${viewBox.join(" ")})`);
