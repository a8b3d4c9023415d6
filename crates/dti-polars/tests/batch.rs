//! Batch scoring: the golden 5 × 3 panel (wide and long, per period and pooled), equality
//! with dti-core, and every bad-input case.

use std::path::{Path, PathBuf};

use dti_core::{Framework, UnitRecord};
use dti_polars::{read_csv, score, to_records, BatchError, BatchOptions, Layout};
use polars::prelude::*;
use proptest::prelude::*;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn panel_fw() -> Framework {
    Framework::from_json(&std::fs::read_to_string(fixture("panel-5x3/framework.json")).unwrap())
        .unwrap()
}

fn expected() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("panel-5x3/expected.json")).unwrap())
        .unwrap()
}

fn get_f(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().f64().unwrap().iter().collect()
}

fn get_u(df: &DataFrame, c: &str) -> Vec<Option<u32>> {
    df.column(c).unwrap().u32().unwrap().iter().collect()
}

fn check(out: &DataFrame, exp: &serde_json::Value) {
    let units: Vec<String> = out
        .column("unit")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|u| u.unwrap().to_owned())
        .collect();
    let periods: Vec<Option<i32>> = out
        .column("period")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .collect();
    let (values, ranks) = (get_f(out, "value"), get_u(out, "rank"));
    assert_eq!(out.height(), 15);
    for k in 0..out.height() {
        let e = &exp[periods[k].unwrap().to_string()][&units[k]];
        let (v, r) = (e[0].as_f64().unwrap(), e[1].as_u64().unwrap() as u32);
        assert!(
            (values[k].unwrap() - v).abs() < 1e-12,
            "{} {:?}: {:?} vs {v}",
            units[k],
            periods[k],
            values[k]
        );
        assert_eq!(ranks[k], Some(r), "{} {:?}", units[k], periods[k]);
    }
}

#[test]
fn the_golden_panel_per_period_wide_and_long() {
    let fw = panel_fw();
    let exp = expected();
    for file in ["wide.csv", "long.csv"] {
        let df = read_csv(&fixture(&format!("panel-5x3/{file}"))).unwrap();
        let opts = BatchOptions::default().groups(vec!["region".into()]);
        let opts = if file == "long.csv" {
            BatchOptions::default()
        } else {
            opts
        };
        let (out, report) = score(&df, &fw, &opts).unwrap();
        assert!(report.problems.is_empty());
        check(&out, &exp["per_period"]);
    }
}

#[test]
fn the_golden_panel_pooled() {
    let fw = panel_fw();
    let df = read_csv(&fixture("panel-5x3/wide.csv")).unwrap();
    let opts = BatchOptions::default()
        .pool_periods(true)
        .groups(vec!["region".into()]);
    let (out, _) = score(&df, &fw, &opts).unwrap();
    check(&out, &expected()["pooled"]);
}

#[test]
fn ranks_within_groups() {
    let fw = panel_fw();
    let df = read_csv(&fixture("panel-5x3/wide.csv")).unwrap();
    let opts = BatchOptions::default().rank_within(vec!["region".into()]);
    let (out, _) = score(&df, &fw, &opts).unwrap();
    let units: Vec<Option<&str>> = out.column("unit").unwrap().str().unwrap().iter().collect();
    let periods: Vec<Option<i32>> = out
        .column("period")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .collect();
    let ranks = get_u(&out, "rank_in_region");
    let exp = &expected()["north_ranks_2023"];
    for k in 0..out.height() {
        if periods[k] == Some(2023) {
            if let Some(want) = exp.get(units[k].unwrap()) {
                assert_eq!(
                    ranks[k],
                    Some(want.as_u64().unwrap() as u32),
                    "{:?}",
                    units[k]
                );
            }
        }
    }
}

