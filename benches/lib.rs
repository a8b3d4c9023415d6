//! Fixtures for the benchmarks: the 98-component framework and 63 provinces in
//! `fixtures/bench/` (seeded, synthetic; see `tests/synthetic.rs`).

use std::path::Path;

use dti_core::{ColumnScores, Framework, UnitRecord};
#[cfg(feature = "batch")]
use polars::prelude::{Column, DataFrame};

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The 98-component benchmark framework.
pub fn framework_98() -> Framework {
    Framework::from_json(&read("bench/framework-98.json")).expect("valid benchmark framework")
}

/// A points-sum framework of `groups` groups of `leaves` leaves (1 point each), or, with
/// `groups` = 0, `leaves` leaves directly under the index.
pub fn framework_wide(groups: usize, leaves: usize) -> Framework {
    let mut nodes = Vec::new();
    let leaf = |code: String, parent: Option<String>| serde_json::json!({"code": code, "name_vi": "x", "parent": parent, "max_points": 1});
    if groups == 0 {
        nodes.extend((0..leaves).map(|l| leaf(format!("L{l}"), None)));
    } else {
        for g in 0..groups {
            nodes.push(serde_json::json!({"code": format!("G{g}"), "name_vi": "g"}));
            nodes.extend((0..leaves).map(|l| leaf(format!("G{g}.L{l}"), Some(format!("G{g}")))));
        }
    }
    let def =
        serde_json::json!({"schema_version": 1, "id": "wide", "name_vi": "Wide", "nodes": nodes});
    Framework::from_json(&def.to_string()).expect("a valid framework")
}

/// The benchmark framework with two more components (`SOC.9`, `SOC.10`): 100 leaves, the
/// size the batch targets name for 10,000 and 1,000,000 units.
pub fn framework_100() -> Framework {
    let mut def: serde_json::Value =
        serde_json::from_str(&read("bench/framework-98.json")).expect("benchmark framework JSON");
    let nodes = def["nodes"].as_array_mut().expect("a node list");
    for k in [9, 10] {
        nodes.push(serde_json::json!({
            "code": format!("SOC.{k}"), "parent": "SOC", "name_vi": "SOC", "name_en": "SOC",
            "rule": { "type": "normalised" }
        }));
    }
    def["id"] = "bench-100".into();
    let fw = Framework::from_json(&def.to_string()).expect("valid benchmark framework");
    assert_eq!(fw.leaves().count(), 100);
    fw
}

/// 63 provinces × 98 components.
pub fn units_63x98() -> Vec<UnitRecord> {
    serde_json::from_str(&read("bench/units-63x98.json")).expect("valid benchmark units")
}

/// The numbers of single-period `units` as columns: each unit's id, and per reported code
/// (in the first unit's order) its number for every unit — the records' data as
/// [`dti_core::ColumnInput`] reads it.
///
/// # Panics
/// When a unit lacks a code the first one reports, or reports a non-number (the benchmark
/// panel has neither).
pub fn as_columns(units: &[UnitRecord]) -> (Vec<&str>, Vec<(String, Vec<f64>)>) {
    let ids = units.iter().map(|u| u.unit.as_str()).collect();
    let codes = units.first().map(|u| u.values.keys()).into_iter().flatten();
    let columns = codes
        .map(|code| {
            let v = units
                .iter()
                .map(|u| match u.values.get(code).and_then(|e| e.scored()) {
                    Some(dti_core::Value::Number(x)) => *x,
                    other => panic!("{}: {code} is {other:?}, not a number", u.unit),
                })
                .collect();
            (code.clone(), v)
        })
        .collect();
    (ids, columns)
}

/// One column of `units` seeded values in 0..100 per leaf of `fw` (the values of
/// `wide_frame` (feature `batch`), without polars).
pub fn leaf_columns(fw: &Framework, units: usize) -> Vec<(String, Vec<f64>)> {
    let mut state: u64 = 0x5eed;
    fw.leaves()
        .map(|leaf| {
            let v: Vec<f64> = (0..units).map(|_| next_value(&mut state)).collect();
            (leaf.code.clone(), v)
        })
        .collect()
}

