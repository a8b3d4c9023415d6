//! Batch scoring on polars DataFrames, from an in-memory frame to the result frame.
//!
//! Targets (issue: dti-polars): 63 × 98 ≤ 1 ms; 10,000 × 100 ≤ 20 ms; 1,000,000 × 100 ≤ 2 s;
//! each size runs with the indicator count its target names.
//! The 1,000,000-unit case runs only with `DTI_BENCH_LARGE=1` (about 1 GB of input).

use criterion::{criterion_group, criterion_main, Criterion};
use dti_polars::{score, BatchOptions};
use std::hint::black_box;

fn batch(c: &mut Criterion) {
    let fw98 = dti_benches::framework_98();
    let fw = dti_benches::framework_100();
    let opts = BatchOptions::default();
    let mut g = c.benchmark_group("batch score (DataFrame → DataFrame)");
    let small = dti_benches::wide_frame(&fw98, 63);
    g.bench_function("63 units x 98 indicators", |b| {
        b.iter(|| score(black_box(&small), &fw98, &opts).expect("score"))
    });
    g.sample_size(10);
    let mid = dti_benches::wide_frame(&fw, 10_000);
    g.bench_function("10,000 units x 100 indicators", |b| {
        b.iter(|| score(black_box(&mid), &fw, &opts).expect("score"))
    });
    if std::env::var_os("DTI_BENCH_LARGE").is_some() {
        let large = dti_benches::wide_frame(&fw, 1_000_000);
        g.bench_function("1,000,000 units x 100 indicators", |b| {
            b.iter(|| score(black_box(&large), &fw, &opts).expect("score"))
        });
    }
    g.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
