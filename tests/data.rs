//! The bundled data sets: the synthetic province panel and the seed-article figures.

use dti_core::{model::Extension, Framework, UnitRecord};
use dti_tests::{fixture, read, synthetic};

#[test]
fn the_synthetic_panel_is_exactly_its_generators_output() {
    let dir = fixture("vn-provinces-synthetic");
    assert_eq!(read(&dti_tests::bundled_panel()), synthetic::panel_csv());
    assert_eq!(read(&dir.join("panel.json")), synthetic::panel_json());
}

#[test]
fn the_benchmark_fixtures_are_exactly_their_generators_output() {
    let dir = fixture("bench");
    let fw: dti_core::FrameworkDef =
        serde_json::from_str(&read(&dir.join("framework-98.json"))).unwrap();
    assert_eq!(fw, synthetic::bench_framework());
    let units: Vec<UnitRecord> =
        serde_json::from_str(&read(&dir.join("units-63x98.json"))).unwrap();
    assert_eq!(units, synthetic::bench_units());
    let fw = Framework::new(fw).unwrap();
    assert_eq!(fw.leaves().count(), 98);
    assert_eq!(fw.score(&units).unwrap().units.len(), 63);
}

#[test]
fn the_synthetic_panel_scores_63_provinces_a_year() {
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let units: Vec<UnitRecord> =
        serde_json::from_str(&read(&fixture("vn-provinces-synthetic/panel.json"))).unwrap();
    assert_eq!(units.len(), 63 * 3);
    let s = fw.score(&units).unwrap();
    for year in synthetic::YEARS {
        let mut ranks: Vec<u32> = s
            .units
            .iter()
            .filter(|u| u.period == Some(year))
            .map(|u| u.rank.unwrap())
            .collect();
        ranks.sort_unstable();
        assert_eq!(ranks.len(), 63);
        assert_eq!(ranks[0], 1);
        // Competition ranks: each rank is at most its position.
        assert!(ranks.iter().enumerate().all(|(k, &r)| r as usize <= k + 1));
    }
    // Every province's DTI value is its points over 1000.
    for u in &s.units {
        assert!((u.value.unwrap() - u.points.unwrap() / 1000.0).abs() < 1e-12);
    }
}

#[test]
fn seed_figures_score_on_the_example_components() {
    let ext = Extension::from_json(&read(&fixture(
        "frameworks/extensions/vn-pdti-2022-example-components.json",
    )))
    .unwrap();
    let fw = Framework::builtin("vn-pdti-2022")
        .unwrap()
        .extend(&ext)
        .unwrap();
    let units: Vec<UnitRecord> =
        serde_json::from_str(&read(&fixture("seed-provinces/units.json"))).unwrap();
    let s = fw.score(&units).unwrap();
    let vp25 = s.unit("vinh-phuc", Some(2025)).unwrap();
    let pts = |u: &dti_core::UnitScore, c: &str| u.node(c).unwrap().points.unwrap();
    assert!((pts(vp25, "SOC.EID") - 762284.0 / 980226.0 * 50.0).abs() < 1e-9);
    assert!((pts(vp25, "GOV.ONLINE") - 51.152_815_013).abs() < 1e-6);
    assert_eq!(pts(vp25, "GOV.LGSP"), 50.0);
    assert_eq!(pts(vp25, "SOC.HEALTH"), 50.0);
    let vp24 = s.unit("vinh-phuc", Some(2024)).unwrap();
    assert_eq!(pts(vp24, "ECO.GRDP"), 100.0);
    assert_eq!(pts(vp24, "ECO.ETAX"), 50.0);
    assert_eq!(
        pts(s.unit("phu-tho", Some(2023)).unwrap(), "ECO.GRDP"),
        50.0
    );
}
