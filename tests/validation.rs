//! Framework validation: every problem is reported, each with its node or view code.

use dti_core::{Framework, FrameworkError, Problem};
use dti_tests::read;

fn problems(json: &str) -> Vec<Problem> {
    match Framework::from_json(json) {
        Err(FrameworkError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("expected validation problems, got {e}"),
        Ok(_) => panic!("expected validation problems, got a valid framework"),
    }
}

fn codes(ps: &[Problem]) -> Vec<(&'static str, Option<&str>)> {
    ps.iter().map(|p| (p.code(), p.location())).collect()
}

fn wrap(nodes: &str) -> String {
    format!(r#"{{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{nodes}]}}"#)
}

#[test]
fn every_structural_problem_is_reported_at_once() {
    let ps = problems(&wrap(
        r#"
        {"code": "A", "name_vi": "A", "max_points": 10},
        {"code": "A", "name_vi": "A again", "max_points": 10},
        {"code": "B", "parent": "Z", "name_vi": "B", "max_points": 5},
        {"code": "C", "parent": "D", "name_vi": "C"},
        {"code": "D", "parent": "C", "name_vi": "D"},
        {"code": "", "name_vi": "no code", "max_points": 1},
        {"code": "\"><img src=x onerror=alert(1)>", "name_vi": "markup", "max_points": 1},
        {"code": "A\u202eB", "name_vi": "bidi", "max_points": 1},
        {"code": "E", "name_vi": "E", "max_points": -3, "weight": -1, "direction": 2}
    "#,
    ));
    let got = codes(&ps);
    for want in [
        ("duplicate_code", Some("A")),
        ("unknown_parent", Some("B")),
        ("cycle", Some("C")),
        ("cycle", Some("D")),
        ("empty_code", None),
        ("bad_code", Some("\"><img src=x onerror=alert(1)>")),
        ("bad_code", Some("A\u{202e}B")),
        ("invalid_max_points", Some("E")),
        ("invalid_weight", Some("E")),
        ("invalid_direction", Some("E")),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
}

#[test]
fn children_points_must_sum_to_the_parent() {
    let ps = problems(&wrap(
        r#"
        {"code": "G", "name_vi": "G", "max_points": 100},
        {"code": "G.1", "parent": "G", "name_vi": "1", "max_points": 60},
        {"code": "G.2", "parent": "G", "name_vi": "2", "max_points": 30},
        {"code": "H", "name_vi": "H"},
        {"code": "H.1", "parent": "H", "name_vi": "1", "weight": 1}
    "#,
    ));
    assert!(ps.contains(&Problem::PointsMismatch {
        node: "G".into(),
        declared: 100.0,
        children_sum: 90.0
    }));
    assert!(ps.contains(&Problem::MissingMaxPoints {
        node: "H.1".into(),
        parent: "H".into()
    }));
    // The framework's scale is checked against the top level too.
    let ps = problems(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "scale": 1000,
        "nodes": [{"code": "A", "name_vi": "A", "max_points": 900}]}"#,
    );
    assert!(ps.contains(&Problem::PointsMismatch {
        node: "t".into(),
        declared: 1000.0,
        children_sum: 900.0
    }));
}

#[test]
fn weights_cannot_all_be_zero() {
    let ps = problems(&wrap(
        r#"
        {"code": "G", "name_vi": "G", "aggregate": {"method": "weighted_mean"}},
        {"code": "G.1", "parent": "G", "name_vi": "1", "weight": 0},
        {"code": "G.2", "parent": "G", "name_vi": "2", "weight": 0}
    "#,
    ));
    assert!(codes(&ps).contains(&("all_weights_zero", Some("G"))));
}

#[test]
fn rules_are_checked() {
    let ps = problems(&wrap(
        r#"
        {"code": "S1", "name_vi": "s", "max_points": 20,
         "rule": {"type": "steps", "steps": [{"at": 3, "points": 15}, {"at": 1, "points": 5}]}},
        {"code": "S2", "name_vi": "s", "max_points": 20,
         "rule": {"type": "steps", "steps": [{"at": 1, "points": 25}]}},
        {"code": "S3", "name_vi": "s", "max_points": 20,
         "rule": {"type": "steps", "steps": [{"at": 1, "points": 10}, {"at": 2, "points": 5}]}},
        {"code": "S4", "name_vi": "s", "max_points": 20, "rule": {"type": "steps", "steps": []}},
        {"code": "L1", "name_vi": "l", "max_points": 10,
         "rule": {"type": "levels", "levels": [{"label": "x", "fraction": 1.5}, {"label": "x", "fraction": 0.5}]}},
        {"code": "L2", "name_vi": "l", "max_points": 10, "direction": -1,
         "rule": {"type": "levels", "levels": [{"label": "y", "fraction": 1}]}},
        {"code": "N1", "name_vi": "n", "max_points": 10,
         "rule": {"type": "normalised", "normaliser": {"method": "z_score"}}},
        {"code": "N2", "name_vi": "n", "max_points": 10,
         "rule": {"type": "normalised", "normaliser": {"method": "min_max", "l": 1, "u": 1}}},
        {"code": "P", "name_vi": "p", "rule": {"type": "yes_no"}},
        {"code": "P.1", "parent": "P", "name_vi": "p1", "max_points": 1, "aggregate": {"method": "points_sum"}}
    "#,
    ));
    let got = codes(&ps);
    for want in [
        ("unsorted_steps", Some("S1")),
        ("step_points_out_of_range", Some("S2")),
        ("steps_not_monotone", Some("S3")),
        ("empty_rule", Some("S4")),
        ("fraction_out_of_range", Some("L1")),
        ("duplicate_level", Some("L1")),
        ("direction_not_applicable", Some("L2")),
        ("unbounded_normaliser", Some("N1")),
        ("invalid_normaliser", Some("N2")),
        ("rule_on_parent", Some("P")),
        ("aggregate_on_leaf", Some("P.1")),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
}

#[test]
fn steps_need_max_points() {
    let ps = problems(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "aggregate": {"method": "weighted_mean"},
        "nodes": [{"code": "S", "name_vi": "s", "rule": {"type": "steps", "steps": [{"at": 1, "points": 1}]}}]}"#,
    );
    assert_eq!(codes(&ps), [("rule_needs_max_points", Some("S"))]);
}

#[test]
fn views_are_checked() {
    let ps = problems(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
        {"code": "G", "name_vi": "G"},
        {"code": "G.1", "parent": "G", "name_vi": "1", "max_points": 10},
        {"code": "W", "name_vi": "W", "max_points": 5, "aggregate": {"method": "weighted_mean"}},
        {"code": "W.1", "parent": "W", "name_vi": "w1"}],
        "views": [
          {"code": "V1", "name_vi": "v", "nodes": ["G", "G.1"]},
          {"code": "V2", "name_vi": "v", "nodes": ["NOPE"]},
          {"code": "V3", "name_vi": "v", "nodes": []},
          {"code": "G", "name_vi": "clash", "nodes": ["W.1"]}
        ]}"#,
    );
    let got = codes(&ps);
    for want in [
        ("view_overlap", Some("V1")),
        ("view_unknown_node", Some("V2")),
        ("empty_view", Some("V3")),
        ("duplicate_code", Some("G")),
        ("view_node_without_points", Some("G")),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
}

#[test]
fn schema_id_and_emptiness() {
    let ps = problems(r#"{"schema_version": 7, "id": " ", "name_vi": "T", "nodes": []}"#);
    assert_eq!(
        codes(&ps),
        [
            ("unsupported_schema", None),
            ("empty_id", None),
            ("no_nodes", None)
        ]
    );
}

#[test]
fn parse_errors_say_where() {
    let err = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_pints": 1}]}"#)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("max_pints") && msg.contains("column"), "{msg}");
    let err = Framework::from_toml("schema_version = 1\nid = [").unwrap_err();
    assert!(matches!(err, FrameworkError::Parse { format: "TOML", .. }));
}

#[test]
fn the_error_message_lists_every_problem_with_its_code() {
    let err = Framework::from_json(&wrap(
        r#"{"code": "A", "name_vi": "A", "max_points": 1}, {"code": "A", "name_vi": "A", "max_points": 1},
           {"code": "B", "parent": "Q", "name_vi": "B", "max_points": 1}"#,
    ))
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("framework 't' has 2 problem(s):"), "{msg}");
    assert!(msg.contains("code 'A' is used more than once"), "{msg}");
    assert!(msg.contains("node 'B': parent 'Q' does not exist"), "{msg}");
}

#[test]
fn problems_serialise_with_stable_codes() {
    let ps = problems(&wrap(r#"{"code": "E", "name_vi": "E", "max_points": -1}"#));
    let json = serde_json::to_value(&ps[0]).unwrap();
    assert_eq!(json["code"], "invalid_max_points");
    assert_eq!(json["node"], "E");
    assert_eq!(json["max_points"], -1.0);
}

#[test]
fn every_golden_framework_loads_from_toml_as_well() {
    for case in dti_tests::golden_cases() {
        let fw = dti_tests::framework(&case);
        let again = Framework::from_toml(&fw.to_toml()).unwrap();
        assert_eq!(again, fw, "{}", case.display());
    }
}

/// Every error kind the WASM package can raise has its code in the core (`code()`), and the
/// package's TypeScript union `DtiErrorCode` lists exactly those codes plus the package's own:
/// the declarations are checked against the Rust source, not kept by hand beside it.
#[test]
fn the_typescript_error_codes_are_the_cores() {
    let root = dti_tests::root();
    let src = |rel: &str| read(&root.join("crates/dti-core/src").join(rel));
    let mut core = std::collections::BTreeSet::new();
    for (file, ty) in [
        ("model/problem.rs", "FrameworkError"),
        ("error.rs", "ScoreError"),
        ("model/merge_map.rs", "MergeError"),
        ("analyses/scenario.rs", "ScenarioError"),
        ("analyses/assumptions.rs", "AnalysisError"),
        ("error.rs", "NormaliseError"),
        ("model/registry.rs", "LookupError"),
        ("io/file_problem.rs", "FileProblem"),
    ] {
        let text = src(file);
        let start = text
            .find(&format!("impl {ty} {{"))
            .unwrap_or_else(|| panic!("impl {ty} in {file}"));
        let body = &text[start..];
        let f = body.find("pub fn code(&self)").expect("a code() method");
        let body = &body[f..];
        let end = body.find("\n    }\n").expect("the end of code()");
        let codes: Vec<&str> = body[..end].split('"').skip(1).step_by(2).collect();
        assert!(!codes.is_empty(), "{ty}::code has no literal");
        core.extend(codes.into_iter().map(str::to_owned));
    }
    let dts = read(&root.join("bindings/wasm/npm/index.d.ts"));
    let start = dts
        .find("export type DtiErrorCode =")
        .expect("DtiErrorCode");
    let union = &dts[start..start + dts[start..].find(';').expect("the union's end")];
    let union: std::collections::BTreeSet<String> = union
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| {
            l.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let own: std::collections::BTreeSet<String> = [
        "bad_argument",
        "too_large",
        "unknown_unit",
        "not_ready",
        "internal",
    ]
    .map(str::to_owned)
    .into();
    let missing: Vec<_> = core.difference(&union).collect();
    assert!(
        missing.is_empty(),
        "codes missing from DtiErrorCode: {missing:?}"
    );
    let extra: Vec<_> = union
        .difference(&core)
        .filter(|c| !own.contains(*c))
        .collect();
    assert!(
        extra.is_empty(),
        "DtiErrorCode lists codes no error has: {extra:?}"
    );
}

/// `code()` is the `code` field of the error's JSON form, for the errors that carry one.
#[test]
fn error_codes_are_their_serialised_code() {
    let cases: Vec<(serde_json::Value, &str)> = vec![
        {
            let e = dti_core::Framework::from_json(
                r#"{"schema_version": 1, "id": "", "name_vi": "X", "nodes": []}"#,
            )
            .unwrap_err();
            (serde_json::to_value(&e).unwrap(), e.code())
        },
        {
            let e = dti_core::MergeMap::from_csv("merged,former\nN\n").unwrap_err();
            (serde_json::to_value(&e).unwrap(), e.code())
        },
        {
            let e =
                dti_core::io::read_tables("iCode\n", "uCode\n", &Default::default()).unwrap_err();
            (serde_json::to_value(&e).unwrap(), e.code())
        },
        {
            let e = dti_core::analyses::ScenarioError::UnknownNode { node: "Z".into() };
            (serde_json::to_value(&e).unwrap(), e.code())
        },
        {
            let e = dti_core::methods::NormaliseError::ZeroMax;
            (serde_json::to_value(&e).unwrap(), e.code())
        },
        {
            let e = dti_core::analyses::MergeProblem::EmptyGroup { unit: "N".into() };
            (serde_json::to_value(&e).unwrap(), e.code())
        },
    ];
    for (json, code) in cases {
        assert_eq!(json["code"], code, "{json}");
    }
}

/// A scale that cannot divide points and a power no value survives are refused, not ignored.
#[test]
fn a_bad_scale_and_an_extreme_power_are_refused() {
    let fw = |scale: &str, agg: &str| {
        dti_core::Framework::from_json(&format!(
            r#"{{"schema_version": 1, "id": "x", "name_vi": "X", {scale} "aggregate": {agg},
                "nodes": [{{"code": "A", "name_vi": "A", "max_points": 60}}, {{"code": "B", "name_vi": "B", "max_points": 40}}]}}"#
        ))
    };
    let codes = |r: Result<dti_core::Framework, dti_core::FrameworkError>| -> Vec<&'static str> {
        match r {
            Ok(_) => Vec::new(),
            Err(dti_core::FrameworkError::Invalid { problems, .. }) => {
                problems.iter().map(|p| p.code()).collect()
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert!(
        codes(fw(r#""scale": -100,"#, r#"{"method": "points_sum"}"#))
            .contains(&"invalid_max_points")
    );
    assert!(
        codes(fw(r#""scale": 0,"#, r#"{"method": "points_sum"}"#)).contains(&"invalid_max_points")
    );
    assert!(codes(fw(r#""scale": 100,"#, r#"{"method": "points_sum"}"#)).is_empty());
    assert_eq!(
        codes(fw("", r#"{"method": "generalised_mean", "p": 1e6}"#)),
        ["invalid_aggregator"]
    );
    assert!(codes(fw("", r#"{"method": "generalised_mean", "p": 3}"#)).is_empty());
}
