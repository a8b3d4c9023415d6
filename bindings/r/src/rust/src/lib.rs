//! The R package's native code: glue only, as the Python and WASM bindings are — every number
//! comes from dti-core. Data arrives as a file's text or a data frame made CSV text
//! (`convert::frame_text`), read by the `dti` command's one reader; results leave as data
//! frames and lists built here. Errors come back as values (`errors::Problem`), which
//! `R/errors.R` signals as classed conditions.

use dti_core::analyses::{self, MergeOptions, Scenario};
use dti_core::io::{FileProblem, Layout, ReadOptions, Records};
use dti_core::{CohortScores, ColumnScores, Framework, FrameworkDef, ScoreOptions, UnitRecord};
use extendr_api::prelude::*;
use serde_json::{json, Value as Json};

mod analysis;
mod convert;
mod errors;

use convert::{frame, named_list, numbers, to_json as json_of, to_r};
use errors::*;

/// Where data came from: a file (its path and text) or a data frame (made CSV text: its
/// problems are named by the frame's rows, the header being no row).
pub(crate) struct Source<'a> {
    name: &'a str,
    text: &'a str,
    frame: bool,
}

impl Source<'_> {
    /// Records read with the command's reader; a data frame's lines become its rows.
    fn records(&self, fw: &Framework, read: &ReadOptions) -> Result<Records, Problem> {
        let mut records = dti_core::io::read_records(self.name, self.text, fw, read)
            .map_err(|p| file_error(&self.rows(p.into_problems())))?;
        if self.frame {
            records.lines = records.lines.iter().map(|l| row(*l)).collect();
            for l in records.value_lines.values_mut() {
                *l = l.saturating_sub(1);
            }
            records.file_problems = self.rows(std::mem::take(&mut records.file_problems));
        }
        Ok(records)
    }

    /// Strict records: any problem is an error, every one listed.
    fn strict(&self, fw: &Framework, read: &ReadOptions) -> Result<Vec<UnitRecord>, Problem> {
        let records = self.records(fw, read)?;
        let problems = records.problems(fw, &ScoreOptions::default());
        if !problems.is_empty() {
            return Err(file_error(&problems));
        }
        Ok(records.units)
    }

    fn rows(&self, mut problems: Vec<FileProblem>) -> Vec<FileProblem> {
        if self.frame {
            for p in &mut problems {
                p.line = row(p.line);
            }
        }
        problems
    }
}

/// A data frame's row from the line of its CSV text (line 1 is the header: no row).
fn row(line: Option<usize>) -> Option<usize> {
    line.filter(|&l| l > 1).map(|l| l - 1)
}

fn source<'a>(name: &'a str, text: &'a str, frame: bool) -> Source<'a> {
    Source { name, text, frame }
}

/// A framework from its JSON definition (the R object's `definition`), validated.
pub(crate) fn framework(def: &str) -> Result<Framework, Problem> {
    let def: FrameworkDef = serde_json::from_str(def)
        .map_err(|e| Problem::bad_argument_at("framework", format!("not a definition: {e}")))?;
    Framework::new(def).map_err(|e| framework_error(&e))
}

/// The reader's options (`layout`, `groups`, `delimiter`) and the score options (`lenient`,
/// `ties`, `pool_periods`) from the R call's list.
fn options(o: &Robj, frame: bool) -> Result<(ReadOptions, ScoreOptions), Problem> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Args {
        layout: Layout,
        groups: Vec<String>,
        delimiter: Option<String>,
        lenient: bool,
        pool_periods: bool,
        ties: Option<Json>,
    }
    let mut j = json_of(o, "options")?;
    // One group is a vector of length one: still a list of names.
    if let Some(g @ Json::String(_)) = j.get("groups").cloned() {
        j["groups"] = Json::Array(vec![g]);
    }
    let a: Args = serde_json::from_value(j).map_err(|e| bad_argument("options", e))?;
    let delimiter = match (frame, a.delimiter.as_deref()) {
        // A data frame's text is written with commas, whatever its cells hold.
        (true, _) => Some(b','),
        (false, Some(d)) => {
            Some(dti_core::io::parse_delimiter(d).map_err(|e| bad_argument("delimiter", e))?)
        }
        (false, None) => None,
    };
    let read = ReadOptions::default()
        .layout(a.layout)
        .groups(a.groups)
        .delimiter(delimiter);
    let mut score = ScoreOptions::default()
        .lenient(a.lenient)
        .explain(false)
        .pool_periods(a.pool_periods);
    if let Some(t) = a.ties {
        score = score.ties(serde_json::from_value(t).map_err(|e| bad_argument("ties", e))?);
    }
    Ok((read, score))
}

