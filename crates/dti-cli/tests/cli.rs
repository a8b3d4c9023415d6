//! End-to-end tests of the `dti` binary: numbers, exit codes and messages.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> String {
    root().join("fixtures").join(rel).display().to_string()
}

fn dti() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dti"))
}

fn stdout(args: &[&str]) -> String {
    let out = dti()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// The lines of standard error that say units are not provinces.
fn province_warnings(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.contains("not a province") || l.contains("not provinces"))
        .collect()
}

/// `dti score FILE --framework vn-pdti-2022`, to run.
fn score_2022(path: &std::path::Path) -> Command {
    let mut c = dti();
    c.args([
        "score",
        path.to_str().unwrap(),
        "--framework",
        "vn-pdti-2022",
    ]);
    c
}

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dti-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The README's main job: `dti score` prints the official DTI 2024 ranking of the 34
/// provinces, reproduced from the main indicators, the published value and rank beside.
/// Expected numbers: the published table (`crates/dti-core/data/published/`, the ministry's).
#[test]
fn the_main_job_reproduces_the_official_dti_2024() {
    let out = stdout(&["score"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("vn-pdti-2024") && lines[0].ends_with("2024"),
        "{}",
        lines[0]
    );
    let published = std::fs::read_to_string(
        root().join("crates/dti-core/data/published/dti-2024-34-provinces.csv"),
    )
    .unwrap();
    let mut checked = 0;
    let mut flagged = 0;
    for row in published.lines().skip(1) {
        let c: Vec<&str> = row.split(',').collect();
        let (rank, name, dti) = (c[0], c[1], c[11].parse::<f64>().unwrap());
        // The table's row of that province: its name as published.
        let line = lines[3..]
            .iter()
            .find(|l| l.contains(&format!("  {name}  ")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            cells[0], rank,
            "{name}: the computed rank is the published one"
        );
        let value: f64 = cells[3].parse().unwrap();
        assert!(
            (value - dti).abs() <= 1.00001e-4,
            "{name}: {value} vs {dti}"
        );
        assert!(
            line.contains(&format!("{dti:.4}")),
            "{name}: the published value beside: {line}"
        );
        flagged += usize::from(line.ends_with('*'));
        checked += 1;
    }
    assert_eq!(checked, 34);
    // Six computed values show another 4th decimal than the published ones (inputs are
    // published rounded): flagged, and said under the table with the source.
    assert_eq!(flagged, 6, "{out}");
    assert!(out.contains("* marks the 6 of 34 values"), "{out}");
    assert!(
        out.contains("Source: ") && out.contains("dti.gov.vn"),
        "{out}"
    );
    // CSV: 34 rows with the published columns.
    let csv = stdout(&["score", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 1 + 34);
    assert!(
        csv.lines().next().unwrap().contains("published,pub. #"),
        "{csv}"
    );
}

/// The synthetic panel stays, by name.
#[test]
fn the_synthetic_panel_by_name() {
    let out = stdout(&["score", "synthetic"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("vn-pdti-2022") && lines[0].ends_with("2023"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 3 + 63);
    // The table agrees with the library, province by province.
    let fw = dti_core::Framework::builtin("vn-pdti-2022").unwrap();
    let units: Vec<dti_core::UnitRecord> = serde_json::from_str(
        &std::fs::read_to_string(fixture("vn-provinces-synthetic/panel.json")).unwrap(),
    )
    .unwrap();
    let scores = fw.score(&units).unwrap();
    for line in &lines[3..] {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let unit = scores.unit(cells[1], Some(2023)).unwrap();
        assert_eq!(cells[0], unit.rank.unwrap().to_string());
        assert!(
            line.contains(&format!("{:.4}", unit.value.unwrap())),
            "{line}"
        );
    }
}

/// The published DTI of earlier years, ranked as published (2022: Thanh Hóa = Yên Bái =
/// 0.6350, both 15th, then 17th), and compared across the merger.
#[test]
fn published_years_and_the_merger() {
    let out = stdout(&["score", "--year", "2022", "--format", "csv"]);
    let rank_of = |id: &str| {
        out.lines()
            .find(|l| l.split(',').nth(1) == Some(id))
            .and_then(|l| l.split(',').next().map(str::to_owned))
            .unwrap()
    };
    assert_eq!(
        (rank_of("thanh-hoa"), rank_of("yen-bai")),
        ("15".into(), "15".into())
    );
    assert!(!out.lines().any(|l| l.starts_with("16,")));
    // 2023 (63) against 2024 (34): merged first, and said.
    let cmp = dti()
        .args([
            "compare", "--from", "2023", "--to", "2024", "--format", "csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "merged onto the 34 of the 2025 map first",
        ))
        .get_output()
        .clone();
    let text = String::from_utf8(cmp.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 34, "{text}");
    // Hà Nội: 2023 0.7448 (5th of the 34 merged: Hà Nội was not merged), 2024 first.
    let hn = text.lines().find(|l| l.starts_with("ha-noi,")).unwrap();
    assert!(hn.contains(",5,1,-4,"), "{hn}");
    // Merging the published 63 of 2024 gives the published 34 (within rounding).
    let merged = stdout(&["merge", "--format", "csv"]);
    let published = std::fs::read_to_string(
        root().join("crates/dti-core/data/published/dti-2024-34-provinces.csv"),
    )
    .unwrap();
    for row in published.lines().skip(1) {
        let c: Vec<&str> = row.split(',').collect();
        let line = merged
            .lines()
            .find(|l| l.split(',').nth(2) == Some(c[1]))
            .unwrap();
        let v: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
        assert!((v - c[11].parse::<f64>().unwrap()).abs() <= 1e-4, "{line}");
    }
    // `dti data list` names the sets and the source.
    let list = stdout(&["data", "list"]);
    assert!(
        list.contains("published:dti-63") && list.contains("dti.gov.vn"),
        "{list}"
    );
}

/// The hand-worked golden case (fixtures/dti2022-main/README.md): P3 680, P2 670, P1 635.
#[test]
fn scores_match_the_hand_computed_golden_case() {
    let out = stdout(&[
        "score",
        &fixture("dti2022-main/units.json"),
        "--format",
        "csv",
    ]);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // CSV carries full precision (the shortest decimal that reads back to the same f64).
    assert_eq!(rows[0][..5], ["1", "P3", "Gamma", "0.68", "680"]);
    assert_eq!(rows[1][..5], ["2", "P2", "Beta", "0.67", "670"]);
    assert_eq!(rows[2][..5], ["3", "P1", "Alpha", "0.635", "635"]);
    // P1's pillars: CQS 500/700 (rank 2), KTS 440/650 (3), XHS 455/650 = 0.7 (2).
    let pillar = |k: usize| rows[2][k].parse::<f64>().unwrap();
    assert!((pillar(5) - 500.0 / 700.0).abs() < 1e-15, "{}", rows[2][5]);
    assert!((pillar(7) - 440.0 / 650.0).abs() < 1e-15, "{}", rows[2][7]);
    assert!((pillar(9) - 0.7).abs() < 1e-15, "{}", rows[2][9]);
    assert_eq!([rows[2][6], rows[2][8], rows[2][10]], ["2", "3", "2"]);
    // The terminal table rounds.
    let table = stdout(&["score", &fixture("dti2022-main/units.json")]);
    assert!(table.contains("0.6350   635.0  0.7143      2"), "{table}");
    // JSON carries the library's results.
    let json: serde_json::Value = serde_json::from_str(&stdout(&[
        "score",
        &fixture("dti2022-main/units.json"),
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json[0]["points"], 635.0);
}

#[test]
fn explain_lists_the_breakdown_and_opportunities() {
    let out = stdout(&["explain", "Alpha", &fixture("dti2022-main/units.json")]);
    assert!(
        out.contains("Alpha (P1), 2022 — value 0.6350, 635.0 points, rank 3"),
        "{out}"
    );
    // ECO (1 − 0.4)·150 = 90 is the biggest opportunity, then GOV 80, SOC 75.
    let opp: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("opportunity"))
        .skip(2)
        .collect();
    assert!(
        opp[0].starts_with("ECO") && opp[0].ends_with("90.00"),
        "{opp:?}"
    );
    assert!(opp[1].starts_with("GOV") && opp[1].ends_with("80.00"));
    dti()
        .args(["explain", "Atlantis"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no unit 'Atlantis'"));
}

/// A table given in percent (values 1..100 where 0..1 is expected) is one finding: one line
/// says so and how to fix it, three values are examples, the rest are counted — not a line
/// per value. A problem of another kind is still listed.
#[test]
fn values_that_look_like_percentages_are_one_message() {
    let mut text = String::from("unit,period,AWR,GOV\n");
    for u in 0..40 {
        text.push_str(&format!("U{u},2023,{},{}\n", 30 + u, 55.5));
    }
    text.push_str("V,2023,-0.5,0.5\n");
    let path = temp("percent.csv", &text);
    let out = score_2022(&path)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("81 problem(s) in the input"), "{err}");
    assert!(
        err.contains("80 values between 1 and 100 where a value in 0..1 is expected (AWR, GOV): they look like percentages; divide them by 100"),
        "{err}"
    );
    assert!(err.contains("… and 77 more values like these"), "{err}");
    assert!(
        err.contains("unit 'V' (2023), indicator 'AWR': -0.5"),
        "{err}"
    );
    let listed = err.lines().skip_while(|l| !l.starts_with("error:")).count();
    assert_eq!(listed, 1 + 1 + 4 + 1, "{err}");
}

/// Under a provincial framework, a unit that is not a province is said aloud with the
/// nearest names (it would be scored as a unit of its own, silently); the names people use
/// resolve (HCMC, Huế); a panel of units of its own gets one line, not one per unit.
#[test]
fn a_unit_that_is_not_a_province_is_said_with_the_nearest_names() {
    let path = temp(
        "not-provinces.csv",
        "unit,period,AWR,GOV\nHCMC,2023,0.5,0.5\nHa Noii,2023,0.7,0.2\nHuế,2023,0.1,0.3\n",
    );
    let out = score_2022(&path).assert().success().get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    let warned = province_warnings(&err);
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].contains("unit 'Ha Noii' is not a province of Viet Nam"),
        "{err}"
    );
    assert!(warned[0].contains("the nearest: Hà Nội"), "{err}");
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("ho-chi-minh") && table.contains("hue"),
        "{table}"
    );
    // A framework of one's own: no such warning.
    let own = dti()
        .args([
            "score",
            &fixture("panel-5x3/wide.csv"),
            "--framework",
            &fixture("panel-5x3/framework.json"),
            "--group",
            "region",
        ])
        .output()
        .unwrap();
    assert!(own.status.success(), "{own:?}");
    assert!(!String::from_utf8_lossy(&own.stderr).contains("not a province"));
    let many: String = (0..50).map(|u| format!("U{u},2023,0.5,0.5\n")).collect();
    let path = temp("many.csv", &format!("unit,period,AWR,GOV\n{many}"));
    let err = score_2022(&path).output().unwrap().stderr;
    let err = String::from_utf8(err).unwrap();
    let warned = province_warnings(&err);
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].contains("more than 5 units are not provinces"),
        "{err}"
    );
}

/// `--lang en` names every node and opportunity in English; a node worth no points (SMART
/// in the 2022 DTI) shows no rank, and says why.
#[test]
fn explain_in_english_and_a_node_worth_nothing_has_no_rank() {
    let vi = stdout(&["explain", "ha-noi", "synthetic"]);
    let en = stdout(&["explain", "ha-noi", "synthetic", "--lang", "en"]);
    assert!(
        vi.contains("Nhận thức số") && !vi.contains("Digital awareness"),
        "{vi}"
    );
    assert!(
        en.contains("Digital awareness") && !en.contains("Nhận thức số"),
        "{en}"
    );
    let opportunities = en.split("opportunity").nth(1).unwrap_or_default();
    assert!(opportunities.contains("Digital-economy activity"), "{en}");
    for out in [&vi, &en] {
        let smart = out
            .lines()
            .find(|l| l.trim_start().starts_with("SMART"))
            .unwrap();
        let cells: Vec<&str> = smart
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        // node, name, points, max, value, rank, status
        assert_eq!(cells[3], "0", "{smart}");
        assert_eq!(cells[5], "-", "{smart}");
        assert!(cells[6].ends_with("worth 0 points"), "{smart}");
    }
}

#[test]
fn merge_defaults_to_the_2025_map() {
    let out = stdout(&["merge", "--format", "csv"]);
    assert_eq!(out.lines().count(), 1 + 34);
    assert!(out.contains("hue,Huế,"));
    // A user map with province names (three-way merge worked by hand in fixtures/merge-three).
    let map = temp("map.csv", "merged,former\nN,A\nN,B\nN,C\nD,D\n");
    let out = stdout(&[
        "merge",
        &fixture("merge-three/units.json"),
        "--map",
        &map.display().to_string(),
        "--format",
        "csv",
    ]);
    assert!(
        out.lines().nth(1).unwrap().starts_with("1,N,,0.61,610,"),
        "{out}"
    );
}

#[test]
fn frameworks_list_show_and_validate() {
    let out = stdout(&["frameworks", "list"]);
    for id in [
        "vn-pdti-2020",
        "vn-pdti-2022",
        "vn-pdti-2024",
        "vn-pdti-2025",
    ] {
        assert!(out.contains(id));
    }
    assert!(out.contains("provisional"));
    let line = out.lines().find(|l| l.starts_with("vn-pdti-2024")).unwrap();
    assert!(
        line.ends_with("ready; points inferred from the published results"),
        "{line}"
    );
    let show = stdout(&["frameworks", "show", "vn-pdti-2024"]);
    assert!(
        show.contains("INFRA Hạ tầng số — Digital infrastructure (140 pts)")
            && show.contains("INFERRED"),
        "{show}"
    );
    let out = stdout(&["frameworks", "show", "vn-pdti-2022"]);
    assert!(
        out.contains("GOV Hoạt động chính quyền số — Digital-government activity (200 pts)"),
        "{out}"
    );
    assert!(out.contains("view CQS Chính quyền số = F + GOV"));
    let out = stdout(&["frameworks", "show", "vn-pdti-2025"]);
    assert!(out.contains("points unpublished"));
    stdout(&[
        "frameworks",
        "validate",
        &fixture("district-components/framework.json"),
    ]);
    let bad = temp(
        "bad.json",
        r#"{"schema_version": 1, "id": "x", "name_vi": "X", "nodes": [
          {"code": "A", "name_vi": "A", "max_points": 10},
          {"code": "A", "name_vi": "A2", "max_points": 10},
          {"code": "B", "parent": "Q", "name_vi": "B", "max_points": 1}]}"#,
    );
    dti()
        .args(["frameworks", "validate", &bad.display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("code 'A' is used more than once"))
        .stderr(predicate::str::contains(
            "node 'B': parent 'Q' does not exist",
        ));
}

/// `dti coin`'s table shows the index once (COINr's one top aggregate is the framework's
/// total: the same number) and the pillars beside it, by their codes.
#[test]
fn coin_table_shows_the_index_once_and_its_pillars() {
    let out = stdout(&[
        "coin",
        "--meta",
        &fixture("coin-toy/meta.csv"),
        "--data",
        &fixture("coin-toy/data.csv"),
    ]);
    let header: Vec<&str> = out.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["rank", "uCode", "uName", "Time", "IDX", "P1", "P2"],
        "{out}"
    );
}

