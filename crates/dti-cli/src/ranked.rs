//! The tables several commands print: a ranked cohort with its pillars, and a comparison
//! of two rankings.

use crate::prelude::*;

/// The columns shown beside the index: views if the framework has them, else top-level nodes.
/// The pillar columns: (code, is a view, position among the unit's views or nodes).
pub fn pillars(fw: &Framework) -> Vec<(String, bool, usize)> {
    if fw.def().views.is_empty() {
        let top: Vec<(String, bool, usize)> = fw
            .def()
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent.is_none())
            .map(|(k, n)| (n.code.clone(), false, k))
            .collect();
        // A single top-level node is the index itself (e.g. `total`): no column of its own.
        if top.len() == 1 {
            Vec::new()
        } else {
            top
        }
    } else {
        fw.def()
            .views
            .iter()
            .enumerate()
            .map(|(k, v)| (v.code.clone(), true, k))
            .collect()
    }
}

/// A pillar's value and rank, found by position (results list nodes and views in framework
/// order), so a table of many pillars costs no search per cell.
pub fn pillar_value(
    u: &UnitScore,
    code: &str,
    view: bool,
    at: usize,
) -> (Option<f64>, Option<u32>) {
    if view {
        match u.views.get(at) {
            Some(v) if v.code == code => (v.value, v.rank),
            _ => u.view(code).map_or((None, None), |v| (v.value, v.rank)),
        }
    } else {
        match u.nodes.get(at) {
            Some(n) if n.code == code => (n.value, n.rank),
            _ => u.node(code).map_or((None, None), |n| (n.value, n.rank)),
        }
    }
}

/// Units in the order of the ranked table: by rank, then id.
pub fn sorted_for_table<'a>(units: &[&'a UnitScore]) -> Vec<&'a UnitScore> {
    let mut rows = units.to_vec();
    rows.sort_by(|a, b| {
        a.rank
            .unwrap_or(u32::MAX)
            .cmp(&b.rank.unwrap_or(u32::MAX))
            .then(a.unit.cmp(&b.unit))
    });
    rows
}

/// Each unit's input problems (lenient scoring), located in its file.
pub fn unit_problems(
    scores: &CohortScores,
    data: &Loaded,
) -> std::collections::HashMap<(String, Option<i32>), Vec<String>> {
    let mut map: std::collections::HashMap<(String, Option<i32>), Vec<String>> = Default::default();
    for p in &scores.problems {
        map.entry((p.unit.clone(), p.period))
            .or_default()
            .push(data.locate(p));
    }
    map
}

/// The ranked table's columns: rank, unit, name, value, points, and each pillar's value and
/// rank.
pub fn ranked_header(cols: &[(String, bool, usize)], title: String) -> Table {
    let mut header = vec!["rank", "unit", "name", "value", "points"];
    let names: Vec<String> = cols
        .iter()
        .flat_map(|(c, _, _)| [c.clone(), format!("{c} #")])
        .collect();
    header.extend(names.iter().map(String::as_str));
    let mut right = vec![true, false, false, true, true];
    right.extend(cols.iter().flat_map(|_| [true, true]));
    let mut t = Table::new(&header, &right);
    t.title = Some(title);
    t
}

pub fn ranked_table(fw: &Framework, units: &[&UnitScore], title: String) -> Table {
    let cols = pillars(fw);
    let mut t = ranked_header(&cols, title);
    for u in sorted_for_table(units) {
        let mut r = row![
            rank(u.rank),
            u.unit.clone(),
            u.name.clone().unwrap_or_default(),
            num(u.value, 4),
            num(u.points, 1),
        ];
        for (c, view, at) in &cols {
            let (v, k) = pillar_value(u, c, *view, *at);
            r.push(num(v, 4));
            r.push(rank(k).into());
        }
        t.push(r);
    }
    t
}

pub fn title(fw: &Framework, period: Option<i32>) -> String {
    format!(
        "{} ({}){}",
        fw.def().name_vi,
        fw.id(),
        period.map(|p| format!(", {p}")).unwrap_or_default()
    )
}

pub fn fold_if(s: &str, ascii: bool) -> String {
    if ascii {
        dti_core::text::fold_diacritics(s)
    } else {
        s.to_owned()
    }
}

pub fn label(u: &UnitScore, ascii: bool) -> String {
    fold_if(u.name.as_deref().unwrap_or(&u.unit), ascii)
}