fn wide(rows: &[(&str, i32, f64, f64)]) -> DataFrame {
    DataFrame::new_infer_height(vec![
        Column::new("unit".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new(
            "period".into(),
            rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        ),
        Column::new("X".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        Column::new("Y".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
    ])
    .unwrap()
}

fn problems(err: BatchError) -> Vec<(Option<usize>, Option<String>, String)> {
    match err {
        BatchError::Input(r) => r
            .problems
            .into_iter()
            .map(|p| (p.row, p.column, p.code))
            .collect(),
        other => panic!("expected input problems, got {other}"),
    }
}

#[test]
fn every_bad_row_is_reported_with_its_row() {
    let fw = panel_fw();
    let df = wide(&[
        ("A", 2023, 10.0, 0.5),
        ("B", 2023, 20.0, 1.5),
        ("A", 2023, 30.0, 0.5),
        ("C", 2023, f64::NAN, -0.1),
    ]);
    let got = problems(score(&df, &fw, &BatchOptions::default()).unwrap_err());
    assert!(
        got.contains(&(Some(2), None, "duplicate_unit".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(Some(1), Some("Y".into()), "value_out_of_range".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(Some(3), Some("Y".into()), "value_out_of_range".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(Some(3), Some("X".into()), "not_finite".into())),
        "{got:?}"
    );

    // Lenient: the good rows are scored and the report comes beside the result.
    let opts = BatchOptions::default().lenient(true);
    let (out, report) = score(&df, &fw, &opts).unwrap();
    assert_eq!(out.height(), 3);
    assert_eq!(report.problems.len(), 4);
}

#[test]
fn unknown_and_non_numeric_columns() {
    let fw = panel_fw();
    let df = DataFrame::new_infer_height(vec![
        Column::new("unit".into(), ["A", "B"]),
        Column::new("X".into(), [1.0, 2.0]),
        Column::new("Y".into(), [0.5, 0.6]),
        Column::new("Z".into(), [1.0, 2.0]),
    ])
    .unwrap();
    assert_eq!(
        problems(score(&df, &fw, &BatchOptions::default()).unwrap_err()),
        [(None, Some("Z".into()), "unknown_column".into())]
    );
    let opts = BatchOptions::default().ignore_unknown(true);
    let (_, report) = score(&df, &fw, &opts).unwrap();
    assert_eq!(report.ignored_columns, ["Z"]);

    // A column of bytes holds no indicator values.
    let dates = DataFrame::new_infer_height(vec![
        Column::new("unit".into(), ["A", "B"]),
        Column::new("X".into(), [1.0, 2.0]),
        Column::new("Y".into(), [&b"\x01"[..], &b"\x02"[..]]),
    ])
    .unwrap();
    let got = problems(score(&dates, &fw, &BatchOptions::default()).unwrap_err());
    assert_eq!(got[0].2, "not_numeric");

    // Text cells are read like the CLI: a number in a string column is a number.
    let text = DataFrame::new_infer_height(vec![
        Column::new("unit".into(), ["A", "B"]),
        Column::new("X".into(), ["1", "3"]),
        Column::new("Y".into(), ["0.5", "abc"]),
    ])
    .unwrap();
    let got = problems(score(&text, &fw, &BatchOptions::default()).unwrap_err());
    assert_eq!(got, [(Some(1), Some("Y".into()), "wrong_type".into())]);

    // No unit column.
    let none = DataFrame::new_infer_height(vec![Column::new("X".into(), [1.0])]).unwrap();
    assert_eq!(
        problems(score(&none, &fw, &BatchOptions::default()).unwrap_err())[0].2,
        "missing_column"
    );
}

#[test]
fn long_layout_problems_and_forced_layouts() {
    let fw = panel_fw();
    let df = DataFrame::new_infer_height(vec![
        Column::new("unit".into(), ["A", "A", "A", "B"]),
        Column::new("period".into(), [2023, 2023, 2023, 2023]),
        Column::new("indicator".into(), ["X", "X", "W", "X"]),
        Column::new("value".into(), [1.0, 2.0, 3.0, 4.0]),
    ])
    .unwrap();
    let got = problems(score(&df, &fw, &BatchOptions::default()).unwrap_err());
    assert!(
        got.contains(&(Some(1), Some("X".into()), "duplicate_value".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(Some(2), Some("W".into()), "unknown_indicator".into())),
        "{got:?}"
    );
    // Forced wide, the indicator and value columns are unknown indicator columns.
    let opts = BatchOptions::default().layout(Layout::Wide);
    let got = problems(score(&df, &fw, &opts).unwrap_err());
    assert!(got.iter().any(|p| p.2 == "unknown_column"));
}

/// Scores a frame through dti-polars and its records straight through dti-core.
fn both(df: &DataFrame, fw: &Framework, pool: bool) -> (DataFrame, dti_core::CohortScores) {
    let opts = BatchOptions::default().pool_periods(pool);
    let (out, _) = score(df, fw, &opts).unwrap();
    let (records, _): (Vec<UnitRecord>, _) = to_records(df, fw, &opts).unwrap();
    let core = fw
        .score_with(
            &records,
            &dti_core::ScoreOptions::default()
                .pool_periods(pool)
                .explain(false),
        )
        .unwrap();
    (out, core)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn batch_equals_core_unit_by_unit(
        xs in proptest::collection::vec(0.0f64..100.0, 6..40),
        ys in proptest::collection::vec(0.0f64..=1.0, 40),
        pool in any::<bool>(),
    ) {
        let fw = panel_fw();
        let n = xs.len();
        let rows: Vec<(String, i32, f64, f64)> = (0..n).map(|k| (format!("U{}", k % 7), 2020 + (k / 7) as i32, xs[k], ys[k])).collect();
        let df = DataFrame::new_infer_height(vec![
            Column::new("unit".into(), rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>()),
            Column::new("period".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new("X".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
            Column::new("Y".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        ]).unwrap();
        // Degenerate periods (one unit, or all X equal) are errors in both paths alike.
        let opts = BatchOptions::default().pool_periods(pool);
        let Ok((out, _)) = score(&df, &fw, &opts) else { return Ok(()) };
        let (_, core) = both(&df, &fw, pool);
        let values = get_f(&out, "value");
        let ranks = get_u(&out, "rank");
        let xv = get_f(&out, "X.value");
        for (k, u) in core.units.iter().enumerate() {
            prop_assert_eq!(values[k], u.value);
            prop_assert_eq!(ranks[k], u.rank);
            prop_assert_eq!(xv[k], u.node("X").unwrap().value);
        }
    }
}

#[test]
fn the_bundled_panel_scores_like_the_core() {
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let df = read_csv(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../dti-core/data/synthetic/vn-provinces-synthetic.csv"),
    )
    .unwrap();
    let (out, core) = both(&df, &fw, false);
    assert_eq!(out.height(), 189);
    let points = get_f(&out, "points");
    let cqs = get_f(&out, "CQS.value");
    for (k, u) in core.units.iter().enumerate() {
        assert_eq!(points[k], u.points);
        assert_eq!(cqs[k], u.view("CQS").unwrap().value);
    }
}

/// The same frame with its indicator columns as text: scored through unit records.
fn as_text(df: &DataFrame, columns: &[&str]) -> DataFrame {
    let mut out = df.clone();
    for c in columns {
        let s = df.column(c).unwrap().cast(&DataType::String).unwrap();
        out.replace(c, s).unwrap();
    }
    out
}

#[test]
fn the_columnar_and_record_paths_give_the_same_frame() {
    // Numeric columns are scored column by column; text columns through records. Same
    // frame out, to the bit: per period and pooled, lenient with bad and duplicate rows
    // left out, group ranks, node ranks, an integer column, nulls and a column in two
    // chunks.
    let fw = panel_fw();
    let mut df = read_csv(&fixture("panel-5x3/wide.csv")).unwrap();
    let more = df.slice(0, 3);
    df.vstack_mut(&more).unwrap(); // three duplicate rows, and every column in two chunks
    let x: Vec<Option<i64>> = (0..df.height() as i64)
        .map(|k| (k != 4).then_some(10 + 7 * k % 23))
        .collect();
    df.replace("X", Column::new("X".into(), x)).unwrap();
    let mut y: Vec<Option<f64>> = df.column("Y").unwrap().f64().unwrap().iter().collect();
    y[6] = Some(1.5); // out of range: reported, counts as not reported
    y[7] = None;
    df.replace("Y", Column::new("Y".into(), y)).unwrap();
    assert!(
        df.column("unit")
            .unwrap()
            .as_materialized_series()
            .n_chunks()
            > 1
    );
    for pool in [false, true] {
        let opts = BatchOptions::default()
            .lenient(true)
            .pool_periods(pool)
            .node_ranks(true)
            .rank_within(vec!["region".into()]);
        let (fast, r1) = score(&df, &fw, &opts).unwrap();
        let (slow, r2) = score(&as_text(&df, &["X", "Y"]), &fw, &opts).unwrap();
        assert_eq!(fast.height(), df.height() - 3);
        assert!(fast
            .get_column_names()
            .iter()
            .any(|c| c.as_str() == "X.rank"));
        assert_eq!(fast.get_column_names(), slow.get_column_names());
        assert!(fast.equals_missing(&slow), "pool {pool}:\n{fast}\n{slow}");
        let key = |r: &dti_polars::BatchReport| {
            let mut k: Vec<_> = r
                .problems
                .iter()
                .map(|p| {
                    (
                        p.row,
                        p.column.clone(),
                        p.unit.clone(),
                        p.code.clone(),
                        p.message.clone(),
                    )
                })
                .collect();
            k.sort();
            k
        };
        assert_eq!(key(&r1), key(&r2));
        assert_eq!(r1.problems.len(), 4, "{:?}", r1.problems);
    }
}

#[test]
fn node_ranks_only_when_asked() {
    let fw = panel_fw();
    let df = read_csv(&fixture("panel-5x3/wide.csv")).unwrap();
    let opts = BatchOptions::default().groups(vec!["region".into()]);
    let (out, _) = score(&df, &fw, &opts).unwrap();
    let names: Vec<String> = out
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(names.contains(&"X.value".to_owned()) && !names.contains(&"X.rank".to_owned()));
    assert!(names.contains(&"rank".to_owned()));
}

/// The CSV reader refuses damaged files with the physical line, as the `dti` command does
/// (the checks are dti_core::io's): ragged rows, an unclosed quote, empty or repeated header
/// names; `;` and tab are detected.
#[test]
fn the_csv_reader_refuses_damaged_files() {
    let err = |t: &str| dti_polars::read_csv_str(t).unwrap_err();
    assert!(err("unit,period,GOV\nA,2023,0.5\nB,2023\n").starts_with("line 3: 2 cell(s)"));
    assert!(
        err("unit,period,GOV\nA,2023,\"0.5\nB,2023,0.6\n").starts_with("line 2: a quoted field")
    );
    assert!(err("unit,period,GOV,GOV\nA,2023,0.5,0.6\n").contains("repeats the name of column 3"));
    assert!(err("unit,,GOV\nA,2023,0.5\n").contains("column 2 of the header has no name"));
    // A quoted newline: the bad record is named by the line where it starts.
    assert!(err("unit,name,GOV\nA,\"x\ny\",0.5\nB,b\n").starts_with("line 4:"));
    let df = dti_polars::read_csv_str("unit;period;GOV\nA;2023;0.5\n").unwrap();
    assert_eq!(df.column("GOV").unwrap().f64().unwrap().get(0), Some(0.5));
    let df = dti_polars::read_csv_str("unit\tperiod\tGOV\nA\t2023\t0.5\n").unwrap();
    assert_eq!(df.width(), 3);
}