#[test]
fn coin_scores_the_toy_tables_like_the_hand_computation() {
    let dir = std::env::temp_dir().join(format!("dti-coin-{}", std::process::id()));
    let out = stdout(&[
        "coin",
        "--meta",
        &fixture("coin-toy/meta.csv"),
        "--data",
        &fixture("coin-toy/data.csv"),
        "--denominate",
        "--normalise",
        "minmax:0,100",
        "--aggregate",
        "mean",
        "--out-dir",
        &dir.display().to_string(),
        "--format",
        "csv",
    ]);
    let idx = |unit: &str| -> f64 {
        let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
        let col = header.iter().position(|h| *h == "IDX").unwrap();
        let row = out
            .lines()
            .find(|l| l.starts_with(&format!("{unit},")))
            .unwrap();
        row.split(',').nth(col).unwrap().parse().unwrap()
    };
    assert!((idx("A") - 100.0 / 9.0).abs() < 1e-9);
    assert!((idx("B") - 400.0 / 9.0).abs() < 1e-9);
    assert!((idx("C") - 800.0 / 9.0).abs() < 1e-9);
    for f in [
        "Raw.csv",
        "Denominated.csv",
        "Normalised.csv",
        "Aggregated.csv",
        "Results.csv",
        "Weights.csv",
        "Statistics.csv",
        "Correlations.csv",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    // COINr's Aggregated data set: the normalised indicators, then every aggregate up to
    // the index, by hand (fixtures/coin-toy/README.md): P1 of C is 250/3.
    let aggregated = std::fs::read_to_string(dir.join("Aggregated.csv")).unwrap();
    let header: Vec<&str> = aggregated.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "uCode", "uName", "Time", "i1", "i2", "i3", "i4", "i5", "i6", "S1", "S2", "S3", "P1",
            "P2", "IDX"
        ]
    );
    let c = aggregated.lines().find(|l| l.starts_with("C,")).unwrap();
    let p1: f64 = c.split(',').nth(12).unwrap().parse().unwrap();
    assert!((p1 - 250.0 / 3.0).abs() < 1e-12, "{c}");
    // Effective weights, by hand: P1 has weight 2 of 3, S2 half of P1, i3 two thirds of S2
    // (weight 2 of 3): 2/3 · 1/2 · 2/3 = 2/9.
    let weights = std::fs::read_to_string(dir.join("Weights.csv")).unwrap();
    let i3 = weights.lines().find(|l| l.starts_with("i3,")).unwrap();
    let w: f64 = i3.rsplit(',').next().unwrap().parse().unwrap();
    assert!((w - 2.0 / 9.0).abs() < 1e-15, "{i3}");
    // The terminal table ranks the index; JSON carries the report's tables.
    let args = [
        "coin",
        "--meta",
        &fixture("coin-toy/meta.csv"),
        "--data",
        &fixture("coin-toy/data.csv"),
        "--denominate",
    ];
    let table = stdout(&args);
    assert!(
        table.lines().nth(3).unwrap().starts_with("   1  C"),
        "{table}"
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json_args)).unwrap();
    for key in [
        "scores",
        "effective_weights",
        "statistics",
        "correlations",
        "treatment",
        "imputation",
        "screened",
        "missing_denominators",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    dti()
        .args([
            "coin",
            "--meta",
            &fixture("coin-toy/meta.csv"),
            "--data",
            &fixture("coin-toy/data.csv"),
            "--normalise",
            "minmax:7",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("minmax takes 2 finite number(s)"));
}

/// Option values are usage errors (exit 2) naming what is wrong.
#[test]
fn coin_option_values_are_validated() {
    let meta = fixture("coin-toy/meta.csv");
    let data = fixture("coin-toy/data.csv");
    for (opt, value, says) in [
        ("--screen", "NaN", "a share of indicators in [0, 1]"),
        ("--treat", "winsor:-1", "whole number of points"),
        (
            "--impute",
            "group-mean:NoSuchCol",
            "no group column 'NoSuchCol' (its group columns: Region)",
        ),
        ("--normalise", "minmax:100,0", "needs l < u"),
        ("--aggregate", "genmean:0", "p ≠ 0"),
    ] {
        dti()
            .args(["coin", "--meta", &meta, "--data", &data, opt, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

/// The treatment log of fixtures/treat-sobol: four points winsorised at the top, no log.
#[test]
fn coin_writes_the_treatment_log() {
    let meta = temp(
        "treat-meta.csv",
        "iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,IDX,1,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n",
    );
    let mut data = "uCode,Time,x\n".to_owned();
    for (k, v) in (1..=28).chain([168, 170, 174, 206]).enumerate() {
        data.push_str(&format!("U{k:02},2024,{v}\n"));
    }
    let data = temp("treat-data.csv", &data);
    let dir = std::env::temp_dir().join(format!("dti-coin-treat-{}", std::process::id()));
    stdout(&[
        "coin",
        "--meta",
        &meta.display().to_string(),
        "--data",
        &data.display().to_string(),
        "--treat",
        "default",
        "--out-dir",
        &dir.display().to_string(),
    ]);
    let log = std::fs::read_to_string(dir.join("Treatment.csv")).unwrap();
    let row: Vec<&str> = log.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[0], "x");
    assert_eq!(
        (row[4], row[5], row[6], row[7]),
        ("false", "4", "0", "false"),
        "{log}"
    );
    assert_eq!(row[10], "U28 U29 U30 U31");
    let treated = std::fs::read_to_string(dir.join("Treated.csv")).unwrap();
    assert!(treated.contains("U31,,2024,28\n"), "{treated}");
}

/// Intermediate data sets: no denominator columns without --denominate, and directions
/// ignored on request.
#[test]
fn coin_reads_intermediate_data_sets() {
    let meta = temp(
        "mid-meta.csv",
        "iCode,iName,Level,Parent,Direction,Weight,Type,Denominator\nx1,X1,1,IDX,-1,1,Indicator,Pop\nx2,X2,1,IDX,1,1,Indicator,\nIDX,Index,2,,1,1,Aggregate,\nPop,Population,,,,,Denominator,\n",
    );
    let data = temp(
        "mid-data.csv",
        "uCode,Time,x1,x2\nA,2024,20,10\nB,2024,80,30\n",
    );
    let (m, d) = (meta.display().to_string(), data.display().to_string());
    // Already normalised data aggregated as it is: A (20 + 10)/2 = 15, B (80 + 30)/2 = 55.
    let out = stdout(&[
        "coin",
        "--meta",
        &m,
        "--data",
        &d,
        "--normalise",
        "none",
        "--directions",
        "ignore",
        "--format",
        "csv",
    ]);
    assert!(out.contains("A,,2024,20,10,15,"), "{out}");
    assert!(out.contains("B,,2024,80,30,55,"), "{out}");
    // With the direction kept, x1 is negated first: A (−20 + 10)/2 = −5.
    let out = stdout(&[
        "coin",
        "--meta",
        &m,
        "--data",
        &d,
        "--normalise",
        "none",
        "--format",
        "csv",
    ]);
    assert!(out.contains("A,,2024,-20,10,-5,"), "{out}");
    dti()
        .args(["coin", "--meta", &m, "--data", &d, "--denominate"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "meta, line 5: denominator 'Pop' has no column in the data table",
        ));
}

#[test]
fn bad_input_names_file_row_unit_and_indicator() {
    let bad = temp(
        "bad.csv",
        "unit,period,AWR,GOV\nX,2023,0.5,1.5\nY,2023,abc,0.2\n",
    );
    dti()
        .args(["score", &bad.display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.csv, row 2, unit 'X' (2023), indicator 'GOV': 1.5 is outside 0..1"))
        .stderr(predicate::str::contains("row 3, unit 'Y' (2023), indicator 'AWR': expected a value in 0..1, found label \"abc\""));
    let unknown = temp("cols.csv", "unit,period,AWRR\nX,2023,0.5\n");
    dti()
        .args(["score", &unknown.display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "column 'AWRR' is not an indicator",
        ));
    // Lenient: the good rows are scored, the bad ones reported.
    dti()
        .args([
            "score",
            &bad.display().to_string(),
            "--lenient",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning:"));
    dti()
        .args(["score", "--year", "1999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no data for 1999"));
    dti()
        .args(["score", "/no/such/file.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read"));
    #[cfg(not(feature = "polars"))]
    dti()
        .args(["score", "x.parquet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs the `polars` feature"));
    #[cfg(feature = "polars")]
    dti()
        .args(["score", "/no/such/x.parquet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/no/such/x.parquet"));
    dti()
        .args(["score", "--framework", "vn-pdti-1999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("available: vn-pdti-2020"));
}

#[test]
fn duplicates_name_both_rows_in_scores_and_analyses() {
    // Rows 4 and 5 repeat X in 2023; row 6 is out of range. The analyses score one period,
    // so their problems must still point at the file's rows, not the period's.
    let dup = temp(
        "dup.csv",
        "unit,period,AWR,GOV\nX,2022,0.5,0.5\nY,2022,0.4,0.4\nX,2023,0.5,0.5\nX,2023,0.6,0.6\nY,2023,0.2,1.5\n",
    );
    for args in [vec!["score"], vec!["leave-one-out"]] {
        dti()
            .args(&args)
            .arg(&dup)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "dup.csv, row 5, unit 'X' (2023): the unit and period already appear in row 4",
            ))
            .stderr(predicate::str::contains(
                "dup.csv, row 6, unit 'Y' (2023), indicator 'GOV': 1.5 is outside 0..1",
            ));
    }
    let json = temp(
        "dup.json",
        r#"[{"unit": "X", "period": 2023, "values": {"AWR": 0.5}}, {"unit": "X", "period": 2023}]"#,
    );
    dti()
        .args(["score"])
        .arg(&json)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "dup.json, record 2, unit 'X' (2023): the unit and period already appear in record 1",
        ));
}

#[test]
fn usage_errors_exit_2() {
    dti().args(["score", "--format", "xml"]).assert().code(2);
    dti().args(["frobnicate"]).assert().code(2);
    dti().assert().code(2);
}

#[test]
fn long_layout_with_self_and_appraised_values() {
    let data = temp(
        "long.csv",
        "unit,period,indicator,value,self,appraised\nD2,2024,AWR.MEET,,4,3\nD2,2024,AWR.PORTAL,no,,\nD2,2024,SOC.EID,50,,\n",
    );
    let out = stdout(&[
        "score",
        &data.display().to_string(),
        "--framework",
        &fixture("district-components/framework.json"),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let meet = v[0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "AWR.MEET")
        .unwrap()
        .clone();
    // Appraised 3 → 15 points; self 4 → 20 reported beside it.
    assert_eq!(meet["points"], 15.0);
    assert_eq!(meet["self_assessed"]["points"], 20.0);
    // 15 + 0 (portal no) + 15 (EID 50 %) = 30.
    assert_eq!(v[0]["points"], 30.0);
}

#[test]
fn ascii_folds_vietnamese_names() {
    let out = stdout(&["score", "--ascii", "--format", "csv"]);
    assert!(out.contains("TP. Ho Chi Minh") && !out.contains("Hồ"));
}

#[test]
fn scenario_and_compare() {
    let scenario = temp(
        "s.json",
        r#"{"name": "Hậu Giang invests", "values": [{"unit": "hau-giang", "indicator": "GOV", "op": "set", "value": 1.0}]}"#,
    );
    let out = stdout(&[
        "scenario",
        &scenario.display().to_string(),
        "synthetic",
        "--format",
        "csv",
    ]);
    let row = out.lines().find(|l| l.starts_with("hau-giang,")).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[2], "63");
    assert!(cells[4].starts_with('-'), "moved up: {row}");
    let a = fixture("dti2022-main/units.json");
    let out = stdout(&["compare", &a, &a]);
    assert!(out.contains("0 of 3 units changed rank"), "{out}");
}

/// The README's research example: how robust is the official DTI 2024 ranking to ±25 % on
/// the points? Rank intervals for the 34 provinces, and the chart the command draws.
#[test]
fn readme_uncertainty_example_has_rank_intervals() {
    let spec = fixture("specs/dti2024-points-25.json");
    let out = stdout(&["uncertainty", &spec, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.len(), 34);
    let wide = units
        .iter()
        .filter(|u| u["rank_p05"] != u["rank_p95"])
        .count();
    assert!(
        wide > 10,
        "only {wide} provinces have an interval wider than 0"
    );
    // Nominal ranks are the published ones: Hà Nội 1, Cao Bằng 34.
    let nominal =
        |id: &str| units.iter().find(|u| u["unit"] == id).unwrap()["nominal_rank"].clone();
    assert_eq!(nominal("ha-noi"), serde_json::json!(1));
    assert_eq!(nominal("cao-bang"), serde_json::json!(34));
    assert_eq!(v["warnings"], serde_json::json!([]));
    // The table says which framework and year, and each province by name.
    let table = stdout(&["uncertainty", &spec]);
    assert!(
        table.starts_with("Uncertainty analysis of vn-pdti-2024 (2024), 1000 runs"),
        "{table}"
    );
    let head: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(&head[..4], ["unit", "name", "period", "nominal"], "{table}");
    let first = table.lines().nth(3).unwrap();
    assert!(
        first.starts_with("ha-noi") && first.contains("Hà Nội") && first.contains("2024"),
        "{first}"
    );
    // The chart, well-formed, one bar per province.
    let svg = temp("ua-chart.svg", "");
    std::fs::remove_file(&svg).unwrap();
    stdout(&[
        "plot",
        "uncertainty",
        &spec,
        "--out",
        &svg.display().to_string(),
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(
        text.contains("Hà Nội") && text.contains("Cao Bằng"),
        "names on the bars"
    );
    // The same question on the synthetic panel (component indicators), and the library
    // example's spec (an aggregator at depth 0).
    let out = stdout(&[
        "uncertainty",
        &fixture("specs/dti2022-points-25.json"),
        "synthetic",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["units"].as_array().unwrap().len(), 63);
    let spec = temp(
        "readme-ua.json",
        r#"{"runs": 50, "seed": 7, "inputs": [
          {"name": "weights", "kind": "weight_noise", "factor": 0.25},
          {"name": "aggregation", "kind": "aggregator", "depth": 0,
           "alternatives": [{"method": "weighted_mean"}, {"method": "geometric_mean"}]}]}"#,
    );
    stdout(&["uncertainty", &spec.display().to_string()]);
}

/// Analyses that would do nothing fail or warn, naming what; comparisons with nothing in
/// common fail.
#[test]
fn analyses_that_do_nothing_say_so() {
    let idle = temp(
        "idle.json",
        r#"{"runs": 20, "inputs": [{"name": "none", "kind": "weight_noise", "factor": 0.0}]}"#,
    );
    dti()
        .args(["uncertainty", &idle.display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "idle.json: no uncertain input changes any unit's value (none)",
        ));
    let half = temp(
        "half.json",
        r#"{"runs": 20, "inputs": [{"name": "deep", "kind": "weight_noise", "factor": 0.2, "depth": 9},
            {"name": "points", "kind": "weight_noise", "factor": 0.2, "depth": 2}]}"#,
    );
    dti()
        .args(["uncertainty", &half.display().to_string()])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: uncertain input 'deep' applies to no node of the framework at depth 9",
        ));
    let clash = temp(
        "clash.json",
        r#"{"runs": 20, "inputs": [{"name": "a", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]},
            {"name": "p", "kind": "generalised_power", "depth": 1, "lo": 0.5, "hi": 2}]}"#,
    );
    dti()
        .args(["uncertainty", &clash.display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "uncertain inputs 'a' and 'p' both set the aggregator of node 'F'",
        ));

    // Comparisons.
    let a = temp(
        "cmp-a.csv",
        "unit,period,GOV,ECO\nA,2023,0.5,0.4\nB,2023,0.6,0.3\n",
    );
    let b = temp(
        "cmp-b.csv",
        "unit,period,GOV,ECO\nC,2023,0.5,0.4\nD,2023,0.6,0.3\n",
    );
    let c = temp(
        "cmp-c.csv",
        "unit,period,GOV,ECO\nA,2022,0.5,0.4\nB,2022,0.6,0.3\n",
    );
    let (a, b, c) = (
        a.display().to_string(),
        b.display().to_string(),
        c.display().to_string(),
    );
    dti()
        .args(["compare", &a, &b])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no unit is ranked in both"));
    dti()
        .args(["compare", &a, &c])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cmp-c.csv has no data for 2023 (it has 2022)",
        ));
    dti().args(["compare", &a]).assert().code(2);
    let panel = root()
        .join("crates/dti-core/data/synthetic/vn-provinces-synthetic.csv")
        .display()
        .to_string();
    let out = stdout(&[
        "compare", &panel, "--from", "2022", "--to", "2023", "--format", "csv",
    ]);
    assert_eq!(out.lines().count(), 1 + 63);
    // Hồ Chí Minh City: 2nd in 2022, 1st in 2023 (the bundled panel's tables).
    let hcm = out.lines().find(|l| l.starts_with("ho-chi-minh,")).unwrap();
    assert!(hcm.contains(",2,1,-1,"), "{hcm}");
    // Two frameworks on the same data: the 2022 index against one that counts GOV alone.
    let gov = temp(
        "gov-only.json",
        r#"{"schema_version": 1, "id": "gov-only", "name_vi": "GOV", "aggregate": {"method": "weighted_mean"},
            "nodes": [{"code": "GOV", "name_vi": "GOV"}, {"code": "ECO", "name_vi": "ECO", "weight": 0}]}"#,
    );
    let out = stdout(&[
        "compare",
        &a,
        "--framework-b",
        &gov.display().to_string(),
        "--format",
        "csv",
    ]);
    // A: 0.5·200 + 0.4·150 = 160 points vs B 165: B leads on DTI and on GOV alone.
    assert!(
        out.lines().nth(1).unwrap().starts_with("B,,1,1,+0,"),
        "{out}"
    );
}