/// Compares the ranking of period `periods.0` of `a` with that of period `periods.1` of `b`,
/// matching units by id; fails when no unit is ranked in both.
pub fn comparison(
    a: &CohortScores,
    b: &CohortScores,
    periods: (Option<i32>, Option<i32>),
    heading: String,
    sink: &Sink,
    format: Format,
) -> Result<(), Fail> {
    // Two different periods are matched by unit: both sides are relabelled with the
    // baseline's period.
    let pick = |s: &CohortScores, period: Option<i32>| {
        let mut picked = s.clone();
        picked.units.retain(|u| u.period == period);
        for u in &mut picked.units {
            u.period = periods.0;
        }
        picked
    };
    let (a, b) = (pick(a, periods.0), pick(b, periods.1));
    let cmp = compare(&[&a, &b]);
    let ranked = |s: &CohortScores| -> Vec<String> {
        s.units
            .iter()
            .filter(|u| u.rank.is_some())
            .map(|u| u.unit.clone())
            .collect()
    };
    let (ra, rb) = (ranked(&a), ranked(&b));
    let only_a: Vec<&String> = ra.iter().filter(|u| !rb.contains(u)).collect();
    let only_b: Vec<&String> = rb.iter().filter(|u| !ra.contains(u)).collect();
    if cmp.summaries[0].units == 0 {
        return Err(format!(
            "{heading}: no unit is ranked in both ({} ranked units in the first, {} in the second{}): nothing to compare",
            ra.len(),
            rb.len(),
            if ra.is_empty() || rb.is_empty() {
                String::new()
            } else {
                format!(
                    "; e.g. '{}' only in the first, '{}' only in the second",
                    ra[0], rb[0]
                )
            }
        ));
    }
    let list = |v: &[&String]| {
        let shown: Vec<&str> = v.iter().take(10).map(|s| s.as_str()).collect();
        format!(
            "{}{}",
            shown.join(", "),
            if v.len() > 10 { ", …" } else { "" }
        )
    };
    if !only_a.is_empty() {
        say!(
            "warning: {} unit(s) ranked only in the first are left out: {}",
            only_a.len(),
            list(&only_a)
        );
    }
    if !only_b.is_empty() {
        say!(
            "warning: {} unit(s) ranked only in the second are left out: {}",
            only_b.len(),
            list(&only_b)
        );
    }
    let mut t = Table::new(
        &[
            "unit",
            "name",
            "rank before",
            "rank after",
            "shift",
            "value before",
            "value after",
            "change",
        ],
        &[false, false, true, true, true, true, true, true],
    );
    let s = &cmp.summaries[0];
    t.title = Some(format!(
        "{heading}\n{} of {} units changed rank; mean |shift| {:.2}; Spearman {}; Kendall {}",
        s.changed,
        s.units,
        s.mean_abs_rank_shift,
        num(s.spearman, 3),
        num(s.kendall, 3)
    ));
    let mut rows: Vec<_> = cmp.units.iter().collect();
    rows.sort_by_key(|u| {
        u.index
            .as_ref()
            .and_then(|i| i.ranks[1])
            .unwrap_or(u32::MAX)
    });
    for u in rows {
        let Some(i) = &u.index else { continue };
        let name = a
            .unit(&u.unit, u.period)
            .and_then(|x| x.name.clone())
            .unwrap_or_default();
        t.push(row![
            u.unit.clone(),
            name,
            rank(i.ranks[0]),
            rank(i.ranks[1]),
            i.rank_shifts[1].map_or("-".to_owned(), |s| format!("{s:+}")),
            num(i.values[0], 4),
            num(i.values[1], 4),
            signed(i.value_diffs[1], 4),
        ]);
    }
    sink.emit(format, &t, || {
        serde_json::to_value(&cmp).unwrap_or_default()
    })
}

/// A unit's result as JSON (the library's `UnitScore`), each improvement opportunity with
/// the leaf's names (`name_vi`, `name_en`), as Python's `explain` and npm's results give them.
pub fn unit_json(fw: &Framework, u: &UnitScore) -> serde_json::Value {
    let mut v = serde_json::to_value(u).unwrap_or_default();
    name_opportunities(fw, &mut v);
    v
}

/// Adds the leaf's names to each opportunity of a unit's JSON result.
pub fn name_opportunities(fw: &Framework, v: &mut serde_json::Value) {
    let Some(list) = v
        .pointer_mut("/explanation/opportunities")
        .and_then(|o| o.as_array_mut())
    else {
        return;
    };
    for o in list {
        let node = o
            .get("code")
            .and_then(|c| c.as_str())
            .and_then(|c| fw.node(c));
        if let (Some(n), Some(map)) = (node, o.as_object_mut()) {
            map.insert("name_vi".into(), n.name_vi.clone().into());
            map.insert("name_en".into(), n.name_en.clone().into());
        }
    }
}
