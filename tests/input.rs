//! Input validation, lenient mode, periods and cohort-relative scoring, end to end.

use dti_core::{
    methods::NormaliseError, model::Status, Entry, Framework, InputError, InputErrorKind,
    ScoreError, ScoreOptions, UnitRecord, Value,
};
use dti_tests::fixture;

fn district() -> Framework {
    dti_tests::framework(&fixture("district-components"))
}

fn strict_problems(fw: &Framework, units: &[UnitRecord]) -> Vec<InputError> {
    match fw.score(units) {
        Err(ScoreError::Input { problems }) => problems,
        Err(e) => panic!("expected input problems, got {e}"),
        Ok(_) => panic!("expected input problems, scoring succeeded"),
    }
}

fn kinds(ps: &[InputError]) -> Vec<(usize, &str, Option<&str>, &'static str)> {
    ps.iter()
        .map(|p| (p.row, p.unit.as_str(), p.indicator.as_deref(), p.code()))
        .collect()
}

#[test]
fn every_bad_value_is_reported_with_row_unit_and_indicator() {
    let fw = district();
    let units = [
        UnitRecord::new("D1")
            .value("AWR.MEET", f64::NAN)
            .value("AWR.CHAIR", Entry::ratio(1.0, 0.0))
            .value("AWR.HEAD", "president")
            .value("AWR.PORTAL", 1.0)
            .value("SOC.EID", 120.0)
            .value("SOC.INC", -2.0),
        UnitRecord::new("D2")
            .value("AWR.CHAIR", Entry::ratio(5.0, 4.0))
            .value("AWR.MEEET", 3.0)
            .value("SOC.EID", f64::INFINITY)
            .value("AWR", 1.2),
        UnitRecord::new("D3").value("AWR.CHAIR", Entry::ratio(-1.0, 4.0)),
    ];
    let ps = strict_problems(&fw, &units);
    let got = kinds(&ps);
    for want in [
        (0, "D1", Some("AWR.MEET"), "not_finite"),
        (0, "D1", Some("AWR.CHAIR"), "zero_denominator"),
        (0, "D1", Some("AWR.HEAD"), "unknown_level"),
        (0, "D1", Some("AWR.PORTAL"), "wrong_type"),
        (0, "D1", Some("SOC.EID"), "percent_out_of_range"),
        (0, "D1", Some("SOC.INC"), "negative_count"),
        (1, "D2", Some("AWR.CHAIR"), "numerator_above_denominator"),
        (1, "D2", Some("AWR.MEEET"), "unknown_indicator"),
        (1, "D2", Some("SOC.EID"), "not_finite"),
        (1, "D2", Some("AWR"), "value_out_of_range"),
        (2, "D3", Some("AWR.CHAIR"), "negative_count"),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:?}");
    }
    assert_eq!(ps.len(), 11, "{got:?}");

    // The messages say what was expected.
    let head = ps.iter().find(|p| p.code() == "unknown_level").unwrap();
    assert_eq!(
        head.kind,
        InputErrorKind::UnknownLevel {
            label: "president".into(),
            expected: vec!["chairman".into(), "deputy".into(), "none".into()]
        }
    );
    assert_eq!(
        head.to_string(),
        "row 1, unit 'D1', indicator 'AWR.HEAD': unknown level \"president\"; expected one of: chairman, deputy, none"
    );
    let typo = ps.iter().find(|p| p.code() == "unknown_indicator").unwrap();
    assert!(
        typo.to_string().contains("did you mean 'AWR.MEET'?"),
        "{typo}"
    );
    let portal = ps.iter().find(|p| p.code() == "wrong_type").unwrap();
    assert_eq!(
        portal.kind,
        InputErrorKind::WrongType {
            expected: "true or false".into(),
            found: "number 1".into()
        }
    );
}

