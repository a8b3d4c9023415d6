//! Merging units: the golden three-province case, missing former units, order invariance,
//! and the 2025 merger map on the whole country.

use dti_core::{
    analyses::{MergeError, MergeOptions, MergeProblem},
    merge_cohort, merger_2025, Era, MergeMap, UnitRecord,
};
use dti_tests::{check_unit, fixture, framework, read, units};
use proptest::prelude::*;
use serde_json::Value as Json;

fn case() -> (dti_core::Framework, Vec<UnitRecord>, MergeMap) {
    let dir = fixture("merge-three");
    let map = MergeMap::from_csv(&read(&dir.join("map.csv"))).expect("map");
    (framework(&dir), units(&dir), map)
}

#[test]
fn three_provinces_merge_to_their_hand_computed_values() {
    let (fw, records, map) = case();
    let merged = merge_cohort(&fw, &records, &map, &MergeOptions::default()).unwrap();
    let expected: Json =
        serde_json::from_str(&read(&fixture("merge-three").join("expected-merged.json"))).unwrap();
    let mut errors = Vec::new();
    for exp in expected["units"].as_array().unwrap() {
        let id = exp["unit"].as_str().unwrap();
        let unit = merged.scores.unit(id, Some(2024)).expect("merged unit");
        check_unit(&mut errors, unit, exp);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(merged.members[0].from, ["A", "B", "C"]);
    assert!(merged.members[0].missing.is_empty());
    assert!(merged.unmapped.is_empty());
}

#[test]
fn a_missing_former_unit_is_named_or_flagged() {
    let (fw, mut records, map) = case();
    records.retain(|r| r.unit != "C");
    let err = merge_cohort(&fw, &records, &map, &MergeOptions::default()).unwrap_err();
    let MergeError::Input { problems } = err else {
        panic!("expected missing former units, got {err}")
    };
    assert_eq!(
        problems,
        [MergeProblem::MissingFormer {
            unit: "N".into(),
            period: Some(2024),
            former: "C".into()
        }]
    );

    let lenient = MergeOptions::default().lenient(true);
    let merged = merge_cohort(&fw, &records, &map, &lenient).unwrap();
    assert_eq!(merged.members[0].missing, ["C"]);
    assert_eq!(merged.problems.len(), 1);
    // Averaged over A and B: AWR (0.8 + 0.6)/2 = 0.7, GOV (0.6 + 0.3)/2 = 0.45.
    let n = merged.scores.unit("N", Some(2024)).unwrap();
    let v = |c: &str| n.node(c).unwrap().value.unwrap();
    assert!((v("AWR") - 0.7).abs() < 1e-12);
    assert!((v("GOV") - 0.45).abs() < 1e-12);
}

#[test]
fn bad_maps_are_reported_whole() {
    let err = MergeMap::from_csv("merged,former\nN,A\nM,A\nQ\n").unwrap_err();
    let MergeError::Map { problems } = err else {
        panic!()
    };
    assert_eq!(
        problems,
        [
            MergeProblem::BadLine {
                line: 4,
                content: "Q".into()
            },
            MergeProblem::FormerInTwoGroups {
                former: "A".into(),
                first: "N".into(),
                second: "M".into()
            }
        ]
    );
    let err = MergeMap::from_csv("merged,former\nN,A\nM,A\n").unwrap_err();
    assert!(err
        .to_string()
        .contains("'A' is listed under both 'N' and 'M'"));
}

#[test]
fn units_outside_the_map_are_listed_not_dropped() {
    let (fw, mut records, map) = case();
    records.push(UnitRecord::new("E").period(2024).value("AWR", 0.5));
    let merged = merge_cohort(&fw, &records, &map, &MergeOptions::default()).unwrap();
    assert_eq!(merged.unmapped.len(), 1);
    assert_eq!(
        (merged.unmapped[0].row, merged.unmapped[0].unit.as_str()),
        (4, "E")
    );
}

#[test]
fn the_2025_map_merges_63_provinces_into_34() {
    let fw = dti_core::Framework::builtin("vn-pdti-2022").unwrap();
    let records: Vec<UnitRecord> = dti_core::model::provinces(Era::Pre2025)
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let v = 0.3 + (k % 7) as f64 / 10.0;
            let mut r = UnitRecord::new(&p.code).period(2024);
            for code in ["AWR", "INST", "INFRA", "HR", "SEC", "GOV", "ECO", "SOC"] {
                r = r.value(code, v);
            }
            r
        })
        .collect();
    let merged = merge_cohort(&fw, &records, merger_2025(), &MergeOptions::default()).unwrap();
    assert_eq!(merged.scores.units.len(), 34);
    assert!(merged.unmapped.is_empty());
    let hue = merged.scores.unit("hue", Some(2024)).unwrap();
    assert_eq!(hue.name.as_deref(), Some("Huế"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn merging_does_not_depend_on_the_order_of_former_units(
        values in proptest::collection::vec(proptest::collection::vec(0.0f64..=1.0, 9), 3),
        order in Just(vec![0usize, 1, 2]).prop_shuffle(),
        rows in Just(vec![0usize, 1, 2]).prop_shuffle(),
    ) {
        let fw = dti_core::Framework::builtin("vn-pdti-2022").unwrap();
        let codes = ["AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC"];
        let records: Vec<UnitRecord> = ["A", "B", "C"].iter().zip(&values).map(|(u, vs)| {
            codes.iter().zip(vs).fold(UnitRecord::new(u), |r, (c, v)| r.value(c, *v))
        }).collect();
        let mut map = MergeMap::default();
        for f in ["A", "B", "C"] { map.add("N", None, f); }
        let base = merge_cohort(&fw, &records, &map, &MergeOptions::default()).unwrap();

        let mut shuffled_map = MergeMap::default();
        for &k in &order { shuffled_map.add("N", None, ["A", "B", "C"][k]); }
        let shuffled_rows: Vec<UnitRecord> = rows.iter().map(|&k| records[k].clone()).collect();
        let other = merge_cohort(&fw, &shuffled_rows, &shuffled_map, &MergeOptions::default()).unwrap();
        prop_assert_eq!(&base.scores.units, &other.scores.units);
    }
}