/// `dti coin` ranks exactly, as COINr: 0.5·0.1 + 0.5·0.2 = 0.15000000000000002 beats 0.15;
/// `--ties tolerance` makes them share the rank, as the official DTI tables would.
#[test]
fn coin_ranks_exactly_unless_told_otherwise() {
    let meta = temp(
        "ties-meta.csv",
        "iCode,iName,Level,Parent,Direction,Weight,Type\nx1,X1,1,IDX,1,1,Indicator\nx2,X2,1,IDX,1,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n",
    );
    let data = temp(
        "ties-data.csv",
        "uCode,Time,x1,x2\nA,2024,0.1,0.2\nB,2024,0.3,0\n",
    );
    let (m, d) = (meta.display().to_string(), data.display().to_string());
    let out = stdout(&[
        "coin",
        "--meta",
        &m,
        "--data",
        &d,
        "--normalise",
        "none",
        "--format",
        "csv",
    ]);
    assert!(
        out.contains("A,,2024,0.1,0.2,0.15000000000000002,2,1,1\n"),
        "{out}"
    );
    assert!(out.contains("B,,2024,0.3,0,0.15,1,2,2\n"), "{out}");
    let out = stdout(&[
        "coin",
        "--meta",
        &m,
        "--data",
        &d,
        "--normalise",
        "none",
        "--ties",
        "tolerance",
        "--format",
        "csv",
    ]);
    assert!(out.contains("B,,2024,0.3,0,0.15,1,2,1\n"), "{out}");
    dti()
        .args(["coin", "--meta", &m, "--data", &d, "--ties", "tolerance:2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the tie tolerance must be a number in [0, 1)",
        ));
}

