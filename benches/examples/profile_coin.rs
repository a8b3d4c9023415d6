//! Runs the COINr pipeline on generated tables many times, for a profiler:
//! `cargo run --release -p dti-benches --example profile_coin -- UNITS INDICATORS RUNS`.
fn main() {
    let arg = |k: usize, d: usize| {
        std::env::args()
            .nth(k)
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let (units, indicators, runs) = (arg(1, 10_000), arg(2, 100), arg(3, 20));
    let (meta, data) = dti_benches::coin_tables(units, indicators);
    let tables = dti_core::io::read_tables(&meta, &data, &Default::default()).expect("tables");
    let t = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(
            dti_core::io::run_pipeline(&tables, &dti_core::io::Pipeline::default()).expect("runs"),
        );
    }
    eprintln!("{:?} per run", t.elapsed() / runs as u32);
}
