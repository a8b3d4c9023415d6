//! Uncertainty and sensitivity analysis on 63 units × 98 indicators (fixed seeds).
//!
//! Targets (issue: ranking scenarios): 1,000 draws with weights ±25 % and two normalisers
//! ≤ 80 ms; 10,000 draws ≤ 0.5 s with `parallel`; Sobol with N = 1,000 and 3 inputs ≤ 0.5 s.

use criterion::{criterion_group, criterion_main, Criterion};
use dti_core::analyses::{sensitivity, uncertainty, SensitivitySpec, UncertaintySpec};
use std::hint::black_box;

const UA: &str = r#"{"seed": 42, "inputs": [
  {"name": "weights", "kind": "weight_noise", "factor": 0.25},
  {"name": "normaliser", "kind": "normaliser", "alternatives": [
     {"method": "min_max", "l": 0, "u": 1}, {"method": "z_score"}]}]}"#;

const SA: &str = r#"{"n": 1000, "seed": 42, "inputs": [
  {"name": "weights", "kind": "weight_noise", "factor": 0.25},
  {"name": "normaliser", "kind": "normaliser", "alternatives": [
     {"method": "min_max", "l": 0, "u": 1}, {"method": "z_score"}]},
  {"name": "aggregation", "kind": "aggregator", "depth": 0, "alternatives": [
     {"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#;

fn analysis(c: &mut Criterion) {
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let spec = |runs: usize| {
        let mut s: UncertaintySpec = serde_json::from_str(UA).expect("spec");
        s.runs = runs;
        s
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut g = c.benchmark_group("uncertainty 63x98");
    g.sample_size(20);
    let s1k = spec(1_000);
    g.bench_function("1,000 draws, 1 thread", |b| {
        b.iter(|| {
            one.install(|| uncertainty(&fw, black_box(&units), &s1k, None))
                .expect("ua")
        })
    });
    g.bench_function("1,000 draws, parallel", |b| {
        b.iter(|| uncertainty(&fw, black_box(&units), &s1k, None).expect("ua"))
    });
    g.sample_size(10);
    let s10k = spec(10_000);
    g.bench_function("10,000 draws, parallel", |b| {
        b.iter(|| uncertainty(&fw, black_box(&units), &s10k, None).expect("ua"))
    });
    g.finish();

    let sa: SensitivitySpec = serde_json::from_str(SA).expect("spec");
    let mut g = c.benchmark_group("sensitivity 63x98");
    g.sample_size(10);
    g.bench_function("Sobol N=1,000, 3 inputs, parallel", |b| {
        b.iter(|| sensitivity(&fw, black_box(&units), &sa, None).expect("sa"))
    });
    g.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
