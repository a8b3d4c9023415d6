// The exports of each module (crate dti-wasm: feature `scoring`, feature `analysis`).
export const SCORING = [
  "builtinIds", "builtinFramework", "validateFramework", "scoreCohort", "explainUnit", "mergeCohort",
  "findProvince",
];
export const ANALYSIS = [
  "readRecords", "normalise", "applyScenario", "compare", "uncertainty", "publishedData", "publishedRecords",
  "compareAcrossMerger", "sensitivity", "leaveOneOut", "supplementFramework",
];
