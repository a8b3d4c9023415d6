//! Composite-indicator methods: every normaliser and aggregator against values worked by
//! hand, the errors they promise, per-level choices, and their invariants as properties.

use dti_core::{
    methods::NormaliseError, Framework, Normaliser, ScoreError, ScoreOptions, UnitRecord,
};
use proptest::prelude::*;

const NAN: f64 = f64::NAN;

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12)
}

// ---- normalisers, by hand -------------------------------------------------------------

#[test]
fn distance_to_reference_by_hand() {
    // x' = [2, 6, 10, NaN], reference B = 6, min 2: 1 − (6 − x)/(6 − 2) → 0, 1, 2 (capped 1).
    let x = [2.0, 6.0, 10.0, NAN];
    let ids = ["A", "B", "C", "D"];
    let n = Normaliser::DistanceToReference {
        unit: "B".into(),
        cap: false,
    };
    assert!(same(
        &n.normalise_column(&x, 1.0, &ids).unwrap(),
        &[0.0, 1.0, 2.0, NAN]
    ));
    let n = Normaliser::DistanceToReference {
        unit: "B".into(),
        cap: true,
    };
    assert!(same(
        &n.normalise_column(&x, 1.0, &ids).unwrap(),
        &[0.0, 1.0, 1.0, NAN]
    ));
    // Errors: the reference is absent, missing, or the worst.
    let absent = Normaliser::DistanceToReference {
        unit: "Z".into(),
        cap: false,
    };
    assert_eq!(
        absent.normalise_column(&x, 1.0, &ids),
        Err(NormaliseError::ReferenceAbsent { unit: "Z".into() })
    );
    let missing = Normaliser::DistanceToReference {
        unit: "D".into(),
        cap: false,
    };
    assert!(missing.normalise_column(&x, 1.0, &ids).is_err());
    let worst = Normaliser::DistanceToReference {
        unit: "A".into(),
        cap: false,
    };
    assert_eq!(
        worst.normalise_column(&x, 1.0, &ids),
        Err(NormaliseError::ReferenceAtMinimum { unit: "A".into() })
    );
}

#[test]
fn distance_to_target_by_hand_both_directions() {
    // +1: x = [2, 4, 12], target 10, min 2: (x − 2)/8 → 0, 0.25, 1.25 (capped 1).
    let n = Normaliser::DistanceToTarget {
        target: Some(10.0),
        cap: true,
    };
    assert!(same(
        &n.normalise_column(&[2.0, 4.0, 12.0], 1.0, &[]).unwrap(),
        &[0.0, 0.25, 1.0]
    ));
    // −1: x = [5, 3, 1] (lower is better), target 2, max 5: (5 − x)/(5 − 2) → 0, 2/3, 4/3.
    let n = Normaliser::DistanceToTarget {
        target: Some(2.0),
        cap: false,
    };
    let xd = [-5.0, -3.0, -1.0];
    assert!(same(
        &n.normalise_column(&xd, -1.0, &[]).unwrap(),
        &[0.0, 2.0 / 3.0, 4.0 / 3.0]
    ));
    // A target at the worst value is an error, not a division by zero.
    let at_min = Normaliser::DistanceToTarget {
        target: Some(2.0),
        cap: false,
    };
    assert_eq!(
        at_min.normalise_column(&[2.0, 4.0], 1.0, &[]),
        Err(NormaliseError::TargetNotAboveMinimum {
            target: 2.0,
            worst: 2.0
        })
    );
    let none = Normaliser::DistanceToTarget {
        target: None,
        cap: false,
    };
    assert_eq!(
        none.normalise_column(&[1.0, 2.0], 1.0, &[]),
        Err(NormaliseError::NoTarget)
    );
}

