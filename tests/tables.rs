//! The COINr two-table layout: the four-level toy index end to end, structural problems,
//! pipeline steps and the export layout.

use dti_core::io::{read_tables, run_pipeline, write_results, Pipeline, TableError, TableOptions};
use dti_tests::{close, fixture, read};
use serde_json::Value as Json;

fn toy() -> dti_core::io::Tables {
    let dir = fixture("coin-toy");
    read_tables(
        &read(&dir.join("meta.csv")),
        &read(&dir.join("data.csv")),
        &TableOptions::default(),
    )
    .unwrap()
}

#[test]
fn the_toy_index_matches_its_hand_computation() {
    let tables = toy();
    assert_eq!(tables.data.groups[0]["Region"], "North");
    assert_eq!(tables.denominated["i3"], "Pop");
    let run = run_pipeline(&tables, &Pipeline::default().denominate(true)).unwrap();
    let expected: Json = serde_json::from_str(&read(&fixture("coin-toy/expected.json"))).unwrap();
    let mut errors = Vec::new();
    let scores = run.cohort_scores().unwrap();
    for (unit, exp) in expected.as_object().unwrap() {
        let u = scores.unit(unit, Some(2024)).unwrap();
        for (code, want) in exp.as_object().unwrap() {
            if code == "rank" {
                let got = u.node("IDX").unwrap().rank;
                if got.map(u64::from) != want.as_u64() {
                    errors.push(format!("{unit} rank: {got:?} vs {want}"));
                }
                continue;
            }
            let got = u.node(code).unwrap().value;
            let ok = match (got, want.as_f64()) {
                (None, None) => true,
                (Some(g), Some(w)) => close(g, w),
                _ => false,
            };
            if !ok {
                errors.push(format!("{unit}.{code}: {got:?} vs {want}"));
            }
        }
        // The index is the framework's value too.
        assert_eq!(u.value, u.node("IDX").unwrap().value);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The pipeline kept every data set: Raw, Denominated; Normalised on request.
    let names: Vec<&str> = run.data.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Raw", "Denominated"]);
}

#[test]
fn without_denomination_i3_is_scaled_raw() {
    // i3 = 50, 200, 50 → A 0, B 100, C 0; S2 for C = (0 + 0)/3 = 0.
    let run = run_pipeline(&toy(), &Pipeline::default()).unwrap();
    let scores = run.cohort_scores().unwrap();
    let c = scores.unit("C", Some(2024)).unwrap();
    assert_eq!(c.node("i3").unwrap().value, Some(0.0));
    assert_eq!(c.node("S2").unwrap().value, Some(0.0));
    // The Normalised data set, on request: the units scored, each indicator's 0–100 value.
    let normalised = run.normalised();
    assert_eq!(normalised.name, "Normalised");
    assert_eq!(normalised.panel.units, run.data[0].panel.units);
    assert_eq!(normalised.panel.column("i3"), Some(&[0.0, 100.0, 0.0][..]));
    assert_eq!(normalised.panel.codes, ["i1", "i2", "i3", "i4", "i5", "i6"]);
}

#[test]
fn results_are_written_in_the_tables_layout() {
    let run = run_pipeline(&toy(), &Pipeline::default().denominate(true)).unwrap();
    let csv = write_results(&run);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "uCode,uName,Time,i1,i2,i3,i4,i5,i6,S1,S2,S3,P1,P2,IDX,\
         Rank_i1,Rank_i2,Rank_i3,Rank_i4,Rank_i5,Rank_i6,Rank_S1,Rank_S2,Rank_S3,Rank_P1,Rank_P2,Rank_IDX"
    );
    let a: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&a[..3], ["A", "Alpha", "2024"]);
    assert_eq!(a[8], "NA"); // i6 missing
    assert_eq!(a.last(), Some(&"3"));
    // Numbers are written exactly: parsing them back gives the same f64.
    let idx: f64 = a[14].parse().unwrap();
    let scores = run.cohort_scores().unwrap();
    assert_eq!(Some(idx), scores.unit("A", Some(2024)).unwrap().value);
}

