//! A clean wide file read straight into columns: the fast path of the command and the
//! batch readers, which falls back to [`super::read_records`] for its messages.

use crate::io::header::{plan_header, province_of, HeaderPlan};
use crate::io::records::{parse_cell, plain_decimal, text_problem, ReadOptions};
use crate::io::Ids;
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
    // The numbers go straight into the columns, each piece into its own stretch of them
    // (on its own core): no piece's columns to grow and then copy into the file's. A piece
    // holds at most one row per line end (a `\n`, a `\r` not before one, or the end of an
    // unended last line), and at most one per h + 1 of its bytes (a row of h cells has h − 1
    // delimiters, a unit and its line end): the columns never take more than 8 bytes per
    // byte of the file, whatever its blank lines. Stretches that blank lines left short are
    // closed up afterwards.
    let width = plan.indicator_cols.len();
    let row_bytes = plan.header.len() + 1;
    let ends = |piece: &&str| -> (usize, usize) {
        let b = piece.as_bytes();
        let newlines = b.iter().filter(|&&c| c == b'\n').count();
        let lone_crs = if b.contains(&b'\r') {
            b.iter()
                .zip(b.iter().skip(1).chain([&0]))
                .filter(|&(&c, &next)| c == b'\r' && next != b'\n')
                .count()
        } else {
            0
        };
        let unended = usize::from(!b.ends_with(b"\n") && !b.ends_with(b"\r"));
        let rows = (newlines + lone_crs + unended).min((b.len() + 1) / row_bytes);
        (rows, newlines)
    };
    #[cfg(feature = "parallel")]
    let bounds: Vec<(usize, usize)> = {
        use rayon::prelude::*;
        pieces.par_iter().map(ends).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let bounds: Vec<(usize, usize)> = pieces.iter().map(ends).collect();
    let most: usize = bounds.iter().map(|b| b.0).sum();
    let mut numbers: Vec<Vec<f64>> = (0..width).map(|_| vec![0.0; most]).collect();
    let mut stretches: Vec<Vec<&mut [f64]>> = pieces.iter().map(|_| Vec::new()).collect();
    for column in &mut numbers {
        let mut rest = &mut column[..];
        for (stretch, &(n, _)) in stretches.iter_mut().zip(&bounds) {
            let (head, tail) = rest.split_at_mut(n);
            stretch.push(head);
            rest = tail;
        }
    }
    let read = |(piece, out): (&&str, &mut Vec<&mut [f64]>)| {
        read_wide_rows(piece, &plan, fw, delimiter, out)
    };
    #[cfg(feature = "parallel")]
    let rows: Option<Vec<WideRows>> = {
        use rayon::prelude::*;
        pieces
            .par_iter()
            .zip(stretches.par_iter_mut())
            .map(read)
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let rows: Option<Vec<WideRows>> = pieces.iter().zip(stretches.iter_mut()).map(read).collect();
    drop(stretches);
    let rows = rows?;
    if rows.iter().any(|r| r.any_period) && rows.iter().any(|r| r.no_period) {
        return None;
    }
    // Stretches left short (blank lines): the rows moved up to close the gaps.
    let read_rows: usize = rows.iter().map(|r| r.units.len()).sum();
    if read_rows < most {
        for column in &mut numbers {
            let (mut from, mut to) = (0, 0);
            for (r, &(n, _)) in rows.iter().zip(&bounds) {
                column.copy_within(from..from + r.units.len(), to);
                (from, to) = (from + n, to + r.units.len());
            }
            column.truncate(read_rows);
            column.shrink_to_fit();
        }
    }
    // The file line before each piece's first.
    let before: Vec<usize> = bounds
        .iter()
        .scan(line_at.saturating_sub(1), |line, &(_, newlines)| {
            let at = *line;
            *line += newlines;
            Some(at)
        })
        .collect();
    let (mut units, mut names, mut periods, mut lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (r, before) in rows.into_iter().zip(before) {
        units.push(r.units);
        names.push(r.names);
        periods.push(r.periods);
        lines.push((r.lines, before));
    }
    // The pieces' ids joined, each kind on a core of its own (with feature `parallel`).
    let lines_of = || -> Vec<usize> {
        let mut all = Vec::with_capacity(lines.iter().map(|(l, _)| l.len()).sum());
        for (l, before) in &lines {
            all.extend(l.iter().map(|&k| k + before));
        }
        all
    };
    #[cfg(feature = "parallel")]
    let ((units, names), (periods, lines)) = rayon::join(
        || rayon::join(|| Ids::concat(units), || joined(names)),
        || rayon::join(|| joined(periods), lines_of),
    );
    #[cfg(not(feature = "parallel"))]
    let ((units, names), (periods, lines)) = (
        (Ids::concat(units), joined(names)),
        (joined(periods), lines_of()),
    );
    let mut panel = crate::io::Panel {
        codes: plan.indicator_cols.iter().map(|(_, k)| k.clone()).collect(),
        columns: numbers,
        units,
        names,
        periods,
        // No group columns here: no groups (see `Panel::groups`).
        groups: Vec::new(),
    };
    panel.forget_absent_names();
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

/// The rows of a piece of a wide file (their numbers are in the piece's stretch of the
/// columns).
pub(crate) struct WideRows {
    units: Ids,
    names: Vec<Option<String>>,
    periods: Vec<Option<i32>>,
    lines: Vec<usize>,
    no_period: bool,
    any_period: bool,
}

/// Reads the rows of `piece` — row `k`'s numbers into `columns[c][k]` — their lines counted
/// from its first (line 1; see [`read_wide_numbers`]); `None` at the first row the record
/// reader would report, or past the stretches' length (never: it is the piece's line ends).
pub(crate) fn read_wide_rows(
    piece: &str,
    plan: &HeaderPlan,
    fw: &Framework,
    delimiter: u8,
    columns: &mut [&mut [f64]],
) -> Option<WideRows> {
    let most = columns.first().map_or(usize::MAX, |c| c.len());
    let mut out = WideRows {
        units: Ids::with_capacity(most.min(piece.len()), 0),
        names: Vec::with_capacity(most.min(piece.len())),
        periods: Vec::with_capacity(most.min(piece.len())),
        lines: Vec::with_capacity(most.min(piece.len())),
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
        let k = out.units.len();
        if k >= most {
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
        for ((c, _), col) in plan.indicator_cols.iter().zip(columns.iter_mut()) {
            let cell = get(*c);
            col[k] = match plain_decimal(cell) {
                Some(x) => x,
                None => match parse_cell(cell) {
                    None => f64::NAN,
                    Some(Value::Number(x)) if x.is_finite() => x,
                    Some(_) => return None,
                },
            };
        }
        let province = province_of(fw, unit, period);
        let name = plan
            .c_name
            .map(get)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .or_else(|| province.map(|p| p.name_vi.clone()));
        out.units.push(province.map_or(unit, |p| p.code.as_str()));
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