/// The ids of the built-in frameworks, with their names, sources and whether each is ready
/// (as `dti frameworks list`).
#[extendr]
fn frameworks_table() -> Robj {
    let ids: Vec<&str> = dti_core::builtin_ids().collect();
    let defs: Vec<Option<FrameworkDef>> = ids
        .iter()
        .map(|id| FrameworkDef::builtin(id).ok())
        .collect();
    let field = |f: fn(&FrameworkDef) -> String| -> Robj {
        defs.iter()
            .map(|d| d.as_ref().map(f))
            .collect::<Vec<_>>()
            .into()
    };
    let ready: Vec<bool> = defs
        .iter()
        .map(|d| d.clone().is_some_and(|d| Framework::new(d).is_ok()))
        .collect();
    frame(
        vec![
            ("id", ids.clone().into()),
            ("name_en", field(|d| d.name_en.clone())),
            ("name_vi", field(|d| d.name_vi.clone())),
            ("source", field(|d| d.source.clone())),
            ("ready", ready.into()),
        ],
        ids.len(),
    )
}

/// A built-in framework's JSON definition (`total`: the published total alone), completed
/// by a supplement (an R list: the points and weights its source does not publish).
#[extendr]
fn framework_builtin(id: &str, supplement: Robj) -> Robj {
    out((|| {
        let fw = if id == "total" && supplement.is_null() {
            dti_core::model::total_framework()
        } else if supplement.is_null() {
            Framework::builtin(id).map_err(|e| framework_error(&e))?
        } else {
            let s: dti_core::model::Supplement =
                from_r("supplement", json_of(&supplement, "supplement")?)?;
            Framework::builtin_with(id, &s).map_err(|e| framework_error(&e))?
        };
        Ok(r!(serde_json::to_string(fw.def()).unwrap_or_default()))
    })())
}

/// A framework from a definition's text (JSON, or TOML when `toml`), validated: its JSON.
/// `name` is where it came from, for the message.
#[extendr]
fn framework_parse(text: &str, toml: bool, name: &str) -> Robj {
    out((|| {
        let fw = if toml {
            Framework::from_toml(text)
        } else {
            Framework::from_json(text)
        }
        .map_err(|e| {
            let mut p = framework_error(&e);
            p.message = format!("{name}: {}", p.message);
            p
        })?;
        Ok(r!(serde_json::to_string(fw.def()).unwrap_or_default()))
    })())
}

/// A framework from its definition as an R list (the JSON's fields), validated: its JSON.
#[extendr]
fn framework_from_list(def: Robj) -> Robj {
    out((|| {
        let def: FrameworkDef = from_r("framework", json_of(&def, "framework")?)?;
        let fw = Framework::new(def).map_err(|e| framework_error(&e))?;
        Ok(r!(serde_json::to_string(fw.def()).unwrap_or_default()))
    })())
}

/// The framework COINr's two tables describe (`iMeta`'s text, checked against `iData`'s):
/// its JSON.
#[extendr]
fn framework_from_coinr(meta: List, data: List) -> Robj {
    out(analysis::read_tables(&meta, &data)
        .map(|t| r!(serde_json::to_string(t.framework.def()).unwrap_or_default())))
}

