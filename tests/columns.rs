//! Every adapter of the one engine on the same data, to the bit: columns (`score_columns`),
//! records (`score_cohort`, and `score_records` for the columnar result), a `Panel`, the
//! command's wide and long CSV readers, and the COINr tables. Over random frameworks and
//! panels — periods, pooled or not, bad values, given nodes above reported leaves, duplicate
//! rows, empty ids, every missing-data policy, strict and lenient — all must give exactly the
//! same numbers, ranks, problems and exclusions. (The DataFrame adapter is checked the same
//! way in dti-polars' tests, the WASM one against the native command in the JS suite.)

use dti_core::{
    model::{MissingPolicy, Rule},
    score_columns, Aggregator, CohortScores, ColumnInput, ColumnOptions, ColumnScores, Framework,
    InputError, NumberColumn, ScoreError, ScoreOptions, UnitRecord, Value,
};
use dti_tests::{gen_framework, gen_value, Rng};
use proptest::prelude::*;

/// A panel as columns: unit ids, periods, and (code, values, present) per column.
struct Panel {
    units: Vec<String>,
    periods: Option<Vec<Option<i32>>>,
    columns: Vec<(String, Vec<f64>, Vec<bool>)>,
}

impl Panel {
    /// The columns; a column every row reported comes without its `present` list (both
    /// forms must score alike, and only the second reaches the complete-column paths).
    fn input(&self) -> ColumnInput<'_> {
        let mut input = ColumnInput::new(self.units.iter().map(String::as_str).collect());
        input.periods = self.periods.clone();
        for (code, values, present) in &self.columns {
            let column = NumberColumn::new(code.as_str(), values.as_slice());
            input = input.column(if present.iter().all(|&p| p) {
                column
            } else {
                column.with_present(present.clone())
            });
        }
        input
    }

    /// Whether some column under a normalised rule is complete and finite on rows that
    /// are all scorable: what strict scoring normalises as it reads.
    fn has_complete_normalised_column(&self, fw: &Framework) -> bool {
        let normalised = |code: &str| {
            fw.def()
                .nodes
                .iter()
                .any(|n| n.code == code && matches!(n.rule, Some(Rule::Normalised { .. })))
        };
        self.columns.iter().any(|(code, values, present)| {
            normalised(code) && present.iter().all(|&p| p) && values.iter().all(|x| x.is_finite())
        })
    }

    fn records(&self) -> Vec<UnitRecord> {
        (0..self.units.len())
            .map(|u| {
                let mut rec = UnitRecord::new(&self.units[u]);
                rec.period = self.periods.as_ref().and_then(|p| p[u]);
                for (code, values, present) in &self.columns {
                    if present[u] {
                        rec = rec.value(code, Value::Number(values[u]));
                    }
                }
                rec
            })
            .collect()
    }
}