/// A design cell that names no alternative names the design file, its line and column.
#[test]
fn design_errors_name_the_design_file_line_and_column() {
    let spec = temp(
        "named.json",
        r#"{"inputs": [{"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#,
    );
    let design = temp(
        "named-design.csv",
        "agg\ngeometric_mean\npoints_sum\ncopeland\n",
    );
    dti()
        .args([
            "uncertainty",
            &spec.display().to_string(),
            "--design",
            &design.display().to_string(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "named-design.csv, line 4, column 'agg': 'copeland' is not one of",
        ));
    // Sensitivity replays a Saltelli design: N = 2, d = 1, so 6 rows.
    let design = temp(
        "saltelli.csv",
        "agg\npoints_sum\ngeometric_mean\ngeometric_mean\npoints_sum\ngeometric_mean\npoints_sum\n",
    );
    let out = stdout(&[
        "sensitivity",
        &spec.display().to_string(),
        "--design",
        &design.display().to_string(),
    ]);
    assert!(out.contains("(6 runs"), "{out}");
}

#[test]
fn uncertainty_sensitivity_and_leave_one_out() {
    let spec = temp(
        "ua.json",
        r#"{"runs": 100, "seed": 3, "inputs": [
          {"name": "aggregation", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]},
          {"name": "weights", "kind": "weight_noise", "depth": 2, "factor": 0.25}]}"#,
    );
    let draws = spec.with_file_name("draws.csv");
    let out = stdout(&[
        "uncertainty",
        &spec.display().to_string(),
        "synthetic",
        "--draws",
        &draws.display().to_string(),
        "--format",
        "csv",
    ]);
    assert_eq!(out.lines().count(), 1 + 63);
    let d = std::fs::read_to_string(&draws).unwrap();
    assert_eq!(d.lines().count(), 101);
    assert!(d.starts_with("run,aggregation,weights,rank_ha-noi"));
    // The draws, as a design, reproduce the analysis.
    let design = spec.with_file_name("design.csv");
    let rows: String = d
        .lines()
        .map(|l| l.split(',').skip(1).take(2).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    std::fs::write(&design, rows).unwrap();
    let again = stdout(&[
        "uncertainty",
        &spec.display().to_string(),
        "synthetic",
        "--design",
        &design.display().to_string(),
        "--format",
        "csv",
    ]);
    assert_eq!(again, out);

    let sa = temp(
        "sa.json",
        r#"{"n": 64, "seed": 1, "inputs": [{"name": "weights", "kind": "weight_noise", "depth": 2, "factor": 0.25},
          {"name": "aggregation", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#,
    );
    let out = stdout(&["sensitivity", &sa.display().to_string(), "synthetic"]);
    assert!(out.contains("(256 runs"), "{out}");
    let out = stdout(&["leave-one-out", "synthetic", "--format", "csv"]);
    assert_eq!(out.lines().count(), 1 + 9);
    assert!(out.contains("SMART,0,0"), "{out}");
}

#[test]
fn plots_are_svg() {
    let dir = std::env::temp_dir().join(format!("dti-plots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ranks = dir.join("ranks.svg");
    dti()
        .args(["plot", "ranks", "--out", &ranks.display().to_string()])
        .assert()
        .success();
    let svg = std::fs::read_to_string(&ranks).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Hồ Chí Minh"));
    let pillars = dir.join("p.svg");
    dti()
        .args([
            "plot",
            "pillars",
            "ha-noi",
            "--out",
            &pillars.display().to_string(),
        ])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&pillars).unwrap().contains("CQS"));
}

/// `dti --help` is kept as a snapshot; regenerate with `UPDATE_SNAPSHOTS=1 cargo test`.
#[test]
fn help_text_snapshot() {
    let snap = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/help.txt");
    let mut text = String::new();
    for args in [&["--help"][..], &["score", "--help"], &["coin", "--help"]] {
        text.push_str(&format!("$ dti {}\n", args.join(" ")));
        text.push_str(&stdout(args));
        text.push('\n');
    }
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snap, &text).unwrap();
    }
    let want = std::fs::read_to_string(&snap).unwrap_or_default();
    assert_eq!(
        text, want,
        "help text changed: run UPDATE_SNAPSHOTS=1 cargo test -p dti-cli, review, commit"
    );
}