#[test]
fn goalposts_and_fixed_bounds_by_hand() {
    // +1, goalposts 10..20, scale 100: x = 5, 15, 25 → −0.5, 0.5, 1.5 → truncated 0, 50, 100.
    let g = Normaliser::Goalposts {
        lo: 10.0,
        hi: 20.0,
        scale: 100.0,
        truncate: true,
    };
    assert!(same(
        &g.normalise_column(&[5.0, 15.0, 25.0], 1.0, &[]).unwrap(),
        &[0.0, 50.0, 100.0]
    ));
    let g = Normaliser::Goalposts {
        lo: 10.0,
        hi: 20.0,
        scale: 1.0,
        truncate: false,
    };
    assert!(same(
        &g.normalise_column(&[5.0, 25.0], 1.0, &[]).unwrap(),
        &[-0.5, 1.5]
    ));
    // −1 (COINr flips): (hi − x)/(hi − lo): x = 12 → 0.8.
    let g = Normaliser::Goalposts {
        lo: 10.0,
        hi: 20.0,
        scale: 1.0,
        truncate: true,
    };
    assert!(same(
        &g.normalise_column(&[-12.0], -1.0, &[]).unwrap(),
        &[0.8]
    ));
    // Fixed bounds (x − a)/(b − a)·k: a 0, b 50, k 100 → x = 10 → 20.
    let f = Normaliser::FixedBounds {
        a: 0.0,
        b: 50.0,
        k: 100.0,
    };
    assert!(same(
        &f.normalise_column(&[10.0, NAN], 1.0, &[]).unwrap(),
        &[20.0, NAN]
    ));
}