/// The benchmarks' seeded linear congruential generator: the next value in 0..100.
fn next_value(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ((*state >> 11) as f64 / (1u64 << 53) as f64) * 100.0
}

/// COINr's two tables for `units` units and `indicators` indicators in four levels:
/// indicators in groups of 7 (level 2), those in groups of 4 (level 3), one index (level 4);
/// every weight 1, every third indicator of direction −1; values from [`leaf_columns`]' LCG.
pub fn coin_tables(units: usize, indicators: usize) -> (String, String) {
    let mut meta = String::from("iCode,iName,Level,Parent,Direction,Weight,Type\n");
    let groups = indicators.div_ceil(7);
    let pillars = groups.div_ceil(4);
    for i in 0..indicators {
        let dir = if i % 3 == 2 { -1 } else { 1 };
        meta.push_str(&format!("x{i},X{i},1,g{},{dir},1,Indicator\n", i / 7));
    }
    for g in 0..groups {
        meta.push_str(&format!("g{g},G{g},2,p{},1,1,Aggregate\n", g / 4));
    }
    for p in 0..pillars {
        meta.push_str(&format!("p{p},P{p},3,IDX,1,1,Aggregate\n"));
    }
    meta.push_str("IDX,Index,4,,1,1,Aggregate\n");
    let mut data = String::from("uCode,Time");
    for i in 0..indicators {
        data.push_str(&format!(",x{i}"));
    }
    data.push('\n');
    let mut state: u64 = 0x5eed;
    for u in 0..units {
        data.push_str(&format!("U{u},2024"));
        for _ in 0..indicators {
            data.push_str(&format!(",{}", next_value(&mut state)));
        }
        data.push('\n');
    }
    (meta, data)
}

/// The value column of every node, view and the index of `s`: the columns a score ranks.
pub fn ranked_columns(s: &ColumnScores) -> Vec<&[f64]> {
    s.nodes
        .iter()
        .chain(&s.views)
        .chain([&s.index])
        .map(|c| c.value.as_slice())
        .collect()
}

/// The hardware line every scoring figure is compared with: min-max each column to [0, 1],
/// add the columns with equal weights, and rank the totals by sorting — over column-major
/// f64, no checks, no structure.
pub fn naive_kernel(columns: &[Vec<f64>]) -> Vec<u32> {
    let m = columns.first().map_or(0, Vec::len);
    let w = 1.0 / columns.len().max(1) as f64;
    let mut total = vec![0.0; m];
    for col in columns {
        let (lo, hi) = col
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        let scale = w / (hi - lo);
        for (t, &x) in total.iter_mut().zip(col) {
            *t += (x - lo) * scale;
        }
    }
    let mut order: Vec<u32> = (0..m as u32).collect();
    order.sort_unstable_by(|&a, &b| total[b as usize].total_cmp(&total[a as usize]));
    let mut rank = vec![0u32; m];
    for (k, &u) in order.iter().enumerate() {
        rank[u as usize] = k as u32 + 1;
    }
    rank
}

/// A wide frame of `units` synthetic units (`U0`, `U1`, …) with one column per leaf of `fw`,
/// values in 0..100 from a seeded linear congruential generator.
#[cfg(feature = "batch")]
pub fn wide_frame(fw: &Framework, units: usize) -> DataFrame {
    let mut cols = vec![Column::new(
        "unit".into(),
        (0..units).map(|k| format!("U{k}")).collect::<Vec<_>>(),
    )];
    for (code, v) in leaf_columns(fw, units) {
        cols.push(Column::new(code.as_str().into(), v));
    }
    DataFrame::new_infer_height(cols).expect("a frame of equal-length columns")
}