#[test]
fn duplicates_empty_ids_and_empty_entries() {
    let fw = district();
    let units = [
        UnitRecord::new("D1").period(2023),
        UnitRecord::new("D1").period(2024),
        UnitRecord::new("D1").period(2023),
        UnitRecord::new(" "),
        UnitRecord::new("D5").value("SOC.EID", Entry::assessed(None, None)),
    ];
    let ps = strict_problems(&fw, &units);
    assert_eq!(
        kinds(&ps),
        [
            (2, "D1", None, "duplicate_unit"),
            (3, " ", None, "empty_unit_id"),
            (4, "D5", Some("SOC.EID"), "empty_entry"),
        ]
    );
    assert_eq!(ps[0].kind, InputErrorKind::DuplicateUnit { first_row: 0 });
    assert_eq!(ps[0].period, Some(2023));
}

/// Ids that differ only by case, diacritics, spaces, hyphens, underscores or dots are one
/// unit within a period: every later row names the first (long ids, over the 64 bytes
/// keyed on the stack, too).
#[test]
fn ids_that_name_one_unit_are_duplicates_of_its_first_row() {
    let fw = district();
    let long = "Thanh-pho-co-mot-ten-rat-dai-de-vuot-qua-sau-muoi-bon-byte-cua-bo-dem";
    let units = [
        UnitRecord::new("Hà Nội").period(2023),             // 0: first
        UnitRecord::new("HA-NOI").period(2023),             // 1: of 0
        UnitRecord::new("ha noi").period(2024),             // 2: another period
        UnitRecord::new("ha_noi").period(2023),             // 3: of 0
        UnitRecord::new(long).period(2023),                 // 4: first
        UnitRecord::new(&long.to_uppercase()).period(2023), // 5: of 4
        UnitRecord::new("hà.nội").period(2024),             // 6: of 2
        UnitRecord::new("ha-nam").period(2023),             // 7: another unit
    ];
    let ps = strict_problems(&fw, &units);
    let dups: Vec<(usize, InputErrorKind)> = ps
        .iter()
        .filter(|p| p.code() == "duplicate_unit")
        .map(|p| (p.row, p.kind.clone()))
        .collect();
    let of = |first_row| InputErrorKind::DuplicateUnit { first_row };
    assert_eq!(dups, [(1, of(0)), (3, of(0)), (5, of(4)), (6, of(2))]);
}

/// A table large enough to be checked on every core (65,536 rows and more, feature
/// `parallel`) finds what a small one finds: a repeated id (spelt differently) naming its
/// first row, an empty id, a period out of range — and nothing else.
#[test]
fn a_large_table_has_its_repeated_and_empty_ids_found() {
    use dti_core::{score_columns, ColumnInput, ColumnOptions, NumberColumn};
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let m = 70_000;
    let mut ids: Vec<String> = (0..m).map(|k| format!("U{k}")).collect();
    let mut periods = vec![Some(2023); m];
    ids[40_000] = "u-5".into(); // of row 5
    ids[50_000] = "U7".into(); // another period: no problem
    periods[50_000] = Some(2024);
    ids[60_000] = "U9".into(); // of row 9, after row 60,000's own id is gone
    ids[69_999] = " ".into();
    periods[65_000] = Some(99_999);
    let values = vec![0.5; m];
    let input = ColumnInput::new(ids.iter().map(String::as_str).collect())
        .periods(periods)
        .column(NumberColumn::new("GOV", &values[..]));
    let problems = match score_columns(&fw, &input, &ColumnOptions::default()) {
        Err(ScoreError::Input { problems }) => problems,
        other => panic!("expected input problems, got {:?}", other.map(|_| ())),
    };
    let got: Vec<(usize, InputErrorKind)> =
        problems.iter().map(|p| (p.row, p.kind.clone())).collect();
    let of = |first_row| InputErrorKind::DuplicateUnit { first_row };
    assert_eq!(
        got,
        [
            (40_000, of(5)),
            (60_000, of(9)),
            (65_000, InputErrorKind::PeriodOutOfRange),
            (69_999, InputErrorKind::EmptyUnitId),
        ]
    );
}

