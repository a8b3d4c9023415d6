//! Scores the 63 × 98 panel with explanations many times (for a profiler), as columns
//! (`score_records` with `explain`) or, with `--per-unit`, as per-unit structs
//! (`Framework::score`):
//! `cargo run --release -p dti-benches --example profile_explain -- N [--per-unit]`.
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let per_unit = std::env::args().any(|a| a == "--per-unit");
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let opts = dti_core::ColumnOptions::default()
        .node_ranks(true)
        .explain(true);
    let t = std::time::Instant::now();
    for _ in 0..n {
        if per_unit {
            std::hint::black_box(fw.score(&units).expect("scores"));
        } else {
            std::hint::black_box(dti_core::score_records(&fw, &units, &opts).expect("scores"));
        }
    }
    eprintln!("{:?} per run", t.elapsed() / n as u32);
}
