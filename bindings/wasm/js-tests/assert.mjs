// The few assertions the suite needs, usable in node and in a browser.
const show = (v) => { try { return JSON.stringify(v); } catch { return String(v); } };

export function ok(cond, msg = "assertion failed") {
  if (!cond) throw new Error(msg);
}
export function equal(a, b, msg) {
  if (!Object.is(a, b)) throw new Error(`${msg ? msg + ": " : ""}${show(a)} !== ${show(b)}`);
}
export function deepEqual(a, b, msg) {
  if (show(a) !== show(b)) throw new Error(`${msg ? msg + ": " : ""}${show(a)} differs from ${show(b)}`);
}
export function fail(msg) {
  throw new Error(msg);
}
export default { ok, equal, deepEqual, fail };
