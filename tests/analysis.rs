//! Scenarios, comparisons, target seeking, uncertainty and sensitivity analysis.

use dti_core::{
    analyses::{
        compare, leave_one_out, saltelli_matrices, seek_target, sensitivity, sensitivity_design,
        sobol_indices, uncertainty, uncertainty_design, AnalysisError, Design, Goal, Scenario,
        ScenarioError, SensitivitySpec, UncertaintySpec,
    },
    Framework, UnitRecord,
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
    assert_eq!((s.top_k[0].k, s.top_k[0].share), (3, 1.0));
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
fn zero_noise_is_an_analysis_that_does_nothing() {
    // Noise of factor 0 leaves every run at the nominal ranking: an error naming the input,
    // not intervals of width 0 that look like a robust ranking.
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 50, "seed": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.0}]}"#,
    );
    let err = uncertainty(&fw, &units, &s, None).unwrap_err();
    assert_eq!(
        err,
        AnalysisError::NoEffect {
            inputs: vec!["w".into()]
        }
    );
    assert_eq!(err.code(), "no_effect");
    // Beside an input that has an effect, it is a warning that names it.
    let s = spec(
        r#"{"runs": 50, "seed": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.0, "depth": 2},
            {"name": "v", "kind": "weight_noise", "factor": 0.5, "depth": 1},
            {"name": "deep", "kind": "weight_noise", "factor": 0.5, "depth": 7}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("'deep' applies to no node of the framework at depth 7"));
    assert!(r.warnings[1].contains("'w' changes no unit's value"));
}

#[test]
fn two_inputs_setting_one_parameter_are_an_error() {
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 10, "inputs": [{"name": "all", "kind": "weight_noise", "factor": 0.2},
            {"name": "top", "kind": "weight_noise", "factor": 0.5, "depth": 1}]}"#,
    );
    let err = uncertainty(&fw, &units, &s, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "uncertain inputs 'all' and 'top' both set the weight noise of node 'F'"
    );
    let s = spec(
        r#"{"runs": 10, "inputs": [{"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "weighted_mean"}, {"method": "geometric_mean"}]},
            {"name": "p", "kind": "generalised_power", "depth": 1, "lo": 0.5, "hi": 2}]}"#,
    );
    let err = uncertainty(&fw, &units, &s, None).unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
    assert!(
        err.to_string()
            .contains("'agg' and 'p' both set the aggregator"),
        "{err}"
    );
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
            n.rule = Some(dti_core::model::Rule::Normalised { normaliser: None });
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

