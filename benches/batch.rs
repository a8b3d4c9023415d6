//! Batch scoring on polars DataFrames, from an in-memory frame to the result frame.
//!
//! Targets (issue: dti-polars): 63 × 98 ≤ 1 ms; 10,000 × 100 ≤ 20 ms; 1,000,000 × 100 ≤ 2 s.
//! The 1,000,000-unit case runs only with `DTI_BENCH_LARGE=1` (about 1 GB of input).

use criterion::{criterion_group, criterion_main, Criterion};
use dti_polars::{score, BatchOptions};
use polars::prelude::*;
use std::hint::black_box;

/// A wide frame of `units` synthetic units over the 98 benchmark components (+2 spare to make
/// 100 columns when asked), seeded.
fn frame(units: usize) -> DataFrame {
    let fw = dti_benches::framework_98();
    let codes: Vec<String> = fw.leaves().map(|l| l.code.clone()).collect();
    let mut cols = vec![Column::new(
        "unit".into(),
        (0..units).map(|k| format!("U{k}")).collect::<Vec<_>>(),
    )];
    let mut state: u64 = 0x5eed;
    for code in &codes {
        let v: Vec<f64> = (0..units)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 11) as f64 / (1u64 << 53) as f64) * 100.0
            })
            .collect();
        cols.push(Column::new(code.as_str().into(), v));
    }
    DataFrame::new_infer_height(cols).expect("frame")
}

fn batch(c: &mut Criterion) {
    let fw = dti_benches::framework_98();
    let opts = BatchOptions::default();
    let mut g = c.benchmark_group("batch score (DataFrame → DataFrame)");
    let small = frame(63);
    g.bench_function("63 units x 98 indicators", |b| {
        b.iter(|| score(black_box(&small), &fw, &opts).expect("score"))
    });
    g.sample_size(10);
    let mid = frame(10_000);
    g.bench_function("10,000 units x 98 indicators", |b| {
        b.iter(|| score(black_box(&mid), &fw, &opts).expect("score"))
    });
    if std::env::var_os("DTI_BENCH_LARGE").is_some() {
        let large = frame(1_000_000);
        g.bench_function("1,000,000 units x 98 indicators", |b| {
            b.iter(|| score(black_box(&large), &fw, &opts).expect("score"))
        });
    }
    g.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
