//! Scenarios, comparisons, target seeking, uncertainty and sensitivity analysis.

use dti_core::{
    compare, leave_one_out, saltelli_matrices, seek_target, sensitivity, sobol_indices,
    uncertainty, uncertainty_design, AnalysisError, Design, Framework, Goal, Scenario,
    ScenarioError, SensitivitySpec, UncertaintySpec, UnitRecord,
};
use dti_tests::{fixture, read};
use proptest::prelude::*;

fn panel_2023() -> (Framework, Vec<UnitRecord>) {
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let units: Vec<UnitRecord> =
        serde_json::from_str(&read(&fixture("vn-provinces-synthetic/panel.json"))).unwrap();
    (
        fw,
        units
            .into_iter()
            .filter(|u| u.period == Some(2023))
            .collect(),
    )
}

/// A weighted-mean view of the panel so that weights matter.
fn weighted_panel() -> (Framework, Vec<UnitRecord>) {
    let (fw, units) = panel_2023();
    let mut def = fw.into_def();
    def.id = "weighted".into();
    def.aggregate = dti_core::Aggregator::WeightedMean;
    def.scale = None;
    def.views.clear();
    for n in &mut def.nodes {
        n.max_points = None;
        if n.code == "SMART" {
            n.weight = Some(0.0);
        }
    }
    (Framework::new(def).unwrap(), units)
}

fn spec(json: &str) -> UncertaintySpec {
    serde_json::from_str(json).unwrap()
}

// ---- scenarios ---------------------------------------------------------------------------