#[test]
fn every_row_of_a_long_results_table_is_its_units() {
    // 300 units (the writer copies rows in blocks: several blocks and a partial one), some
    // values missing, two periods; each cell read back must be that unit's value or rank.
    let meta = "iCode,iName,Level,Parent,Direction,Weight,Type\n\
                a,A,1,G,1,1,Indicator\nb,B,1,G,-1,2,Indicator\nc,C,1,H,1,1,Indicator\n\
                G,G,2,IDX,1,1,Aggregate\nH,H,2,IDX,1,1,Aggregate\nIDX,Index,3,,1,1,Aggregate\n";
    let mut data = String::from("uCode,Time,a,b,c\n");
    for u in 0..300u32 {
        let x = |k: u32| (u * 37 + k * 11) % 101;
        let b = if u % 7 == 3 {
            "NA".to_owned()
        } else {
            x(2).to_string()
        };
        data.push_str(&format!("U{u},{},{},{b},{}\n", 2023 + u % 2, x(1), x(3)));
    }
    let tables = read_tables(meta, &data, &TableOptions::default()).unwrap();
    let run = run_pipeline(&tables, &Pipeline::default()).unwrap();
    let csv = write_results(&run);
    let nodes = &run.scores.nodes;
    let ranks = run.node_ranks();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 300);
    for (u, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0], format!("U{u}"), "row {u}");
        for (k, n) in nodes.iter().enumerate() {
            let cell = cells[3 + k];
            match cell {
                "NA" => assert!(n.value[u].is_nan(), "row {u}, {}", n.code),
                _ => assert_eq!(
                    cell.parse::<f64>().unwrap(),
                    n.value[u],
                    "row {u}, {}",
                    n.code
                ),
            }
            let rank = cells[3 + nodes.len() + k];
            assert_eq!(
                rank.parse::<u32>().ok(),
                ranks[k][u],
                "row {u}, rank of {}",
                n.code
            );
        }
    }
    assert!(rows.iter().any(|r| r.contains("NA")));
}

#[test]
fn pipeline_steps_run_in_order_and_report() {
    use dti_core::methods::{Imputation, Treatment};
    let p = Pipeline::default()
        .denominate(true)
        .impute(Some(Imputation::Mean))
        .screen(Some(0.9))
        .treat(Some(Treatment::default()));
    let run = run_pipeline(&toy(), &p).unwrap();
    let names: Vec<&str> = run.data.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["Raw", "Denominated", "Imputed", "Screened", "Treated",]
    );
    // Mean imputation: A's i6 = (2 + 6)/2 = 4, B's i5 = (40 + 80)/2 = 60.
    let imputed = run.imputed.unwrap();
    assert_eq!(imputed.imputed.len(), 2);
    assert_eq!(
        imputed
            .imputed
            .iter()
            .find(|v| v.unit == "A")
            .unwrap()
            .value,
        4.0
    );
    // Everyone is complete after imputation, so screening keeps all.
    assert!(run.screened.is_empty());
    // Three units cannot fail the skew/kurtosis test (kurtosis needs four): all pass.
    assert!(run.treated.iter().all(|t| t.passed));
}

#[test]
fn screening_drops_sparse_units_and_says_so() {
    // Only C remains, so min-max scaling would have a zero range: keep the raw values.
    let p = Pipeline::default()
        .screen(Some(0.9))
        .normalise(Some(dti_core::Normaliser::Identity));
    let run = run_pipeline(&toy(), &p).unwrap();
    assert_eq!(run.scores.index.value.len(), 1);
    // A and B each lack one of six indicators: 5/6 < 0.9.
    let dropped: Vec<&str> = run.screened.iter().map(|s| s.unit.unit.as_str()).collect();
    assert_eq!(dropped, ["A", "B"]);
    assert!((run.screened[0].share_available - 5.0 / 6.0).abs() < 1e-12);
}

