//! What a CSV header says: where the unit, name and period are, the layout, the group and
//! indicator columns (by code, alias or published name), and the result columns read past.

use crate::io::file_problem::{FileProblem, FormProblem, Hint};
use crate::io::records::{data_error, Layout};
use crate::model::{Era, Framework, Province};

pub(crate) const UNIT: [&str; 6] = ["unit", "ucode", "code", "province", "id", "unit_id"];
pub(crate) const NAME: [&str; 3] = ["name", "uname", "unit_name"];
pub(crate) const PERIOD: [&str; 3] = ["period", "year", "time"];

/// Header names of published tables (compared by `name_key`: diacritics, case and spacing
/// ignored), beside the English ones above: the unit ("Tỉnh/Thành phố"), its name, the
/// period ("Năm").
pub(crate) const UNIT_KEYS: [&str; 5] =
    ["tinh", "tinhthanhpho", "thanhpho", "tinhthanh", "diaphuong"];
pub(crate) const NAME_KEYS: [&str; 2] = ["ten", "tentinh"];
pub(crate) const PERIOD_KEYS: [&str; 1] = ["nam"];
/// Columns of a published table that are results, not inputs (a row number, a rank, the
/// index): read past, with a note.
pub(crate) const RESULT_KEYS: [&str; 12] = [
    "stt", "tt", "no", "sothutu", "xephang", "thuhang", "hang", "rank", "chisodti", "diemdti",
    "tongdiem", "dti",
];

/// A delimiter as messages name it.
pub(crate) fn shown_delimiter(d: u8) -> String {
    match d {
        b'\t' => "tab".to_owned(),
        d => format!("'{}'", d as char),
    }
}

/// What a CSV header says: where the unit, name and period are, the layout, the group
/// columns and the indicator columns (by code or by a published name), with notes on the
/// result columns read past. Every header problem is reported together.
pub(crate) struct HeaderPlan {
    pub(crate) header: Vec<String>,
    pub(crate) c_unit: usize,
    pub(crate) c_name: Option<usize>,
    pub(crate) c_period: Option<usize>,
    pub(crate) c_ind: Option<usize>,
    pub(crate) c_val: Option<usize>,
    pub(crate) c_self: Option<usize>,
    pub(crate) c_appr: Option<usize>,
    pub(crate) long: bool,
    pub(crate) c_groups: Vec<(usize, String)>,
    pub(crate) indicator_cols: Vec<(usize, String)>,
    pub(crate) notes: Vec<String>,
}

/// Reads and plans the header of `reader` (see [`HeaderPlan`]).
pub(crate) fn plan_header(
    name: &str,
    reader: &mut csv::Reader<&[u8]>,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    delimiter: u8,
) -> Result<HeaderPlan, Vec<FileProblem>> {
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            let p = data_error(name, Some(1), None, None, e.to_string());
            return Err(vec![p.with_form(FormProblem::Csv)]);
        }
    };
    plan_names(name, header, fw, layout, groups, delimiter)
}

