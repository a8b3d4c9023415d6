//! The workloads the engine issue sets targets for, each beside the naive kernel (min-max +
//! weighted sum + sort-rank over column-major f64, `dti_benches::naive_kernel`) measured in
//! the same run, so that `scripts/bench` can print every figure with its ratio to the
//! hardware line. The 1,000,000-unit cases run only with `DTI_BENCH_LARGE=1`.
//!
//! Group and function names are what `scripts/bench` reads: keep them in step.

use criterion::{criterion_group, criterion_main, Criterion};
use dti_core::{
    analyses::{uncertainty, UncertaintySpec},
    engine::rank_within,
    io::{read_tables, run_pipeline, Pipeline},
    score_columns, score_records, ColumnInput, ColumnOptions, NumberColumn, Value,
};
use std::hint::black_box;

fn kernel(c: &mut Criterion, group: &str, columns: &[Vec<f64>]) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    g.bench_function("naive kernel", |b| {
        b.iter(|| dti_benches::naive_kernel(black_box(columns)))
    });
    g.finish();
}

/// COINr pipeline in process (min-max 0–100, arithmetic means, 4 levels), from read tables.
fn coin(c: &mut Criterion) {
    for (units, indicators) in [(63usize, 98usize), (10_000, 100)] {
        let (meta, data) = dti_benches::coin_tables(units, indicators);
        let tables = read_tables(&meta, &data, &Default::default()).expect("tables");
        let group = format!("{units} x {indicators}");
        let mut g = c.benchmark_group(&group);
        g.sample_size(10);
        g.bench_function("COINr pipeline", |b| {
            b.iter(|| run_pipeline(black_box(&tables), &Pipeline::default()).expect("runs"))
        });
        g.finish();
        let cols: Vec<Vec<f64>> = tables.data.columns.clone();
        kernel(c, &group, &cols);
    }
}

/// Scoring 63 × 98 records: values, points and ranks of every node and view (the columnar
/// result, `score_records`); then the same with every unit explained (each leaf's
/// contribution and gain, the top 5 opportunities); and, for reference, the per-unit structs
/// with explanations (`Framework::score`: a code string per node and leaf of every unit), and
/// the scores from the same numbers as columns (`score_columns`).
fn records(c: &mut Criterion) {
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let mut g = c.benchmark_group("63 x 98");
    g.bench_function("score", |b| {
        let opts = ColumnOptions::default().node_ranks(true);
        b.iter(|| score_records(&fw, black_box(&units), &opts).expect("scores"))
    });
    g.bench_function("score with explanations", |b| {
        let opts = ColumnOptions::default().node_ranks(true).explain(true);
        b.iter(|| score_records(&fw, black_box(&units), &opts).expect("scores"))
    });
    g.bench_function("per-unit results with explanations", |b| {
        b.iter(|| fw.score(black_box(&units)).expect("scores"))
    });
    // The same scores from the same numbers given as columns: the engine without the
    // records' maps to read.
    let (ids, columns) = dti_benches::as_columns(&units);
    let periods: Vec<Option<i32>> = units.iter().map(|u| u.period).collect();
    g.bench_function("score from columns", |b| {
        let opts = ColumnOptions::default().node_ranks(true);
        b.iter(|| {
            let input = ColumnInput {
                units: ids.clone(),
                periods: Some(periods.clone()),
                columns: columns
                    .iter()
                    .map(|(code, v)| NumberColumn::new(code.as_str(), v.as_slice()))
                    .collect(),
            };
            score_columns(&fw, black_box(&input), &opts).expect("scores")
        })
    });
    // The floor under "score": only the ranks it reports (every node, view and the index),
    // each a sort of the 63 values of one period — no reading, normalising or aggregating.
    let scores = score_records(&fw, &units, &ColumnOptions::default()).expect("scores");
    let columns = dti_benches::ranked_columns(&scores);
    let all: Vec<usize> = (0..units.len()).collect();
    g.bench_function("ranks alone (floor of score)", |b| {
        b.iter(|| {
            for c in &columns {
                black_box(rank_within(black_box(c), [all.as_slice()]));
            }
        })
    });
    // The other floor: visiting every entry of the records once (each unit's map of 98
    // codes), adding up the numbers — no lookup, check or write.
    g.bench_function("reading the records alone (floor of score)", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for u in black_box(&units) {
                for e in u.values.values() {
                    if let Some(Value::Number(x)) = e.scored() {
                        sum += x;
                    }
                }
            }
            sum
        })
    });
    g.finish();
}