/// Each unit's summary is what its own draws give, read from the kept draws and summarised
/// here the plain way (sort, type-7 interpolation) — for more units than the summary gathers
/// in one group (128), so that units of every group, and the groups' edges, are checked.
#[test]
fn each_units_summary_is_its_draws_summarised() {
    let (fw, base) = weighted_panel();
    let units: Vec<UnitRecord> = (0..5)
        .flat_map(|k| {
            base.iter().map(move |u| {
                let mut r = UnitRecord::new(&format!("{}-{k}", u.unit));
                r.period = u.period;
                for (c, e) in &u.values {
                    if let Some(dti_core::Value::Number(x)) = e.scored() {
                        r = r.value(c, x * (1.0 + 0.01 * k as f64));
                    }
                }
                r
            })
        })
        .collect();
    assert!(units.len() > 2 * 128, "{}", units.len());
    let s = spec(
        r#"{"runs": 101, "seed": 3, "keep_draws": true, "inputs": [
        {"name": "w", "kind": "weight_noise", "factor": 0.4}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    let d = r.draws.as_ref().unwrap();
    let q7 = |x: &[f64], p: f64| {
        let h = (x.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        x[lo] + (h - lo as f64) * (x[hi] - x[lo])
    };
    assert_eq!(r.units.len(), units.len());
    for (j, u) in r.units.iter().enumerate() {
        assert_eq!(u.unit, d.units[j]);
        assert_eq!(u.unit, units[j].unit);
        let mut v: Vec<f64> = d.values.iter().filter_map(|run| run[j]).collect();
        let mut k: Vec<f64> = d
            .ranks
            .iter()
            .filter_map(|run| run[j].map(f64::from))
            .collect();
        assert_eq!((v.len(), k.len()), (101, 101), "{}", u.unit);
        v.sort_by(f64::total_cmp);
        k.sort_by(f64::total_cmp);
        assert_eq!(u.value_p05, Some(q7(&v, 0.05)), "{}", u.unit);
        assert_eq!(u.value_median, Some(q7(&v, 0.5)), "{}", u.unit);
        assert_eq!(u.value_p95, Some(q7(&v, 0.95)), "{}", u.unit);
        assert_eq!(u.rank_p05, Some(q7(&k, 0.05)), "{}", u.unit);
        assert_eq!(u.median_rank, Some(q7(&k, 0.5)), "{}", u.unit);
        assert_eq!(u.rank_p95, Some(q7(&k, 0.95)), "{}", u.unit);
        // Ranks are whole numbers: their plain sum is exact.
        assert_eq!(
            u.mean_rank,
            Some(k.iter().sum::<f64>() / 101.0),
            "{}",
            u.unit
        );
        let mean = v.iter().sum::<f64>() / 101.0;
        let mv = u.value_mean.unwrap();
        assert!(
            (mv - mean).abs() <= 1e-12 * mean.abs(),
            "{}: {mv} {mean}",
            u.unit
        );
    }
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

/// The flagship question: how robust is the DTI 2022 ranking to ±25 % on its main-indicator
/// points? Under a points sum the weights are the max points, so noise perturbs them.
#[test]
fn weight_noise_perturbs_the_points_of_a_points_sum() {
    let (fw, units) = panel_2023();
    let s = spec(
        r#"{"runs": 500, "seed": 11, "inputs": [{"name": "points", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let moved = r.units.iter().filter(|u| u.rank_p05 != u.rank_p95).count();
    assert!(
        moved > 5,
        "only {moved} of 63 rank intervals are wider than 0"
    );
    // Without a depth every level is perturbed, the groups F and A (500 points each) too.
    let s = spec(
        r#"{"runs": 200, "seed": 11, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    assert!(r.units.iter().any(|u| u.rank_p05 != u.rank_p95));

    // Worked by hand: a 100-point index of A (60 points) and B (40). X scores A fully and B
    // not at all: nominal 0.6. With A's and B's points each scaled by 1 ± 0.25 and rescaled
    // to 100, X's value is 60a/(60a + 40b), a, b ∈ [0.75, 1.25]: between
    // 45/(45 + 50) = 0.4737 and 75/(75 + 30) = 0.7143, on both sides of 0.6.
    let fw = Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "scale": 100, "nodes": [
            {"code": "A", "name_vi": "A", "max_points": 60}, {"code": "B", "name_vi": "B", "max_points": 40}]}"#,
    )
    .unwrap();
    let units = [
        UnitRecord::new("X").value("A", 1.0).value("B", 0.0),
        UnitRecord::new("Y").value("A", 0.0).value("B", 1.0),
    ];
    let s = spec(
        r#"{"runs": 400, "seed": 3, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    let x = &r.units[0];
    assert_eq!(x.nominal_value, Some(0.6));
    let (lo, hi) = (x.value_p05.unwrap(), x.value_p95.unwrap());
    assert!(
        (45.0 / 95.0..0.6).contains(&lo) && (0.6..=75.0 / 105.0).contains(&hi) && hi > 0.6,
        "{lo}..{hi}"
    );
    // Y's value is 1 − X's in every run.
    let y = &r.units[1];
    assert!((x.value_mean.unwrap() + y.value_mean.unwrap() - 1.0).abs() < 1e-12);
}

/// The README's uncertainty spec (an aggregator alternative at depth 0) runs on the bundled
/// DTI 2022 framework, whose views sum points of nodes without declared max points.
#[test]
fn aggregator_alternatives_keep_the_points_of_every_node() {
    let (fw, units) = panel_2023();
    let s = spec(
        r#"{"runs": 100, "seed": 7, "inputs": [
          {"name": "weights", "kind": "weight_noise", "factor": 0.25},
          {"name": "aggregation", "kind": "aggregator", "depth": 0,
           "alternatives": [{"method": "weighted_mean"}, {"method": "geometric_mean"}]}]}"#,
    );
    let r = uncertainty(&fw, &units, &s, None).unwrap();
    assert_eq!(r.runs, 100);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

/// Design cells name alternatives first: "8" is the weight set named "8", not the ninth.
#[test]
fn design_cells_name_alternatives_before_positions() {
    let (fw, units) = weighted_panel();
    let mut def = fw.into_def();
    for name in ["1", "2", "8", "9"] {
        let mut set = std::collections::BTreeMap::new();
        let k: f64 = name.parse().unwrap();
        set.insert("GOV".to_owned(), k);
        def.weight_sets.insert(name.to_owned(), set);
    }
    let fw = Framework::new(def).unwrap();
    let s = spec(
        r#"{"keep_draws": true, "inputs": [{"name": "ws", "kind": "weight_set", "alternatives": ["1", "2", "8", "9"]}]}"#,
    );
    let by_name: Design = serde_json::from_str(r#"{"rows": [{"ws": 8}, {"ws": "8"}]}"#).unwrap();
    let r = uncertainty_design(&fw, &units, &s, &by_name, None).unwrap();
    let d = r.draws.unwrap();
    // Both cells are the set named "8" (position 2), exported by name.
    assert_eq!(d.choices[0], d.choices[1]);
    assert_eq!(
        d.choices[0],
        vec![dti_core::analyses::DesignValue::Name("8".into())]
    );
    assert_eq!(d.ranks[0], d.ranks[1]);
    // "3" names no set; with numeric names it is not read as a position either.
    let bad: Design = serde_json::from_str(r#"{"rows": [{"ws": "1"}, {"ws": 3}]}"#).unwrap();
    let err = uncertainty_design(&fw, &units, &s, &bad, None).unwrap_err();
    assert!(
        matches!(err, AnalysisError::Design { row: 1, ref input, .. } if input == "ws"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("design row 2, input 'ws': 3 names no alternative"),
        "{err}"
    );
}

/// Counts from a spec are bounded; zero runs is an analysis that would do nothing.
#[test]
fn spec_counts_are_bounded() {
    let (fw, units) = weighted_panel();
    let noise = r#"[{"name": "w", "kind": "weight_noise", "factor": 0.2}]"#;
    for (runs, code) in [
        ("0", "invalid"),
        ("10000001", "too_large"),
        ("18446744073709551615", "too_large"),
    ] {
        let s = spec(&format!(r#"{{"runs": {runs}, "inputs": {noise}}}"#));
        let err = uncertainty(&fw, &units, &s, None).unwrap_err();
        assert_eq!(err.code(), code, "runs {runs}: {err}");
    }
    // Within the run limit but not within memory: 9,000,000 runs of 63 units.
    let s = spec(&format!(r#"{{"runs": 9000000, "inputs": {noise}}}"#));
    let err = uncertainty(&fw, &units, &s, None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("runs × units is 567000000: at most 100000000"),
        "{err}"
    );
    let sa = |n: &str, boot: &str| -> SensitivitySpec {
        serde_json::from_str(&format!(
            r#"{{"n": {n}, "bootstrap": {boot}, "inputs": {noise}}}"#
        ))
        .unwrap()
    };
    let err = sensitivity(&fw, &units, &sa("18446744073709551615", "0"), None).unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");
    assert!(
        err.to_string()
            .starts_with("N·(d + 2) runs is 55340232221128654845"),
        "{err}"
    );
    assert_eq!(
        sensitivity(&fw, &units, &sa("1", "0"), None)
            .unwrap_err()
            .code(),
        "invalid"
    );
    assert_eq!(
        sensitivity(&fw, &units, &sa("10", "100001"), None)
            .unwrap_err()
            .code(),
        "too_large"
    );
}

/// fixtures/treat-sobol/README.md: S₁ = 27/14 and ST₁ = 27/56 with the sample variance.
#[test]
fn sobol_variance_is_the_sample_variance() {
    let s = sobol_indices(&[1.0, 3.0], &[2.0, 6.0], &[vec![1.0, 6.0]]);
    assert!((s[0].first_order - 27.0 / 14.0).abs() < 1e-12, "{:?}", s[0]);
    assert!((s[0].total - 27.0 / 56.0).abs() < 1e-12, "{:?}", s[0]);
}

/// A Saltelli design replayed through `sensitivity_design` gives the indices of the seeded
/// analysis that made it.
#[test]
fn a_saltelli_design_replays_the_sensitivity_analysis() {
    let (fw, units) = weighted_panel();
    let sa: SensitivitySpec = serde_json::from_str(
        r#"{"n": 32, "seed": 5, "inputs": [
          {"name": "agg", "kind": "aggregator", "depth": 0, "alternatives": [{"method": "weighted_mean"}, {"method": "geometric_mean"}, {"method": "weighted_median"}]}]}"#,
    )
    .unwrap();
    let seeded = sensitivity(&fw, &units, &sa, None).unwrap();
    // Rebuild the design from the same matrices: agg = ⌊3u⌋ for u of A, B and AB₁ (= B).
    let (a, b) = saltelli_matrices(32, 1, 5);
    let pick = |u: f64| {
        ["weighted_mean", "geometric_mean", "weighted_median"][((u * 3.0) as usize).min(2)]
    };
    let rows: Vec<String> = a
        .iter()
        .chain(&b)
        .chain(&b)
        .map(|u| format!(r#"{{"agg": "{}"}}"#, pick(u[0])))
        .collect();
    let design: Design =
        serde_json::from_str(&format!(r#"{{"rows": [{}]}}"#, rows.join(","))).unwrap();
    let replayed = sensitivity_design(&fw, &units, &sa, &design, None).unwrap();
    assert_eq!(replayed, seeded);
    // A design whose rows are not N·(d + 2) is refused.
    let short: Design = serde_json::from_str(
        r#"{"rows": [{"agg": 0}, {"agg": 1}, {"agg": 2}, {"agg": 0}, {"agg": 1}]}"#,
    )
    .unwrap();
    assert_eq!(
        sensitivity_design(&fw, &units, &sa, &short, None)
            .unwrap_err()
            .code(),
        "invalid"
    );
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
    for (i, (e, (w1, wt))) in s.iter().zip(want).enumerate() {
        let (s1, st) = (e.first_order, e.total);
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
    for (e, c) in sobol_indices(&ya, &yb, &yab)
        .into_iter()
        .zip([1.0, 4.0, 9.0])
    {
        let (s1, st) = (e.first_order, e.total);
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
    fn zero_noise_is_reported_as_no_effect_for_any_seed(seed in any::<u64>()) {
        let (fw, units) = weighted_panel();
        let s = spec(&format!(r#"{{"runs": 20, "seed": {seed}, "inputs": [{{"name": "w", "kind": "weight_noise", "factor": 0.0}}]}}"#));
        let err = uncertainty(&fw, &units[..15], &s, None).unwrap_err();
        prop_assert_eq!(err.code(), "no_effect");
    }
}

/// The progress callback needs no `Sync` (this closure holds a `Cell`), with `parallel` on as
/// in this crate: it is called on the calling thread between waves of runs, sees the runs
/// done grow to the total, and cancels when it returns false.
#[test]
fn progress_runs_on_the_calling_thread_and_cancels() {
    let (fw, units) = weighted_panel();
    let s = spec(
        r#"{"runs": 2000, "seed": 3, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#,
    );
    let seen = std::cell::RefCell::new(Vec::new());
    let caller = std::thread::current().id();
    let record = |done: usize, total: usize| {
        assert_eq!(std::thread::current().id(), caller);
        seen.borrow_mut().push((done, total));
        true
    };
    uncertainty(&fw, &units, &s, Some(&record)).unwrap();
    let seen = seen.into_inner();
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(2000, 2000)));

    let calls = std::cell::Cell::new(0);
    let stop = |_: usize, _: usize| {
        calls.set(calls.get() + 1);
        false
    };
    let err = uncertainty(&fw, &units, &s, Some(&stop)).unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(calls.get(), 1, "nothing runs after the callback says stop");
}

/// A study split into blocks of runs (any split, as processes or machines would draw them)
/// gives the one-process result bit for bit — with and without the draws, over every period
/// of the panel, for weights and normalisers at once.
#[test]
fn blocks_of_runs_give_the_one_process_result() {
    use dti_core::analyses::{uncertainty_from_draws, uncertainty_runs};
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let units: Vec<UnitRecord> =
        serde_json::from_str(&read(&fixture("vn-provinces-synthetic/panel.json"))).unwrap();
    let mut rng = dti_tests::Rng(2026);
    for keep in [false, true] {
        let spec: UncertaintySpec = serde_json::from_value(serde_json::json!({
            "runs": 257, "seed": 11, "keep_draws": keep,
            "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.3, "depth": 2}]
        }))
        .unwrap();
        let whole = uncertainty(&fw, &units, &spec, None).unwrap();
        for _ in 0..4 {
            // Cut points at random: 1 to 5 blocks.
            let mut cuts: Vec<usize> = (0..rng.below(5))
                .map(|_| 1 + rng.below(256) as usize)
                .collect();
            cuts.extend([0, 257]);
            cuts.sort_unstable();
            cuts.dedup();
            let blocks: Vec<_> = cuts
                .windows(2)
                .map(|w| uncertainty_runs(&fw, &units, &spec, w[0]..w[1], None).unwrap())
                .collect();
            let joined = uncertainty_from_draws(&fw, &units, &spec, &blocks).unwrap();
            assert_eq!(joined, whole, "cuts {cuts:?}, draws kept: {keep}");
            // Bit for bit, not only equal as numbers.
            assert_eq!(
                serde_json::to_string(&joined).unwrap(),
                serde_json::to_string(&whole).unwrap()
            );
        }
        // A block missing, or one outside the analysis, is an error.
        let first = uncertainty_runs(&fw, &units, &spec, 0..100, None).unwrap();
        assert!(matches!(
            uncertainty_from_draws(&fw, &units, &spec, &[first]),
            Err(AnalysisError::Invalid { .. })
        ));
        assert!(uncertainty_runs(&fw, &units, &spec, 200..300, None).is_err());
        assert!(uncertainty_runs(&fw, &units, &spec, 5..5, None).is_err());
        // Blocks drawn on other units are refused.
        let other = uncertainty_runs(&fw, &units[..60], &spec, 0..257, None).unwrap();
        assert!(uncertainty_from_draws(&fw, &units, &spec, &[other]).is_err());
    }
}
