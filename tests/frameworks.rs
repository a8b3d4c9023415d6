//! The built-in frameworks, supplements for unpublished parameters, and extensions.

use dti_core::{
    builtin_ids,
    model::{Extension, Supplement},
    Framework, FrameworkDef, FrameworkError, InputErrorKind, Problem, ScoreError, UnitRecord,
};
use dti_tests::{fixture, read};

fn problems_of(err: FrameworkError) -> Vec<Problem> {
    match err {
        FrameworkError::Invalid { problems, .. } => problems,
        other => panic!("expected validation problems, got {other}"),
    }
}

#[test]
fn every_builtin_loads_by_id_and_cites_its_source() {
    for id in builtin_ids() {
        let def = FrameworkDef::builtin(id).unwrap();
        assert_eq!(def.id, id);
        assert!(
            !def.source.is_empty() && !def.notes.is_empty(),
            "{id} says where it comes from"
        );
    }
    let err = Framework::builtin("vn-pdti-2019").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no built-in framework 'vn-pdti-2019'; available: vn-pdti-2020, vn-pdti-2022, vn-pdti-2024, vn-pdti-2025"
    );
}

#[test]
fn dti_2022_has_the_published_structure() {
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let main: Vec<(&str, Option<f64>)> = fw
        .leaves()
        .map(|n| (n.code.as_str(), n.max_points))
        .collect();
    assert_eq!(
        main,
        [
            ("AWR", Some(100.0)),
            ("INST", Some(100.0)),
            ("INFRA", Some(100.0)),
            ("HR", Some(100.0)),
            ("SEC", Some(100.0)),
            ("SMART", Some(0.0)),
            ("GOV", Some(200.0)),
            ("ECO", Some(150.0)),
            ("SOC", Some(150.0)),
        ]
    );
    assert_eq!(fw.node_max_points("F"), Some(500.0));
    assert_eq!(fw.max_points(), Some(1000.0));
    let views: Vec<_> = fw
        .def()
        .views
        .iter()
        .map(|v| (v.code.as_str(), v.nodes.clone()))
        .collect();
    assert_eq!(views[0], ("CQS", vec!["F".to_owned(), "GOV".to_owned()]));
    assert_eq!(views.len(), 3);
}

#[test]
fn dti_2020_needs_weights_to_score_pillars_from_below() {
    let fw = Framework::builtin("vn-pdti-2020").unwrap();
    assert_eq!(fw.max_points(), Some(1000.0));
    let from_below = [UnitRecord::new("P")
        .value("CQS.AWR", 0.5)
        .value("KTS", 0.5)
        .value("XHS", 0.5)];
    let err = fw.score(&from_below).unwrap_err();
    let ScoreError::Input { problems } = err else {
        panic!()
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].indicator.as_deref(), Some("CQS"));
    let InputErrorKind::UnpublishedWeights { children } = &problems[0].kind else {
        panic!("{:?}", problems[0])
    };
    assert_eq!(children.len(), 7);

    // With weights supplied (illustrative: AWR 3, everything else 1 in CQS), CQS is the
    // weighted mean of its main indicators: AWR 0.9, DATA 0.3, others 0.5 →
    // (3·0.9 + 0.3 + 5·0.5)/(3 + 6) = (2.7 + 0.3 + 2.5)/9 = 5.5/9 → 400·5.5/9 = 244.44… points.
    let mut s = Supplement::default();
    for m in ["AWR", "INST", "INFRA", "DATA", "ACT", "SEC", "HR"] {
        s.weights
            .insert(format!("CQS.{m}"), if m == "AWR" { 3.0 } else { 1.0 });
    }
    let fw = Framework::builtin_with("vn-pdti-2020", &s).unwrap();
    let mut unit = UnitRecord::new("P").value("KTS", 0.5).value("XHS", 0.5);
    for m in ["AWR", "INST", "INFRA", "DATA", "ACT", "SEC", "HR"] {
        let v = match m {
            "AWR" => 0.9,
            "DATA" => 0.3,
            _ => 0.5,
        };
        unit = unit.value(&format!("CQS.{m}"), v);
    }
    let scored = fw.score(&[unit]).unwrap();
    let cqs = scored.units[0].node("CQS").unwrap();
    assert!((cqs.points.unwrap() - 400.0 * 5.5 / 9.0).abs() < 1e-9);
    // Total: 244.44… + 150 + 150.
    assert!((scored.units[0].points.unwrap() - (400.0 * 5.5 / 9.0 + 300.0)).abs() < 1e-9);
    assert!(fw
        .def()
        .notes
        .last()
        .unwrap()
        .starts_with("Supplied by the user"));
}