/// A framework's id, names and nodes (a data frame: code, parent, names, weight, points,
/// direction), for printing and for users who look inside.
#[extendr]
fn framework_info(def: &str) -> Robj {
    out(framework(def).map(|fw| {
        let d = fw.def();
        let nodes = to_r(&to_json(&d.nodes));
        named_list([
            ("id", r!(d.id.as_str())),
            ("name_en", r!(d.name_en.as_str())),
            ("name_vi", r!(d.name_vi.as_str())),
            ("version", r!(d.version.as_str())),
            ("source", r!(d.source.as_str())),
            ("max_points", r!(fw.max_points())),
            ("leaves", r!(fw.leaves().count() as i32)),
            ("nodes", nodes),
        ])
    }))
}

/// A file's bytes as text, decoded as the `dti` command decodes them (UTF-8 with or without
/// a byte-order mark, UTF-16 with one).
#[extendr]
fn read_text(path: &str) -> Robj {
    out((|| {
        let bytes = std::fs::read(path).map_err(|e| {
            Problem::new(
                "invalid_file",
                format!("{path}: {e}"),
                json!({ "path": path }),
            )
        })?;
        dti_core::io::decode(bytes)
            .map(|t| r!(t))
            .map_err(|e| file_error(&[FileProblem::new(path, Some(e.line), e.message)]))
    })())
}

/// A data frame's columns as the CSV text the reader takes (`convert::frame_text`).
#[extendr]
fn frame_csv(columns: List) -> Robj {
    out(convert::frame_text(&columns).map(|t| r!(t)))
}

/// The records of `data` as JSON text, strict (every problem an error, with its row): for
/// `dti_read()` and for tests.
#[extendr]
fn read_records(def: &str, name: &str, text: &str, frame: bool, opts: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let (read, _) = options(&opts, frame)?;
        let units = source(name, text, frame).strict(&fw, &read)?;
        Ok(to_r(&to_json(&units)))
    })())
}

/// Scores `data` (every unit and period; each period a cohort): `list(scores, notes,
/// warning)` — the scores a data frame (`unit`, `name`, `period`, `value`, `points`, `rank`,
/// then each view's and node's `<code>.value`, `.points`, `.rank` — the nodes' unless
/// `nodes` is false in `opts`; with `lenient`, a `problems` column), the notes what the
/// command says aloud about the data, the warning lenient's one-line summary of what was not
/// scored as given.
#[extendr]
fn score(def: &str, name: &str, text: &str, frame: bool, opts: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let nodes = json_of(&opts, "options")?
            .get("nodes")
            .and_then(Json::as_bool)
            .unwrap_or(true);
        let (read, opts) = options(&opts, frame)?;
        let src = source(name, text, frame);
        let records = src.records(&fw, &read)?;
        if !opts.lenient && !records.file_problems.is_empty() {
            return Err(file_error(&records.problems(&fw, &opts)));
        }
        let scores = dti_core::score_cohort(&fw, &records.units, &opts)
            .map_err(|e| score_error(&e, &records))?;
        let mut problems: Vec<FileProblem> = records.file_problems.clone();
        problems.extend(scores.problems.iter().map(|e| records.located(e)));
        let mut notes = records.notes.clone();
        notes.extend(dti_core::engine::absent(&fw, &records.units).messages());
        notes.extend(dti_core::engine::not_provinces(
            &fw,
            records.units.iter().map(|u| u.unit.as_str()),
        ));
        let problems = opts.lenient.then_some(&problems);
        let (table, warning) = cohort_frame(&fw, &scores, problems, nodes);
        Ok(named_list([
            ("scores", table),
            ("notes", notes.into()),
            ("warning", warning.map_or(r!(NULL), |w| r!(w))),
        ]))
    })())
}