/// Plans a header given as its column names (see [`HeaderPlan`]): a file's first line, or a
/// data frame's columns.
pub(crate) fn plan_names(
    name: &str,
    header: Vec<String>,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    delimiter: u8,
) -> Result<HeaderPlan, Vec<FileProblem>> {
    let err = |line: Option<usize>, unit: Option<&str>, indicator: Option<&str>, message| {
        data_error(name, line, unit, indicator, message)
    };
    let mut fatal: Vec<FileProblem> = crate::io::header_problems(&header)
        .into_iter()
        .map(|crate::io::HeaderProblem { column: c, message }| {
            let name = Some(header[c - 1].as_str()).filter(|h| !h.is_empty());
            err(Some(1), None, name, message).with_form(FormProblem::BadHeader)
        })
        .collect();
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.to_lowercase().as_str()))
    };
    let find_key = |names: &[&str], keys: &[&str]| {
        find(names).or_else(|| {
            header
                .iter()
                .position(|h| keys.contains(&crate::text::name_key(h).as_str()))
        })
    };
    let (c_unit, c_name, c_period) = (
        find_key(&UNIT, &UNIT_KEYS),
        find_key(&NAME, &NAME_KEYS),
        find_key(&PERIOD, &PERIOD_KEYS),
    );
    let Some(c_unit) = c_unit else {
        let mut message = format!(
            "no unit column: name one of unit, uCode, code, province, id (fields separated by {})",
            shown_delimiter(delimiter)
        );
        let one = header.len() == 1;
        if one {
            message.push_str("; the header has one column");
        }
        let problem = err(Some(1), None, None, message)
            .with_form(FormProblem::NoUnitColumn { one_column: one });
        fatal.push(if one {
            problem.with_hint(Hint::Delimiter)
        } else {
            problem
        });
        return Err(fatal);
    };
    let c_ind = find(&["indicator"]);
    let c_val = find(&["value"]);
    let long = match layout {
        Layout::Long => true,
        Layout::Wide => false,
        Layout::Auto => c_ind.is_some() && c_val.is_some(),
    };
    let c_groups: Vec<(usize, &str)> = groups
        .iter()
        .filter_map(|g| {
            let c = header.iter().position(|h| h == g);
            if c.is_none() {
                fatal.push(
                    err(
                        Some(1),
                        None,
                        None,
                        format!("group column '{g}' is not in the file"),
                    )
                    .with_form(FormProblem::MissingGroup { group: g.clone() }),
                );
            }
            c.map(|c| (c, g.as_str()))
        })
        .collect();
    let mut notes = Vec::new();
    let mut indicator_cols: Vec<(usize, &str)> = Vec::new();
    if long {
        if c_ind.is_none() || c_val.is_none() {
            fatal.push(
                err(
                    Some(1),
                    None,
                    None,
                    "the long layout needs indicator and value columns".to_owned(),
                )
                .with_form(FormProblem::LongLayout),
            );
        }
    } else {
        let taken = |c: usize| {
            [Some(c_unit), c_name, c_period].contains(&Some(c)) || c_groups.iter().any(|g| g.0 == c)
        };
        indicator_cols = wide_columns(name, fw, &header, &taken, &mut notes, &mut fatal);
    }
    if !fatal.is_empty() {
        return Err(fatal);
    }
    let (c_self, c_appr) = (find(&["self"]), find(&["appraised"]));
    let c_groups = c_groups
        .into_iter()
        .map(|(c, g)| (c, g.to_owned()))
        .collect();
    let indicator_cols = indicator_cols
        .into_iter()
        .map(|(c, k)| (c, k.to_owned()))
        .collect();
    Ok(HeaderPlan {
        header,
        c_unit,
        c_name,
        c_period,
        c_ind,
        c_val,
        c_self,
        c_appr,
        long,
        c_groups,
        indicator_cols,
        notes,
    })
}

