//! Property tests: invariants a user relies on, over random frameworks and cohorts.
//!
//! Inputs are drawn structurally with proptest strategies ([`cases`]): a framework spec
//! (groups, their children — leaves or subgroups of leaves —, each leaf's rule, max points,
//! weight and direction, the aggregators, the missing-data policy, views) and a cohort (how
//! many units, which leaves each reports and the draw behind each value). A failure shrinks
//! to fewer groups, children, leaves and units and simpler rules; proptest keeps failing
//! cases in `proptest-regressions/`.

use dti_core::model::{MissingPolicy, NodeDef, Rule, ViewDef};
use dti_core::{
    Aggregator, CohortScores, Entry, Framework, FrameworkDef, ScoreOptions, UnitRecord, Value,
};
use dti_tests::{gen_value, group_node, leaf_node, leaf_rule, reversible, Rng};
use proptest::prelude::*;

/// One leaf: its rule (0 value, 1 ratio, 2 percent, 3 steps, 4 levels, 5 yes/no,
/// 6 normalised: min-max, 7 percentile rank, 8 distance to max), max points, weight, and
/// whether lower is better (where the rule allows it).
#[derive(Debug, Clone)]
struct LeafSpec {
    rule: u8,
    max: u8,
    weight: f64,
    lower_is_better: bool,
}

/// A group's child: a leaf, or a subgroup of leaves.
#[derive(Debug, Clone)]
enum ChildSpec {
    Leaf(LeafSpec),
    Sub(GroupHead, Vec<LeafSpec>),
}

/// How a group aggregates: a weighted mean (with declared max points) or a points sum.
#[derive(Debug, Clone)]
struct GroupHead {
    mean: bool,
    max: u8,
    weight: f64,
}

#[derive(Debug, Clone)]
struct FrameworkSpec {
    renormalise: bool,
    mean_root: bool,
    groups: Vec<(GroupHead, Vec<ChildSpec>)>,
    /// Lengths of consecutive views over the top-level groups.
    views: Vec<usize>,
}

/// A drawn case: the framework and the cohort.
#[derive(Debug, Clone)]
struct Case {
    fw: Framework,
    units: Vec<UnitRecord>,
}

fn leaf_spec(cohort_relative: bool) -> impl Strategy<Value = LeafSpec> {
    let rules: u8 = if cohort_relative { 9 } else { 6 };
    (0..rules, 1u8..=50, 0.5f64..3.0, any::<bool>()).prop_map(|(rule, max, weight, lower)| {
        LeafSpec {
            rule,
            max,
            weight,
            lower_is_better: lower,
        }
    })
}

fn head() -> impl Strategy<Value = GroupHead> {
    (any::<bool>(), 10u8..100, 0.5f64..3.0).prop_map(|(mean, max, weight)| GroupHead {
        mean,
        max,
        weight,
    })
}

fn framework_spec(cohort_relative: bool) -> impl Strategy<Value = FrameworkSpec> {
    let child = prop_oneof![
        3 => leaf_spec(cohort_relative).prop_map(ChildSpec::Leaf),
        2 => (head(), prop::collection::vec(leaf_spec(cohort_relative), 1..=3))
            .prop_map(|(h, leaves)| ChildSpec::Sub(h, leaves)),
    ];
    let group = (head(), prop::collection::vec(child, 1..=4));
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(group, 1..=3),
        prop::collection::vec(1usize..=3, 0..=3),
    )
        .prop_map(|(renormalise, mean_root, groups, views)| FrameworkSpec {
            renormalise,
            mean_root,
            groups,
            views,
        })
}

fn group(code: &str, parent: Option<&str>, h: &GroupHead) -> NodeDef {
    group_node(code, parent, h.weight, h.mean.then_some(f64::from(h.max)))
}

fn leaf(no: &mut usize, parent: &str, l: &LeafSpec) -> NodeDef {
    *no += 1;
    let max = f64::from(l.max);
    let rule = leaf_rule(u64::from(l.rule), max);
    let reversed = l.lower_is_better && reversible(&rule);
    leaf_node(&format!("L{no}"), parent, rule, max, l.weight, reversed)
}

