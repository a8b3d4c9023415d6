//! Property tests: invariants a user relies on, over random frameworks and cohorts.
//!
//! Each case draws a seed; a small deterministic generator turns it into a framework (random
//! tree of depth 2–3, every rule type, both directions, points sums and weighted means,
//! policies `zero` and `renormalise`, views) and a cohort of valid inputs. proptest keeps
//! failing seeds in `proptest-regressions/`.

use dti_core::{model::Rule, CohortScores, Entry, Framework, ScoreOptions, UnitRecord, Value};
use dti_tests::{gen_framework, gen_value, Rng};
use proptest::prelude::*;

fn gen_units(rng: &mut Rng, fw: &Framework, m: usize) -> Vec<UnitRecord> {
    (0..m)
        .map(|u| {
            let mut rec = UnitRecord::new(&format!("U{u}"));
            for leaf in fw.leaves() {
                let rule = leaf.rule.clone().unwrap_or_default();
                // Cohort-relative leaves are always reported, so no column has a zero range.
                if rule.is_cohort_relative() || rng.chance(0.85) {
                    rec = rec.value(&leaf.code, gen_value(rng, &rule));
                }
            }
            rec
        })
        .collect()
}

fn case(seed: u64, cohort_relative: bool) -> (Framework, Vec<UnitRecord>) {
    let mut rng = Rng(seed);
    let def = gen_framework(&mut rng, cohort_relative);
    let fw = Framework::new(def).unwrap_or_else(|e| panic!("generated framework invalid: {e}"));
    let m = 2 + rng.below(10) as usize;
    let units = gen_units(&mut rng, &fw, m);
    (fw, units)
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
    fn values_and_points_stay_within_bounds(seed in any::<u64>(), rel in any::<bool>()) {
        let (fw, units) = case(seed, rel);
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
    fn raising_an_indicator_moves_scores_its_way(seed in any::<u64>(), rel in any::<bool>(), pick in any::<u64>()) {
        let (fw, mut units) = case(seed, rel);
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
    fn ranks_are_competition_ranks(seed in any::<u64>(), rel in any::<bool>()) {
        let (fw, units) = case(seed, rel);
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
    fn unit_order_and_ids_do_not_change_scores(seed in any::<u64>(), rel in any::<bool>(), rot in any::<usize>()) {
        let (fw, units) = case(seed, rel);
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
    fn json_and_toml_round_trips_are_exact(seed in any::<u64>(), rel in any::<bool>()) {
        let (fw, units) = case(seed, rel);
        prop_assert_eq!(&Framework::from_json(&fw.to_json()).unwrap(), &fw);
        prop_assert_eq!(&Framework::from_toml(&fw.to_toml()).unwrap(), &fw);
        let units_back: Vec<UnitRecord> = serde_json::from_str(&serde_json::to_string(&units).unwrap()).unwrap();
        prop_assert_eq!(&units_back, &units);
        let s = score(&fw, &units);
        let back: CohortScores = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn cohort_equals_one_by_one_without_cohort_relative_rules(seed in any::<u64>()) {
        let (fw, units) = case(seed, false);
        prop_assert!(!fw.is_cohort_relative());
        let s = score(&fw, &units);
        for (u, rec) in units.iter().enumerate() {
            let alone = score(&fw, std::slice::from_ref(rec));
            prop_assert_eq!(all_scores(&s, u), all_scores(&alone, 0));
        }
    }
}

#[test]
fn explanation_contributions_add_up_to_the_total() {
    for seed in 0..200u64 {
        let (fw, units) = case(seed, seed % 2 == 0);
        let s = fw
            .score_with(&units, &ScoreOptions::default())
            .expect("valid");
        for unit in &s.units {
            let total = if unit.points.is_some() {
                unit.points
            } else {
                unit.value
            };
            let Some(total) = total else { continue };
            let sum: f64 = unit
                .explanation
                .as_ref()
                .expect("explained")
                .leaves
                .iter()
                .filter_map(|l| l.contribution)
                .sum();
            assert!(
                (sum - total).abs() <= 1e-9 * total.abs().max(1.0),
                "seed {seed}, unit {}: contributions {sum} vs total {total}",
                unit.unit
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn effective_weights_of_the_leaves_sum_to_one(seed in any::<u64>(), rel in any::<bool>()) {
        let (fw, _) = case(seed, rel);
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
    fn the_empty_scenario_reproduces_the_baseline(seed in any::<u64>(), rel in any::<bool>()) {
        let (fw, units) = case(seed, rel);
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
            let opts = ScoreOptions { lenient, ..ScoreOptions::default() };
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
