//! A clean wide file read straight into columns: the fast path of the command and the
//! batch readers, which falls back to [`super::read_records`] for its messages.

use crate::io::header::{plan_header, province_of, HeaderPlan};
use crate::io::records::{parse_cell, plain_decimal, text_problem, ReadOptions};
use crate::model::input::Value;
use crate::model::{Framework, PERIODS};

/// A clean wide file read straight into columns (see [`read_wide_numbers`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WideNumbers {
    /// The rows: unit (a named province resolved to its code), name, period, and one column
    /// per indicator column of the file (NaN: the cell is empty).
    pub panel: crate::io::Panel,
    /// The file line of each row.
    pub lines: Vec<usize>,
    /// What the reader did that the user should know (result columns read past).
    pub notes: Vec<String>,
}

/// Reads a wide CSV whose every indicator cell is a finite number or empty straight into
/// columns: one pass over the text, no record per unit. The rows, units, names and periods
/// are exactly those [`read_records`](crate::io::read_records) gives (the fast path of `dti score`). `None` for
/// anything else — the long layout, group columns, an indicator given twice, a row the
/// record reader would report (ragged, no unit, a bad or missing period), a cell that is not
/// a finite number: the record reader then reads the file and reports all of it.
///
/// A file without a quote after its header is read in pieces of a few megabytes cut at line
/// ends, on every core with the feature `parallel` (the rows, lines and values are those of
/// one pass: a piece's lines count from the newlines before it).
pub fn read_wide_numbers(
    name: &str,
    text: &str,
    fw: &Framework,
    options: &ReadOptions,
) -> Option<WideNumbers> {
    read_wide_numbers_in(name, text, fw, options, 4 << 20)
}

/// [`read_wide_numbers`] in pieces of about `piece` bytes (tests read small files in pieces).
#[doc(hidden)]
pub fn read_wide_numbers_in(
    name: &str,
    text: &str,
    fw: &Framework,
    options: &ReadOptions,
    piece: usize,
) -> Option<WideNumbers> {
    let (layout, groups, delimiter) = (options.layout, &options.groups[..], options.delimiter);
    let delimiter = delimiter.unwrap_or_else(|| crate::io::sniff_delimiter(text));
    if text_problem(name, text, delimiter).is_some() {
        return None;
    }
    // Cells are trimmed as they are read (`get`): the reader trims the header only (trimming
    // a record makes a new one, an allocation per row).
    let mut reader = wide_reader(text.as_bytes(), delimiter, true);
    let plan = plan_header(name, &mut reader, fw, layout, groups, delimiter).ok()?;
    let mut codes: Vec<String> = plan.indicator_cols.iter().map(|(_, k)| k.clone()).collect();
    codes.sort_unstable();
    codes.dedup();
    if plan.long || !plan.c_groups.is_empty() || codes.len() != plan.indicator_cols.len() {
        return None;
    }
    let body_at = usize::try_from(reader.position().byte()).ok()?;
    let body = text.get(body_at..)?;
    let line_at = usize::try_from(reader.position().line()).ok()?;
    // Pieces start after a newline, so each reader starts where the one pass would be:
    // outside any field (no quotes), at the start of a record. Each piece's lines count from
    // 1 as it is read (and its newlines are counted there, on its core): its rows' lines are
    // moved to the file's once every piece is read.
    let pieces: Vec<&str> = if body.as_bytes().contains(&b'"') {
        vec![body]
    } else {
        let mut pieces = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            let cut = match rest
                .as_bytes()
                .get(piece..)
                .and_then(|b| b.iter().position(|&c| c == b'\n'))
            {
                Some(k) => piece + k + 1,
                None => rest.len(),
            };
            let (head, tail) = rest.split_at(cut);
            pieces.push(head);
            rest = tail;
        }
        pieces
    };
    let read = |&piece: &&str| {
        let newlines = piece.bytes().filter(|&c| c == b'\n').count();
        Some((read_wide_rows(piece, &plan, fw, delimiter)?, newlines))
    };
    #[cfg(feature = "parallel")]
    let rows: Option<Vec<(WideRows, usize)>> = {
        use rayon::prelude::*;
        pieces.par_iter().map(read).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let rows: Option<Vec<(WideRows, usize)>> = pieces.iter().map(read).collect();
    let rows = rows?;
    if rows.iter().any(|r| r.0.any_period) && rows.iter().any(|r| r.0.no_period) {
        return None;
    }
    // The file line before each piece's first.
    let before: Vec<usize> = rows
        .iter()
        .scan(line_at.saturating_sub(1), |line, (_, newlines)| {
            let at = *line;
            *line += newlines;
            Some(at)
        })
        .collect();
    let (mut columns, mut units, mut names, mut periods, mut lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((r, _), before) in rows.into_iter().zip(before) {
        columns.push(r.columns);
        units.push(r.units);
        names.push(r.names);
        periods.push(r.periods);
        lines.push((r.lines, before));
    }
    // The pieces joined, each kind of column on a core of its own (with feature `parallel`):
    // the copies and the first touch of a million rows' memory are no longer one after the
    // other.
    let width = plan.indicator_cols.len();
    let column = |c: usize| -> Vec<f64> {
        let mut all = Vec::with_capacity(columns.iter().map(|p| p[c].len()).sum());
        for p in &columns {
            all.extend_from_slice(&p[c]);
        }
        all
    };
    let lines_of = || -> Vec<usize> {
        let mut all = Vec::with_capacity(lines.iter().map(|(l, _)| l.len()).sum());
        for (l, before) in &lines {
            all.extend(l.iter().map(|&k| k + before));
        }
        all
    };
    #[cfg(feature = "parallel")]
    let (numbers, ((units, names), (periods, lines))) = {
        use rayon::prelude::*;
        rayon::join(
            || (0..width).into_par_iter().map(column).collect::<Vec<_>>(),
            || {
                rayon::join(
                    || rayon::join(|| joined(units), || joined(names)),
                    || rayon::join(|| joined(periods), lines_of),
                )
            },
        )
    };
    #[cfg(not(feature = "parallel"))]
    let (numbers, ((units, names), (periods, lines))) = (
        (0..width).map(column).collect::<Vec<_>>(),
        (
            (joined(units), joined(names)),
            (joined(periods), lines_of()),
        ),
    );
    let panel = crate::io::Panel {
        codes: plan.indicator_cols.iter().map(|(_, k)| k.clone()).collect(),
        columns: numbers,
        units,
        names,
        periods,
        // No group columns here: no groups (see `Panel::groups`).
        groups: Vec::new(),
    };
    Some(WideNumbers {
        panel,
        lines,
        notes: plan.notes,
    })
}

/// The pieces' rows, one after the other, in a vector made to measure.
fn joined<T>(parts: Vec<Vec<T>>) -> Vec<T> {
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        all.extend(p);
    }
    all
}