fn build(spec: &FrameworkSpec) -> FrameworkDef {
    let mut def = FrameworkDef::new("prop", "Thử nghiệm", "Property test");
    def.missing = if spec.renormalise {
        MissingPolicy::Renormalise
    } else {
        MissingPolicy::Zero
    };
    def.aggregate = if spec.mean_root {
        Aggregator::WeightedMean
    } else {
        Aggregator::PointsSum
    };
    let mut leaf_no = 0;
    let mut tops = Vec::new();
    for (g, (h, children)) in spec.groups.iter().enumerate() {
        let code = format!("G{g}");
        def.nodes.push(group(&code, None, h));
        tops.push(code.clone());
        for (c, child) in children.iter().enumerate() {
            match child {
                ChildSpec::Leaf(l) => def.nodes.push(leaf(&mut leaf_no, &code, l)),
                ChildSpec::Sub(sh, leaves) => {
                    let sub = format!("{code}.{c}");
                    def.nodes.push(group(&sub, Some(&code), sh));
                    for l in leaves {
                        def.nodes.push(leaf(&mut leaf_no, &sub, l));
                    }
                }
            }
        }
    }
    // Views over disjoint runs of top-level groups.
    let mut start = 0;
    for &len in &spec.views {
        if start + len > tops.len() {
            break;
        }
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

/// A cohort for `fw`: per unit and leaf, whether it is reported and the draw its valid value
/// comes from (cohort-relative leaves are always reported, so no column has a zero range).
fn cohort(fw: &Framework, draws: &[Vec<(bool, u64)>]) -> Vec<UnitRecord> {
    let leaves: Vec<_> = fw.leaves().cloned().collect();
    draws
        .iter()
        .enumerate()
        .map(|(u, row)| {
            let mut rec = UnitRecord::new(&format!("U{u}"));
            for (leaf, &(reported, draw)) in leaves.iter().zip(row) {
                let rule = leaf.rule.clone().unwrap_or_default();
                if rule.is_cohort_relative() || reported {
                    rec = rec.value(&leaf.code, gen_value(&mut Rng(draw), &rule));
                }
            }
            rec
        })
        .collect()
}

/// Drawn cases: a framework (cohort-relative rules allowed when `cohort_relative`) and 2–11
/// units reporting about 85 % of their leaves.
fn cases(cohort_relative: bool) -> impl Strategy<Value = Case> {
    framework_spec(cohort_relative).prop_flat_map(|spec| {
        let fw = Framework::new(build(&spec))
            .unwrap_or_else(|e| panic!("generated framework invalid: {e}"));
        let n = fw.leaves().count();
        let entry = (prop::bool::weighted(0.85), any::<u64>());
        let rows = prop::collection::vec(prop::collection::vec(entry, n), 2..12);
        (Just(fw), rows).prop_map(|(fw, rows)| {
            let units = cohort(&fw, &rows);
            Case { fw, units }
        })
    })
}

/// Cases with and without cohort-relative rules.
fn any_case() -> impl Strategy<Value = Case> {
    any::<bool>().prop_flat_map(cases)
}

fn score(fw: &Framework, units: &[UnitRecord]) -> CohortScores {
    fw.score(units)
        .unwrap_or_else(|e| panic!("scoring valid input failed: {e}"))
}

const EPS: f64 = 1e-12;

/// Every (value, points, max) of a unit: the total, each node and each view.
fn all_scores(s: &CohortScores, u: usize) -> Vec<(Option<f64>, Option<f64>, Option<f64>)> {
    let unit = &s.units[u];
    std::iter::once((unit.value, unit.points, unit.max_points))
        .chain(unit.nodes.iter().map(|n| (n.value, n.points, n.max_points)))
        .chain(unit.views.iter().map(|v| (v.value, v.points, v.max_points)))
        .collect()
}

fn raise(rule: &Rule, v: &Value) -> Option<Value> {
    Some(match (rule, v) {
        (Rule::Value, Value::Number(x)) if *x < 1.0 => Value::Number(x + (1.0 - x) / 2.0),
        (
            Rule::Ratio,
            Value::Ratio {
                numerator,
                denominator,
            },
        ) if numerator < denominator => Value::Ratio {
            numerator: numerator + 1.0,
            denominator: *denominator,
        },
        (Rule::Percent, Value::Number(p)) if *p < 100.0 => Value::Number((p + 10.0).min(100.0)),
        (Rule::Steps { .. }, Value::Number(x)) => Value::Number(x + 1.0),
        (Rule::Levels { .. }, Value::Label(l)) if l != "a" => {
            Value::Label(if l == "c" { "b" } else { "a" }.into())
        }
        (Rule::YesNo, Value::Bool(false)) => Value::Bool(true),
        (Rule::Normalised { .. }, Value::Number(x)) => Value::Number(x + 7.5),
        _ => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn values_and_points_stay_within_bounds(c in any_case()) {
        let Case { fw, units } = c;
        let s = score(&fw, &units);
        for u in 0..s.units.len() {
            for (v, p, m) in all_scores(&s, u) {
                if let Some(v) = v {
                    prop_assert!((-EPS..=1.0 + EPS).contains(&v), "value {v} outside [0, 1]");
                }
                if let (Some(p), Some(m)) = (p, m) {
                    prop_assert!(p >= -EPS && p <= m * (1.0 + EPS) + EPS, "points {p} outside [0, {m}]");
                }
            }
        }
    }

    #[test]
    fn raising_an_indicator_moves_scores_its_way(c in any_case(), pick in any::<u64>()) {
        let Case { fw, mut units } = c;
        let before = score(&fw, &units);
        let u = (pick % units.len() as u64) as usize;
        let leaves: Vec<_> = fw.leaves().cloned().collect();
        let leaf = &leaves[(pick / 7 % leaves.len() as u64) as usize];
        let rule = leaf.rule.clone().unwrap_or_default();
        let Some(Entry::Plain(v)) = units[u].values.get(&leaf.code).cloned() else { return Ok(()) };
        let Some(up) = raise(&rule, &v) else { return Ok(()) };
        units[u].values.insert(leaf.code.clone(), Entry::Plain(up));
        let after = score(&fw, &units);
        let d = f64::from(leaf.direction);
        for ((b, _, _), (a, _, _)) in all_scores(&before, u).into_iter().zip(all_scores(&after, u)) {
            if let (Some(b), Some(a)) = (b, a) {
                prop_assert!(d * (a - b) >= -1e-9, "{} raised with direction {d}: {b} → {a}", leaf.code);
            }
        }
    }

    #[test]
    fn ranks_are_competition_ranks(c in any_case()) {
        let Case { fw, units } = c;
        let s = score(&fw, &units);
        let columns = all_scores(&s, 0).len();
        let ranks = |u: usize| -> Vec<Option<u32>> {
            let unit = &s.units[u];
            std::iter::once(unit.rank)
                .chain(unit.nodes.iter().map(|n| n.rank))
                .chain(unit.views.iter().map(|v| v.rank))
                .collect()
        };
        for c in 0..columns {
            let vals: Vec<Option<f64>> = (0..s.units.len()).map(|u| all_scores(&s, u)[c].0).collect();
            for u in 0..s.units.len() {
                let r = ranks(u)[c];
                match vals[u] {
                    None => prop_assert_eq!(r, None),
                    Some(v) => {
                        // 1 + the number of units strictly better (beyond float noise).
                        let better = vals.iter().flatten().filter(|&&w| w - v > 1e-12 * w.abs().max(v.abs())).count();
                        prop_assert_eq!(r, Some(better as u32 + 1));
                    }
                }
            }
        }
    }

    #[test]
    fn unit_order_and_ids_do_not_change_scores(c in any_case(), rot in any::<usize>()) {
        let Case { fw, units } = c;
        let s = score(&fw, &units);
        let k = rot % units.len();
        let mut moved: Vec<UnitRecord> = units.clone();
        moved.rotate_left(k);
        moved.reverse();
        for r in &mut moved {
            r.unit = format!("renamed-{}", r.unit.len() * 31 + r.unit.as_bytes()[1] as usize);
        }
        let t = score(&fw, &moved);
        let n = units.len();
        for u in 0..n {
            // Original u sits at position p after rotate_left(k) then reverse.
            let p = n - 1 - (u + n - k) % n;
            prop_assert_eq!(all_scores(&s, u), all_scores(&t, p));
            prop_assert_eq!(s.units[u].rank, t.units[p].rank);
        }
    }

    #[test]
    fn json_and_toml_round_trips_are_exact(c in any_case()) {
        let Case { fw, units } = c;
        prop_assert_eq!(&Framework::from_json(&fw.to_json()).unwrap(), &fw);
        prop_assert_eq!(&Framework::from_toml(&fw.to_toml()).unwrap(), &fw);
        let units_back: Vec<UnitRecord> = serde_json::from_str(&serde_json::to_string(&units).unwrap()).unwrap();
        prop_assert_eq!(&units_back, &units);
        let s = score(&fw, &units);
        let back: CohortScores = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn cohort_equals_one_by_one_without_cohort_relative_rules(c in cases(false)) {
        let Case { fw, units } = c;
        prop_assert!(!fw.is_cohort_relative());
        let s = score(&fw, &units);
        for (u, rec) in units.iter().enumerate() {
            let alone = score(&fw, std::slice::from_ref(rec));
            prop_assert_eq!(all_scores(&s, u), all_scores(&alone, 0));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn explanation_contributions_add_up_to_the_total(c in any_case()) {
        let Case { fw, units } = c;
        let s = fw.score_with(&units, &ScoreOptions::default()).expect("valid");
        for unit in &s.units {
            let total = if unit.points.is_some() { unit.points } else { unit.value };
            let Some(total) = total else { continue };
            let sum: f64 = unit
                .explanation
                .as_ref()
                .expect("explained")
                .leaves
                .iter()
                .filter_map(|l| l.contribution)
                .sum();
            prop_assert!(
                (sum - total).abs() <= 1e-9 * total.abs().max(1.0),
                "unit {}: contributions {sum} vs total {total}",
                unit.unit
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn effective_weights_of_the_leaves_sum_to_one(c in any_case()) {
        let fw = c.fw;
        let sum: f64 = fw
            .effective_weights()
            .iter()
            .filter(|w| fw.is_leaf(&w.code) == Some(true))
            .map(|w| w.weight)
            .sum();
        prop_assert!((sum - 1.0).abs() < 1e-9, "sum {sum}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_empty_scenario_reproduces_the_baseline(c in any_case()) {
        let Case { fw, units } = c;
        let (fw2, units2) = dti_core::analyses::Scenario::default().apply(&fw, &units).unwrap();
        prop_assert_eq!(&fw2, &fw);
        prop_assert_eq!(score(&fw2, &units2), score(&fw, &units));
    }
}

/// The numbers a careless or hostile file can hold: the extremes of f64 and values around
/// them.
fn extreme() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::MAX),
        Just(-f64::MAX),
        Just(1e308),
        Just(-1e308),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        -1e300..1e300f64,
        -10.0..10.0f64,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Invariant over extreme values, weights and max points: scoring either fails with an
    /// error or gives only finite numbers, and ranks exactly the units that have a value.
    #[test]
    fn no_nan_or_infinity_reaches_an_output(
        values in proptest::collection::vec((extreme(), extreme()), 2..8),
        weights in (extreme(), extreme()),
        method in 0usize..6,
        normaliser in 0usize..4,
        points in any::<bool>(),
    ) {
        let norm = ["{\"method\": \"min_max\"}", "{\"method\": \"z_score\"}", "{\"method\": \"none\"}",
                    "{\"method\": \"fraction_of_max\"}"][normaliser];
        let agg = ["weighted_mean", "geometric_mean", "harmonic_mean", "weighted_median",
                   "generalised_mean\", \"p\": 3", "copeland"][method];
        let (wa, wb) = (weights.0.abs(), weights.1.abs());
        let json = if points {
            format!(r#"{{"schema_version": 1, "id": "x", "name_vi": "X", "nodes": [
                {{"code": "A", "name_vi": "A", "max_points": {wa:e}}},
                {{"code": "B", "name_vi": "B", "max_points": {wb:e}}}]}}"#)
        } else {
            format!(r#"{{"schema_version": 1, "id": "x", "name_vi": "X", "aggregate": {{"method": "{agg}}},
                "missing": "renormalise", "nodes": [
                {{"code": "A", "name_vi": "A", "weight": {wa:e}, "rule": {{"type": "normalised", "normaliser": {norm}}}}},
                {{"code": "B", "name_vi": "B", "weight": {wb:e}, "rule": {{"type": "normalised", "normaliser": {norm}}}}}]}}"#)
        };
        let Ok(fw) = Framework::from_json(&json) else {
            return Ok(()); // refused at validation (an overflowing sum, weights all 0 …)
        };
        let units: Vec<UnitRecord> = values
            .iter()
            .enumerate()
            .map(|(k, (a, b))| UnitRecord::new(&format!("U{k}")).value("A", *a).value("B", *b))
            .collect();
        for lenient in [false, true] {
            let opts = ScoreOptions::default().lenient(lenient);
            let Ok(s) = fw.score_with(&units, &opts) else { continue };
            for (k, u) in s.units.iter().enumerate() {
                for (v, p, m) in all_scores(&s, k) {
                    for x in [v, p, m].into_iter().flatten() {
                        prop_assert!(x.is_finite(), "{}: {x} in {json}", u.unit);
                    }
                }
                prop_assert_eq!(u.rank.is_some(), u.value.is_some(), "{} ranked without a value", u.unit);
                for n in &u.nodes {
                    prop_assert_eq!(n.rank.is_some(), n.value.is_some(), "{} {}", u.unit, n.code);
                }
            }
        }
    }
}

/// Values that stress the rank sort: a few bases, each nudged by a few units in the last
/// place (so keys share their high bits), exact repeats, ±0, infinities and NaN.
fn clustered_column() -> impl Strategy<Value = Vec<f64>> {
    let base = prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(-3.5),
        // Half-way at 4 and at 0 decimals: the rounded tie rule's hard cases.
        Just(0.63495),
        Just(0.00035),
        Just(0.00045),
        Just(2.5),
        Just(-0.00005),
        Just(1e300),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::NAN),
        -1e6..1e6f64,
    ];
    prop::collection::vec((base, -40i64..40), 0..300).prop_map(|v| {
        v.into_iter()
            .map(|(b, ulps)| {
                if !b.is_finite() || b == 0.0 {
                    b
                } else {
                    f64::from_bits((b.to_bits() as i64 + ulps) as u64)
                }
            })
            .collect()
    })
}

/// `v` shown with `d` decimals, rounded half away from zero on its exact decimal expansion
/// (an f64 has at most 1074 decimals): the digits of the whole number v·10^d, with a sign
/// unless it is 0.
fn shown(v: f64, d: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let exact = format!("{:.1100}", v.abs());
    let (int, frac) = exact.split_once('.').unwrap();
    let mut digits: Vec<u8> = format!("{int}{}", &frac[..d])
        .bytes()
        .map(|c| c - b'0')
        .collect();
    if frac.as_bytes()[d] >= b'5' {
        let mut k = digits.len();
        loop {
            if k == 0 {
                digits.insert(0, 1);
                break;
            }
            k -= 1;
            if digits[k] == 9 {
                digits[k] = 0;
            } else {
                digits[k] += 1;
                break;
            }
        }
    }
    let n: String = digits.iter().map(|x| char::from(b'0' + x)).collect();
    let n = n.trim_start_matches('0');
    match (n.is_empty(), v < 0.0) {
        (true, _) => "0".to_owned(),
        (false, true) => format!("-{n}"),
        (false, false) => n.to_owned(),
    }
}

/// Competition ranks (descending) by a plain comparison sort: the rule the engine's packed
/// integer sort must reproduce exactly, ties chained in sorted order.
fn reference_ranks(
    value: &[f64],
    members: &[usize],
    ties: dti_core::methods::Ties,
) -> Vec<(usize, u32)> {
    use dti_core::methods::Ties;
    let mut order: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&u| !value[u].is_nan())
        .collect();
    order.sort_by(|&a, &b| value[b].total_cmp(&value[a]));
    let tied = |a: f64, b: f64| match ties {
        Ties::Exact => a == b,
        Ties::Tolerance(rel) => a == b || (a - b).abs() <= rel * a.abs().max(b.abs()),
        Ties::Auto => a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()),
        // As a published table shows them: rounded half away from zero (as a spreadsheet's
        // ROUND), by hand on the exact decimal expansion; −0.0000 is 0.0000.
        Ties::Rounded(d) => shown(a, d as usize) == shown(b, d as usize),
    };
    let mut out = Vec::new();
    let mut rank = 1;
    for (at, &u) in order.iter().enumerate() {
        if at > 0 {
            let p = order[at - 1];
            if value[u].to_bits() != value[p].to_bits() && !tied(value[u], value[p]) {
                rank = at as u32 + 1;
            }
        }
        out.push((u, rank));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn ranks_are_the_comparison_sorts_ranks(
        value in clustered_column(),
        split in any::<u64>(),
        ties in prop_oneof![
            Just(dti_core::methods::Ties::Exact),
            Just(dti_core::methods::Ties::Tolerance(1e-12)),
            Just(dti_core::methods::Ties::Tolerance(1e-15)),
            Just(dti_core::methods::Ties::Rounded(4)),
            Just(dti_core::methods::Ties::Rounded(0)),
        ],
    ) {
        // Two groups of interleaved positions (a period split), and one position left out.
        let n = value.len();
        let mut groups: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        for u in 0..n.saturating_sub(1) {
            groups[((split >> (u % 64)) & 1) as usize].push(u);
        }
        let got = dti_core::engine::rank_within_by(&value, groups.iter().map(Vec::as_slice), ties);
        let mut want = vec![None; n];
        for g in &groups {
            for (u, r) in reference_ranks(&value, g, ties) {
                want[u] = Some(r);
            }
        }
        prop_assert_eq!(got, want);
    }
}