fn gen_case(seed: u64) -> (Framework, Panel) {
    let mut rng = Rng(seed);
    let mut def = gen_framework(&mut rng, true);
    if rng.chance(0.25) {
        def.missing = MissingPolicy::Error;
    }
    if rng.chance(0.25) {
        // No points anywhere (as in a composite indicator): weighted means throughout.
        def.aggregate = Aggregator::WeightedMean;
        for node in &mut def.nodes {
            node.max_points = None;
            if node.aggregate.is_some() {
                node.aggregate = Some(Aggregator::WeightedMean);
            }
            if matches!(node.rule, Some(Rule::Steps { .. })) {
                node.rule = Some(Rule::Value);
            }
        }
        def.scale = None;
        def.views.clear();
    }
    if rng.chance(0.3) {
        def.data_threshold = Some([0.5, 0.75, 1.0][rng.below(3) as usize]);
    }
    // Now and then an aggregator that is not a points sum or an arithmetic mean.
    for node in &mut def.nodes {
        if node.aggregate == Some(Aggregator::WeightedMean) && rng.chance(0.3) {
            node.aggregate = Some(match rng.below(3) {
                0 => Aggregator::GeometricMean,
                1 => Aggregator::HarmonicMean,
                _ => Aggregator::WeightedMedian,
            });
        }
    }
    let fw = Framework::new(def).expect("generated framework is valid");
    let m = 1 + rng.below(14) as usize;
    // Now and then a clean panel (every row reported, nothing out of range), which strict
    // scoring takes whole.
    let clean = rng.chance(0.2);
    let units: Vec<String> = (0..m)
        .map(|u| match if clean { 20 } else { rng.below(20) } {
            0 => String::new(),                                // an empty id
            1 if u > 0 => format!("U{}", rng.below(u as u64)), // a likely duplicate
            _ => format!("U{u}"),
        })
        .collect();
    let mut periods: Option<Vec<Option<i32>>> = rng
        .chance(0.6)
        .then(|| (0..m).map(|_| Some(2020 + rng.below(3) as i32)).collect());
    if rng.chance(0.5) {
        // Rows in runs of one period, as a panel file usually holds them.
        if let Some(p) = &mut periods {
            p.sort_unstable();
        }
    }
    let mut columns = Vec::new();
    for node in &fw.def().nodes {
        let numeric = match &node.rule {
            Some(r @ (Rule::Value | Rule::Percent | Rule::Steps { .. })) => Some(r.clone()),
            Some(r @ Rule::Normalised { .. }) => Some(r.clone()),
            _ => None,
        };
        let is_leaf = fw
            .def()
            .nodes
            .iter()
            .all(|n| n.parent.as_deref() != Some(&node.code));
        let values: Vec<f64> = match (&numeric, is_leaf) {
            (Some(rule), _) => (0..m)
                .map(|_| match if clean { 40 } else { rng.below(40) } {
                    0 => f64::NAN,
                    1 => -3.0,
                    2 => 150.0,
                    _ => match gen_value(&mut rng, rule) {
                        Value::Number(x) => x,
                        _ => 0.0,
                    },
                })
                .collect(),
            // Now and then a value given for a node with children.
            (None, false) if !clean && rng.chance(0.15) => (0..m).map(|_| rng.unit()).collect(),
            _ => continue,
        };
        let present = (0..m)
            .map(|_| {
                let always = matches!(numeric, Some(Rule::Normalised { .. }));
                if clean {
                    true
                } else if always {
                    !rng.chance(0.05)
                } else {
                    rng.chance(0.85)
                }
            })
            .collect();
        columns.push((node.code.clone(), values, present));
    }
    (
        fw,
        Panel {
            units,
            periods,
            columns,
        },
    )
}

fn sorted(mut p: Vec<InputError>) -> Vec<String> {
    let mut s: Vec<String> = p
        .drain(..)
        .map(|e| format!("{:06} {}", e.row, serde_json::to_string(&e).unwrap()))
        .collect();
    s.sort();
    s
}

/// Element `k` of a result column; an empty points column is all NaN.
fn nth(col: &[f64], k: usize) -> f64 {
    col.get(k).copied().unwrap_or(f64::NAN)
}

fn same_numbers(a: f64, b: Option<f64>) -> bool {
    match b {
        Some(b) => a.to_bits() == b.to_bits() || (a == b),
        None => a.is_nan(),
    }
}

/// Compares every number of every scored row; returns the first difference.
fn compare(fw: &Framework, c: &ColumnScores, r: &CohortScores) -> Result<(), String> {
    if c.rows.len() != r.units.len() {
        return Err(format!("{} rows vs {} units", c.rows.len(), r.units.len()));
    }
    for (k, u) in r.units.iter().enumerate() {
        let at = |what: &str| format!("row {} ({}) {what}", c.rows[k], u.unit);
        if !same_numbers(c.index.value[k], u.value)
            || !same_numbers(nth(&c.index.points, k), u.points)
        {
            return Err(at(&format!(
                "index {} / {} vs {:?} / {:?}",
                c.index.value[k], c.index.points[k], u.value, u.points
            )));
        }
        if c.index.rank.as_ref().unwrap()[k] != u.rank {
            return Err(at("index rank"));
        }
        for (j, n) in u.nodes.iter().enumerate() {
            let col = &c.nodes[j];
            if !same_numbers(col.value[k], n.value)
                || !same_numbers(nth(&col.points, k), n.points)
                || col.rank.as_ref().unwrap()[k] != n.rank
            {
                return Err(at(&format!(
                    "node {}: {} / {} / {:?} vs {:?} / {:?} / {:?}",
                    n.code,
                    col.value[k],
                    nth(&col.points, k),
                    col.rank.as_ref().unwrap()[k],
                    n.value,
                    n.points,
                    n.rank
                )));
            }
        }
        for (j, v) in u.views.iter().enumerate() {
            let col = &c.views[j];
            if !same_numbers(col.value[k], v.value)
                || !same_numbers(nth(&col.points, k), v.points)
                || col.rank.as_ref().unwrap()[k] != v.rank
            {
                return Err(at(&format!("view {}", v.code)));
            }
        }
        // Explanations: the columnar ones, turned into the per-unit struct, are the record
        // path's to the bit (`{:?}` tells -0.0 from 0.0).
        let e = c.explanation(fw, k);
        if format!("{e:?}") != format!("{:?}", u.explanation) {
            return Err(at(&format!("explanation {e:?} vs {:?}", u.explanation)));
        }
    }
    Ok(())
}