/// A scored cohort as a data frame (see `score`; `nodes`: every node's columns, else the
/// index's and the views' only); with `problems` (lenient), a `problems` column with each
/// row's ("; " between them; NA where none) and the summary warning.
fn cohort_frame(
    fw: &Framework,
    scores: &CohortScores,
    problems: Option<&Vec<FileProblem>>,
    nodes: bool,
) -> (Robj, Option<String>) {
    let mut s = ColumnScores::from_cohort(fw, scores);
    if !nodes {
        s.nodes.clear();
    }
    let ids: Vec<(&str, Option<&str>, Option<i32>)> = scores
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.name.as_deref(), u.period))
        .collect();
    let mut columns = score_columns(&s, &ids);
    let n = ids.len();
    let mut warning = None;
    if let Some(problems) = problems {
        let mut by_row: std::collections::HashMap<(String, Option<i32>), Vec<String>> =
            Default::default();
        for p in problems {
            let key = (p.unit.clone().unwrap_or_default(), p.period);
            by_row.entry(key).or_default().push(p.text_with(&|_| ""));
        }
        let column: Vec<Option<String>> = ids
            .iter()
            .map(|(u, _, p)| by_row.get(&((*u).to_owned(), *p)).map(|v| v.join("; ")))
            .collect();
        if !problems.is_empty() {
            let in_rows: usize = ids
                .iter()
                .filter_map(|(u, _, p)| by_row.get(&((*u).to_owned(), *p)))
                .map(Vec::len)
                .sum();
            let left_out = problems.len() - in_rows;
            let mut where_ = format!("{in_rows} in the 'problems' column");
            if left_out > 0 {
                where_ += &format!(", {left_out} in rows left out");
            }
            let more = if problems.len() > 1 {
                format!(" (and {} more)", problems.len() - 1)
            } else {
                String::new()
            };
            warning = Some(format!(
                "lenient: {} problem(s) not scored as given ({where_}); first: {}{more}",
                problems.len(),
                problems[0].text_with(&|_| "")
            ));
        }
        columns.push(("problems".to_owned(), column.into()));
    }
    let named: Vec<(&str, Robj)> = columns
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    (frame(named, n), warning)
}

/// Result columns: `unit`, `name`, `period`, then `value`, `points`, `rank` of the index and
/// `<code>.value`, `.points`, `.rank` of every view and node (NA where there is none).
fn score_columns(
    s: &ColumnScores,
    ids: &[(&str, Option<&str>, Option<i32>)],
) -> Vec<(String, Robj)> {
    let mut out: Vec<(String, Robj)> = vec![
        (
            "unit".into(),
            ids.iter().map(|i| i.0).collect::<Vec<_>>().into(),
        ),
        (
            "name".into(),
            ids.iter().map(|i| i.1).collect::<Vec<_>>().into(),
        ),
        (
            "period".into(),
            ids.iter().map(|i| i.2).collect::<Vec<_>>().into(),
        ),
    ];
    let n = ids.len();
    let index = (String::new(), &s.index);
    let others = s
        .views
        .iter()
        .chain(&s.nodes)
        .map(|c| (format!("{}.", c.code), c));
    for (prefix, c) in std::iter::once(index).chain(others) {
        out.push((format!("{prefix}value"), numbers(&c.value)));
        let points: Robj = if c.points.len() == n {
            numbers(&c.points)
        } else {
            vec![None::<f64>; n].into()
        };
        out.push((format!("{prefix}points"), points));
        if let Some(r) = &c.rank {
            let ranks: Vec<Option<i32>> = r.iter().map(|r| r.map(|r| r as i32)).collect();
            out.push((format!("{prefix}rank"), ranks.into()));
        }
    }
    out
}

/// One unit's result with its explanation (every node's points against its max, what each
/// leaf contributed and lost, the best improvement opportunities with their leaves' names).
#[extendr]
fn explain(def: &str, data: List, unit: &str, period: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let units = data_of(&data, &fw)?;
        let opts = ScoreOptions::default();
        let period = year(&period, "year")?;
        let u = dti_core::explain_unit(&fw, &units, unit, period, &opts.explain(true))
            .map_err(|e| coded(e.code(), &e))?;
        let mut j = to_json(&u);
        // Each opportunity with its leaf's names, as the command's JSON gives them.
        if let Some(list) = j
            .get_mut("explanation")
            .and_then(|e| e.get_mut("opportunities"))
            .and_then(Json::as_array_mut)
        {
            for o in list {
                let code = o["code"].as_str().unwrap_or_default().to_owned();
                if let Some(n) = fw.def().nodes.iter().find(|n| n.code == code) {
                    o["name_vi"] = Json::String(n.name_vi.clone());
                    o["name_en"] = Json::String(n.name_en.clone());
                }
            }
        }
        Ok(to_r(&j))
    })())
}