#[test]
fn a_node_and_its_descendant_cannot_both_be_given() {
    let fw = district();
    let units = [UnitRecord::new("D1")
        .value("AWR", 0.5)
        .value("AWR.MEET", 3.0)
        .value("AWR.PORTAL", true)];
    let ps = strict_problems(&fw, &units);
    assert_eq!(
        kinds(&ps),
        [
            (0, "D1", Some("AWR"), "node_and_descendant"),
            (0, "D1", Some("AWR"), "node_and_descendant"),
        ]
    );
    assert_eq!(
        ps[0].kind,
        InputErrorKind::NodeAndDescendant {
            descendant: "AWR.MEET".into()
        }
    );
    // Lenient: the node's own value wins, the descendants are reported and not scored.
    let s = fw
        .score_with(&units, &ScoreOptions::default().lenient(true))
        .unwrap();
    assert_eq!(s.problems.len(), 2);
    let d1 = &s.units[0];
    assert_eq!(d1.node("AWR").unwrap().points, Some(25.0));
    assert_eq!(d1.node("AWR.MEET").unwrap().status, Status::Covered);
    assert_eq!(d1.node("AWR.MEET").unwrap().points, None);
}

#[test]
fn missing_values_under_each_policy() {
    let json = |policy: &str| {
        format!(
            r#"{{"schema_version": 1, "id": "t", "name_vi": "T", "missing": "{policy}", "nodes": [
            {{"code": "A", "name_vi": "A", "max_points": 30}},
            {{"code": "B", "name_vi": "B", "max_points": 70}}]}}"#
        )
    };
    let units = [
        UnitRecord::new("X").value("A", 0.5),
        UnitRecord::new("Y").value("A", 0.5).value("B", 0.5),
    ];

    // zero: B scores 0 → 15 of 100.
    let s = Framework::from_json(&json("zero"))
        .unwrap()
        .score(&units)
        .unwrap();
    assert_eq!(s.units[0].points, Some(15.0));
    assert_eq!(s.units[0].node("B").unwrap().status, Status::Missing);
    assert_eq!(s.units[0].node("B").unwrap().points, Some(0.0));

    // renormalise: only A counts → 15 of 30 = 0.5 → 50 of 100.
    let s = Framework::from_json(&json("renormalise"))
        .unwrap()
        .score(&units)
        .unwrap();
    assert_eq!(s.units[0].value, Some(0.5));
    assert_eq!(s.units[0].points, Some(50.0));
    assert_eq!(s.units[0].node("B").unwrap().points, None);

    // error: strict fails naming the unit and indicator; lenient scores Y and excludes X.
    let fw = Framework::from_json(&json("error")).unwrap();
    let ps = strict_problems(&fw, &units);
    assert_eq!(kinds(&ps), [(0, "X", Some("B"), "missing")]);
    let s = fw
        .score_with(&units, &ScoreOptions::default().lenient(true))
        .unwrap();
    assert_eq!(s.units.len(), 1);
    assert_eq!(s.units[0].unit, "Y");
    assert_eq!(s.excluded.len(), 1);
    assert_eq!((s.excluded[0].row, s.excluded[0].unit.as_str()), (0, "X"));
}

