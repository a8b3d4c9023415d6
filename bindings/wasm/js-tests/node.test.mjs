// Runs the suite against the node build of the package (bindings/wasm/pkg): the scoring
// entry and the analysis entry, side by side as a portal would import them.
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as scoring from "../pkg/node.mjs";
import * as analysis from "../pkg/analysis-node.mjs";
import { cases } from "./suite.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "../../..");
const env = {
  fixture: (p) => readFileSync(path.join(root, "fixtures", p), "utf8"),
  native: process.env.DTI_NATIVE ? (args) => execFileSync(process.env.DTI_NATIVE, args, { encoding: "utf8" }) : null,
};

await scoring.ready();
await analysis.ready();
const dti = { ...scoring, ...analysis };
for (const [name, fn] of cases(dti, env)) {
  test(name, fn);
}
