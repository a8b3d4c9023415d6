//! The seeded generator of the synthetic 63-province panel in `fixtures/vn-provinces-synthetic/`.
//!
//! The data are **synthetic**: realistic in shape (a province level, a yearly rise, indicator
//! offsets, noise), not real DTI results. `cargo run -p dti-tests --bin gen-synthetic-panel`
//! rewrites the files; a test checks that the checked-in files are exactly its output.

use dti_core::{model::provinces, Era, UnitRecord};

/// The seed of the checked-in panel.
pub const SEED: u64 = 20_221_119;
/// The years of the panel (DTI 2021–2023 used the 2022 framework).
pub const YEARS: [i32; 3] = [2021, 2022, 2023];
/// Main indicators of `vn-pdti-2022`, with a typical offset from the province's level.
pub const INDICATORS: [(&str, f64); 9] = [
    ("AWR", 0.06),
    ("INST", 0.08),
    ("INFRA", 0.03),
    ("HR", -0.05),
    ("SEC", 0.04),
    ("SMART", -0.15),
    ("GOV", 0.0),
    ("ECO", -0.10),
    ("SOC", -0.04),
];
/// Large cities and industrial hubs get a higher level.
const HUBS: [&str; 9] = [
    "ha-noi",
    "ho-chi-minh",
    "da-nang",
    "hai-phong",
    "quang-ninh",
    "bac-ninh",
    "can-tho",
    "binh-duong",
    "thua-thien-hue",
];

// The tests' one SplitMix64 (`support.rs`): the fixtures it drew stay byte for byte.
use crate::Rng;

/// The panel as unit records (values rounded to 4 decimals, as published).
pub fn panel() -> Vec<UnitRecord> {
    let mut rng = Rng(SEED);
    let mut out = Vec::new();
    for p in provinces(Era::Pre2025) {
        let hub = if HUBS.contains(&p.code.as_str()) {
            0.10
        } else {
            0.0
        };
        let level = 0.28 + 0.30 * rng.unit() + hub;
        for (k, &year) in YEARS.iter().enumerate() {
            let mut rec = UnitRecord::new(&p.code).name(&p.name_vi).period(year);
            for (code, offset) in INDICATORS {
                let noise = (rng.unit() - 0.5) * 0.16;
                let v = (level + offset + 0.03 * k as f64 + noise).clamp(0.02, 0.99);
                rec = rec.value(code, (v * 10_000.0).round() / 10_000.0);
            }
            out.push(rec);
        }
    }
    out
}

/// The panel in wide CSV layout: `unit,name,period,<indicator>…`.
pub fn panel_csv() -> String {
    let mut csv = String::from("unit,name,period");
    for (code, _) in INDICATORS {
        csv.push(',');
        csv.push_str(code);
    }
    csv.push('\n');
    for rec in panel() {
        csv.push_str(&format!(
            "{},{},{}",
            rec.unit,
            rec.name.as_deref().unwrap_or(""),
            rec.period.unwrap_or_default()
        ));
        for (code, _) in INDICATORS {
            let v = match rec.values[code].scored() {
                Some(dti_core::Value::Number(x)) => *x,
                _ => f64::NAN,
            };
            csv.push_str(&format!(",{v:.4}"));
        }
        csv.push('\n');
    }
    csv
}

/// The panel as pretty JSON unit records.
pub fn panel_json() -> String {
    let mut s = serde_json::to_string_pretty(&panel()).expect("records serialise");
    s.push('\n');
    s
}

/// Component counts of the DTI 2022 main indicators (Decision 922/QĐ-BTTTT: 98 in all).
pub const COMPONENTS: [(&str, &str, usize, f64); 9] = [
    ("AWR", "F", 10, 100.0),
    ("INST", "F", 11, 100.0),
    ("INFRA", "F", 7, 100.0),
    ("HR", "F", 13, 100.0),
    ("SEC", "F", 12, 100.0),
    ("SMART", "F", 3, 0.0),
    ("GOV", "A", 22, 200.0),
    ("ECO", "A", 12, 150.0),
    ("SOC", "A", 8, 150.0),
];

/// A 98-component framework in the DTI 2022 shape for benchmarks: each component a raw
/// number normalised by min-max to [0, 1], weighted means up the tree with main indicators
/// weighted by their DTI points. **Synthetic**: the real component rules are unpublished.
pub fn bench_framework() -> dti_core::FrameworkDef {
    use dti_core::{
        model::{NodeDef, Rule},
        Aggregator, FrameworkDef, Normaliser,
    };
    let mut def = FrameworkDef::new(
        "bench-98",
        "Khung thử 98 chỉ số thành phần",
        "Benchmark framework, 98 components (synthetic)",
    );
    def.aggregate = Aggregator::WeightedMean;
    def.normaliser = Some(Normaliser::MinMax { l: 0.0, u: 1.0 });
    def.notes = vec!["Synthetic benchmark framework in the shape of DTI 2022.".to_owned()];
    for (g, name) in [("F", "Foundation"), ("A", "Activities")] {
        def.nodes.push(NodeDef::new(g, None, name, name));
    }
    for (code, group, count, points) in COMPONENTS {
        let mut main = NodeDef::new(code, Some(group), code, code);
        main.weight = Some(points);
        def.nodes.push(main);
        for k in 1..=count {
            let mut c = NodeDef::new(&format!("{code}.{k}"), Some(code), code, code);
            c.rule = Some(Rule::Normalised { normaliser: None });
            def.nodes.push(c);
        }
    }
    def
}

/// 63 provinces × 98 raw component values in 0..100 (seeded).
pub fn bench_units() -> Vec<UnitRecord> {
    let mut rng = Rng(SEED ^ 0x98);
    provinces(Era::Pre2025)
        .iter()
        .map(|p| {
            let level = 30.0 + 40.0 * rng.unit();
            let mut rec = UnitRecord::new(&p.code).name(&p.name_vi).period(2023);
            for (code, _, count, _) in COMPONENTS {
                for k in 1..=count {
                    let v = (level + (rng.unit() - 0.5) * 50.0).clamp(0.0, 100.0);
                    rec = rec.value(&format!("{code}.{k}"), (v * 100.0).round() / 100.0);
                }
            }
            rec
        })
        .collect()
}