/// A year from R: a whole number or NULL (`"2023"`, 2023.5 are not).
pub(crate) fn year(x: &Robj, path: &str) -> Result<Option<i32>, Problem> {
    match json_of(x, path)? {
        Json::Null => Ok(None),
        Json::Number(n) => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e6)
            .map(|f| Some(f as i32))
            .ok_or_else(|| Problem::bad_argument_at(path, format!("expected a year, got {n}"))),
        other => Err(Problem::bad_argument_at(
            path,
            format!("expected a year (a whole number) or NULL, got {other}"),
        )),
    }
}

/// Merged units scored (`map`, an R list as `dti merge --map` reads it; NULL: the 2025
/// province merger): `list(scores, from, unmapped)`.
#[extendr]
fn merge(def: &str, data: List, map: Robj, lenient: bool) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let units = data_of(&data, &fw)?;
        let map: dti_core::MergeMap = if map.is_null() {
            dti_core::merger_2025().clone()
        } else {
            from_r("map", json_of(&map, "map")?)?
        };
        let opts: MergeOptions = from_r("lenient", json!({ "lenient": lenient }))?;
        let merged =
            dti_core::merge_cohort(&fw, &units, &map, &opts).map_err(|e| coded(e.code(), &e))?;
        let (table, _) = cohort_frame(&fw, &merged.scores, None, true);
        let from: Vec<Robj> = merged
            .scores
            .units
            .iter()
            .map(|u| {
                merged
                    .members
                    .iter()
                    .find(|m| m.unit == u.unit && m.period == u.period)
                    .map_or_else(|| Vec::<String>::new().into(), |m| m.from.clone().into())
            })
            .collect();
        let unmapped: Vec<String> = merged.unmapped.iter().map(|u| u.unit.clone()).collect();
        Ok(named_list([
            ("scores", table),
            ("from", List::from_values(from).into()),
            ("unmapped", unmapped.into()),
        ]))
    })())
}

/// Scores strict records into the core's cohort.
fn cohort(fw: &Framework, units: &[UnitRecord]) -> Result<CohortScores, Problem> {
    let opts = ScoreOptions::default().explain(false);
    let mut records = Records::new("data", units.to_vec());
    records.lines = vec![None; units.len()];
    dti_core::score_cohort(fw, units, &opts).map_err(|e| score_error(&e, &records))
}

