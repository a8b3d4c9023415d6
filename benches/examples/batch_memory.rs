//! Time and memory of one batch score of N synthetic units × 100 indicators (default
//! 1,000,000): the input frame's size, then the elapsed time and the process's peak resident
//! memory (Linux `VmHWM`) after scoring. Criterion measures time; this measures the memory
//! bound of the dti-polars issue (≤ ~3× the input).
//!
//! `cargo run --release -p dti-benches --example batch_memory -- 1000000`

use std::time::Instant;

use dti_polars::{score, BatchOptions};

fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let units: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let fw = dti_benches::framework_100();
    let df = dti_benches::wide_frame(&fw, units);
    let input_mb = df.estimated_size() as f64 / 1e6;
    let before = peak_kb().unwrap_or(0) as f64 / 1e3;
    let t = Instant::now();
    let (out, _) = score(&df, &fw, &BatchOptions::default()).expect("score");
    let elapsed = t.elapsed();
    let peak = peak_kb().unwrap_or(0) as f64 / 1e3;
    println!(
        "{units} units: input {input_mb:.0} MB, scored in {elapsed:.2?} ({} result columns); \
         peak memory {peak:.0} MB (before scoring {before:.0} MB): {:.2}× the input",
        out.width(),
        peak / input_mb
    );
}