fn check(seed: u64, lenient: bool, pool: bool) -> Result<(), String> {
    let (fw, panel) = gen_case(seed);
    // Both tie rules, in turn: the paths share one rank routine.
    let ties = if seed % 2 == 0 {
        dti_core::methods::Ties::Exact
    } else {
        dti_core::methods::Ties::default()
    };
    // Every unit explained, with a varying number of opportunities.
    let top_n = (seed % 7) as usize;
    let c = score_columns(
        &fw,
        &panel.input(),
        &ColumnOptions::default()
            .lenient(lenient)
            .pool_periods(pool)
            .node_ranks(true)
            .ties(ties)
            .explain(true)
            .top_n(top_n),
    );
    let r = fw.score_with(
        &panel.records(),
        &ScoreOptions::default()
            .lenient(lenient)
            .top_n(top_n)
            .pool_periods(pool)
            .ties(ties),
    );
    // Records in, columns out: the columnar result of the record adapter.
    let copts = ColumnOptions::default()
        .lenient(lenient)
        .pool_periods(pool)
        .node_ranks(true)
        .ties(ties)
        .explain(true)
        .top_n(top_n);
    let cr = dti_core::score_records(&fw, &panel.records(), &copts);
    match (&c, &cr) {
        (Ok(a), Ok(b)) => same_columns(a, b).map_err(|e| format!("score_records: {e}"))?,
        (Err(a), Err(b)) if a == b => {}
        (Err(ScoreError::Input { problems: a }), Err(ScoreError::Input { problems: b }))
            if sorted(a.clone()) == sorted(b.clone()) => {}
        (a, b) => {
            return Err(format!(
                "score_records: outcomes differ: {:?} vs {:?}",
                a.as_ref().map(|s| s.rows.len()),
                b.as_ref().map(|s| s.rows.len())
            ))
        }
    }
    // The owned input, resolved in place: the same outcome, bit for bit.
    let mut owned_input = panel.input();
    for col in &mut owned_input.columns {
        col.values = std::borrow::Cow::Owned(col.values.to_vec());
    }
    let owned = dti_core::score_columns_owned(&fw, owned_input, &copts);
    match (&c, &owned) {
        (Ok(a), Ok(b)) => same_columns(a, b).map_err(|e| format!("owned input: {e}"))?,
        (Err(a), Err(b)) if a == b => {}
        _ => return Err("owned input: outcomes differ".to_owned()),
    }
    // Without the nodes' columns: the index and views alone, the same (and no explanations:
    // the engine then lets each node's column go once its parent is made).
    if let Ok(a) = &c {
        let bare = score_columns(
            &fw,
            &panel.input(),
            &copts.clone().node_ranks(false).nodes(false).explain(false),
        )
        .map_err(|e| format!("nodes(false): {e}"))?;
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let same = |x: &dti_core::engine::ScoreColumn, y: &dti_core::engine::ScoreColumn| {
            bits(&x.value) == bits(&y.value)
                && bits(&x.points) == bits(&y.points)
                && x.rank == y.rank
        };
        if !bare.nodes.is_empty()
            || !same(&a.index, &bare.index)
            || a.views.len() != bare.views.len()
            || a.views.iter().zip(&bare.views).any(|(x, y)| !same(x, y))
        {
            return Err("nodes(false): the index or a view differs, or nodes came back".to_owned());
        }
    }
    if let Ok(c) = &c {
        if c.problems.is_empty() && c.excluded.is_empty() {
            clean_adapters(&fw, &panel, c, pool, ties, top_n)?;
        }
    }
    match (c, r) {
        (Ok(c), Ok(r)) => {
            if sorted(c.problems.clone()) != sorted(r.problems.clone()) {
                return Err(format!(
                    "problems differ:\n{:#?}\n{:#?}",
                    c.problems, r.problems
                ));
            }
            if c.excluded != r.excluded {
                return Err(format!("excluded: {:?} vs {:?}", c.excluded, r.excluded));
            }
            compare(&fw, &c, &r)
        }
        (Err(ScoreError::Input { problems: a }), Err(ScoreError::Input { problems: b })) => {
            if sorted(a.clone()) == sorted(b.clone()) {
                Ok(())
            } else {
                Err(format!("problems differ:\n{a:#?}\n{b:#?}"))
            }
        }
        (Err(a), Err(b)) if a == b => Ok(()),
        (c, r) => Err(format!(
            "outcomes differ: columns {:?} / records {:?}",
            c.map(|s| s.rows.len()),
            r.map(|s| s.units.len())
        )),
    }
}