#[test]
fn scenario_changes_values_points_and_structure() {
    let (fw, units) = panel_2023();
    let base = fw.score(&units).unwrap();
    let hn = base.unit("ha-noi", Some(2023)).unwrap();
    let gov = hn.node("GOV").unwrap().value.unwrap();

    // Set, add and scale values.
    let s: Scenario = serde_json::from_str(
        r#"{"values": [
            {"unit": "ha-noi", "indicator": "GOV", "op": "set", "value": 1.0},
            {"unit": "ha-noi", "indicator": "ECO", "op": "scale", "by": 0.5},
            {"unit": "ha-noi", "period": 2023, "indicator": "SOC", "op": "add", "by": -0.1}]}"#,
    )
    .unwrap();
    let (fw2, units2) = s.apply(&fw, &units).unwrap();
    let after = fw2.score(&units2).unwrap();
    let hn2 = after.unit("ha-noi", Some(2023)).unwrap();
    let eco = hn.node("ECO").unwrap().value.unwrap();
    let soc = hn.node("SOC").unwrap().value.unwrap();
    let expected = hn.points.unwrap() + (1.0 - gov) * 200.0 - eco / 2.0 * 150.0 - 0.1 * 150.0;
    assert!((hn2.points.unwrap() - expected).abs() < 1e-9);
    assert!((hn2.node("SOC").unwrap().value.unwrap() - (soc - 0.1)).abs() < 1e-12);

    // New points for the activity indicators: GOV 300, ECO 100, SOC 100 (still 1000).
    let s: Scenario =
        serde_json::from_str(r#"{"max_points": {"GOV": 300, "ECO": 100, "SOC": 100}}"#).unwrap();
    let (fw3, _) = s.apply(&fw, &units).unwrap();
    assert_eq!(fw3.max_points(), Some(1000.0));
    let p = fw3
        .score(&units)
        .unwrap()
        .unit("ha-noi", Some(2023))
        .unwrap()
        .points
        .unwrap();
    let want = hn.points.unwrap() + gov * 100.0 - eco * 50.0 - soc * 50.0;
    assert!((p - want).abs() < 1e-9);

    // Dropping a main indicator takes its points out of the total: 900.
    let s: Scenario = serde_json::from_str(r#"{"drop": ["SEC"]}"#).unwrap();
    let (fw4, units4) = s.apply(&fw, &units).unwrap();
    assert_eq!(fw4.max_points(), Some(900.0));
    assert!(fw4.node("SEC").is_none());
    assert!(units4.iter().all(|u| !u.values.contains_key("SEC")));
    let p = fw4
        .score(&units4)
        .unwrap()
        .unit("ha-noi", Some(2023))
        .unwrap()
        .points
        .unwrap();
    let sec = hn.node("SEC").unwrap().points.unwrap();
    assert!((p - (hn.points.unwrap() - sec)).abs() < 1e-9);
}

#[test]
fn scenario_errors_name_what_is_wrong() {
    let (fw, units) = panel_2023();
    let bad = |json: &str| {
        let s: Scenario = serde_json::from_str(json).unwrap();
        s.apply(&fw, &units).unwrap_err()
    };
    assert_eq!(
        bad(r#"{"values": [{"unit": "atlantis", "indicator": "GOV", "op": "set", "value": 1}]}"#),
        ScenarioError::UnknownUnit {
            unit: "atlantis".into(),
            period: None
        }
    );
    assert_eq!(
        bad(r#"{"weights": {"NOPE": 2}}"#),
        ScenarioError::UnknownNode {
            node: "NOPE".into()
        }
    );
    assert!(matches!(
        bad(
            r#"{"values": [{"unit": "ha-noi", "indicator": "SMART", "op": "add", "by": 1}], "drop": ["SMART"]}"#
        ),
        ScenarioError::NotNumeric { .. }
    ));
    // GOV 300 alone breaks the 1000-point total of A (500) … the framework says so.
    assert!(matches!(
        bad(r#"{"max_points": {"GOV": 300}, "scale": 1000}"#),
        ScenarioError::Framework(_)
    ));
}

// ---- comparison and targets --------------------------------------------------------------

#[test]
fn comparison_reports_shifts_and_rank_agreement() {
    let (fw, units) = panel_2023();
    let base = fw.score(&units).unwrap();
    // Swap the first two provinces' values: their ranks swap, everyone else stays.
    let first = base
        .units
        .iter()
        .find(|u| u.rank == Some(1))
        .unwrap()
        .unit
        .clone();
    let second = base
        .units
        .iter()
        .find(|u| u.rank == Some(2))
        .unwrap()
        .unit
        .clone();
    let mut swapped = units.clone();
    let (i, j) = (
        swapped.iter().position(|u| u.unit == first).unwrap(),
        swapped.iter().position(|u| u.unit == second).unwrap(),
    );
    let vi = swapped[i].values.clone();
    swapped[i].values = swapped[j].values.clone();
    swapped[j].values = vi;
    let other = fw.score(&swapped).unwrap();
    let cmp = compare(&[&base, &other]);
    let s = &cmp.summaries[0];
    assert_eq!((s.units, s.changed), (63, 2));
    assert!((s.mean_abs_rank_shift - 2.0 / 63.0).abs() < 1e-12);
    assert_eq!(s.top_k[0], (3, 1.0));
    // Kendall: one discordant pair of 63·62/2.
    let pairs = 63.0 * 62.0 / 2.0;
    assert!((s.kendall.unwrap() - (pairs - 2.0) / pairs).abs() < 1e-12);
    let uc = cmp.units.iter().find(|u| u.unit == first).unwrap();
    assert_eq!(uc.index.as_ref().unwrap().rank_shifts, [Some(0), Some(1)]);
}

#[test]
fn target_seeking_finds_the_cheapest_indicator_or_says_unreachable() {
    let (fw, units) = panel_2023();
    let base = fw.score(&units).unwrap();
    let last = base.units.iter().max_by_key(|u| u.rank).unwrap();
    // Reaching rank 1 from last place with one indicator is not possible here.
    let t = seek_target(&fw, &units, &last.unit, Some(2023), None, Goal::Rank(1)).unwrap();
    assert!(t.to.is_none());
    // Ten more points are reachable through any indicator with room: the cheapest needs 10.
    let goal = last.value.unwrap() + 0.01;
    let t = seek_target(&fw, &units, &last.unit, Some(2023), None, Goal::Value(goal)).unwrap();
    assert!((t.points.unwrap() - 10.0).abs() < 1e-6, "{t:?}");
    assert!(t.value_after.unwrap() >= goal - 1e-12);
    assert!(seek_target(&fw, &units, "atlantis", None, None, Goal::Rank(1)).is_err());
    assert!(seek_target(
        &fw,
        &units,
        &last.unit,
        Some(2023),
        Some("F"),
        Goal::Rank(1)
    )
    .is_err());
}

// ---- uncertainty -------------------------------------------------------------------------

#[test]
fn zero_noise_gives_every_unit_its_nominal_rank() {
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 50, "seed": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.0}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    for u in &r.units {
        let nominal = u.nominal_rank.map(f64::from);
        assert_eq!(
            (u.rank_p05, u.rank_p95, u.median_rank),
            (nominal, nominal, nominal),
            "{}",
            u.unit
        );
    }
}

#[test]
fn noise_widens_intervals_and_seeds_reproduce() {
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 300, "seed": 11, "keep_draws": true, "inputs": [
        {"name": "w", "kind": "weight_noise", "factor": 0.25},
        {"name": "norm", "kind": "normaliser", "alternatives": [{"method": "none"}, {"method": "percentile_rank"}]}]}"#,
    );
    // The 2022 leaves take values directly: make them normalised for this study.
    let mut def = fw.def().clone();
    for n in &mut def.nodes {
        if n.rule.is_some() || fw.is_leaf(&n.code) == Some(true) {
            n.rule = Some(dti_core::Rule::Normalised { normaliser: None });
        }
    }
    def.normaliser = Some(dti_core::Normaliser::Identity);
    let fw = Framework::new(def).unwrap();
    let a = uncertainty(&fw, &units, &s, None).unwrap();
    let b = uncertainty(&fw, &units, &s, None).unwrap();
    assert_eq!(a, b, "same seed, same results");
    assert!(a.units.iter().any(|u| u.rank_p95 > u.rank_p05));
    for u in &a.units {
        assert!(u.rank_p05 <= u.median_rank && u.median_rank <= u.rank_p95);
        assert!(u.value_p05 <= u.value_p95);
    }
    // The exported draws, fed back as a design, reproduce every run.
    let draws = a.draws.clone().unwrap();
    let design = Design {
        rows: draws
            .choices
            .iter()
            .map(|row| {
                draws
                    .inputs
                    .iter()
                    .cloned()
                    .zip(row.iter().cloned())
                    .collect()
            })
            .collect(),
    };
    let c = uncertainty_design(&fw, &units, &s, &design, None).unwrap();
    assert_eq!(c.draws.unwrap().ranks, draws.ranks);
    // Another seed gives other draws.
    let mut s2 = s.clone();
    s2.seed = 12;
    assert_ne!(
        uncertainty(&fw, &units, &s2, None)
            .unwrap()
            .draws
            .unwrap()
            .ranks,
        draws.ranks
    );
}

#[test]
fn results_are_identical_on_one_and_many_threads() {
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 400, "seed": 5, "keep_draws": true, "inputs": [
        {"name": "w", "kind": "weight_noise", "factor": 0.3},
        {"name": "agg", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "geometric_mean"}]}]}"#,
    );
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let a = one.install(|| uncertainty(&fw, &units, &s, None)).unwrap();
    let b = many.install(|| uncertainty(&fw, &units, &s, None)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn progress_is_reported_and_can_cancel() {
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 1000, "seed": 2, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#,
    );
    let seen = std::sync::Mutex::new(Vec::new());
    let log = |done: usize, total: usize| {
        seen.lock().unwrap().push((done, total));
        true
    };
    uncertainty(&fw, &units, &s, Some(&log)).unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().any(|&(d, t)| d == 1000 && t == 1000));
    let stop = |done: usize, _: usize| done < 200;
    assert_eq!(
        uncertainty(&fw, &units, &s, Some(&stop)).unwrap_err(),
        AnalysisError::Cancelled
    );
}