#[test]
fn normaliser_parameters_are_validated_at_load() {
    let fw = |normaliser: &str| {
        Framework::from_json(&format!(
            r#"{{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {{"method": "weighted_mean"}},
            "nodes": [{{"code": "X", "name_vi": "X", "rule": {{"type": "normalised", "normaliser": {normaliser}}}}}]}}"#
        ))
    };
    assert!(fw(r#"{"method": "goalposts", "lo": 5, "hi": 5}"#).is_err());
    assert!(fw(r#"{"method": "fixed_bounds", "a": 1, "b": 0}"#).is_err());
    assert!(
        fw(r#"{"method": "distance_to_target"}"#).is_err(),
        "no target anywhere"
    );
    assert!(fw(r#"{"method": "min_max", "l": 0, "u": 1, "typo": 3}"#).is_err());
    assert!(fw(r#"{"method": "goalposts", "lo": 0, "hi": 10, "scale": 100}"#).is_ok());
}

// ---- aggregators, by hand ---------------------------------------------------------------

/// A one-node framework over children X1..Xk with weights, aggregated by `method`.
fn one_node(method: &str, weights: &[f64]) -> Framework {
    let children: Vec<String> = weights
        .iter()
        .enumerate()
        .map(|(k, w)| {
            format!(
                r#"{{"code": "X{}", "parent": "N", "name_vi": "X", "weight": {w}}}"#,
                k + 1
            )
        })
        .collect();
    Framework::from_json(&format!(
        r#"{{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {{"method": "weighted_mean"}},
        "missing": "renormalise",
        "nodes": [{{"code": "N", "name_vi": "N", "aggregate": {method}}}, {}]}}"#,
        children.join(",")
    ))
    .unwrap()
}

fn unit(id: &str, xs: &[f64]) -> UnitRecord {
    xs.iter()
        .enumerate()
        .filter(|(_, x)| !x.is_nan())
        .fold(UnitRecord::new(id), |u, (k, x)| {
            u.value(&format!("X{}", k + 1), *x)
        })
}

fn value_of(fw: &Framework, xs: &[f64]) -> Option<f64> {
    fw.score(&[unit("U", xs)]).unwrap().units[0]
        .node("N")
        .unwrap()
        .value
}

#[test]
fn means_by_hand() {
    // Values 0.25, 1 with weights 1, 3.
    let w = [1.0, 3.0];
    let x = [0.25, 1.0];
    // Arithmetic: (0.25 + 3)/4 = 0.8125.
    let a = value_of(&one_node(r#"{"method": "weighted_mean"}"#, &w), &x).unwrap();
    assert!((a - 0.8125).abs() < 1e-12);
    // Geometric: exp((ln 0.25 + 3 ln 1)/4) = 0.25^(1/4) = 1/√2.
    let g = value_of(&one_node(r#"{"method": "geometric_mean"}"#, &w), &x).unwrap();
    assert!((g - 0.5f64.sqrt()).abs() < 1e-12);
    // Harmonic: 4 / (1/0.25 + 3/1) = 4/7.
    let h = value_of(&one_node(r#"{"method": "harmonic_mean"}"#, &w), &x).unwrap();
    assert!((h - 4.0 / 7.0).abs() < 1e-12);
    // Generalised p = 2: √((0.0625 + 3)/4) = √0.765625 = 0.875.
    let p2 = value_of(
        &one_node(r#"{"method": "generalised_mean", "p": 2}"#, &w),
        &x,
    )
    .unwrap();
    assert!((p2 - 0.875).abs() < 1e-12);
    // p = −1 is the harmonic mean.
    let pm1 = value_of(
        &one_node(r#"{"method": "generalised_mean", "p": -1}"#, &w),
        &x,
    )
    .unwrap();
    assert!((pm1 - 4.0 / 7.0).abs() < 1e-12);
    // Weighted median: 0.25 (share 0.25), 1 (cumulative 1) → 1.
    let m = value_of(&one_node(r#"{"method": "weighted_median"}"#, &w), &x).unwrap();
    assert_eq!(m, 1.0);
    // A missing child is left out and weights renormalise: only 0.25 → 0.25 for every mean.
    for method in [
        "weighted_mean",
        "geometric_mean",
        "harmonic_mean",
        "weighted_median",
    ] {
        let v = value_of(
            &one_node(&format!(r#"{{"method": "{method}"}}"#), &w),
            &[0.25, NAN],
        );
        assert!((v.unwrap() - 0.25).abs() < 1e-12, "{method}");
    }
}

#[test]
fn non_positive_values_in_geometric_or_harmonic_means_name_unit_and_node() {
    for method in ["geometric_mean", "harmonic_mean"] {
        let fw = one_node(&format!(r#"{{"method": "{method}"}}"#), &[1.0, 1.0]);
        let err = fw.score(&[unit("HN", &[0.5, 0.0])]).unwrap_err();
        let ScoreError::Aggregate {
            unit,
            node,
            child,
            value,
            ..
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!(
            (unit.as_str(), node.as_str(), child.as_str(), *value),
            ("HN", "N", "X2", 0.0)
        );
        assert!(err.to_string().contains("min_max to [1, 100]"), "{err}");
    }
    // p = 0 is rejected at load.
    assert!(Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "generalised_mean", "p": 0},
        "nodes": [{"code": "X", "name_vi": "X"}]}"#
    )
    .is_err());
}

#[test]
fn copeland_by_hand() {
    // Three units, two children: A = (0.3, 0.1), B = (0.2, 0.2), C = (0.1, 0.3).
    // A vs B: A wins child 1 (½), loses child 2 → M = ½ → 0. A vs C: same → 0. So A = 0.
    // B vs C: B wins child 1, loses child 2 → 0. Everyone 0.
    // Make it decisive with weights 2:1 on child 1: A beats B (M = 2/3 → +1) and C (+1) → 2;
    // B loses to A (−1), beats C (+1) → 0; C → −2.
    let fw = one_node(r#"{"method": "copeland"}"#, &[2.0, 1.0]);
    let s = fw
        .score(&[
            unit("A", &[0.3, 0.1]),
            unit("B", &[0.2, 0.2]),
            unit("C", &[0.1, 0.3]),
        ])
        .unwrap();
    let v: Vec<f64> = s
        .units
        .iter()
        .map(|u| u.node("N").unwrap().value.unwrap())
        .collect();
    assert_eq!(v, [2.0, 0.0, -2.0]);
    // Ties count half: A = (1, 1), B = (1, 0) with equal weights: M(A,B) = ½ + ½·½ = ¾ → +1.
    let fw = one_node(r#"{"method": "copeland"}"#, &[1.0, 1.0]);
    let s = fw
        .score(&[unit("A", &[1.0, 1.0]), unit("B", &[1.0, 0.0])])
        .unwrap();
    assert_eq!(s.units[0].node("N").unwrap().value, Some(1.0));
    assert_eq!(s.units[1].node("N").unwrap().value, Some(-1.0));
    // Copeland cannot carry max points.
    assert!(Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
        {"code": "N", "name_vi": "N", "max_points": 10, "aggregate": {"method": "copeland"}},
        {"code": "X", "parent": "N", "name_vi": "X"}]}"#
    )
    .is_err());
}

#[test]
fn data_threshold_makes_sparse_aggregates_missing() {
    // Threshold 0.66: 1 of 2 children present (0.5) → missing; 2 of 2 → present.
    let fw = Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
        "missing": "renormalise", "data_threshold": 0.66,
        "nodes": [{"code": "N", "name_vi": "N"}, {"code": "X1", "parent": "N", "name_vi": "X"},
                  {"code": "X2", "parent": "N", "name_vi": "X"}]}"#,
    )
    .unwrap();
    let s = fw
        .score(&[unit("A", &[0.5, NAN]), unit("B", &[0.5, 0.7])])
        .unwrap();
    assert_eq!(s.units[0].node("N").unwrap().value, None);
    assert!(s.units[1].node("N").unwrap().value.is_some());
}

#[test]
fn levels_choose_normalisers_and_aggregators() {
    // Level 2 leaves default to min-max [1, 100]; level 1 aggregates geometrically;
    // the framework's default normaliser is overridden by the level.
    let fw = Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
        "normaliser": {"method": "rank"},
        "levels": [{"depth": 1, "aggregate": {"method": "geometric_mean"}},
                   {"depth": 2, "normaliser": {"method": "min_max", "l": 1, "u": 100}}],
        "nodes": [{"code": "P", "name_vi": "P"},
                  {"code": "X1", "parent": "P", "name_vi": "X1", "rule": {"type": "normalised"}},
                  {"code": "X2", "parent": "P", "name_vi": "X2", "rule": {"type": "normalised"}}]}"#,
    )
    .unwrap();
    let units = [
        unit("A", &[0.0, 10.0]),
        unit("B", &[10.0, 0.0]),
        unit("C", &[5.0, 5.0]),
    ];
    let s = fw.score(&units).unwrap();
    // A: X1 → 1, X2 → 100; geometric mean √(1·100) = 10.
    let a = s.units[0].node("P").unwrap().value.unwrap();
    assert!((a - 10.0).abs() < 1e-12);
    // C: both 50.5 → 50.5.
    let c = s.units[2].node("P").unwrap().value.unwrap();
    assert!((c - 50.5).abs() < 1e-12);
    // A level that does not exist is reported.
    assert!(Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "levels": [{"depth": 4}],
        "nodes": [{"code": "X", "name_vi": "X", "max_points": 1}]}"#
    )
    .is_err());
}

#[test]
fn reference_unit_is_found_within_each_period() {
    let fw = Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
        "nodes": [{"code": "X", "name_vi": "X", "rule": {"type": "normalised",
          "normaliser": {"method": "distance_to_reference", "unit": "R", "cap": true}}}]}"#,
    )
    .unwrap();
    let units = [
        UnitRecord::new("R").period(2021).value("X", 8.0),
        UnitRecord::new("A").period(2021).value("X", 4.0),
        UnitRecord::new("A").period(2022).value("X", 4.0),
        UnitRecord::new("B").period(2022).value("X", 2.0),
    ];
    let err = fw.score_with(&units, &ScoreOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ScoreError::Normalise {
            indicator: "X".into(),
            period: Some(2022),
            source: NormaliseError::ReferenceAbsent { unit: "R".into() }
        }
    );
    let s = fw.score(&units[..2]).unwrap();
    assert_eq!(s.units[1].value, Some(0.0));
}

// ---- invariants ---------------------------------------------------------------------------

fn column() -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(prop_oneof![9 => -1e3f64..1e3, 1 => Just(NAN)], 2..40).prop_filter(
        "two distinct present values",
        |v| {
            let p: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            p.len() >= 2 && p.iter().any(|x| *x != p[0])
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn min_max_lies_within_its_bounds(x in column(), l in -10.0f64..10.0, w in 0.1f64..100.0) {
        let u = l + w;
        let out = Normaliser::MinMax { l, u }.normalise(&x).unwrap();
        for (o, v) in out.iter().zip(&x) {
            prop_assert_eq!(o.is_nan(), v.is_nan());
            if !o.is_nan() {
                prop_assert!(*o >= l - 1e-9 && *o <= u + 1e-9);
            }
        }
    }

    #[test]
    fn z_scores_have_the_requested_mean_and_sd(x in column(), m in -5.0f64..5.0, s in 0.1f64..10.0) {
        let out = Normaliser::ZScore { m, s }.normalise(&x).unwrap();
        let p: Vec<f64> = out.into_iter().filter(|v| !v.is_nan()).collect();
        let n = p.len() as f64;
        let mean = p.iter().sum::<f64>() / n;
        let sd = (p.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        prop_assert!((mean - m).abs() < 1e-9 * (1.0 + m.abs()));
        prop_assert!((sd - s).abs() < 1e-9 * s.max(1.0));
    }

    #[test]
    fn rank_methods_ignore_monotone_transforms(x in column()) {
        // exp(x/500) is strictly increasing.
        let t: Vec<f64> = x.iter().map(|v| (v / 500.0).exp()).collect();
        for n in [Normaliser::Rank, Normaliser::Borda, Normaliser::PercentileRank] {
            let a = n.normalise(&x).unwrap();
            let b = n.normalise(&t).unwrap();
            prop_assert!(same(&a, &b), "{}", n.name());
        }
    }

    #[test]
    fn arithmetic_geometric_harmonic_order(xs in proptest::collection::vec(0.01f64..1.0, 1..8),
                                           ws in proptest::collection::vec(0.1f64..5.0, 8)) {
        let w = &ws[..xs.len()];
        let a = value_of(&one_node(r#"{"method": "weighted_mean"}"#, w), &xs).unwrap();
        let g = value_of(&one_node(r#"{"method": "geometric_mean"}"#, w), &xs).unwrap();
        let h = value_of(&one_node(r#"{"method": "harmonic_mean"}"#, w), &xs).unwrap();
        prop_assert!(a >= g - 1e-12 && g >= h - 1e-12, "{a} {g} {h}");
    }

    #[test]
    fn weighted_means_lie_between_min_and_max(xs in proptest::collection::vec(0.01f64..1.0, 1..8),
                                             ws in proptest::collection::vec(0.0f64..5.0, 8),
                                             p in prop_oneof![-3.0f64..-0.1, 0.1f64..3.0]) {
        let w = &ws[..xs.len()];
        prop_assume!(w.iter().sum::<f64>() > 0.0);
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for method in [
            r#"{"method": "weighted_mean"}"#.to_owned(),
            r#"{"method": "geometric_mean"}"#.to_owned(),
            r#"{"method": "harmonic_mean"}"#.to_owned(),
            r#"{"method": "weighted_median"}"#.to_owned(),
            format!(r#"{{"method": "generalised_mean", "p": {p}}}"#),
        ] {
            let v = value_of(&one_node(&method, w), &xs).unwrap();
            prop_assert!(v >= lo - 1e-9 && v <= hi + 1e-9, "{method}: {v} outside [{lo}, {hi}]");
        }
    }
}

// ---- imputation and treatment ---------------------------------------------------------------

fn panel_framework() -> Framework {
    Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
        "missing": "renormalise",
        "nodes": [{"code": "X", "name_vi": "X", "rule": {"type": "normalised", "normaliser": {"method": "min_max"}}},
                  {"code": "R", "name_vi": "R", "rule": {"type": "ratio"}}]}"#,
    )
    .unwrap()
}

fn rec(u: &str, p: i32, region: &str, x: Option<f64>) -> UnitRecord {
    let r = UnitRecord::new(u).period(p).group("region", region);
    match x {
        Some(x) => r.value("X", x),
        None => r,
    }
}

#[test]
fn imputation_by_hand() {
    use dti_core::{
        methods::{impute, Imputation},
        Entry,
    };
    let fw = panel_framework();
    let units = [
        rec("A", 2022, "north", Some(10.0)),
        rec("B", 2022, "north", Some(20.0)),
        rec("C", 2022, "south", Some(60.0)),
        rec("D", 2022, "north", None),
        rec("D", 2021, "north", Some(4.0)),
        rec("D", 2023, "north", Some(12.0)),
    ];
    let x_of = |recs: &[UnitRecord], r: usize| recs[r].values.get("X").cloned();
    // Mean over 2022: (10 + 20 + 60)/3 = 30; median 20.
    let (done, report) = impute(&fw, &units, &Imputation::Mean);
    assert_eq!(x_of(&done, 3), Some(Entry::from(30.0)));
    assert_eq!(report.imputed.len(), 1);
    let (done, _) = impute(&fw, &units, &Imputation::Median);
    assert_eq!(x_of(&done, 3), Some(Entry::from(20.0)));
    // North in 2022: (10 + 20)/2 = 15.
    let (done, _) = impute(
        &fw,
        &units,
        &Imputation::GroupMean {
            group: "region".into(),
        },
    );
    assert_eq!(x_of(&done, 3), Some(Entry::from(15.0)));
    // Panel: latest earlier 2021 → 4; interpolation between 2021 (4) and 2023 (12) → 8.
    let (done, _) = impute(&fw, &units, &Imputation::LatestEarlier);
    assert_eq!(x_of(&done, 3), Some(Entry::from(4.0)));
    let (done, _) = impute(&fw, &units, &Imputation::Interpolate);
    assert_eq!(x_of(&done, 3), Some(Entry::from(8.0)));
    // Present values are never changed.
    for r in [0, 1, 2, 4, 5] {
        assert_eq!(done[r], units[r]);
    }
    // The ratio leaf R is missing everywhere and cannot be averaged: reported, not filled.
    assert_eq!(report.not_imputed.len(), 6);
    assert!(report
        .not_imputed
        .iter()
        .all(|n| n.indicator == "R" && n.reason.contains("ratio")));
    // No earlier value for D in 2021 under latest-earlier: D 2021 is present, so nothing to do;
    // a unit without a group is reported.
    let lonely = [
        UnitRecord::new("E").period(2022),
        rec("A", 2022, "north", Some(1.0)),
    ];
    let (_, r) = impute(
        &fw,
        &lonely,
        &Imputation::GroupMedian {
            group: "region".into(),
        },
    );
    assert!(r
        .not_imputed
        .iter()
        .any(|n| n.unit == "E" && n.indicator == "X" && n.reason.contains("no 'region' group")));
}

#[test]
fn treatment_winsorises_then_logs() {
    use dti_core::methods::Treatment;
    let t = Treatment::default();
    // Two outliers at the top: 1..=20, 500, 1000. Winsorise 1000 → 500, then 500 (twice)
    // → 20: three points, and the column passes.
    let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
    x.extend([500.0, 1000.0]);
    let (y, changed, log) = moved(t.treat_column(&x));
    assert!(!log);
    assert_eq!(changed, vec![(21, 1000.0, 20.0), (20, 500.0, 20.0)]);
    assert_eq!(y[20..], [20.0, 20.0]);
    // With a limit of one point winsorisation cannot fix it: the log transform of the
    // original values is used instead, ln(x − min + 0.01·(max − min)).
    let one = Treatment::default().max_winsorised(1);
    let (y, changed, log) = moved(one.treat_column(&x));
    assert!(log && changed.is_empty());
    let shift = 0.01 * (1000.0 - 1.0);
    for (a, b) in y.iter().zip(&x) {
        assert!((a - (b - 1.0 + shift).ln()).abs() < 1e-12);
    }
    // A well-behaved column passes untouched.
    let ok: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(moved(t.treat_column(&ok)), (ok.clone(), vec![], false));
}

/// COINr's `a_amean` divides the weights by their sum first, then sums w·x: with weights 1
/// and 2 on (0.1, 0.7) that is (1/3)·0.1 + (2/3)·0.7 = 0.49999999999999994 in f64, where
/// (1·0.1 + 2·0.7)/3 would give 0.5 — a difference that makes or breaks a tie.
#[test]
fn weighted_mean_divides_the_weights_first_as_coinr() {
    let fw = Framework::from_json(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
            "nodes": [{"code": "A", "name_vi": "A", "weight": 1}, {"code": "B", "name_vi": "B", "weight": 2}]}"#,
    )
    .unwrap();
    let s = fw
        .score(&[
            UnitRecord::new("X").value("A", 0.1).value("B", 0.7),
            UnitRecord::new("Y").value("A", 0.5).value("B", 0.5),
        ])
        .unwrap();
    let expected = (1.0_f64 / 3.0) * 0.1 + (2.0_f64 / 3.0) * 0.7;
    assert_eq!(expected, 0.49999999999999994);
    assert_eq!(s.units[0].value, Some(expected));
    // Y's 0.5 is one ulp above: a tie only under the default tolerance.
    assert_eq!((s.units[0].rank, s.units[1].rank), (Some(1), Some(1)));
    let exact = fw
        .score_with(
            &[
                UnitRecord::new("X").value("A", 0.1).value("B", 0.7),
                UnitRecord::new("Y").value("A", 0.5).value("B", 0.5),
            ],
            &dti_core::ScoreOptions::default().ties(dti_core::methods::Ties::Exact),
        )
        .unwrap();
    assert_eq!(
        (exact.units[0].rank, exact.units[1].rank),
        (Some(2), Some(1))
    );
}

/// fixtures/treat-sobol/README.md: COINr counts the points at the top after the latest
/// step (1, 2, 3, 4), not every move (1 + 2 + 3 = 6), so it winsorises four points to 28.
/// A treated column as (values, (position, from, to) per moved value, log-transformed).
fn moved(t: dti_core::methods::TreatedColumn) -> (Vec<f64>, Vec<(usize, f64, f64)>, bool) {
    let m = t.moved.iter().map(|m| (m.position, m.from, m.to)).collect();
    (t.values, m, t.log)
}

#[test]
fn winsorisation_counts_points_as_coinr() {
    use dti_core::methods::Treatment;
    let mut x: Vec<f64> = (1..=28).map(f64::from).collect();
    x.extend([168.0, 170.0, 174.0, 206.0]);
    let (y, changed, log) = moved(Treatment::default().treat_column(&x));
    assert!(!log, "the column is winsorised, not log-transformed");
    assert_eq!(y[28..], [28.0, 28.0, 28.0, 28.0]);
    assert_eq!(y[..28], x[..28]);
    let mut moved: Vec<(usize, f64, f64)> = changed;
    moved.sort_by_key(|c| c.0);
    assert_eq!(
        moved,
        vec![
            (28, 168.0, 28.0),
            (29, 170.0, 28.0),
            (30, 174.0, 28.0),
            (31, 206.0, 28.0)
        ]
    );
    // A limit of 4 still lets step 4 run (3 points at the top before it); a limit of 3 stops
    // after step 3, which still fails: the log transform.
    let three = Treatment::default().max_winsorised(3);
    assert!(three.treat_column(&x).log);
    let four = Treatment::default().max_winsorised(4);
    assert!(!four.treat_column(&x).log);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn imputation_never_changes_a_present_value(xs in proptest::collection::vec(prop_oneof![3 => 0.0f64..100.0, 1 => Just(NAN)], 2..20)) {
        use dti_core::methods::{impute, Imputation};
        let fw = panel_framework();
        let units: Vec<UnitRecord> = xs.iter().enumerate()
            .map(|(k, x)| rec(&format!("U{}", k % 4), 2020 + (k / 4) as i32, if k % 2 == 0 { "n" } else { "s" }, (!x.is_nan()).then_some(*x)))
            .collect();
        for how in [Imputation::Mean, Imputation::Median, Imputation::GroupMean { group: "region".into() },
                    Imputation::LatestEarlier, Imputation::Interpolate] {
            let (done, report) = impute(&fw, &units, &how);
            for (a, b) in units.iter().zip(&done) {
                for (code, e) in &a.values {
                    prop_assert_eq!(b.values.get(code), Some(e));
                }
            }
            // Every missing X is either imputed or reported.
            let missing = units.iter().filter(|u| !u.values.contains_key("X")).count();
            let x_reports = report.imputed.iter().filter(|i| i.indicator == "X").count()
                + report.not_imputed.iter().filter(|i| i.indicator == "X").count();
            prop_assert_eq!(missing, x_reports);
        }
    }
}
