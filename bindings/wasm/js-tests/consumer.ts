// Type-checked against the shipped declarations (tsc --noEmit): a portal's typical use.
import { ready, scoreCohort, explainUnit, isDtiError, type UnitRecord, type CohortScores, type DtiErrorCode } from "dti-wasm";
import {
  ready as analysisReady, uncertainty, compare, readRecords, sensitivity, leaveOneOut, supplementFramework,
  type Comparison, type RecordsRead, type SensitivityResult, type LeaveOneOut,
} from "dti-wasm/analysis";
import { searchKey, type DtiRanking } from "dti-wasm/components";

async function main(): Promise<number | null> {
  await ready();
  const units: UnitRecord[] = [{ unit: "HN", period: 2023, values: { GOV: 0.5, "AWR.MEET": { self: 4, appraised: 3 } } }];
  const scores: CohortScores = scoreCohort("vn-pdti-2022", units, { lenient: true });
  const first = scores.units[0];
  const gov = first.nodes.find((n) => n.code === "GOV");
  const e = explainUnit("vn-pdti-2022", units, "HN");
  const best: string | undefined = e.explanation?.opportunities[0]?.code;
  await analysisReady();
  const shift: Comparison = compare([scores, scores]);
  console.log(shift.summaries[0]?.spearman);
  const read: RecordsRead = readRecords("vn-pdti-2022", "unit,period,GOV\nHN,2023,0.5\n", { name: "a.csv", layout: "wide" });
  const line: number | null = read.problems[0]?.line ?? null;
  // A component from the page, typed by its tag; events typed by name.
  const ranking: DtiRanking | null = document.querySelector("dti-ranking");
  if (ranking) {
    ranking.records = read.units;
    ranking.baseline = scores;
    ranking.addEventListener("dti-select", (ev) => console.log(ev.detail.unit, line, searchKey("Hà Nội")));
  }
  uncertainty("vn-pdti-2022", units, { runs: 10, inputs: [{ name: "w", kind: "weight_noise", factor: 0.25 }] }, (done, total) => done < total);
  const sobol: SensitivityResult = sensitivity("vn-pdti-2022", units, { n: 16, bootstrap: 10, inputs: [{ name: "w", kind: "weight_noise", factor: 0.25 }] },
    undefined, { period: 2023 });
  const interval: [number, number] | null = sobol.indices[0].total_ci;
  const loo: LeaveOneOut = leaveOneOut("vn-pdti-2022", units, { depth: 2 });
  const fw2025 = supplementFramework("vn-pdti-2025", { max_points: { GOV: 160 } });
  console.log(interval, loo.components.length, fw2025.id);
  try {
    scoreCohort("nope", units);
  } catch (err) {
    if (isDtiError(err)) {
      const code: DtiErrorCode = err.code;
      console.log(code, err.unit, best);
    }
  }
  return gov?.value ?? null;
}
main();
