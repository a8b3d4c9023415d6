// The worker behind <dti-uncertainty>: runs the analysis module's `uncertainty` off the page's
// thread and posts its progress; the page cancels by terminating the worker.
import * as analysis from "./analysis-web.mjs";

self.onmessage = async ({ data }) => {
  try {
    await analysis.ready();
    let last = 0;
    const result = analysis.uncertainty(data.framework, data.records, data.spec, (done, total) => {
      // A message per wave of runs, at most every 20 ms.
      const now = performance.now();
      if (now - last > 20 || done === total) {
        last = now;
        self.postMessage({ progress: [done, total] });
      }
      return true;
    });
    self.postMessage({ result });
  } catch (e) {
    self.postMessage({ error: { message: e.message ?? String(e), code: e.code, problems: e.problems } });
  }
};
