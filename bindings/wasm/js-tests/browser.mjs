// Runs the suite in headless Chromium (Debian's, driven by playwright-core) against the web
// build, served from the repository root on 127.0.0.1. Prints "N passed, M failed".
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { loadGolden } from "./golden.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const port = 8700 + Math.floor(Math.random() * 200);
const server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1"], { cwd: root, stdio: "ignore" });
const stop = () => server.kill();
try {
  await new Promise((r) => setTimeout(r, 800));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  // The golden cases, read here (a static server cannot list folders) and handed to the page.
  const fixtures = path.join(root, "fixtures");
  const golden = loadGolden(
    () => readdirSync(fixtures, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name),
    (p) => (existsSync(path.join(fixtures, p)) ? readFileSync(path.join(fixtures, p), "utf8") : null),
  );
  await page.addInitScript((g) => { window.__golden = g; }, golden);
  // DTI_WASM_INSTALLED: run against the installed copy of the packed tarball, served from
  // target/npm-installed/ (copied there: the server serves the repository).
  let query = "";
  if (process.env.DTI_WASM_INSTALLED) {
    const fs = await import("node:fs");
    const from = path.join(process.env.DTI_WASM_INSTALLED, "node_modules", "dti-wasm");
    const to = path.join(root, "target", "npm-installed", "dti-wasm");
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true });
    query = "?pkg=/target/npm-installed/dti-wasm";
  }
  await page.goto(`http://127.0.0.1:${port}/bindings/wasm/js-tests/browser.html${query}`);
  await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 60000 });
  const results = await page.evaluate(() => window.__results);
  if (!process.env.DTI_NATIVE) {
    // Without the native command there is nothing to compare with: a failure, not a pass.
    results.push({ name: "the browser gives exactly the native numbers on the bundled panel", ok: false,
      error: "DTI_NATIVE is not set: point it at a built dti command" });
  } else {
    // WASM in the browser and the native command give identical numbers.
    const panel = await page.evaluate(() => window.__panel);
    const native = JSON.parse(execFileSync(process.env.DTI_NATIVE, ["score", "synthetic", "--format", "json"], { encoding: "utf8" }));
    let error = native.length === 63 ? null : `the native command gave ${native.length} units, expected 63`;
    for (const n of error ? [] : native) {
      const w = panel.find((u) => u.unit === n.unit && u.period === n.period);
      const same = w && w.value === n.value && w.points === n.points && w.rank === n.rank
        && w.views.length === n.views.length
        && w.views.every((v, k) => ["code", "value", "points", "max_points", "rank"].every((f) => v[f] === n.views[k][f]));
      if (!same) { error = `${n.unit}: browser ${JSON.stringify(w && [w.value, w.points, w.rank, w.views])} vs native ${JSON.stringify([n.value, n.points, n.rank, n.views])}`; break; }
    }
    results.push({ name: "the browser gives exactly the native numbers on the bundled panel", ok: !error, error });
  }
  await browser.close();
  for (const r of results) console.log(`${r.ok ? "ok" : "not ok"} - ${r.name}${r.error ? "\n  " + r.error : ""}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed || results.length === 0 ? 1 : 0;
} finally {
  stop();
}