/// The reader of a wide file's text (or a piece of its rows): ragged rows allowed (the
/// record reader reports them), the header trimmed when there is one.
pub(crate) fn wide_reader(text: &[u8], delimiter: u8, header: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .has_headers(header)
        .trim(csv::Trim::Headers)
        .from_reader(text)
}

/// The rows of a piece of a wide file, read into columns.
pub(crate) struct WideRows {
    columns: Vec<Vec<f64>>,
    units: Vec<String>,
    names: Vec<Option<String>>,
    periods: Vec<Option<i32>>,
    lines: Vec<usize>,
    no_period: bool,
    any_period: bool,
}

/// Reads the rows of `piece`, their lines counted from its first (line 1; see
/// [`read_wide_numbers`]); `None` at the first row the record reader would report.
pub(crate) fn read_wide_rows(
    piece: &str,
    plan: &HeaderPlan,
    fw: &Framework,
    delimiter: u8,
) -> Option<WideRows> {
    let mut out = WideRows {
        columns: vec![Vec::new(); plan.indicator_cols.len()],
        units: Vec::new(),
        names: Vec::new(),
        periods: Vec::new(),
        lines: Vec::new(),
        no_period: false,
        any_period: false,
    };
    let mut reader = wide_reader(piece.as_bytes(), delimiter, false);
    let mut row = csv::StringRecord::new();
    loop {
        let line = record_line(piece.as_bytes(), reader.position());
        if !reader.read_record(&mut row).ok()? {
            break;
        }
        if row.len() != plan.header.len() {
            if row.len() == 1 && row.get(0).is_some_and(|c| c.trim().is_empty()) {
                continue; // a blank line
            }
            return None;
        }
        let get = |c: usize| row.get(c).unwrap_or("").trim();
        let unit = get(plan.c_unit);
        if unit.is_empty() {
            return None;
        }
        let period = match plan.c_period.map(get) {
            None => None,
            Some("") => {
                out.no_period = true;
                None
            }
            Some(p) => {
                out.any_period = true;
                Some(p.parse::<i32>().ok().filter(|y| PERIODS.contains(y))?)
            }
        };
        for ((c, _), col) in plan.indicator_cols.iter().zip(&mut out.columns) {
            let cell = get(*c);
            col.push(match plain_decimal(cell) {
                Some(x) => x,
                None => match parse_cell(cell) {
                    None => f64::NAN,
                    Some(Value::Number(x)) if x.is_finite() => x,
                    Some(_) => return None,
                },
            });
        }
        let province = province_of(fw, unit, period);
        let name = plan
            .c_name
            .map(get)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .or_else(|| province.map(|p| p.name_vi.clone()));
        out.units
            .push(province.map_or(unit, |p| p.code.as_str()).to_owned());
        out.names.push(name);
        out.periods.push(period);
        out.lines.push(line);
    }
    Some(out)
}

/// The physical line where the next record of `text` starts, the reader being at `at`: the
/// reader skips empty lines before a record, so they are counted past here.
pub(crate) fn record_line(text: &[u8], at: &csv::Position) -> usize {
    let rest = usize::try_from(at.byte())
        .ok()
        .and_then(|b| text.get(b..))
        .unwrap_or(&[]);
    let skipped = rest
        .iter()
        .take_while(|&&c| c == b'\n' || c == b'\r')
        .filter(|&&c| c == b'\n')
        .count();
    at.line() as usize + skipped
}