/// Parquet input (feature `polars`): the bundled panel written as Parquet scores exactly as
/// the CSV does, and a bad cell is reported with its row, unit and indicator.
#[cfg(feature = "polars")]
#[test]
fn parquet_input_scores_like_csv() {
    let csv = root()
        .join("crates/dti-core/data/synthetic/vn-provinces-synthetic.csv")
        .display()
        .to_string();
    let mut df = dti_polars::read_csv(Path::new(&csv)).unwrap();
    let pq = temp("panel.parquet", "");
    dti_polars::write_parquet(&mut df, &pq).unwrap();
    let pq = pq.display().to_string();
    for (args, at) in [
        (vec!["score", "--format", "json"], 1),
        (vec!["score", "--year", "2021", "--format", "csv"], 1),
        (vec!["explain", "vinh-phuc"], 2),
    ] {
        let with = |file: &str| {
            let mut a = args.clone();
            a.insert(at, file);
            stdout(&a)
        };
        assert_eq!(with(&pq), with(&csv), "{args:?}");
    }

    // Row 3 (the third data row) of GOV out of range.
    let gov = df.column("GOV").unwrap().f64().unwrap().clone();
    let mut bad: Vec<Option<f64>> = gov.iter().collect();
    bad[2] = Some(1.5);
    let unit = df
        .column("unit")
        .unwrap()
        .str()
        .unwrap()
        .get(2)
        .unwrap()
        .to_owned();
    df.replace(
        "GOV",
        dti_polars::polars::prelude::Column::new("GOV".into(), bad),
    )
    .unwrap();
    let bad_pq = temp("bad.parquet", "");
    dti_polars::write_parquet(&mut df, &bad_pq).unwrap();
    dti()
        .args(["score", bad_pq.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("row 3, unit '{unit}'")))
        .stderr(predicate::str::contains(
            "indicator 'GOV': 1.5 is outside 0..1",
        ));
}