#[test]
fn lenient_mode_scores_the_rest_and_drops_nothing_silently() {
    let fw = district();
    let units = [
        UnitRecord::new("D1")
            .value("AWR.MEET", 4.0)
            .value("SOC.EID", 150.0),
        UnitRecord::new("D2").value("AWR.MEET", 2.0),
        UnitRecord::new("D2").value("AWR.MEET", 4.0),
    ];
    let s = fw
        .score_with(&units, &ScoreOptions::default().lenient(true))
        .unwrap();
    assert_eq!(
        kinds(&s.problems),
        [
            (0, "D1", Some("SOC.EID"), "percent_out_of_range"),
            (2, "D2", None, "duplicate_unit"),
        ]
    );
    // D1's bad value counts as not reported (policy zero): 20 points from MEET only.
    assert_eq!(s.units[0].points, Some(20.0));
    // D2 keeps its first record.
    assert_eq!(s.units[1].points, Some(10.0));
    assert_eq!(s.excluded.len(), 1);
    assert_eq!(s.excluded[0].row, 2);
}

#[test]
fn self_assessed_and_appraised_values_are_both_reported() {
    let fw = district();
    let units = [UnitRecord::new("D1")
        .value(
            "AWR.PORTAL",
            Entry::assessed(Some(true.into()), Some(false.into())),
        )
        .value("AWR.HEAD", Entry::assessed(Some("chairman".into()), None))];
    let s = fw.score(&units).unwrap();
    let portal = s.units[0].node("AWR.PORTAL").unwrap();
    assert_eq!(portal.points, Some(0.0));
    assert_eq!(portal.self_assessed.as_ref().unwrap().points, Some(10.0));
    assert_eq!(portal.appraised.as_ref().unwrap().input, Value::Bool(false));
    // Only a self-assessment: it is scored.
    let head = s.units[0].node("AWR.HEAD").unwrap();
    assert_eq!(head.points, Some(10.0));
    assert!(head.appraised.is_none());
}

fn minmax_framework() -> Framework {
    Framework::from_json(
        r#"{"schema_version": 1, "id": "mm", "name_vi": "MM", "aggregate": {"method": "weighted_mean"},
        "nodes": [{"code": "X", "name_vi": "X", "rule": {"type": "normalised", "normaliser": {"method": "min_max", "l": 0, "u": 100}}}]}"#,
    )
    .unwrap()
}

#[test]
fn ranks_and_normalisation_are_per_period_unless_pooled() {
    let fw = minmax_framework();
    let units = [
        UnitRecord::new("A").period(2023).value("X", 10.0),
        UnitRecord::new("B").period(2023).value("X", 20.0),
        UnitRecord::new("A").period(2024).value("X", 20.0),
        UnitRecord::new("B").period(2024).value("X", 40.0),
        UnitRecord::new("C").period(2024).value("X", 40.0),
    ];
    // Per period: 2023 spans 10..20, 2024 spans 20..40.
    let s = fw.score(&units).unwrap();
    let v = |u: &str, p| s.unit(u, Some(p)).unwrap().value;
    let r = |u: &str, p| s.unit(u, Some(p)).unwrap().rank;
    assert_eq!(
        (v("A", 2023), v("B", 2023), v("A", 2024), v("B", 2024)),
        (Some(0.0), Some(100.0), Some(0.0), Some(100.0))
    );
    // Ranks within each period, ties share the lowest rank.
    assert_eq!((r("A", 2023), r("B", 2023)), (Some(2), Some(1)));
    assert_eq!(
        (r("A", 2024), r("B", 2024), r("C", 2024)),
        (Some(3), Some(1), Some(1))
    );

    // Pooled: one range 10..40 → A 2023 0, B 2023 and A 2024 33.33…, B and C 2024 100.
    let pooled = fw
        .score_with(&units, &ScoreOptions::default().pool_periods(true))
        .unwrap();
    let pv = |u: &str, p| pooled.unit(u, Some(p)).unwrap().value.unwrap();
    assert_eq!(pv("A", 2023), 0.0);
    assert!((pv("B", 2023) - 100.0 / 3.0).abs() < 1e-12);
    assert!((pv("A", 2024) - 100.0 / 3.0).abs() < 1e-12);
    assert_eq!(pv("C", 2024), 100.0);
    // Ranks stay within each period.
    assert_eq!(pooled.unit("A", Some(2024)).unwrap().rank, Some(3));
}

