//! Scores the 63 × 98 panel with explanations many times (for a profiler):
//! `cargo run --release -p dti-benches --example profile_explain -- N`.
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(fw.score(&units).expect("scores"));
    }
    eprintln!("{:?} per run", t.elapsed() / n as u32);
}