/// Lenient mode keeps nothing bad: a bad cell counts as missing (the framework's policy), a
/// bad row is left out, every result row lists its problems, and the summary counts them —
/// file problems and value problems in one run.
#[test]
fn lenient_mode_reports_every_problem_on_its_row() {
    let data = temp(
        "lenient.csv",
        "unit,period,GOV,ECO\nA,2023,0.5,0.4\nB,2023,abc,0.3\nC,2023,0.6\nD,,0.1,0.1\n",
    );
    let d = data.display().to_string();
    let out = dti()
        .args(["score", &d, "--lenient", "--format", "csv"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        text.lines().next().unwrap().ends_with(",problems"),
        "{text}"
    );
    let b = text.lines().find(|l| l.contains(",B,")).unwrap();
    // B's GOV is missing under policy zero: 0 + 0.3·150 = 45 points, and the row says why.
    assert!(b.contains(",0.045,45,"), "{b}");
    assert!(b.contains("row 3") && b.contains("indicator 'GOV'"), "{b}");
    let a = text.lines().find(|l| l.contains(",A,")).unwrap();
    assert!(a.ends_with(','), "A has no problems: {a}");
    assert!(!text.contains(",C,") && !text.contains(",D,"), "{text}");
    assert!(
        stderr.contains("row 4, unit 'C'") && stderr.contains("row 5, unit 'D'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("lenient: 3 problem(s); 1 unit(s) scored without their rejected values (counted as missing), 2 row(s) left out"),
        "{stderr}"
    );
    // JSON rows carry the same problems.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["score", &d, "--lenient", "--format", "json"])).unwrap();
    let b = json
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "B")
        .unwrap();
    assert_eq!(b["problems"].as_array().unwrap().len(), 1);
    // Without --lenient the same file is an error listing all three problems.
    dti()
        .args(["score", &d])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("3 problem(s) in the input"));
}