#[test]
fn bad_specs_and_designs_are_named() {
    let (fw, units) = weighted_panel();
    let err = uncertainty(
        &fw,
        &units,
        &spec(r#"{"runs": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 1.5}]}"#),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, AnalysisError::Spec { ref input, .. } if input == "w"),
        "{err}"
    );
    let err = uncertainty(&fw, &units, &spec(r#"{"runs": 1, "inputs": [{"name": "ws", "kind": "weight_set", "alternatives": ["nope"]}]}"#), None).unwrap_err();
    assert!(err.to_string().contains("no weight set 'nope'"), "{err}");
    let s = spec(
        r#"{"inputs": [{"name": "agg", "kind": "aggregator", "alternatives": [{"method": "weighted_mean"}, {"method": "weighted_median"}]}]}"#,
    );
    let design: Design =
        serde_json::from_str(r#"{"rows": [{"agg": 0}, {"agg": "copeland"}]}"#).unwrap();
    let err = uncertainty_design(&fw, &units, &s, &design, None).unwrap_err();
    assert!(matches!(err, AnalysisError::Design { row: 1, .. }), "{err}");
}

// ---- sensitivity -------------------------------------------------------------------------

/// Ishigami: y = sin x1 + a sin² x2 + b x3⁴ sin x1, x ~ U(−π, π), a = 7, b = 0.1.
/// Analytic: S1 0.3139, S2 0.4424, S3 0; ST1 0.5576, ST2 0.4424, ST3 0.2437.
#[test]
fn sobol_estimators_recover_the_ishigami_indices() {
    let n = 40_000;
    let (a, b) = saltelli_matrices(n, 3, 2024);
    let pi = std::f64::consts::PI;
    let f = |u: &[f64]| {
        let x: Vec<f64> = u.iter().map(|v| -pi + 2.0 * pi * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    };
    let ya: Vec<f64> = a.iter().map(|u| f(u)).collect();
    let yb: Vec<f64> = b.iter().map(|u| f(u)).collect();
    let yab: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            a.iter()
                .zip(&b)
                .map(|(ua, ub)| {
                    let mut u = ua.clone();
                    u[i] = ub[i];
                    f(&u)
                })
                .collect()
        })
        .collect();
    let s = sobol_indices(&ya, &yb, &yab);
    let want = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
    for (i, ((s1, st), (w1, wt))) in s.iter().zip(want).enumerate() {
        assert!((s1 - w1).abs() < 0.03, "S{} = {s1}, want {w1}", i + 1);
        assert!((st - wt).abs() < 0.03, "ST{} = {st}, want {wt}", i + 1);
    }
}

#[test]
fn a_linear_model_has_its_squared_normalised_coefficients() {
    // y = x1 + 2 x2 + 3 x3 with x ~ U(0, 1): Sᵢ = STᵢ = cᵢ²/Σc² = 1/14, 4/14, 9/14.
    let n = 20_000;
    let (a, b) = saltelli_matrices(n, 3, 99);
    let f = |u: &[f64]| u[0] + 2.0 * u[1] + 3.0 * u[2];
    let ya: Vec<f64> = a.iter().map(|u| f(u)).collect();
    let yb: Vec<f64> = b.iter().map(|u| f(u)).collect();
    let yab: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            a.iter()
                .zip(&b)
                .map(|(ua, ub)| {
                    let mut u = ua.clone();
                    u[i] = ub[i];
                    f(&u)
                })
                .collect()
        })
        .collect();
    for ((s1, st), c) in sobol_indices(&ya, &yb, &yab)
        .into_iter()
        .zip([1.0, 4.0, 9.0])
    {
        assert!(
            (s1 - c / 14.0).abs() < 0.03 && (st - c / 14.0).abs() < 0.03,
            "{s1} {st} vs {}",
            c / 14.0
        );
    }
}

#[test]
fn sensitivity_of_a_ranking_to_weights_and_aggregation() {
    let (fw, units) = weighted_panel();
    let s: SensitivitySpec = serde_json::from_str(
        r#"{"n": 200, "seed": 3, "bootstrap": 50, "inputs": [
        {"name": "weights", "kind": "weight_noise", "depth": 2, "factor": 0.25},
        {"name": "aggregation", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "geometric_mean"}]},
        {"name": "top-weights", "kind": "weight_noise", "depth": 1, "factor": 0.0}]}"#,
    )
    .unwrap();
    let r = sensitivity(&fw, &units, &s, None).unwrap();
    assert_eq!(r.runs, 200 * 5);
    // An input that changes nothing has zero indices.
    let none = &r.indices[2];
    assert_eq!((none.first_order, none.total), (0.0, 0.0));
    for ix in &r.indices {
        let (lo, hi) = ix.total_ci.unwrap();
        assert!(lo <= hi);
    }
    assert!(r.variance > 0.0);
}

