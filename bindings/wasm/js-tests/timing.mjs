// Times `scoreCohort` on the bundled 63-province panel (189 records, three periods; the
// arguments and results crossing included), as the engine issue asks: median milliseconds per call over
// repeated calls after a warm-up. Run alone it prints the figure (scripts/bench compares it
// with the native criterion figure "63 provinces/scoreCohort (native)"); the node suite
// prints it beside its tests. A measurement, not a test: machines here are noisy.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const panelPath = path.join(here, "../../../fixtures/vn-provinces-synthetic/panel.json");

export function timeScoreCohort(dti, calls = 40) {
  const panel = JSON.parse(readFileSync(panelPath, "utf8"));
  for (let k = 0; k < 5; k++) dti.scoreCohort("vn-pdti-2022", panel);
  const times = [];
  for (let k = 0; k < calls; k++) {
    const t0 = process.hrtime.bigint();
    dti.scoreCohort("vn-pdti-2022", panel);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const scoring = await import("../pkg/node.mjs");
  await scoring.ready();
  console.log(`scoreCohort median ${timeScoreCohort(scoring).toFixed(3)} ms`);
}