/// A table copied from the official results page scores without hand mapping: Vietnamese
/// headers (with or without diacritics) are the main indicators, province names are units,
/// and the published result columns (row number, index, rank) are read past with a note.
#[test]
fn published_tables_score_as_published() {
    let table = temp(
        "published.csv",
        "STT,Tỉnh/Thành phố,Năm,Nhận thức số,The che so,Hạ tầng số,Nhân lực số,An toàn thông tin mạng,Hoạt động chính quyền số,Hoạt động kinh tế số,Hoat dong xa hoi so,Chỉ số DTI,Xếp hạng\n\
         1,TP. Hồ Chí Minh,2023,0.8,0.7,0.9,0.6,0.7,0.75,0.8,0.7,0.745,1\n\
         2,Ha Noi,2023,0.7,0.7,0.8,0.6,0.6,0.7,0.7,0.7,0.69,2\n",
    );
    let out = dti()
        .args(["score", &table.display().to_string(), "--format", "csv"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let notes = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    // By hand: 80 + 70 + 90 + 60 + 70 + 0.75·200 + 0.8·150 + 0.7·150 = 745 points.
    assert!(
        text.contains("1,ho-chi-minh,TP. Hồ Chí Minh,0.745,745,"),
        "{text}"
    );
    // 70 + 70 + 80 + 60 + 60 + 140 + 105 + 105 = 690.
    assert!(text.contains("2,ha-noi,Hà Nội,0.69,690,"), "{text}");
    assert!(
        notes.contains("column 'Xếp hạng'") && notes.contains("read past"),
        "{notes}"
    );
}

/// The analyses take COINr's two tables directly; --level counts as COINr does.
#[test]
fn analyses_run_on_coinr_tables() {
    let (m, d) = (fixture("coin-toy/meta.csv"), fixture("coin-toy/data.csv"));
    // Level 1 is the six indicators; level 3 the two pillars (P1, P2) under the index.
    let out = stdout(&[
        "leave-one-out",
        "--meta",
        &m,
        "--data",
        &d,
        "--level",
        "1",
        "--format",
        "csv",
    ]);
    let codes: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(codes, ["i1", "i2", "i3", "i4", "i5", "i6"]);
    let out = stdout(&[
        "leave-one-out",
        "--meta",
        &m,
        "--data",
        &d,
        "--level",
        "3",
        "--format",
        "csv",
    ]);
    let codes: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(codes, ["P1", "P2"]);
    dti()
        .args(["leave-one-out", "--meta", &m, "--data", &d, "--level", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("levels are 1 (indicators) to 4"));
    let ua = temp(
        "coin-ua.json",
        r#"{"runs": 50, "seed": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.5}]}"#,
    );
    let out = stdout(&[
        "uncertainty",
        &ua.display().to_string(),
        "--meta",
        &m,
        "--data",
        &d,
        "--format",
        "csv",
    ]);
    assert_eq!(out.lines().count(), 1 + 3, "{out}");
    let sa = temp(
        "coin-sa.json",
        r#"{"n": 16, "seed": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.5}]}"#,
    );
    let out = stdout(&[
        "sensitivity",
        &sa.display().to_string(),
        "--meta",
        &m,
        "--data",
        &d,
    ]);
    assert!(out.contains("(48 runs"), "{out}");
    let sc = temp(
        "coin-sc.json",
        r#"{"values": [{"unit": "A", "indicator": "i1", "op": "set", "value": 100}]}"#,
    );
    let out = stdout(&[
        "scenario",
        &sc.display().to_string(),
        "--meta",
        &m,
        "--data",
        &d,
        "--format",
        "csv",
    ]);
    assert!(out.lines().count() == 1 + 3, "{out}");
    // compare takes two COINr data tables scored with one metadata table.
    let b = temp(
        "coin-b.csv",
        &std::fs::read_to_string(&d)
            .unwrap()
            .replace("A,Alpha,2024,North,10,20", "A,Alpha,2024,North,10,95"),
    );
    let out = stdout(&[
        "compare",
        &d,
        &b.display().to_string(),
        "--meta",
        &m,
        "--format",
        "csv",
    ]);
    let a = out.lines().find(|l| l.starts_with("A,")).unwrap();
    assert!(a.contains(",3,3,+0,"), "{out}");
}

/// An output through a link replaces the file it points at (the link stays); a device is
/// written directly, never replaced by a file.
#[test]
fn outputs_through_links_and_devices() {
    let dir = std::env::temp_dir().join(format!("dti-links-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let real = dir.join("real.csv");
    let link = dir.join("link.csv");
    std::fs::write(&real, "old").unwrap();
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    stdout(&[
        "score",
        "--format",
        "csv",
        "--out",
        &link.display().to_string(),
    ]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("rank,unit"));
    let out = stdout(&["score", "--format", "csv", "--out", "/dev/stdout"]);
    assert!(out.starts_with("rank,unit"), "{out}");
}

/// The wide-CSV fast path of `dti score` (read into columns, written as it is made) writes
/// the table the record path writes (`--lenient` takes that path, and adds a `problems`
/// column): ties ordered by id, names with quotes and diacritics, `--ascii`, and stdout and
/// `--out` alike.
#[test]
fn the_streamed_wide_table_is_the_record_path_table() {
    let mut text = String::from("unit,name,period,GOV,ECO,SOC\n");
    // Five value rows shared by 5,000 units (blocks of 2,048 rows are written apart): runs of
    // tied ranks; ids out of order.
    let values = [
        "0.5,0.4,0.3",
        "0.9,0.1,0.2",
        "0.5,0.4,0.3",
        "0.2,0.2,0.2",
        "0.7,,0.1",
    ];
    for u in 0..5000 {
        let name = if u % 3 == 0 {
            "Hà Nội \"cũ\", số"
        } else {
            ""
        };
        // Half the ids longer than eight bytes with a common start (the fast path sorts
        // ties by an id's first eight bytes, then by the whole id).
        let id = if u % 2 == 0 {
            format!("zone-{:02}-x{u}", (u * 7919) % 97)
        } else {
            format!("z{}x{u}", (u * 7919) % 97)
        };
        let row = format!(
            "{id},\"{}\",2023,{}\n",
            name.replace('"', "\"\""),
            values[u % 5]
        );
        text.push_str(&row);
    }
    let d = temp("ties-wide.csv", &text).display().to_string();
    for extra in [&[][..], &["--ascii"][..]] {
        let args = |lenient: bool| {
            let mut a = vec!["score", d.as_str(), "--format", "csv"];
            a.extend(extra);
            if lenient {
                a.push("--lenient");
            }
            a
        };
        let fast = stdout(&args(false));
        let records: String = stdout(&args(true))
            .lines()
            .map(|l| {
                l.strip_suffix(",problems")
                    .or_else(|| l.strip_suffix(','))
                    .unwrap_or(l)
                    .to_owned()
                    + "\n"
            })
            .collect();
        assert_eq!(fast, records, "{extra:?}");
        assert_eq!(fast.lines().count(), 5001);
        assert!(fast.lines().nth(1).unwrap().starts_with("1,"), "{fast}");
        let out = temp("ties-out.csv", "");
        let mut a = args(false);
        a.extend(["--out", out.to_str().unwrap()]);
        dti().args(&a).assert().success();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), fast);
    }
}

#[test]
fn closed_pipes_end_the_command_without_a_panic() {
    // `dti … 2>&1 | head`: both streams a pipe that the reader closed. Writing to it fails
    // (Rust ignores SIGPIPE); a panic would exit 101. An error goes to standard error, a
    // table to standard output: neither may panic.
    use std::process::Stdio;
    for (args, want) in [
        (&["score", "no-such-file.csv"][..], 1),
        (&["score", "synthetic", "--year", "2021"][..], 0),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dti"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(want), "{args:?}");
    }
}