#[test]
fn a_degenerate_cohort_is_a_clear_error() {
    let fw = minmax_framework();
    let units = [
        UnitRecord::new("A").period(2024).value("X", 5.0),
        UnitRecord::new("B").period(2024).value("X", 5.0),
    ];
    let err = fw.score(&units).unwrap_err();
    assert_eq!(
        err,
        ScoreError::Normalise {
            indicator: "X".into(),
            period: Some(2024),
            source: NormaliseError::ZeroRange { value: 5.0 }
        }
    );
    assert_eq!(
        err.to_string(),
        "indicator 'X' in period 2024: every unit has the same value 5, so the range is zero and min-max scaling is undefined"
    );
}

#[test]
fn input_errors_serialise_flat_with_stable_codes() {
    let fw = district();
    let ps = strict_problems(
        &fw,
        &[UnitRecord::new("D1").period(2024).value("SOC.EID", 101.0)],
    );
    let json = serde_json::to_value(&ps[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"row": 0, "unit": "D1", "period": 2024, "indicator": "SOC.EID",
                           "code": "percent_out_of_range", "value": 101.0})
    );
    let back: InputError = serde_json::from_value(json).unwrap();
    assert_eq!(back, ps[0]);
}

#[test]
fn unit_records_read_every_json_form() {
    let units: Vec<UnitRecord> = serde_json::from_str(
        r#"[{"unit": "VP", "name": "Vĩnh Phúc", "period": 2025, "groups": {"region": "Red River Delta"},
             "values": {"SOC.EID": 77, "AWR.CHAIR": {"numerator": 762284, "denominator": 980226},
                        "AWR.PORTAL": true, "AWR.HEAD": "chairman", "AWR.MEET": {"self": 4, "appraised": 3}}}]"#,
    )
    .unwrap();
    let s = district().score(&units).unwrap();
    let vp = &s.units[0];
    assert_eq!(vp.name.as_deref(), Some("Vĩnh Phúc"));
    assert_eq!(vp.groups["region"], "Red River Delta");
    // A large ratio (the seed facts' 762,284 of 980,226) → 0.7776… of 10 points.
    let chair = vp.node("AWR.CHAIR").unwrap();
    assert_eq!(chair.value, Some(762284.0 / 980226.0));
    // MEET 15 + CHAIR 7.776… + HEAD 10 + PORTAL 10 = 42.776… ; SOC: EID 23.1, INC missing 0.
    let expected = 15.0 + 762284.0 / 980226.0 * 10.0 + 10.0 + 10.0 + 0.77 * 30.0;
    assert!((vp.points.unwrap() - expected).abs() < 1e-9);
}