/// The indicator columns of a wide header (by code, or by a node's published name), the
/// columns `taken` aside; a published result column is a note, another column a problem.
fn wide_columns<'f>(
    name: &str,
    fw: &'f Framework,
    header: &[String],
    taken: &dyn Fn(usize) -> bool,
    notes: &mut Vec<String>,
    fatal: &mut Vec<FileProblem>,
) -> Vec<(usize, &'f str)> {
    let err = |line: Option<usize>, unit: Option<&str>, indicator: Option<&str>, message| {
        data_error(name, line, unit, indicator, message)
    };
    let codes: Vec<&str> = fw.def().nodes.iter().map(|n| n.code.as_str()).collect();
    let aliases = Aliases::of(fw);
    let mut indicator_cols = Vec::new();
    for (c, h) in header.iter().enumerate() {
        if taken(c) || h.is_empty() {
            continue;
        }
        if let Some(&code) = codes.iter().find(|k| **k == h.as_str()) {
            indicator_cols.push((c, code));
        } else if let Some(code) = aliases.code(h) {
            // A published table's header: the node's Vietnamese or English name.
            indicator_cols.push((c, code));
        } else if let Some(what) = aliases.result(h) {
            notes.push(format!(
                "{name}: column '{h}' is {what}, a published result, not an input: read past"
            ));
        } else {
            let suggestion = codes.iter().find(|k| k.eq_ignore_ascii_case(h));
            let hint = suggestion
                .map(|k| format!(" (did you mean '{k}'?)"))
                .unwrap_or_default();
            let message = format!(
                "column '{h}' is not an indicator of framework '{}'{hint}",
                fw.id()
            );
            let form = FormProblem::UnknownColumn {
                column: h.clone(),
                suggestion: suggestion.map(|k| (*k).to_owned()),
            };
            fatal.push(
                err(Some(1), None, Some(h), message)
                    .with_hint(Hint::Groups)
                    .with_form(form),
            );
        }
    }
    indicator_cols
}

/// The province a unit cell names, for the provincial DTI frameworks: by registry code or by
/// its Vietnamese name as published (case, diacritics, spacing and "TP."/"Tỉnh" ignored) in
/// the era of the period (the 34 provinces from 2025, the 63 before). Numbers stay ids.
pub(crate) fn province_of(
    fw: &Framework,
    unit: &str,
    period: Option<i32>,
) -> Option<&'static Province> {
    if !fw.id().starts_with("vn-pdti") || !unit.chars().any(char::is_alphabetic) {
        return None;
    }
    let eras = match period {
        Some(p) if p >= 2025 => [Era::From2025, Era::Pre2025],
        _ => [Era::Pre2025, Era::From2025],
    };
    eras.iter()
        .find_map(|&era| crate::model::province_named(unit, era))
}

/// The names a framework's nodes go by in published tables, and the result columns of those
/// tables (views, the index, ranks, row numbers), each compared by `name_key`.
pub(crate) struct Aliases<'a> {
    names: Vec<(String, &'a str)>,
    results: Vec<(String, String)>,
}

impl<'a> Aliases<'a> {
    pub(crate) fn of(fw: &'a Framework) -> Aliases<'a> {
        let key = crate::text::name_key;
        let mut names: Vec<(String, &str)> = Vec::new();
        for n in &fw.def().nodes {
            for name in [&n.name_vi, &n.name_en] {
                names.push((key(name), n.code.as_str()));
            }
        }
        // A name shared by two nodes is no alias.
        let shared: Vec<String> = names
            .iter()
            .filter(|(k, c)| names.iter().any(|(k2, c2)| k2 == k && c2 != c))
            .map(|(k, _)| k.clone())
            .collect();
        names.retain(|(k, _)| !k.is_empty() && !shared.contains(k));
        let mut results: Vec<(String, String)> = RESULT_KEYS
            .iter()
            .map(|k| ((*k).to_owned(), "a rank, row number or total".to_owned()))
            .collect();
        for v in &fw.def().views {
            for name in [&v.name_vi, &v.name_en] {
                results.push((key(name), format!("the view '{}'", v.code)));
            }
            results.push((key(&v.code), format!("the view '{}'", v.code)));
        }
        results.push((key(fw.id()), "the index".to_owned()));
        results.push((key(&fw.def().name_vi), "the index".to_owned()));
        Aliases { names, results }
    }

    /// The code of the node this header or cell names, if any.
    pub(crate) fn code(&self, h: &str) -> Option<&'a str> {
        let k = crate::text::name_key(h);
        self.names.iter().find(|(n, _)| *n == k).map(|(_, c)| *c)
    }

    /// What result column this header is, if it is one.
    pub(crate) fn result(&self, h: &str) -> Option<&str> {
        let k = crate::text::name_key(h);
        self.results
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, what)| what.as_str())
    }
}