/// Two columnar results, every number compared by its bits.
fn same_columns(a: &ColumnScores, b: &ColumnScores) -> Result<(), String> {
    // Within a row, problems come in the order of the input's columns or keys.
    let same_problems = sorted(a.problems.clone()) == sorted(b.problems.clone());
    if a.rows != b.rows || !same_problems || a.excluded != b.excluded {
        return Err("rows, problems or exclusions differ".to_owned());
    }
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let cols = |s: &ColumnScores| {
        s.nodes
            .iter()
            .chain(&s.views)
            .chain(std::iter::once(&s.index))
            .map(|c| {
                (
                    c.code.clone(),
                    bits(&c.value),
                    bits(&c.points),
                    c.rank.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    if format!("{:?}", a.explanations) != format!("{:?}", b.explanations) {
        return Err("explanations differ".to_owned());
    }
    let (x, y) = (cols(a), cols(b));
    match x.iter().zip(&y).find(|(p, q)| p != q) {
        Some((p, _)) => Err(format!("column {} differs", p.0)),
        None if x.len() != y.len() => Err("column counts differ".to_owned()),
        None => Ok(()),
    }
}

/// How many cases the text readers scored (the generator must reach them).
static READ_BACK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// On data without problems, the adapters that read text or a `Panel` give the columns' result.
fn clean_adapters(
    fw: &Framework,
    panel: &Panel,
    c: &ColumnScores,
    pool: bool,
    ties: dti_core::methods::Ties,
    top_n: usize,
) -> Result<(), String> {
    let copts = ColumnOptions::default()
        .pool_periods(pool)
        .node_ranks(true)
        .ties(ties)
        .explain(true)
        .top_n(top_n);
    // A Panel: NaN is "not reported".
    let records = panel.records();
    let codes: Vec<&str> = panel.columns.iter().map(|(c, _, _)| c.as_str()).collect();
    let p = dti_core::io::Panel::from_records(&codes, &records);
    let from_panel = dti_core::score_columns(fw, &p.input(), &copts).map_err(|e| e.to_string())?;
    same_columns(c, &from_panel).map_err(|e| format!("Panel: {e}"))?;
    // The command's CSV readers, wide and long: numbers written in full, read back.
    let periods = panel.periods.is_some();
    let mut wide = String::from("unit");
    let mut long = String::from("unit");
    if periods {
        wide.push_str(",period");
        long.push_str(",period");
    }
    long.push_str(",indicator,value\n");
    for code in &codes {
        wide.push(',');
        wide.push_str(code);
    }
    wide.push('\n');
    for (u, rec) in records.iter().enumerate() {
        let who = match rec.period {
            Some(p) => format!("{},{p}", panel.units[u]),
            None if periods => format!("{},", panel.units[u]),
            None => panel.units[u].clone(),
        };
        wide.push_str(&who);
        for (code, values, present) in &panel.columns {
            wide.push(',');
            if present[u] {
                wide.push_str(&format!("{:?}", values[u]));
                long.push_str(&format!("{who},{code},{:?}\n", values[u]));
            }
        }
        wide.push('\n');
    }
    let opts = ScoreOptions::default()
        .top_n(top_n)
        .pool_periods(pool)
        .ties(ties);
    for (name, text, layout) in [
        ("wide.csv", &wide, dti_cli::data::Layout::Wide),
        ("long.csv", &long, dti_cli::data::Layout::Long),
    ] {
        if layout == dti_cli::data::Layout::Wide {
            // The command's one-pass reader of clean wide files, straight into columns.
            if let Some(w) = dti_cli::data::read_wide_numbers(name, text, fw, layout, &[], None) {
                let s = dti_core::score_columns(fw, &w.panel.input(), &copts)
                    .map_err(|e| format!("{name} (columns): {e}"))?;
                same_columns(c, &s).map_err(|e| format!("{name} (columns): {e}"))?;
                READ_BACK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let loaded = dti_cli::data::read_records(name, text, fw, layout, &[], None)
            .map_err(|e| format!("{name}: {e:?}"))?;
        if !loaded.file_problems.is_empty() {
            // The reader is stricter about text (an id it cannot take): not this test's case.
            continue;
        }
        READ_BACK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let scored = fw
            .score_with(&loaded.units, &opts)
            .map_err(|e| format!("{name}: {e}"))?;
        if name == "wide.csv" {
            compare(fw, c, &scored).map_err(|e| format!("{name}: {e}"))?;
        } else {
            // Long input groups rows by unit and period: compare unit by unit.
            for (k, &row) in c.rows.iter().enumerate() {
                if records[row].values.is_empty() {
                    continue; // no value, so no line in a long file
                }
                let u = scored
                    .units
                    .iter()
                    .find(|s| s.unit == panel.units[row] && s.period == records[row].period)
                    .ok_or_else(|| format!("{name}: unit {} missing", panel.units[row]))?;
                if !same_numbers(c.index.value[k], u.value) {
                    return Err(format!("{name}: index of {} differs", u.unit));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn columns_score_exactly_as_records(seed in any::<u64>(), lenient in any::<bool>(), pool in any::<bool>()) {
        if let Err(e) = check(seed, lenient, pool) {
            prop_assert!(false, "seed {seed}: {e}");
        }
    }
}

#[test]
fn the_text_readers_are_reached() {
    for seed in 0..300 {
        check(seed, false, seed % 3 == 0).unwrap();
    }
    let n = READ_BACK.load(std::sync::atomic::Ordering::Relaxed);
    assert!(n >= 60, "only {n} files read back");
}

#[test]
fn the_generator_reaches_the_interesting_cases() {
    // The property above is only as good as its inputs: over the seeds it draws from, bad
    // values, conflicts, duplicates and exclusions must all occur, and most cases must score.
    let (mut scored, mut kinds) = (0, std::collections::BTreeSet::new());
    let mut read_normalised = [0; 2];
    for seed in 0..300 {
        let (fw, panel) = gen_case(seed);
        if panel.has_complete_normalised_column(&fw) {
            let strict = score_columns(&fw, &panel.input(), &ColumnOptions::default());
            read_normalised[usize::from(panel.periods.is_some())] += usize::from(strict.is_ok());
        }
        let opts = ColumnOptions::default().lenient(true);
        if let Ok(s) = score_columns(&fw, &panel.input(), &opts) {
            scored += 1;
            kinds.extend(s.problems.iter().map(|p| p.code()));
            if !s.excluded.is_empty() {
                kinds.insert("excluded");
            }
        }
    }
    assert!(scored > 200, "only {scored} of 300 cases scored");
    // Strict cases with a complete normalised column, without and with periods.
    assert!(
        read_normalised.iter().all(|&n| n >= 5),
        "complete normalised columns: {read_normalised:?}"
    );
    for k in [
        "not_finite",
        "value_out_of_range",
        "duplicate_unit",
        "empty_unit_id",
        "node_and_descendant",
        "missing",
        "excluded",
    ] {
        assert!(kinds.contains(k), "no case produced {k}: {kinds:?}");
    }
}

#[test]
fn bad_columns_are_errors_naming_the_column() {
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let opts = ColumnOptions::default();
    let run = |input: ColumnInput| score_columns(&fw, &input, &opts).unwrap_err().to_string();
    let units = || ColumnInput::new(vec!["HN", "HCM"]);
    assert_eq!(
        run(units().column(NumberColumn::new("GOVV", vec![0.5, 0.6]))),
        "column 'GOVV' is not an indicator of framework 'vn-pdti-2022' (did you mean 'GOV'?)"
    );
    assert_eq!(
        run(units()
            .column(NumberColumn::new("GOV", vec![0.5, 0.6]))
            .column(NumberColumn::new("GOV", vec![0.5, 0.6]))),
        "column 'GOV' is given twice"
    );
    assert_eq!(
        run(units().column(NumberColumn::new("GOV", vec![0.5]))),
        "column 'GOV' has 1 rows, the unit column 2"
    );
    assert_eq!(
        run(units().periods(vec![Some(2023)])),
        "column 'period' has 1 rows, the unit column 2"
    );
}

#[test]
fn the_golden_2022_case_scores_the_same_from_columns() {
    // fixtures/dti2022-main, worked by hand in its README: DTI 0.635, 0.67, 0.68.
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let case = dti_tests::fixture("dti2022-main");
    let records = dti_tests::units(&case);
    let units: Vec<&str> = records.iter().map(|r| r.unit.as_str()).collect();
    let mut input = ColumnInput::new(units);
    for node in &fw.def().nodes {
        let present: Vec<bool> = records
            .iter()
            .map(|r| r.values.contains_key(&node.code))
            .collect();
        if !present.iter().any(|&p| p) {
            continue;
        }
        let values = records
            .iter()
            .map(
                |r| match r.values.get(&node.code).and_then(|e| e.scored()) {
                    Some(Value::Number(x)) => *x,
                    _ => 0.0,
                },
            )
            .collect::<Vec<_>>();
        input = input.column(NumberColumn::new(node.code.clone(), values).with_present(present));
    }
    let s = score_columns(&fw, &input, &ColumnOptions::default()).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    for (k, e) in [0.635, 0.67, 0.68].iter().enumerate() {
        assert!(close(s.index.value[k], *e), "{k}: {}", s.index.value[k]);
    }
    assert_eq!(s.index.rank, Some(vec![Some(3), Some(2), Some(1)]));
    // CQS = (F + GOV points) / 700: 500, 520, 500 — P1 and P3 tie by different routes.
    let cqs = &s.views[0];
    assert_eq!(cqs.code, "CQS");
    for (k, e) in [500.0, 520.0, 500.0].iter().enumerate() {
        assert!(close(cqs.value[k], e / 700.0), "{k}: {}", cqs.value[k]);
    }
    assert_eq!(cqs.rank, Some(vec![Some(2), Some(1), Some(2)]));
}

/// In a large cohort with many ties (periods of over 100,000 rows, sorted on every core with
/// `parallel`), every node's, view's and the index's ranks are `rank_within` of its values
/// within each period — here computed one value at a time: 1 + how many are higher.
#[test]
fn a_large_cohort_ranks_every_column_within_its_period() {
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let m = 210_000; // 105,000 a period: sorted on every core
    let mut rng = Rng(0xBEEF);
    let ids: Vec<String> = (0..m).map(|u| format!("u{}", u / 2)).collect();
    let periods: Vec<Option<i32>> = (0..m).map(|u| Some(2022 + (u % 2) as i32)).collect();
    let mut input =
        ColumnInput::new(ids.iter().map(String::as_str).collect()).periods(periods.clone());
    for code in [
        "AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC",
    ] {
        // Two decimals: many ties.
        let values: Vec<f64> = (0..m).map(|_| (rng.below(101) as f64) / 100.0).collect();
        input = input.column(NumberColumn::new(code, values));
    }
    let s = score_columns(&fw, &input, &ColumnOptions::default().node_ranks(true)).unwrap();
    assert_eq!(s.rows.len(), m);
    let by_period: Vec<Vec<usize>> = [2022, 2023]
        .iter()
        .map(|&p| (0..m).filter(|&k| periods[s.rows[k]] == Some(p)).collect())
        .collect();
    let columns = s.nodes.iter().chain(&s.views).chain([&s.index]);
    let mut n = 0;
    for c in columns {
        let mut want = vec![None; m];
        for rows in &by_period {
            let mut down: Vec<f64> = rows.iter().map(|&k| c.value[k]).collect();
            down.sort_by(|a, b| b.total_cmp(a));
            for &k in rows {
                let v = c.value[k];
                let tied = |x: f64| (x - v).abs() <= 1e-12 * x.abs().max(v.abs());
                let higher = down.partition_point(|&x| x > v && !tied(x));
                want[k] = Some(1 + higher as u32);
            }
        }
        assert_eq!(c.rank.as_ref(), Some(&want), "{}", c.code);
        n += 1;
    }
    assert_eq!(n, fw.def().nodes.len() + fw.def().views.len() + 1);
    // Each view (a large complete one: summed a column at a time) is its members' points
    // summed exactly and rounded once, over their max points: unit by unit here.
    for (view, got) in fw.def().views.iter().zip(&s.views) {
        let members: Vec<&dti_core::engine::ScoreColumn> = view
            .nodes
            .iter()
            .map(|code| s.nodes.iter().find(|c| &c.code == code).unwrap())
            .collect();
        // 500 + 200, 500 + 150, 500 + 150 (Decision 922): whole numbers, so the sum is exact.
        let total: f64 = view
            .nodes
            .iter()
            .map(|code| fw.node_max_points(code).unwrap())
            .sum();
        for k in 0..m {
            let points = dti_core::methods::exact_sum(members.iter().map(|c| c.points[k]));
            assert_eq!(
                got.points[k].to_bits(),
                points.to_bits(),
                "{} {k}",
                view.code
            );
            assert_eq!(
                got.value[k].to_bits(),
                (points / total).to_bits(),
                "{} {k}",
                view.code
            );
        }
    }
}

/// A large panel scored for its index and views alone (each node's points then left to its
/// parent's sum: `value × max` as the sum reads it, a column of the panel never made) gives
/// the bits of the full result: in a cohort and in a large panel (whole columns summed in
/// blocks on every core), each also with a column with gaps (its parent then summed unit by
/// unit).
#[test]
fn index_and_views_alone_are_the_full_results_bits() {
    // Gaps renormalised over the members present (not counted as 0): a sum with gaps is
    // then made unit by unit.
    let mut def = Framework::builtin("vn-pdti-2022").unwrap().def().clone();
    def.missing = MissingPolicy::Renormalise;
    let fw = Framework::new(def).unwrap();
    let mut rng = Rng(0xD1FE);
    // A cohort's size (each unit's sums one by one) and a large panel's (a column at a time).
    for (m, gaps) in [(63, false), (63, true), (70_000, false), (70_000, true)] {
        let ids: Vec<String> = (0..m).map(|u| format!("u{u}")).collect();
        let mut input = ColumnInput::new(ids.iter().map(String::as_str).collect());
        for code in [
            "AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC",
        ] {
            // Four decimals, as published: products of 100 that are not exact.
            let values: Vec<f64> = (0..m).map(|_| (rng.below(10_001) as f64) / 1e4).collect();
            let mut column = NumberColumn::new(code, values);
            if gaps && code == "HR" {
                column = column.with_present((0..m).map(|u| u % 7 != 0).collect());
            }
            input = input.column(column);
        }
        let full = score_columns(&fw, &input, &ColumnOptions::default()).unwrap();
        let bare = score_columns(
            &fw,
            &input,
            &ColumnOptions::default().nodes(false).node_ranks(false),
        )
        .unwrap();
        assert!(bare.nodes.iter().all(|n| n.value.is_empty()));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (a, b) in full
            .views
            .iter()
            .chain([&full.index])
            .zip(bare.views.iter().chain([&bare.index]))
        {
            assert_eq!(
                bits(&a.value),
                bits(&b.value),
                "{} values (gaps: {gaps})",
                a.code
            );
            assert_eq!(
                bits(&a.points),
                bits(&b.points),
                "{} points (gaps: {gaps})",
                a.code
            );
            assert_eq!(a.rank, b.rank, "{} ranks (gaps: {gaps})", a.code);
        }
        // And the foundation's points are its members' points summed exactly: by hand for
        // unit 1 (reported every value): each value × 100, then their sum rounded once.
        let f = &full.nodes.iter().find(|n| n.code == "F").unwrap();
        assert_eq!(full.rows[1], 1);
        let terms: Vec<f64> = ["AWR", "INST", "INFRA", "HR", "SEC"]
            .iter()
            .map(|c| full.nodes.iter().find(|n| &n.code == c).unwrap().value[1] * 100.0)
            .collect();
        assert_eq!(f.points[1].to_bits(), exact_sum(&terms).to_bits());
    }
}

/// The sum of doubles of at least 2⁻⁸⁰ (or 0), exactly, rounded once: each is an integer
/// multiple of 2⁻⁸⁰, their sum an integer that `as f64` rounds to nearest, ties to even.
fn exact_sum(terms: &[f64]) -> f64 {
    let unit = 2f64.powi(80);
    let total: i128 = terms
        .iter()
        .map(|&t| {
            let scaled = t * unit;
            assert_eq!(scaled.fract(), 0.0, "{t} is not a multiple of 2^-80");
            scaled as i128
        })
        .sum();
    total as f64 / unit
}