/// Two rankings side by side: `unit`, `period`, `value_<a>`, `rank_<a>`, `value_<b>`,
/// `rank_<b>`, `rank_shift` (`b` minus `a`: negative = moved up) for every unit and period
/// of the first with an index value. An error when they share no ranked unit.
fn comparison_frame(
    c: &analyses::Comparison,
    labels: [&str; 2],
    with_period: bool,
) -> Result<Robj, Problem> {
    let rows: Vec<(&analyses::UnitComparison, &analyses::NodeComparison)> = c
        .units
        .iter()
        .filter_map(|u| u.index.as_ref().map(|i| (u, i)))
        .collect();
    let at = |i: &analyses::NodeComparison, k: usize| {
        (
            i.values.get(k).copied().flatten(),
            i.ranks.get(k).copied().flatten(),
        )
    };
    if !rows
        .iter()
        .any(|(_, i)| at(i, 0).1.is_some() && at(i, 1).1.is_some())
    {
        return Err(coded(
            "no_effect",
            "the two rankings have no unit in common: nothing to compare",
        ));
    }
    let rank = |k: usize| -> Robj {
        rows.iter()
            .map(|(_, i)| at(i, k).1.map(|r| r as i32))
            .collect::<Vec<_>>()
            .into()
    };
    let value = |k: usize| -> Robj {
        rows.iter()
            .map(|(_, i)| at(i, k).0)
            .collect::<Vec<_>>()
            .into()
    };
    let shift: Vec<Option<i32>> = rows
        .iter()
        .map(|(_, i)| match (at(i, 0).1, at(i, 1).1) {
            (Some(a), Some(b)) => Some(b as i32 - a as i32),
            _ => None,
        })
        .collect();
    let (va, ra, vb, rb) = (
        format!("value_{}", labels[0]),
        format!("rank_{}", labels[0]),
        format!("value_{}", labels[1]),
        format!("rank_{}", labels[1]),
    );
    let mut cols: Vec<(&str, Robj)> = vec![(
        "unit",
        rows.iter()
            .map(|(u, _)| u.unit.as_str())
            .collect::<Vec<_>>()
            .into(),
    )];
    if with_period {
        cols.push((
            "period",
            rows.iter()
                .map(|(u, _)| u.period)
                .collect::<Vec<_>>()
                .into(),
        ));
    }
    cols.extend([
        (va.as_str(), value(0)),
        (ra.as_str(), rank(0)),
        (vb.as_str(), value(1)),
        (rb.as_str(), rank(1)),
        ("rank_shift", shift.into()),
    ]);
    Ok(frame(cols, rows.len()))
}

/// Compares two rankings (two data sets, or one under two frameworks): see
/// `comparison_frame`. With `from`/`to` periods, one period of `a` against one of `b`,
/// units matched by id, the 63 provinces merged onto the 34 first when `a` holds the 63 and
/// `b` the 34: `list(comparison, merged)`.
#[extendr]
fn compare(def_a: &str, a: List, def_b: &str, b: List, from: Robj, to: Robj) -> Robj {
    out((|| {
        let (fa, fb) = (framework(def_a)?, framework(def_b)?);
        let ua = data_of(&a, &fa)?;
        let ub = data_of(&b, &fb)?;
        let (from, to) = (year(&from, "from")?, year(&to, "to")?);
        if from.is_none() && to.is_none() {
            let (sa, sb) = (cohort(&fa, &ua)?, cohort(&fb, &ub)?);
            let c = analyses::compare(&[&sa, &sb]);
            return Ok(named_list([
                ("comparison", comparison_frame(&c, ["a", "b"], true)?),
                ("merged", r!(false)),
            ]));
        }
        let before: Vec<UnitRecord> = ua
            .into_iter()
            .filter(|r| from.is_none() || r.period == from)
            .collect();
        let after: Vec<UnitRecord> = ub
            .into_iter()
            .filter(|r| to.is_none() || r.period == to)
            .collect();
        for (side, rows, p, arg) in [("a", &before, from, "from"), ("b", &after, to, "to")] {
            if rows.is_empty() {
                let shown = p.map_or("NULL".to_owned(), |p| p.to_string());
                return Err(Problem::bad_argument_at(
                    arg,
                    format!("{side} has no rows for {shown}"),
                ));
            }
        }
        let sb = cohort(&fb, &after)?;
        let (c, merged) =
            analyses::compare_across_merger(&fa, &before, &sb, &MergeOptions::default())
                .map_err(|e| coded(e.code(), &e))?;
        Ok(named_list([
            ("comparison", comparison_frame(&c, ["a", "b"], false)?),
            ("merged", r!(merged.is_some())),
            ("provinces", r!(before.len() as i32)),
        ]))
    })())
}

/// Strict records of a data source given as `list(name, text, frame)`.
pub(crate) fn data_of(src: &List, fw: &Framework) -> Result<Vec<UnitRecord>, Problem> {
    let get = |k: &str| src.iter().find(|(n, _)| *n == k).map(|(_, v)| v);
    let name = get("name")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let text = get("text")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let is_frame = get("frame").and_then(|v| v.as_bool()).unwrap_or(false);
    let groups: Robj = get("groups").unwrap_or_else(|| r!(NULL));
    let opts = if groups.is_null() {
        List::new(0).into()
    } else {
        convert::named_list([("groups", groups)])
    };
    let (read, _) = options(&opts, is_frame)?;
    source(&name, &text, is_frame).strict(fw, &read)
}

