//! Uncertainty on 63 × 98 (weights ±25 %, two normalisers), D draws on one thread, R times
//! (for a profiler, or `valgrind --tool=callgrind` to count instructions):
//! `cargo run --release -p dti-benches --example profile_uncertainty -- [D (1,000)] [R (20)]`.
use dti_core::analyses::{uncertainty, UncertaintySpec};

fn main() {
    let arg = |k: usize, default: usize| -> usize {
        std::env::args()
            .nth(k)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let (draws, reps) = (arg(1, 1_000), arg(2, 20));
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let spec: UncertaintySpec = serde_json::from_str(&format!(
        r#"{{"runs": {draws}, "seed": 1, "inputs": [
          {{"name": "weights", "kind": "weight_noise", "factor": 0.25}},
          {{"name": "normaliser", "kind": "normaliser", "alternatives": [{{"method": "min_max"}}, {{"method": "z_score"}}]}}]}}"#
    ))
    .expect("spec");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let t = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(one.install(|| uncertainty(&fw, &units, &spec, None).expect("runs")));
    }
    eprintln!("{:?}", t.elapsed() / reps.max(1) as u32);
}