/// The WASM package's `scoreCohort` workload, natively and doing the same work: the bundled
/// 63-province panel (189 records, three periods) as JSON text in, scored with the default
/// options (explanations included), the per-unit results as JSON text out. `scripts/bench`
/// sets the node figure (`bindings/wasm/js-tests/timing.mjs`) beside it.
fn provinces(c: &mut Criterion) {
    let fw = dti_core::Framework::builtin("vn-pdti-2022").expect("builtin");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/vn-provinces-synthetic/panel.json"
    ))
    .expect("fixture");
    let mut g = c.benchmark_group("63 provinces");
    g.bench_function("scoreCohort (native)", |b| {
        b.iter(|| {
            let units: Vec<dti_core::UnitRecord> =
                serde_json::from_str(black_box(&text)).expect("records");
            let scores = fw.score(&units).expect("scores");
            serde_json::to_string(&scores).expect("json")
        })
    });
    g.finish();
}

/// Column scoring (`score_columns`) of 10,000 and 1,000,000 units × 100 indicators.
fn columns(c: &mut Criterion) {
    let fw = dti_benches::framework_100();
    let mut sizes = vec![10_000usize];
    if std::env::var_os("DTI_BENCH_LARGE").is_some() {
        sizes.push(1_000_000);
    }
    for units in sizes {
        let cols = dti_benches::leaf_columns(&fw, units);
        let ids: Vec<String> = (0..units).map(|k| format!("U{k}")).collect();
        let mut input = ColumnInput::new(ids.iter().map(String::as_str).collect());
        for (code, v) in &cols {
            input = input.column(NumberColumn::new(code.as_str(), v.as_slice()));
        }
        let group = format!("{units} x 100");
        let mut g = c.benchmark_group(&group);
        g.sample_size(10);
        g.bench_function("column scoring", |b| {
            b.iter(|| {
                score_columns(&fw, black_box(&input), &ColumnOptions::default()).expect("scores")
            })
        });
        g.finish();
        let raw: Vec<Vec<f64>> = cols.into_iter().map(|(_, v)| v).collect();
        kernel(c, &group, &raw);
    }
}

/// Uncertainty on 63 × 98: weights ±25 % and two normalisers; 1,000 draws (one thread: the
/// bench runs in a one-thread pool) and 10,000 draws (all threads).
fn analysis(c: &mut Criterion) {
    let fw = dti_benches::framework_98();
    let units = dti_benches::units_63x98();
    let spec = |runs: usize| -> UncertaintySpec {
        serde_json::from_str(&format!(
            r#"{{"runs": {runs}, "seed": 1, "inputs": [
              {{"name": "weights", "kind": "weight_noise", "factor": 0.25}},
              {{"name": "normaliser", "kind": "normaliser", "alternatives": [{{"method": "min_max"}}, {{"method": "z_score"}}]}}]}}"#
        ))
        .expect("spec")
    };
    let (s1, s10) = (spec(1_000), spec(10_000));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut g = c.benchmark_group("63 x 98");
    g.sample_size(10);
    g.bench_function("uncertainty 1,000 draws, 1 thread", |b| {
        b.iter(|| one.install(|| uncertainty(&fw, black_box(&units), &s1, None).expect("runs")))
    });
    g.bench_function("uncertainty 10,000 draws, parallel", |b| {
        b.iter(|| uncertainty(&fw, black_box(&units), &s10, None).expect("runs"))
    });
    g.finish();
}

criterion_group!(benches, records, provinces, coin, columns, analysis);
criterion_main!(benches);
