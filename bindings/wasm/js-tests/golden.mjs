// The golden cases of tests/golden.rs, for the JS suite: every fixtures/<case>/ with both
// units.json and expected.json, compared with the same rules (numbers within 1e-9 relative,
// ranks, statuses, assessed points, views, opportunities, contributions).

/** Reads the golden cases: `list()` gives the case folder names, `read(path)` a file's text
 * (null when it does not exist). */
export function loadGolden(list, read) {
  return list().sort().flatMap((name) => {
    const expected = read(`${name}/expected.json`);
    const units = read(`${name}/units.json`);
    if (expected === null || units === null) return [];
    const builtin = read(`${name}/framework.builtin`);
    const framework = builtin !== null ? builtin.trim() : JSON.parse(read(`${name}/framework.json`));
    return [{ name, framework, units: JSON.parse(units), expected: JSON.parse(expected) }];
  });
}

const close = (a, e) => Math.abs(a - e) <= 1e-9 * Math.max(Math.abs(e), 1);

function number(errors, at, actual, expected) {
  const a = actual ?? null;
  if (a === null && expected === null) return;
  if (a !== null && expected !== null && close(a, expected)) return;
  errors.push(`${at}: expected ${expected}, got ${a}`);
}

/** Every mismatch between a unit's result and its expectation (as `check_unit` in Rust). */
export function checkUnit(errors, unit, exp) {
  const id = unit.unit;
  for (const [key, e] of Object.entries(exp)) {
    const at = `${id}.${key}`;
    switch (key) {
      case "unit": case "period": break;
      case "points": case "value": case "rank": number(errors, at, unit[key], e); break;
      case "nodes":
        for (const [code, ne] of Object.entries(e)) {
          const node = unit.nodes.find((n) => n.code === code);
          if (!node) { errors.push(`${id}: no node ${code}`); continue; }
          for (const [k, v] of Object.entries(ne)) {
            const nat = `${id}.${code}.${k}`;
            if (k === "points" || k === "value" || k === "rank") number(errors, nat, node[k], v);
            else if (k === "status") { if (node.status !== v) errors.push(`${nat}: expected ${v}, got ${node.status}`); }
            else if (k === "self_points") number(errors, nat, node.self_assessed?.points, v);
            else if (k === "appraised_points") number(errors, nat, node.appraised?.points, v);
            else throw new Error(`unknown node expectation '${k}'`);
          }
        }
        break;
      case "views":
        for (const [code, ve] of Object.entries(e)) {
          const view = unit.views.find((v) => v.code === code);
          if (!view) { errors.push(`${id}: no view ${code}`); continue; }
          for (const [k, v] of Object.entries(ve)) {
            if (k === "points" || k === "value" || k === "rank") number(errors, `${id}.${code}.${k}`, view[k], v);
            else throw new Error(`unknown view expectation '${k}'`);
          }
        }
        break;
      case "opportunities": {
        const got = (unit.explanation?.opportunities ?? []).map((o) => o.code).slice(0, e.length);
        if (JSON.stringify(got) !== JSON.stringify(e)) errors.push(`${at}: expected ${JSON.stringify(e)}, got ${JSON.stringify(got)}`);
        break;
      }
      case "contributions":
        for (const [code, v] of Object.entries(e)) {
          const leaf = unit.explanation.leaves.find((l) => l.code === code);
          number(errors, `${at}.${code}`, leaf?.contribution, v);
        }
        break;
      default: throw new Error(`unknown unit expectation '${key}'`);
    }
  }
}
