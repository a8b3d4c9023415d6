//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs` call these): each takes any
//! bytes and must never panic, hang without a bound, or let a non-finite number reach a
//! result. `tests/fuzz_corpus.rs` runs every saved input through them in the test command,
//! so a crash found once stays fixed without nightly Rust.

use dti_core::{
    analyses::{sensitivity, uncertainty, Design, Scenario, SensitivitySpec, UncertaintySpec},
    io::{read_tables, run_pipeline, Pipeline},
    CohortScores, Framework, ScoreOptions, UnitRecord,
};

use crate::{gen_framework, gen_value, Rng};

/// A fuzz target: any bytes in, no panic out.
pub type Target = fn(&[u8]);

/// The targets by name (the folder names under `fuzz/corpus/`).
pub const TARGETS: [(&str, Target); 5] = [
    ("framework", framework),
    ("data_csv", data_csv),
    ("coin_tables", coin_tables),
    ("specs", specs),
    ("score_random", score_random),
];

/// The DTI 2022 framework, read once per process (reading it per input would dominate).
fn dti2022() -> Option<&'static Framework> {
    static FW: std::sync::OnceLock<Option<Framework>> = std::sync::OnceLock::new();
    FW.get_or_init(|| Framework::builtin("vn-pdti-2022").ok())
        .as_ref()
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Every number of a result is finite, and exactly the units with a value have a rank.
pub fn check_scores(s: &CohortScores) {
    for u in &s.units {
        let nodes = u.nodes.iter().map(|n| (n.value, n.points, n.rank));
        let views = u.views.iter().map(|v| (v.value, v.points, v.rank));
        for (v, p, r) in std::iter::once((u.value, u.points, u.rank))
            .chain(nodes)
            .chain(views)
        {
            assert!(v.is_none_or(f64::is_finite), "{}: value {v:?}", u.unit);
            assert!(p.is_none_or(f64::is_finite), "{}: points {p:?}", u.unit);
            assert_eq!(r.is_some(), v.is_some(), "{}: rank without a value", u.unit);
        }
    }
}

/// Every number of a columnar result is finite or NaN (missing), and exactly the rows with
/// a value have a rank.
pub fn check_columns(s: &dti_core::ColumnScores) {
    let all = s
        .nodes
        .iter()
        .chain(&s.views)
        .chain(std::iter::once(&s.index));
    for c in all {
        for (u, v) in c.value.iter().enumerate() {
            assert!(!v.is_infinite(), "{}: value {v}", c.code);
            if let Some(r) = &c.rank {
                assert_eq!(
                    r[u].is_some(),
                    !v.is_nan(),
                    "{}: rank without a value",
                    c.code
                );
            }
        }
        assert!(
            c.points.iter().all(|p| !p.is_infinite()),
            "{}: points",
            c.code
        );
    }
}

/// The framework reader, JSON and TOML; a framework that reads is scored on an empty and a
/// one-unit cohort.
pub fn framework(data: &[u8]) {
    let Some(t) = text(data) else { return };
    for fw in [Framework::from_json(t), Framework::from_toml(t)]
        .into_iter()
        .flatten()
    {
        let _ = fw.effective_weights();
        if let Ok(s) = fw.score(&[]) {
            check_scores(&s);
        }
        let mut one = UnitRecord::new("U");
        for leaf in fw.leaves().take(64) {
            one = one.value(&leaf.code, 0.5);
        }
        if let Ok(s) = fw.score(&[one]) {
            check_scores(&s);
        }
    }
}

/// The command's data-file reader (CSV long or wide, delimiters, encodings) on the DTI 2022
/// framework, then lenient scoring of whatever it read.
pub fn data_csv(data: &[u8]) {
    let Some(fw) = dti2022() else {
        return;
    };
    let Ok(t) = dti_cli::data::decode("fuzz.csv", data.to_vec()) else {
        return;
    };
    wide_is_records(fw, &t);
    for layout in [dti_cli::data::Layout::Auto, dti_cli::data::Layout::Long] {
        if let Ok(loaded) = dti_cli::data::read_records("fuzz.csv", &t, fw, layout, &[], None) {
            let opts = ScoreOptions::default().lenient(true);
            if let Ok(s) = fw.score_with(&loaded.units, &opts) {
                check_scores(&s);
                for p in &s.problems {
                    let _ = loaded.locate(p);
                }
            }
        }
    }
}