#[test]
fn dti_2025_is_provisional_until_its_points_are_supplied() {
    let problems = problems_of(Framework::builtin("vn-pdti-2025").unwrap_err());
    let missing: Vec<_> = problems.iter().filter_map(|p| p.location()).collect();
    assert_eq!(
        missing,
        ["AWR", "INST", "INFRA", "HR", "SEC", "GOV", "ECO", "SOC"]
    );
    assert!(problems.iter().all(|p| p.code() == "unpublished"));

    // Supplied points that do not add up to the 1000-point scale are caught.
    let mut s = Supplement::default();
    for code in ["AWR", "INST", "INFRA", "HR", "SEC", "GOV", "ECO", "SOC"] {
        s.max_points.insert(code.into(), 100.0);
    }
    let problems = problems_of(Framework::builtin_with("vn-pdti-2025", &s).unwrap_err());
    assert_eq!(
        problems,
        [Problem::PointsMismatch {
            node: "vn-pdti-2025".into(),
            declared: 1000.0,
            children_sum: 800.0
        }]
    );
    // A typo in a supplement is named.
    s.max_points.insert("AWRR".into(), 1.0);
    let problems = problems_of(Framework::builtin_with("vn-pdti-2025", &s).unwrap_err());
    assert_eq!(
        problems,
        [Problem::UnknownNode {
            node: "AWRR".into()
        }]
    );
}

fn example_extension() -> Extension {
    let path = fixture("frameworks/extensions/vn-pdti-2022-example-components.json");
    Extension::from_json(&read(&path)).unwrap()
}

#[test]
fn the_example_extension_adds_components_that_sum_to_their_main_indicators() {
    let ext = example_extension();
    assert!(ext.label.as_deref().unwrap().starts_with("EXAMPLE"));
    let fw = Framework::builtin("vn-pdti-2022")
        .unwrap()
        .extend(&ext)
        .unwrap();
    assert_eq!(fw.id(), "vn-pdti-2022+example-components");
    for main in ["AWR", "GOV", "ECO", "SOC"] {
        assert_eq!(fw.is_leaf(main), Some(false), "{main} has components");
    }
    assert_eq!(fw.is_leaf("INST"), Some(true));
    assert!(fw.def().notes.iter().any(|n| n.starts_with("EXAMPLE")));

    // Worked by hand: meetings 3 → 30 of 40; chaired 2 of 4 → 10 of 20; head deputy → 10 of
    // 20; portal yes → 20. AWR = 70 of 100. The other main indicators are given directly.
    let unit = UnitRecord::new("X")
        .value("AWR.MEET", 3.0)
        .value("AWR.CHAIR", dti_core::Entry::ratio(2.0, 4.0))
        .value("AWR.HEAD", "deputy")
        .value("AWR.PORTAL", true)
        .value("GOV", 0.5)
        .value("ECO", 0.5)
        .value("SOC", 0.5);
    let s = fw.score(&[unit]).unwrap();
    assert_eq!(s.units[0].node("AWR").unwrap().points, Some(70.0));
    // 70 + (100 + 75 + 75) = 320, INST … SEC not reported (0).
    assert_eq!(s.units[0].points, Some(320.0));
}

#[test]
fn extensions_are_checked() {
    // Components that do not add up to their main indicator.
    let mut ext = example_extension();
    ext.nodes.retain(|n| n.code != "AWR.PORTAL");
    let problems = problems_of(
        Framework::builtin("vn-pdti-2022")
            .unwrap()
            .extend(&ext)
            .unwrap_err(),
    );
    assert_eq!(
        problems,
        [Problem::PointsMismatch {
            node: "AWR".into(),
            declared: 100.0,
            children_sum: 80.0
        }]
    );
    // Applied to the wrong framework.
    let problems = problems_of(
        Framework::builtin("vn-pdti-2020")
            .unwrap()
            .extend(&example_extension())
            .unwrap_err(),
    );
    assert_eq!(problems[0].code(), "extension_mismatch");
    // TOML works too.
    let ext = Extension::from_toml(
        r#"
schema_version = 1
extends = "vn-pdti-2022"
[[nodes]]
code = "SEC.1"
parent = "SEC"
name_vi = "Phương án bảo đảm an toàn"
max_points = 100
rule = { type = "yes_no" }
"#,
    )
    .unwrap();
    let fw = Framework::builtin("vn-pdti-2022")
        .unwrap()
        .extend(&ext)
        .unwrap();
    assert_eq!(fw.is_leaf("SEC"), Some(false));
}
