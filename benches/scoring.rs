//! Scoring a 63 × 98 cohort, and the bundled 63-province panel on vn-pdti-2022.

use criterion::{criterion_group, criterion_main, Criterion};
use dti_core::{Framework, ScoreOptions, UnitRecord};
use std::hint::black_box;

fn scoring(c: &mut Criterion) {
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    c.bench_function(
        "score 63x98 min-max + weighted means + ranks + explanations",
        |b| b.iter(|| fw.score(black_box(&units)).expect("scores")),
    );
    let quick = ScoreOptions::default().explain(false);
    c.bench_function("score 63x98 without explanations", |b| {
        b.iter(|| fw.score_with(black_box(&units), &quick).expect("scores"))
    });
    let dti = Framework::builtin("vn-pdti-2022").expect("built-in");
    let panel: Vec<UnitRecord> = dti_benches::units_63x98()
        .into_iter()
        .map(|u| {
            [
                "AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC",
            ]
            .iter()
            .enumerate()
            .fold(UnitRecord::new(&u.unit), |r, (k, code)| {
                r.value(code, (k as f64 + 1.0) / 10.0)
            })
        })
        .collect();
    c.bench_function(
        "score 63 provinces on vn-pdti-2022 (main indicators)",
        |b| b.iter(|| dti.score(black_box(&panel)).expect("scores")),
    );
}

/// A framework of 100,000 nodes: every leaf directly under the index (the shape that made
/// explanations quadratic), and 1,000 groups of 99 leaves. Two units each, with explanations;
/// beside them the naive kernel: summing 100,000 points for each unit.
fn large_frameworks(c: &mut Criterion) {
    let mut group = c.benchmark_group("100,000 nodes");
    group.sample_size(10);
    for (name, groups, leaves) in [("flat", 0usize, 100_000usize), ("1000 x 99", 1_000, 99)] {
        let fw = dti_benches::framework_wide(groups, leaves);
        let codes: Vec<String> = fw.leaves().map(|l| l.code.clone()).collect();
        let units: Vec<UnitRecord> = (0..2)
            .map(|u| {
                codes
                    .iter()
                    .step_by(7)
                    .enumerate()
                    .fold(UnitRecord::new(&format!("U{u}")), |r, (k, code)| {
                        r.value(code, ((k + u) % 10) as f64 / 10.0)
                    })
            })
            .collect();
        group.bench_function(format!("score 2 units, {name}, with explanations"), |b| {
            b.iter(|| fw.score(black_box(&units)).expect("scores"))
        });
    }
    let values: Vec<f64> = (0..200_000).map(|k| (k % 10) as f64 / 10.0).collect();
    group.bench_function("naive kernel: sum 2 x 100,000 points", |b| {
        b.iter(|| {
            black_box(&values)
                .chunks(100_000)
                .map(|u| u.iter().sum::<f64>())
                .collect::<Vec<f64>>()
        })
    });
    group.finish();
}

criterion_group!(benches, scoring, large_frameworks);
criterion_main!(benches);