#[test]
fn leave_one_out_on_the_panel() {
    let (fw, units) = panel_2023();
    let loo = leave_one_out(&fw, &units, 2).unwrap();
    assert_eq!(loo.components.len(), 9);
    // Smart city is worth 0 points: leaving it out changes nothing.
    let smart = loo.components.iter().find(|c| c.code == "SMART").unwrap();
    assert_eq!(smart.mean_abs_rank_shift, 0.0);
    assert!(loo.components.iter().any(|c| c.mean_abs_rank_shift > 0.0));
    assert!(leave_one_out(&fw, &units, 7).is_err());
}

// ---- properties --------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_cohort_compared_with_itself_has_no_shifts(seed in any::<u64>()) {
        let (fw, units) = weighted_panel();
        let k = (seed % 40) as usize;
        let some: Vec<UnitRecord> = units[k..k + 20].to_vec();
        let s = fw.score(&some).unwrap();
        let cmp = compare(&[&s, &s]);
        let sum = &cmp.summaries[0];
        prop_assert_eq!(sum.changed, 0);
        prop_assert_eq!(sum.mean_abs_rank_shift, 0.0);
        prop_assert_eq!(sum.spearman, Some(1.0));
        prop_assert_eq!(sum.kendall, Some(1.0));
        for u in &cmp.units {
            for n in &u.nodes {
                prop_assert!(n.rank_shifts.iter().all(|x| x.is_none_or(|v| v == 0)));
            }
        }
    }

    #[test]
    fn zero_noise_interval_width_is_zero_for_any_seed(seed in any::<u64>()) {
        let (fw, units) = weighted_panel();
        let s = spec(&format!(r#"{{"runs": 20, "seed": {seed}, "inputs": [{{"name": "w", "kind": "weight_noise", "factor": 0.0}}]}}"#));
        let r = uncertainty(&fw, &units[..15], &s, None).unwrap();
        for u in &r.units {
            prop_assert_eq!(u.rank_p05, u.rank_p95);
            prop_assert_eq!(u.rank_p05, u.nominal_rank.map(f64::from));
        }
    }
}