/// The wide fast path reads what the record reader reads, in pieces of any size: the same
/// rows (units, periods, lines) and the same numbers, or it gives the file up.
fn wide_is_records(fw: &Framework, text: &str) {
    use dti_core::io::{read_records, read_wide_numbers_in, ReadOptions};
    let opts = ReadOptions::default();
    let whole = read_wide_numbers_in("fuzz.csv", text, fw, &opts, usize::MAX);
    for piece in [1, 7, 64] {
        let cut = read_wide_numbers_in("fuzz.csv", text, fw, &opts, piece);
        // (Debug text: NaN, a missing cell, is not equal to itself.)
        let same = match (&whole, &cut) {
            (Some(w), Some(c)) => {
                format!("{:?}{:?}", w.panel, w.lines) == format!("{:?}{:?}", c.panel, c.lines)
            }
            (None, None) => true,
            _ => false,
        };
        assert!(same, "pieces of {piece} read otherwise than the whole");
    }
    let Some(w) = whole else {
        return;
    };
    let r = read_records("fuzz.csv", text, fw, &opts)
        .expect("the record reader reads a clean wide file");
    assert_eq!(w.panel.units.len(), r.units.len());
    let lines: Vec<Option<usize>> = w.lines.iter().map(|&l| Some(l)).collect();
    assert_eq!(lines, r.lines);
    for (k, rec) in r.units.iter().enumerate() {
        assert_eq!(
            (&w.panel.units[k], w.panel.periods[k]),
            (rec.unit.as_str(), rec.period)
        );
        for (code, col) in w.panel.codes.iter().zip(&w.panel.columns) {
            let want = match rec.values.get(code).and_then(dti_core::Entry::scored) {
                Some(dti_core::Value::Number(x)) => x.to_bits(),
                _ => f64::NAN.to_bits(),
            };
            assert_eq!(col[k].to_bits(), want, "row {k}, {code}");
        }
    }
}

/// COINr's two tables (split at the first form feed, else at the first blank line) and the default
/// pipeline with outlier treatment.
pub fn coin_tables(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let Some((meta, table)) = t.split_once('\u{c}').or_else(|| t.split_once("\n\n")) else {
        return;
    };
    let Ok(tables) = read_tables(meta, table, &Default::default()) else {
        return;
    };
    let p = Pipeline::default().treat(Some(Default::default()));
    if let Ok(run) = run_pipeline(&tables, &p) {
        check_columns(&run.scores);
        // The per-unit form comes from the same engine through the record adapter.
        let cohort = run.cohort_scores().expect("the scored data scores again");
        check_scores(&cohort);
        for (k, u) in cohort.units.iter().enumerate() {
            let index = run.scores.index.value[k];
            assert_eq!(
                u.value.map(f64::to_bits),
                (!index.is_nan()).then_some(index.to_bits())
            );
        }
        let _ = dti_core::io::write_results(&run);
    }
}

/// The uncertainty, sensitivity, scenario and design readers; a spec that reads runs on a
/// small cohort of the DTI 2022 framework (counts capped so a case stays quick).
pub fn specs(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let Some(fw) = dti2022() else {
        return;
    };
    let units: Vec<UnitRecord> = (0..6)
        .map(|k| {
            ["AWR", "INST", "GOV", "ECO", "SOC"]
                .iter()
                .enumerate()
                .fold(UnitRecord::new(&format!("P{k}")), |u, (j, c)| {
                    u.value(c, ((k * 7 + j * 3) % 10) as f64 / 10.0)
                })
        })
        .collect();
    if let Ok(mut s) = serde_json::from_str::<UncertaintySpec>(t) {
        s.runs = s.runs.min(64);
        if let Ok(r) = uncertainty(fw, &units, &s, None) {
            for u in &r.units {
                assert!(u.value_mean.is_none_or(f64::is_finite));
            }
        }
    }
    if let Ok(mut s) = serde_json::from_str::<SensitivitySpec>(t) {
        s.n = s.n.min(16);
        s.bootstrap = s.bootstrap.min(8);
        if s.inputs.len() <= 8 {
            if let Ok(r) = sensitivity(fw, &units, &s, None) {
                assert!(r.variance.is_finite());
            }
        }
    }
    if let Ok(sc) = serde_json::from_str::<Scenario>(t) {
        if let Ok((fw2, units2)) = sc.apply(fw, &units) {
            if let Ok(s) = fw2.score(&units2) {
                check_scores(&s);
            }
        }
    }
    let _ = serde_json::from_str::<Design>(t);
}

/// A random small framework (every rule, both directions, points sums and weighted means)
/// scored on values from the bytes.
pub fn score_random(data: &[u8]) {
    if data.len() < 8 {
        return;
    }
    let seed = u64::from_le_bytes(data[..8].try_into().unwrap_or([0; 8]));
    let mut rng = Rng(seed);
    let def = gen_framework(&mut rng, seed % 2 == 0);
    let Ok(fw) = Framework::new(def) else { return };
    let mut bytes = data[8..].iter().copied().cycle();
    let m = 1 + (data.len() % 7);
    let units: Vec<UnitRecord> = (0..m)
        .map(|u| {
            let mut rec = UnitRecord::new(&format!("U{u}"));
            for leaf in fw.leaves() {
                let b = bytes.next().unwrap_or(0);
                if b % 5 == 0 {
                    continue; // not reported
                }
                let rule = leaf.rule.clone().unwrap_or_default();
                let mut r = Rng(seed ^ u64::from(b) ^ (u as u64) << 32);
                let v = match b % 7 {
                    0 => dti_core::Value::Number(f64::from(b) * 1e300),
                    1 => dti_core::Value::Number(-f64::from(b)),
                    _ => gen_value(&mut r, &rule),
                };
                rec = rec.value(&leaf.code, v);
            }
            rec
        })
        .collect();
    for lenient in [false, true] {
        let opts = ScoreOptions::default().lenient(lenient);
        if let Ok(s) = fw.score_with(&units, &opts) {
            check_scores(&s);
        }
    }
}
