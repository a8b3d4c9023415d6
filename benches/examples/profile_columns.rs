//! Column scoring of N units × 100 indicators, R times (for a profiler):
//! `cargo run --release -p dti-benches --example profile_columns -- [N (10,000)] [R (200)]`.
fn main() {
    let fw = dti_benches::framework_100();
    let units: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let reps: u32 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let cols = dti_benches::leaf_columns(&fw, units);
    let ids: Vec<String> = (0..units).map(|k| format!("U{k}")).collect();
    let mut input = dti_core::ColumnInput::new(ids.iter().map(String::as_str).collect());
    for (code, v) in &cols {
        input = input.column(dti_core::NumberColumn::new(code.as_str(), v.as_slice()));
    }
    let t = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(dti_core::score_columns(&fw, &input, &Default::default()).unwrap());
    }
    eprintln!("{:?}", t.elapsed() / reps);
}
