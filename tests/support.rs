//! Helpers shared by the integration tests: locating and loading fixtures, checking results,
//! and the generator of the synthetic province panel.

#[path = "synthetic.rs"]
pub mod synthetic;

use std::path::{Path, PathBuf};

use dti_core::{
    model::{Level, MissingPolicy, NodeDef, Rule, Step, ViewDef},
    Aggregator, Framework, FrameworkDef, Normaliser, UnitRecord, UnitScore, Value,
};
use serde_json::Value as Json;

/// The workspace root (this crate lives in `tests/`).
#[path = "fuzzing.rs"]
pub mod fuzzing;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// The bundled synthetic panel (wide CSV), which the `dti` command embeds as its default data.
pub fn bundled_panel() -> PathBuf {
    root().join("crates/dti-core/data/synthetic/vn-provinces-synthetic.csv")
}

/// Reads a fixture file as text, naming it on failure.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The framework of a golden case folder: `framework.json`, or the built-in framework named
/// in `framework.builtin`.
pub fn framework(case: &Path) -> Framework {
    let builtin = case.join("framework.builtin");
    if builtin.is_file() {
        let id = read(&builtin);
        return Framework::builtin(id.trim())
            .unwrap_or_else(|e| panic!("{}: {e}", builtin.display()));
    }
    let path = case.join("framework.json");
    Framework::from_json(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The unit records of a golden case folder.
pub fn units(case: &Path) -> Vec<UnitRecord> {
    let path = case.join("units.json");
    serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every golden case of the scoring engine: a folder under `fixtures/` holding
/// `units.json` and `expected.json` (other golden folders have runners of their own).
pub fn golden_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file() && p.join("units.json").is_file())
        .collect();
    cases.sort();
    cases
}

/// Equal within 1e-9 relative (the golden numbers are worked by hand in decimals).
pub fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

fn check_number(errors: &mut Vec<String>, at: &str, actual: Option<f64>, expected: &Json) {
    match (actual, expected) {
        (None, Json::Null) => {}
        (Some(a), Json::Number(e)) if close(a, e.as_f64().unwrap_or(f64::NAN)) => {}
        (a, e) => errors.push(format!("{at}: expected {e}, got {a:?}")),
    }
}

fn check_rank(errors: &mut Vec<String>, at: &str, actual: Option<u32>, expected: &Json) {
    check_number(errors, at, actual.map(f64::from), expected);
}

/// Compares a unit's result with an expectation object (see `fixtures/*/expected.json`),
/// appending every mismatch to `errors`.
pub fn check_unit(errors: &mut Vec<String>, unit: &UnitScore, exp: &Json) {
    let id = &unit.unit;
    let fields = exp.as_object().expect("unit expectation is an object");
    for (key, e) in fields {
        let at = format!("{id}.{key}");
        match key.as_str() {
            "unit" | "period" => {}
            "points" => check_number(errors, &at, unit.points, e),
            "value" => check_number(errors, &at, unit.value, e),
            "rank" => check_rank(errors, &at, unit.rank, e),
            "nodes" => {
                for (code, ne) in e.as_object().expect("nodes object") {
                    let Some(node) = unit.node(code) else {
                        errors.push(format!("{id}: no node {code}"));
                        continue;
                    };
                    for (k, v) in ne.as_object().expect("node object") {
                        let at = format!("{id}.{code}.{k}");
                        match k.as_str() {
                            "points" => check_number(errors, &at, node.points, v),
                            "value" => check_number(errors, &at, node.value, v),
                            "rank" => check_rank(errors, &at, node.rank, v),
                            "status" => {
                                let s = serde_json::to_value(node.status).expect("status");
                                if &s != v {
                                    errors.push(format!("{at}: expected {v}, got {s}"));
                                }
                            }
                            "self_points" => check_number(
                                errors,
                                &at,
                                node.self_assessed.as_ref().and_then(|s| s.points),
                                v,
                            ),
                            "appraised_points" => check_number(
                                errors,
                                &at,
                                node.appraised.as_ref().and_then(|s| s.points),
                                v,
                            ),
                            other => panic!("unknown node expectation '{other}'"),
                        }
                    }
                }
            }
            "views" => {
                for (code, ve) in e.as_object().expect("views object") {
                    let Some(view) = unit.view(code) else {
                        errors.push(format!("{id}: no view {code}"));
                        continue;
                    };
                    for (k, v) in ve.as_object().expect("view object") {
                        let at = format!("{id}.{code}.{k}");
                        match k.as_str() {
                            "points" => check_number(errors, &at, view.points, v),
                            "value" => check_number(errors, &at, view.value, v),
                            "rank" => check_rank(errors, &at, view.rank, v),
                            other => panic!("unknown view expectation '{other}'"),
                        }
                    }
                }
            }
            "opportunities" => {
                let got: Vec<&str> = unit
                    .explanation
                    .as_ref()
                    .map(|x| x.opportunities.iter().map(|o| o.code.as_str()).collect())
                    .unwrap_or_default();
                let want: Vec<&str> = e
                    .as_array()
                    .expect("opportunities array")
                    .iter()
                    .map(|c| c.as_str().expect("code"))
                    .collect();
                if got[..want.len().min(got.len())] != want[..] {
                    errors.push(format!("{at}: expected {want:?}, got {got:?}"));
                }
            }
            "contributions" => {
                let leaves = &unit.explanation.as_ref().expect("explanation").leaves;
                for (code, v) in e.as_object().expect("contributions object") {
                    let c = leaves
                        .iter()
                        .find(|l| &l.code == code)
                        .and_then(|l| l.contribution);
                    check_number(errors, &format!("{at}.{code}"), c, v);
                }
            }
            other => panic!("unknown unit expectation '{other}'"),
        }
    }
}

// The README's Rust example is compiled and run as a doctest, so it cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// SplitMix64: tiny, deterministic, good enough to draw test shapes.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// A random framework: a tree of depth 2–3 with every rule type (normalised leaves only
/// when `cohort_relative`), both directions, points sums and weighted means, policies
/// `zero` and `renormalise`, and views.
pub fn gen_framework(rng: &mut Rng, cohort_relative: bool) -> FrameworkDef {
    let mut def = FrameworkDef::new("prop", "Thử nghiệm", "Property test");
    def.missing = if rng.chance(0.5) {
        MissingPolicy::Zero
    } else {
        MissingPolicy::Renormalise
    };
    def.aggregate = if rng.chance(0.6) {
        Aggregator::PointsSum
    } else {
        Aggregator::WeightedMean
    };
    let mut leaf_no = 0;
    let groups = 1 + rng.below(3);
    let mut tops = Vec::new();
    for g in 0..groups {
        let code = format!("G{g}");
        let mut node = internal(rng, &code, None);
        node.weight = Some(0.5 + rng.unit() * 2.5);
        def.nodes.push(node);
        tops.push(code.clone());
        for c in 0..1 + rng.below(4) {
            if rng.chance(0.6) {
                def.nodes
                    .push(leaf(rng, &mut leaf_no, &code, cohort_relative));
            } else {
                let sub = format!("{code}.{c}");
                def.nodes.push(internal(rng, &sub, Some(&code)));
                for _ in 0..1 + rng.below(3) {
                    def.nodes
                        .push(leaf(rng, &mut leaf_no, &sub, cohort_relative));
                }
            }
        }
    }
    // Views over disjoint sets of top-level groups.
    let mut start = 0;
    while start < tops.len() && rng.chance(0.7) {
        let len = 1 + rng.below((tops.len() - start) as u64) as usize;
        def.views.push(ViewDef {
            code: format!("V{start}"),
            name_vi: "Góc nhìn".into(),
            name_en: "View".into(),
            nodes: tops[start..start + len].to_vec(),
        });
        start += len;
    }
    def
}

fn internal(rng: &mut Rng, code: &str, parent: Option<&str>) -> NodeDef {
    let weight = 0.5 + rng.unit() * 2.5;
    let mean_max = rng.chance(0.4).then(|| (10 + rng.below(90)) as f64);
    group_node(code, parent, weight, mean_max)
}

fn leaf(rng: &mut Rng, no: &mut usize, parent: &str, cohort_relative: bool) -> NodeDef {
    *no += 1;
    let max = (1 + rng.below(50)) as f64;
    let weight = 0.5 + rng.unit() * 2.5;
    let kind = rng.below(if cohort_relative { 7 } else { 6 });
    let kind = if kind >= 6 { 6 + rng.below(3) } else { kind };
    let rule = leaf_rule(kind, max);
    let reversed = reversible(&rule) && rng.chance(0.3);
    leaf_node(&format!("L{no}"), parent, rule, max, weight, reversed)
}

/// A group of a generated framework: a weighted mean when it declares max points (so a
/// points-sum parent works: a mean has no points of its own), else a points sum.
pub fn group_node(code: &str, parent: Option<&str>, weight: f64, mean_max: Option<f64>) -> NodeDef {
    let mut n = NodeDef::new(code, parent, "Nhóm", "Group");
    n.weight = Some(weight);
    n.aggregate = Some(match mean_max {
        Some(_) => Aggregator::WeightedMean,
        None => Aggregator::PointsSum,
    });
    n.max_points = mean_max;
    n
}

/// A leaf of a generated framework.
pub fn leaf_node(
    code: &str,
    parent: &str,
    rule: Rule,
    max: f64,
    weight: f64,
    reversed: bool,
) -> NodeDef {
    let mut n = NodeDef::new(code, Some(parent), "Chỉ số", "Indicator");
    n.max_points = Some(max);
    n.weight = Some(weight);
    n.rule = Some(rule);
    if reversed {
        n.direction = -1;
    }
    n
}

/// The leaf rules the generators draw from: 0 value, 1 ratio, 2 percent, 3 steps, 4 levels,
/// 5 yes/no; normalised by 6 min-max, 7 percentile rank, 8 (and above) distance to max.
pub fn leaf_rule(kind: u64, max: f64) -> Rule {
    match kind {
        0 => Rule::Value,
        1 => Rule::Ratio,
        2 => Rule::Percent,
        3 => Rule::Steps {
            whole: true,
            steps: (1..=3)
                .map(|k| Step {
                    at: k as f64,
                    points: max * k as f64 / 3.0,
                })
                .collect(),
        },
        4 => Rule::Levels {
            levels: [("a", 1.0), ("b", 0.5), ("c", 0.0)]
                .iter()
                .map(|&(l, f)| Level {
                    label: l.into(),
                    fraction: f,
                })
                .collect(),
        },
        5 => Rule::YesNo,
        k => Rule::Normalised {
            normaliser: Some(match k {
                6 => Normaliser::MinMax { l: 0.0, u: 1.0 },
                7 => Normaliser::PercentileRank,
                _ => Normaliser::DistanceToMax,
            }),
        },
    }
}

/// Whether a generated leaf may have direction −1: levels have no direction, and the steps
/// tables here rise with the value.
pub fn reversible(rule: &Rule) -> bool {
    !matches!(rule, Rule::Levels { .. } | Rule::Steps { .. })
}

/// A valid input for a leaf with `rule`.
pub fn gen_value(rng: &mut Rng, rule: &Rule) -> Value {
    match rule {
        Rule::Value => Value::Number(rng.unit()),
        Rule::Ratio => {
            let b = (1 + rng.below(100)) as f64;
            Value::Ratio {
                numerator: rng.below(b as u64 + 1) as f64,
                denominator: b,
            }
        }
        Rule::Percent => Value::Number(rng.unit() * 100.0),
        Rule::Steps { .. } => Value::Number(rng.below(6) as f64),
        Rule::Levels { .. } => Value::Label(["a", "b", "c"][rng.below(3) as usize].into()),
        Rule::YesNo => Value::Bool(rng.chance(0.5)),
        _ => Value::Number(rng.unit() * 100.0 - 50.0),
    }
}