/// A wide file read in pieces (on several threads with `parallel`) is the file read in one
/// pass: the same rows, values, names, periods and physical lines — blank lines, CRLF,
/// padded and empty cells, province names, rows the record reader must report (then both
/// give up), and files with quotes (read whole).
#[test]
fn a_wide_file_read_in_pieces_is_the_file_read_in_one_pass() {
    use dti_core::io::{read_wide_numbers_in, ReadOptions};
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let codes = [
        "AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC",
    ];
    let mut rng = dti_tests::Rng(0x51DE);
    let (mut pieces_read, mut given_up) = (0, 0);
    for case in 0..300 {
        let eol = if rng.chance(0.3) { "\r\n" } else { "\n" };
        let periods = rng.chance(0.7);
        let names = rng.chance(0.3);
        let mut text = String::from("unit");
        if names {
            text.push_str(",name");
        }
        if periods {
            text.push_str(",period");
        }
        for c in codes {
            text.push(',');
            text.push_str(c);
        }
        text.push_str(eol);
        let rows = rng.below(40);
        for u in 0..rows {
            if rng.chance(0.05) {
                text.push_str(eol); // a blank line
            }
            let unit = match rng.below(30) {
                0 => "Hà Nội".to_owned(),
                1 => "hai-phong".to_owned(),
                2 if case % 10 == 0 => String::new(), // no unit: given up
                _ => format!("U{u}"),
            };
            text.push_str(&unit);
            if names {
                text.push_str(if rng.chance(0.2) {
                    ",\"Tên, có dấu\""
                } else {
                    ", Tên "
                });
            }
            if periods {
                text.push_str(&format!(",{}", 2020 + rng.below(3)));
            }
            for _ in codes {
                text.push(',');
                match rng.below(12) {
                    0 => {}                                     // empty: missing
                    1 => text.push_str(" 0.25 "),               // padded
                    2 if case % 7 == 0 => text.push_str("abc"), // not a number: given up
                    _ => text.push_str(&format!("{:.4}", rng.unit())),
                }
            }
            if case % 13 == 0 && rng.chance(0.1) {
                text.push_str(",9"); // ragged: given up
            }
            text.push_str(eol);
        }
        let opts = ReadOptions::default();
        let whole = read_wide_numbers_in("w.csv", &text, &fw, &opts, usize::MAX);
        for piece in [1, 7, 64, 500] {
            let cut = read_wide_numbers_in("w.csv", &text, &fw, &opts, piece);
            match (&whole, &cut) {
                (Some(w), Some(c)) => {
                    // (Debug text: NaN, a missing cell, is not equal to itself.)
                    let same = format!("{:?}", w.panel) == format!("{:?}", c.panel);
                    assert!(same, "case {case}, pieces of {piece}");
                    assert_eq!(w.lines, c.lines, "case {case}, pieces of {piece}");
                    pieces_read += 1;
                }
                (None, None) => given_up += 1,
                _ => panic!("case {case}, pieces of {piece}: one read gave up\n{text}"),
            }
        }
        if let Some(w) = &whole {
            // The record reader gives the same rows the same lines.
            let r = dti_core::io::read_records("w.csv", &text, &fw, &opts).unwrap();
            let want: Vec<Option<usize>> = w.lines.iter().map(|&l| Some(l)).collect();
            assert_eq!(r.lines, want, "case {case}");
            // Lines are physical: the line of each row holds its unit.
            for (k, &line) in w.lines.iter().enumerate() {
                let physical = text.split('\n').nth(line - 1).unwrap();
                let first = physical.split(',').next().unwrap().trim();
                let unit = &w.panel.units[k];
                assert!(
                    first == unit || (first == "Hà Nội" && unit == "ha-noi"),
                    "case {case}: line {line} is {physical:?}, row {k} is {unit}"
                );
            }
        }
    }
    assert!(
        pieces_read > 500 && given_up > 100,
        "{pieces_read} read, {given_up} given up"
    );
}