/// A what-if scenario (an R list, as `dti scenario` reads its JSON) against the baseline:
/// `value_baseline`, `rank_baseline`, `value_scenario`, `rank_scenario`, `rank_shift`.
#[extendr]
fn scenario(def: &str, data: List, what_if: Robj) -> Robj {
    out((|| {
        let fw = framework(def)?;
        let units = data_of(&data, &fw)?;
        let s: Scenario = from_r("scenario", json_of(&what_if, "scenario")?)?;
        let (fw2, units2) = s.apply(&fw, &units).map_err(|e| coded(e.code(), &e))?;
        let (base, after) = (cohort(&fw, &units)?, cohort(&fw2, &units2)?);
        let c = analyses::compare(&[&base, &after]);
        let changed = c
            .units
            .iter()
            .filter_map(|u| u.index.as_ref())
            .any(|i| i.values.first() != i.values.get(1) || i.ranks.first() != i.ranks.get(1));
        Ok(named_list([
            (
                "comparison",
                comparison_frame(&c, ["baseline", "scenario"], true)?,
            ),
            ("changed", r!(changed)),
        ]))
    })())
}

/// The bundled synthetic 63-province panel (the `dti` command's default data), as CSV text.
#[extendr]
fn bundled_csv() -> &'static str {
    dti_core::model::SYNTHETIC_PANEL
}

/// A published data set (`dti-2024`: the 34 provinces; `dti-63`: the 63 before the merger)
/// as `list(data, source, framework)`: `data` a data frame — `unit`, `name`, `period`,
/// `rank` (where published), `DTI` and each published indicator; NULL when there is no
/// such data set.
#[extendr]
fn published(id: &str) -> Robj {
    let Some(d) = dti_core::model::published_data(id) else {
        return r!(NULL);
    };
    let n = d.rows.len();
    let mut cols: Vec<(String, Robj)> = vec![
        (
            "unit".into(),
            d.rows
                .iter()
                .map(|r| r.unit.as_str())
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "name".into(),
            d.rows
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "period".into(),
            d.rows.iter().map(|r| r.period).collect::<Vec<_>>().into(),
        ),
    ];
    if d.rows.iter().any(|r| r.rank.is_some()) {
        let ranks: Vec<Option<i32>> = d.rows.iter().map(|r| r.rank.map(|r| r as i32)).collect();
        cols.push(("rank".into(), ranks.into()));
    }
    cols.push((
        "DTI".into(),
        d.rows.iter().map(|r| r.dti).collect::<Vec<_>>().into(),
    ));
    let codes: Vec<String> = d.rows.first().map_or_else(Vec::new, |r| {
        r.values.iter().map(|(c, _)| c.clone()).collect()
    });
    for (k, code) in codes.iter().enumerate() {
        let v: Vec<Option<f64>> = d
            .rows
            .iter()
            .map(|r| r.values.get(k).map(|x| x.1))
            .collect();
        cols.push((code.clone(), v.into()));
    }
    let named: Vec<(&str, Robj)> = cols.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    named_list([
        ("data", frame(named, n)),
        ("source", r!(d.source.as_str())),
        ("framework", r!(d.framework.as_str())),
        ("title", r!(d.title.as_str())),
    ])
}

extendr_module! {
    mod dti;
    fn frameworks_table;
    fn framework_builtin;
    fn framework_parse;
    fn framework_from_list;
    fn framework_from_coinr;
    fn framework_info;
    fn read_text;
    fn frame_csv;
    fn read_records;
    fn score;
    fn explain;
    fn merge;
    fn compare;
    fn scenario;
    fn bundled_csv;
    fn published;
    use analysis;
}
