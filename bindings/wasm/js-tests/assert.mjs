// The few assertions the suite needs, usable in node and in a browser.
const show = (v) => { try { return JSON.stringify(v); } catch { return String(v); } };

export function ok(cond, msg = "assertion failed") {
  if (!cond) throw new Error(msg);
}
export function equal(a, b, msg) {
  if (!Object.is(a, b)) throw new Error(`${msg ? msg + ": " : ""}${show(a)} !== ${show(b)}`);
}
// Structural equality: arrays in order, objects whatever their key order.
function same(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, k) => same(x, b[k]));
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return same(ka, kb) && ka.every((k) => same(a[k], b[k]));
}
export function deepEqual(a, b, msg) {
  if (!same(a, b)) throw new Error(`${msg ? msg + ": " : ""}${show(a)} differs from ${show(b)}`);
}
export function fail(msg) {
  throw new Error(msg);
}
export default { ok, equal, deepEqual, fail };
