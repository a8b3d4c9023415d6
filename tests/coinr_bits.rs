//! COINr to the last bit (issue: "COINr to the last bit, and the same bits on every target"):
//! the rank normalisers compare exactly under COINr's rule, and every sum is the exact sum
//! rounded once, as R's `sum()` gives it. Expected numbers are COINr 1.1.14's on the ASEM
//! data (`fixtures/asem`, COINr's example at full precision) or computed by hand with an
//! exact sum (Python's `math.fsum`).

use dti_core::io::{read_tables, run_pipeline, Pipeline, TableOptions};
use dti_core::methods::Ties;
use dti_core::{ColumnOptions, Framework, Normaliser, ScoreOptions, UnitRecord};
use dti_tests::{fixture, read};

fn asem() -> dti_core::io::Tables {
    read_tables(
        &read(&fixture("asem/asem_iMeta.csv")),
        &read(&fixture("asem/asem_iData.csv")),
        &TableOptions::default(),
    )
    .unwrap()
}

/// Each unit's value of `code` after the pipeline `p` (leaves: their normalised value).
fn values(p: &Pipeline, code: &str, units: &[&str]) -> Vec<f64> {
    let run = run_pipeline(&asem(), p).unwrap();
    let scores = run.cohort_scores().unwrap();
    units
        .iter()
        .map(|u| {
            let unit = scores.units.iter().find(|s| s.unit == *u).unwrap();
            unit.node(code).unwrap().value.unwrap()
        })
        .collect()
}

#[test]
fn rank_normalisers_compare_exactly_as_coinr() {
    // TolMin (direction −1): NOR 3.4 and JPN 3.4000000000000004 are one ulp apart; BGR and
    // CZE 5.1, GRC 5.1000000000000005. COINr's n_rank (rank(x', ties.method = "min")):
    // JPN 42, NOR 43; GRC 26, BGR 27, CZE 27.
    let units = ["JPN", "NOR", "GRC", "BGR", "CZE"];
    let rank = Pipeline::default().normalise(Some(Normaliser::Rank));
    assert_eq!(
        values(&rank, "TolMin", &units),
        [42.0, 43.0, 26.0, 27.0, 27.0]
    );
    // Borda is rank − 1; percentile rank (rank − 1)/(n − 1) over the 51 values.
    let borda = Pipeline::default().normalise(Some(Normaliser::Borda));
    assert_eq!(
        values(&borda, "TolMin", &units),
        [41.0, 42.0, 25.0, 26.0, 26.0]
    );
    let pct = Pipeline::default().normalise(Some(Normaliser::PercentileRank));
    let got = values(&pct, "TolMin", &units);
    assert_eq!(got[0], 41.0 / 50.0);
    assert_eq!(got[1], 42.0 / 50.0);
    // The tie rule in force decides, for the normalisers too: within a tolerance the
    // one-ulp neighbours share the lower rank.
    let tolerant = rank.clone().ties(Some(Ties::Tolerance(1e-12)));
    assert_eq!(
        values(&tolerant, "TolMin", &units),
        [42.0, 42.0, 26.0, 26.0, 26.0]
    );
}

/// Two units whose six values both add up to 110, each weighted 1/6: COINr's `a_amean`
/// (w/Σw first, then `sum(w * x)`, added in extended precision and rounded once) gives
/// 18.333333333333332 for both (`math.fsum`). Added left to right in f64, A comes out
/// 18.333333333333336 and B 18.33333333333333: their ranks split.
const A: [f64; 6] = [32.0, 23.0, 27.0, 23.0, 1.0, 4.0];
const B: [f64; 6] = [31.0, 8.0, 2.0, 20.0, 25.0, 24.0];
const COINR_MEAN: f64 = 18.333333333333332;

fn six_leaf_mean() -> Framework {
    let leaves: Vec<String> = (1..=6)
        .map(|k| {
            format!(r#"{{"code": "x{k}", "name_vi": "x{k}", "parent": "M", "rule": {{"type": "normalised", "normaliser": {{"method": "none"}}}}}}"#)
        })
        .collect();
    Framework::from_json(&format!(
        r#"{{"schema_version": 1, "id": "six", "name_vi": "Sáu", "aggregate": {{"method": "weighted_mean"}},
            "nodes": [{{"code": "M", "name_vi": "M"}}, {}]}}"#,
        leaves.join(", ")
    ))
    .unwrap()
}

fn records() -> Vec<UnitRecord> {
    [("A", A), ("B", B)]
        .into_iter()
        .map(|(id, xs)| {
            xs.iter()
                .enumerate()
                .fold(UnitRecord::new(id), |r, (k, &x)| {
                    r.value(&format!("x{}", k + 1), x)
                })
        })
        .collect()
}

#[test]
fn weighted_means_are_exact_sums_rounded_once() {
    let fw = six_leaf_mean();
    let units = records();
    // Records, unit by unit.
    let opts = ScoreOptions::default().ties(Ties::Exact);
    let s = fw.score_with(&units, &opts).unwrap();
    for u in &s.units {
        assert_eq!(u.node("M").unwrap().value, Some(COINR_MEAN), "{}", u.unit);
        assert_eq!(u.rank, Some(1), "{} is tied first", u.unit);
    }
    // Columns.
    let c =
        dti_core::score_records(&fw, &units, &ColumnOptions::default().ties(Ties::Exact)).unwrap();
    assert_eq!(c.index.value, [COINR_MEAN, COINR_MEAN]);
    assert_eq!(c.index.rank, Some(vec![Some(1), Some(1)]));
    // The analyses' evaluator: the nominal run of an uncertainty analysis.
    let spec: dti_core::analyses::UncertaintySpec = serde_json::from_str(
        r#"{"inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}],
            "runs": 8, "seed": 1, "ties": "exact"}"#,
    )
    .unwrap();
    let u = dti_core::analyses::uncertainty(&fw, &units, &spec, None).unwrap();
    for x in &u.units {
        assert_eq!(x.nominal_value, Some(COINR_MEAN), "{}", x.unit);
        assert_eq!(x.nominal_rank, Some(1), "{}", x.unit);
    }
}

#[test]
fn coinr_tables_aggregate_exactly() {
    // The same two units through COINr's two tables and the pipeline (no normalisation).
    let mut meta = String::from("iCode,iName,Level,Parent,Direction,Weight,Type\n");
    for k in 1..=6 {
        meta.push_str(&format!("x{k},x{k},1,M,1,1,Indicator\n"));
    }
    meta.push_str("M,M,2,,1,1,Aggregate\n");
    let mut data = String::from("uCode,uName,x1,x2,x3,x4,x5,x6\n");
    for (id, xs) in [("A", A), ("B", B)] {
        let cells: Vec<String> = xs.iter().map(f64::to_string).collect();
        data.push_str(&format!("{id},{id},{}\n", cells.join(",")));
    }
    let tables = read_tables(&meta, &data, &TableOptions::default()).unwrap();
    let run = run_pipeline(
        &tables,
        &Pipeline::default().normalise(Some(Normaliser::Identity)),
    )
    .unwrap();
    assert_eq!(run.scores.index.value, [COINR_MEAN, COINR_MEAN]);
    assert_eq!(run.scores.index.rank, Some(vec![Some(1), Some(1)]));
}
