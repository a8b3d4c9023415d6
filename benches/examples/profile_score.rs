//! Scores the 63 × 98 panel many times (for a profiler): `cargo run --release -p dti-benches --example profile_score -- N`.
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let opts = dti_core::ColumnOptions::default().node_ranks(true);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(dti_core::score_records(&fw, &units, &opts).expect("scores"));
    }
    eprintln!("{:?} per run", t.elapsed() / n as u32);
}
