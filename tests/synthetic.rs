//! The seeded generator of the synthetic 63-province panel in `fixtures/vn-provinces-synthetic/`.
//!
//! The data are **synthetic**: realistic in shape (a province level, a yearly rise, indicator
//! offsets, noise), not real DTI results. `cargo run -p dti-tests --bin gen-synthetic-panel`
//! rewrites the files; a test checks that the checked-in files are exactly its output.

use dti_core::{provinces, Era, UnitRecord};

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

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

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
