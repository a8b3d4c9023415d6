//! Ranks the 63 × 98 panel's scored columns many times (for a profiler):
//! `cargo run --release -p dti-benches --example profile_ranks -- N`.
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let s = dti_core::score_records(&fw, &units, &Default::default()).expect("scores");
    let columns = dti_benches::ranked_columns(&s);
    let all: Vec<usize> = (0..units.len()).collect();
    let distinct: usize = columns
        .iter()
        .map(|c| {
            let mut v: Vec<u64> = c.iter().map(|x| x.to_bits()).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        })
        .sum();
    eprintln!(
        "{} columns, {distinct} distinct values in all",
        columns.len()
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        for c in &columns {
            std::hint::black_box(dti_core::engine::rank_within(c, [all.as_slice()]));
        }
    }
    eprintln!("{:?} per run", t.elapsed() / n as u32);
}