/// A data frame's typed columns read by `read_wide_frame` are the same table written as
/// CSV and read by `read_wide_numbers`: the same units (provinces named as published
/// resolved), names, periods and values to the bit, the same lines; and what the fast CSV
/// reader gives up on (an empty unit, a year out of range, some rows without a period, an
/// infinite value, a text cell, a long layout) the frame reader gives up on too.
#[test]
fn a_frame_read_as_columns_is_the_frame_read_as_csv() {
    use dti_core::io::{read_wide_frame, read_wide_numbers, FrameColumn, ReadOptions};
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let mut rng = dti_tests::Rng(0xF4A3);
    let (mut read, mut given_up) = (0, 0);
    for case in 0..400 {
        let rows = 1 + rng.below(30) as usize;
        let names = rng.chance(0.4);
        let periods = rng.below(3); // 0: no period column, 1: whole numbers, 2: text
        let long = case % 50 == 0;
        let mut header = vec!["unit".to_owned()];
        if names {
            header.push("name".to_owned());
        }
        if periods > 0 {
            header.push("year".to_owned());
        }
        let codes = if long {
            vec!["indicator", "value"]
        } else {
            vec!["AWR", "GOV", "SOC"]
        };
        header.extend(codes.iter().map(|c| (*c).to_owned()));
        let mut units: Vec<Option<String>> = Vec::new();
        let mut name_col: Vec<Option<String>> = Vec::new();
        let mut years: Vec<Option<i64>> = Vec::new();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); codes.len()];
        let mut text_cell = None;
        for r in 0..rows {
            units.push(match rng.below(40) {
                0 => Some("Hà Nội".to_owned()),
                1 => Some(" da-nang ".to_owned()),
                2 if case % 9 == 0 => None,
                _ => Some(format!("U{r}")),
            });
            name_col.push(rng.chance(0.7).then(|| format!("Tên {r}")));
            years.push(match rng.below(50) {
                0 if case % 11 == 0 => Some(99),
                1 if case % 8 == 0 => None,
                _ => Some(2022 + rng.below(3) as i64),
            });
            for v in &mut values {
                v.push(match rng.below(12) {
                    0 => f64::NAN,
                    1 if case % 17 == 0 => f64::INFINITY,
                    _ => (rng.unit() * 1e4).round() / 1e4,
                });
            }
            if case % 23 == 0 && r == rows / 2 {
                text_cell = Some(r);
            }
        }
        // The same table as CSV text, as a frame library writes it.
        let cell = |x: f64| {
            if x.is_nan() {
                String::new()
            } else if x.is_infinite() {
                "inf".to_owned()
            } else {
                format!("{x}")
            }
        };
        let mut text = header.join(",") + "\n";
        for r in 0..rows {
            let mut line = vec![units[r].clone().unwrap_or_default()];
            if names {
                line.push(name_col[r].clone().unwrap_or_default());
            }
            if periods > 0 {
                line.push(years[r].map(|y| y.to_string()).unwrap_or_default());
            }
            for (c, v) in values.iter().enumerate() {
                line.push(if text_cell == Some(r) && c == 0 {
                    "n/a".to_owned()
                } else {
                    cell(v[r])
                });
            }
            text.push_str(&line.join(","));
            text.push('\n');
        }
        let opts = ReadOptions::default();
        let as_csv = read_wide_numbers("DataFrame", &text, &fw, &opts);
        let first = header.len() - codes.len();
        let unit_refs: Vec<Option<&str>> = units.iter().map(|u| u.as_deref()).collect();
        let name_refs: Vec<Option<&str>> = name_col.iter().map(|n| n.as_deref()).collect();
        let year_text: Vec<String> = years
            .iter()
            .map(|y| y.map(|y| y.to_string()).unwrap_or_default())
            .collect();
        let as_frame = read_wide_frame("DataFrame", &fw, &opts, &header, rows, &mut |c| {
            let name = header[c].as_str();
            match name {
                "unit" => FrameColumn::Text(unit_refs.clone()),
                "name" => FrameColumn::Text(name_refs.clone()),
                "year" if periods == 1 => FrameColumn::Integers(years.clone()),
                "year" => FrameColumn::Text(year_text.iter().map(|y| Some(y.as_str())).collect()),
                _ if text_cell.is_some() && c == first => FrameColumn::Other,
                _ => FrameColumn::Numbers(values[c - first].clone().into()),
            }
        });
        match (&as_csv, &as_frame) {
            (Some(a), Some(b)) => {
                // (Debug text: NaN, a missing cell, is not equal to itself.)
                assert_eq!(
                    format!("{:?}", a.panel),
                    format!("{:?}", b.panel),
                    "case {case}\n{text}"
                );
                assert_eq!(a.lines, b.lines, "case {case}");
                read += 1;
            }
            (None, None) => given_up += 1,
            _ => panic!("case {case}: one reader gave up\n{text}"),
        }
    }
    assert!(
        read > 100 && given_up > 30,
        "{read} read, {given_up} given up"
    );
}