fn problems(meta: &str, data: &str) -> Vec<String> {
    match read_tables(meta, data, &TableOptions::default()) {
        Err(TableError::Invalid { problems }) => problems.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("expected problems"),
    }
}

#[test]
fn structural_problems_are_reported_with_line_and_column() {
    let meta = "iCode,iName,Level,Parent,Direction,Weight,Type\n\
                x,X,1,P,1,1,Indicator\n\
                y,Y,2,P,1,1,Indicator\n\
                z,Z,1,Q,2,abc,Indicator\n\
                P,P,3,,1,1,Aggregate\n\
                E,Empty,2,P,1,1,Aggregate\n\
                G,G,NA,NA,NA,NA,Grop\n";
    let data = "uCode,Time,x,y,z,w\nA,2024,1,2,3,4\nA,2024,1,2,3,4\n,2024,1,1,1,1\n";
    let got = problems(meta, data);
    let want = [
        "meta, line 3, column Level: indicator 'y' must be at level 1, not 2",
        "meta, line 4, column Direction: direction must be 1 or -1, got 2",
        "meta, line 4, column Weight: 'abc' is not a number",
        "meta, line 4, column Parent: parent 'Q' does not exist",
        "meta, line 2, column Level: 'x' is at level 1 but its parent 'P' is at level 3: levels must step by one",
        "meta, line 7, column Type: unknown type 'Grop'; expected Indicator, Aggregate, Group, Denominator or Other",
        "meta, line 6, column iCode: aggregate 'E' has no children",
        "data, line 1, column w: column 'w' is not in the metadata",
        "data, line 3, column uCode: unit 'A' and time appear already on line 2",
        "data, line 4, column uCode: the unit code is empty",
    ];
    for w in want {
        assert!(
            got.iter().any(|g| g == w),
            "missing: {w}\nin:\n{}",
            got.join("\n")
        );
    }
}

#[test]
fn missing_columns_are_named() {
    let got = problems("iCode,Level\n", "Time\n");
    for col in ["Parent", "Type", "Direction", "Weight", "iName", "uCode"] {
        assert!(
            got.iter()
                .any(|g| g.contains(&format!("the required column '{col}' is missing"))),
            "{col}: {got:?}"
        );
    }
}

#[test]
fn the_tables_adapter_scores_exactly_as_records() {
    use dti_core::{
        methods::{Imputation, Ties, Treatment},
        ScoreOptions,
    };
    // Every step on, so the scored data set is not the raw one.
    let p = Pipeline::default()
        .denominate(true)
        .impute(Some(Imputation::Mean))
        .treat(Some(Treatment::default()));
    let run = run_pipeline(&toy(), &p).unwrap();
    let scored = &run.data[run.data.len() - 1].panel;
    let opts = ScoreOptions::default().explain(false).ties(Ties::Exact);
    let records = run
        .framework
        .score_with(&scored.to_records(), &opts)
        .unwrap();
    let node_ranks = run.node_ranks();
    assert_eq!(records.units.len(), run.scores.index.value.len());
    for (k, u) in records.units.iter().enumerate() {
        let bits = |x: f64| (!x.is_nan()).then_some(x.to_bits());
        assert_eq!(u.value.map(f64::to_bits), bits(run.scores.index.value[k]));
        assert_eq!(u.rank, run.scores.index.rank.as_ref().unwrap()[k]);
        for (i, n) in u.nodes.iter().enumerate() {
            assert_eq!(
                n.value.map(f64::to_bits),
                bits(run.scores.nodes[i].value[k]),
                "{}",
                n.code
            );
            assert_eq!(n.rank, node_ranks[i][k], "{}", n.code);
        }
    }
}
