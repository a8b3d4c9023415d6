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
    let quick = ScoreOptions {
        explain: false,
        ..ScoreOptions::default()
    };
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

criterion_group!(benches, scoring);
criterion_main!(benches);
