//! Reading unit data from a file's text: JSON records, or CSV in long (unit, period,
//! indicator, value) or wide (one column per indicator) layout, detected from the header.
//! The one reader behind the `dti` command and the WASM package's `readRecords`: a file
//! gives the same records and the same located problems wherever it is read.

use std::fmt;
use std::path::Path;

use crate::error::{InputError, InputErrorKind};
use crate::model::input::{Entry, Value};
use crate::model::{Era, Framework, Province, UnitRecord, PERIODS};

/// How a CSV file is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Detect from the header: `indicator` and `value` columns mean long.
    #[default]
    Auto,
    /// unit, period, indicator, value (optional self, appraised).
    Long,
    /// unit, period, one column per indicator.
    Wide,
}

/// How to read a CSV file: the layout, the grouping columns, the field separator.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Long, wide, or detected from the header (the default).
    pub layout: Layout,
    /// Columns that hold groups (regions, size classes), not indicators.
    pub groups: Vec<String>,
    /// The field separator; `None`: `,` `;` or tab, whichever the header uses most.
    pub delimiter: Option<u8>,
}

setters!(ReadOptions {
    layout: Layout,
    groups: Vec<String>,
    delimiter: Option<u8>,
});

/// A problem in an input file, located as precisely as possible: the file, its physical
/// line (from 1, the header is line 1), the unit and the indicator when known.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct FileProblem {
    /// The file, as the caller named it.
    pub file: String,
    /// The physical line (a quoted field may span lines: the line its record starts on).
    pub line: Option<usize>,
    /// The unit of the row, when the row gives one.
    pub unit: Option<String>,
    /// The indicator (or column) concerned.
    pub indicator: Option<String>,
    /// The record (from 1) when the source has no lines (JSON).
    pub record: Option<usize>,
    /// The record's period, for a problem found in its values.
    pub period: Option<i32>,
    /// What is wrong.
    pub message: String,
    /// A problem of a value found by scoring (see [`Records::problems`]); `None`: a problem
    /// of the file's form.
    #[serde(skip)]
    pub input: Option<Box<InputErrorKind>>,
}

impl FileProblem {
    /// The stable snake_case kind of the problem (the WASM package's `Error.code` when a
    /// file cannot be read).
    ///
    /// ```
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
    /// let opts = dti_core::io::ReadOptions::default();
    /// let e = dti_core::io::read_records("a.csv", "", &fw, &opts).err().unwrap();
    /// assert_eq!((e[0].code(), e[0].line), ("invalid_file", Some(1)));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn code(&self) -> &'static str {
        match &self.input {
            Some(kind) => kind.code(),
            None => "invalid_file",
        }
    }

    /// A problem of `file` at `line`.
    pub fn new(file: &str, line: Option<usize>, message: String) -> FileProblem {
        FileProblem {
            file: file.to_owned(),
            line,
            unit: None,
            indicator: None,
            record: None,
            period: None,
            message,
            input: None,
        }
    }

    /// The problem, located at a unit too.
    #[must_use]
    pub fn with_unit(mut self, unit: Option<&str>) -> FileProblem {
        self.unit = unit.map(str::to_owned);
        self
    }

    /// The problem, located at an indicator too.
    #[must_use]
    pub fn with_indicator(mut self, indicator: Option<&str>) -> FileProblem {
        self.indicator = indicator.map(str::to_owned);
        self
    }
}

impl std::error::Error for FileProblem {}

/// Every problem of a file in one message, as the `dti` command, the npm package and the
/// Python package word it: "N problem(s) in the input:" and one located line each.
///
/// ```
/// use dti_core::io::{describe, FileProblem};
/// let p = [FileProblem::new("a.csv", Some(3), "the unit is empty".into())];
/// assert_eq!(describe(&p), "1 problem(s) in the input:\n  - a.csv, row 3: the unit is empty");
/// ```
pub fn describe(problems: &[FileProblem]) -> String {
    let mut s = format!("{} problem(s) in the input:", problems.len());
    for p in problems {
        s.push_str(&format!("\n  - {p}"));
    }
    s
}

impl fmt::Display for FileProblem {
    /// One line, whatever the input: text from the file (units, indicators, cells) is
    /// shown with its control and bidirectional characters escaped (`crate::text::shown`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::text::shown(&self.raw_text()))
    }
}

impl FileProblem {
    fn raw_text(&self) -> String {
        let mut f = String::new();
        let _ = self.write_raw(&mut f);
        f
    }

    fn write_raw(&self, f: &mut String) -> fmt::Result {
        use fmt::Write as _;
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ", row {l}")?;
        } else if let Some(r) = self.record {
            write!(f, ", record {r}")?;
        }
        if let Some(u) = &self.unit {
            write!(f, ", unit '{u}'")?;
        }
        if let Some(p) = self.period {
            write!(f, " ({p})")?;
        }
        if let Some(i) = &self.indicator {
            write!(f, ", indicator '{i}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

const UNIT: [&str; 6] = ["unit", "ucode", "code", "province", "id", "unit_id"];
const NAME: [&str; 3] = ["name", "uname", "unit_name"];
const PERIOD: [&str; 3] = ["period", "year", "time"];

/// Header names of published tables (compared by `name_key`: diacritics, case and spacing
/// ignored), beside the English ones above: the unit ("Tỉnh/Thành phố"), its name, the
/// period ("Năm").
const UNIT_KEYS: [&str; 5] = ["tinh", "tinhthanhpho", "thanhpho", "tinhthanh", "diaphuong"];
const NAME_KEYS: [&str; 2] = ["ten", "tentinh"];
const PERIOD_KEYS: [&str; 1] = ["nam"];
/// Columns of a published table that are results, not inputs (a row number, a rank, the
/// index): read past, with a note.
const RESULT_KEYS: [&str; 12] = [
    "stt", "tt", "no", "sothutu", "xephang", "thuhang", "hang", "rank", "chisodti", "diemdti",
    "tongdiem", "dti",
];

/// One CSV cell as a value (see [`Value::from_text`]).
fn parse_cell(s: &str) -> Option<Value> {
    Value::from_text(s)
}

/// A plain decimal (`0.9357`, `-12.5`, `.5`, `3.`) as `str::parse::<f64>` reads it, in a
/// fraction of the time; `None` for anything else (exponents, signs of `+`, more than 19
/// digits, text), which goes the usual way. The digits make an integer below 2⁵³ and the
/// point a power of ten up to 10²², both exact as f64, so one division rounds the exact
/// quotient once — the correctly rounded value (Clinger's fast path, also `parse`'s first).
fn plain_decimal(s: &str) -> Option<f64> {
    let (negative, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    let (mut mantissa, mut scale, mut count, mut seen_point) = (0u64, 0i32, 0, false);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                // 19 digits fit a u64 (< 10¹⁹ < 2⁶⁴).
                count += 1;
                if count > 19 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                scale += i32::from(seen_point);
            }
            b'.' if !seen_point => seen_point = true,
            _ => return None,
        }
    }
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if count == 0 || mantissa >= 1 << 53 {
        return None;
    }
    let x = mantissa as f64 / *POW10.get(usize::try_from(scale).ok()?)?;
    Some(if negative { -x } else { x })
}

/// Records read from a file, with the line each began on (CSV).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Records {
    /// The file, as the caller named it.
    pub name: String,
    /// The records, in the order of the file.
    pub units: Vec<UnitRecord>,
    /// The line each record starts on (`None`: JSON, or a source without lines).
    pub lines: Vec<Option<usize>>,
    /// Long layout: the line of each (record, indicator) value.
    pub value_lines: std::collections::HashMap<(usize, String), usize>,
    /// Rows the reader could not take (ragged, no unit, a bad period …), each located.
    pub file_problems: Vec<FileProblem>,
    /// What the reader did that the user should know (result columns read past).
    pub notes: Vec<String>,
}

impl Records {
    /// Records without lines (read from elsewhere), named `name` in messages.
    pub fn new(name: &str, units: Vec<UnitRecord>) -> Records {
        Records {
            name: name.to_owned(),
            lines: vec![None; units.len()],
            units,
            ..Records::default()
        }
    }

    /// The line of record `row`'s `indicator` value (long layout), else of the record.
    pub fn line_of(&self, row: usize, indicator: Option<&str>) -> Option<usize> {
        indicator
            .and_then(|i| self.value_lines.get(&(row, i.to_owned())).copied())
            .or_else(|| self.lines.get(row).copied().flatten())
    }

    /// Describes a core input error with the file and line of its record.
    ///
    /// ```
    /// use dti_core::io::{read_records, ReadOptions};
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
    /// let text = "unit,period,AWR\nha-noi,2023,0.5\nhue,2023,7\n";
    /// let read = read_records("a.csv", text, &fw, &ReadOptions::default()).unwrap();
    /// let err = dti_core::score_records(&fw, &read.units, &Default::default()).unwrap_err();
    /// let dti_core::ScoreError::Input { problems } = err else { panic!() };
    /// assert!(read.locate(&problems[0]).starts_with("a.csv, row 3, unit 'hue' (2023), indicator 'AWR'"));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn locate(&self, e: &InputError) -> String {
        self.located(e).to_string()
    }

    /// A core input error as a problem of the file: the line of its value (long layout) or
    /// record, else the record's number.
    pub fn located(&self, e: &InputError) -> FileProblem {
        let line = self.line_of(e.row, e.indicator.as_deref());
        // A duplicate points at its first record: name that one the same way.
        let message = match e.kind {
            InputErrorKind::DuplicateUnit { first_row } => {
                let first = match self.lines.get(first_row) {
                    Some(Some(l)) => format!("row {l}"),
                    _ => format!("record {}", first_row + 1),
                };
                format!("the unit and period already appear in {first}")
            }
            ref kind => kind.to_string(),
        };
        FileProblem {
            record: line.is_none().then_some(e.row + 1),
            period: e.period,
            input: Some(Box::new(e.kind.clone())),
            ..FileProblem::new(&self.name, line, message)
                .with_unit(Some(&e.unit))
                .with_indicator(e.indicator.as_deref())
        }
    }
}

/// Reads records from a file's text: JSON (a name ending `.json`: an array of unit records)
/// or CSV, long or wide; `name` names the file in problems. Indicator columns go by code or
/// by the node's Vietnamese or English name (a published table's header); result columns
/// (ranks, row numbers, the index, views) are read past with a note; for the provincial
/// frameworks a unit cell may name a province as published ("TP. Hồ Chí Minh").
///
/// `Err`: the file cannot be read at all (empty, an unclosed quote, a header problem), every
/// problem listed. Rows it cannot take (ragged, no unit, a bad period, an unknown indicator)
/// are in [`Records::file_problems`], each with its line; the caller decides whether they
/// are fatal (the `dti` command: unless `--lenient`).
///
/// ```
/// use dti_core::io::{read_records, ReadOptions};
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let text = "Tỉnh/Thành phố,Năm,Nhận thức số\nTP. Hồ Chí Minh,2023,0.5\nHuế,2023\n";
/// let read = read_records("dti.csv", text, &fw, &ReadOptions::default()).unwrap();
/// assert_eq!(read.units[0].unit, "ho-chi-minh");
/// assert_eq!(read.file_problems[0].line, Some(3));
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
pub fn read_records(
    name: &str,
    text: &str,
    fw: &Framework,
    options: &ReadOptions,
) -> Result<Records, Vec<FileProblem>> {
    let (layout, groups, delimiter) = (options.layout, &options.groups[..], options.delimiter);
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    match ext.as_str() {
        "json" => serde_json::from_str::<Vec<UnitRecord>>(text)
            .map(|units| Records::new(name, units))
            .map_err(|e| {
                let message = format!("not a JSON array of unit records: {e}");
                vec![FileProblem::new(name, Some(e.line()), message)]
            }),
        _ => read_csv(name, text, fw, layout, groups, delimiter),
    }
}

fn read_csv(
    name: &str,
    text: &str,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    delimiter: Option<u8>,
) -> Result<Records, Vec<FileProblem>> {
    let delimiter = delimiter.unwrap_or_else(|| crate::io::sniff_delimiter(text));
    if let Some(e) = text_problem(name, text, delimiter) {
        return Err(vec![e]);
    }
    let mut reader = csv_reader(text, delimiter);
    let plan = plan_header(name, &mut reader, fw, layout, groups, delimiter)?;
    let codes: Vec<&str> = fw.def().nodes.iter().map(|n| n.code.as_str()).collect();
    let aliases = Aliases::of(fw);
    let c_groups: Vec<(usize, &str)> = plan
        .c_groups
        .iter()
        .map(|(c, g)| (*c, g.as_str()))
        .collect();
    let indicator_cols: Vec<(usize, &str)> = plan
        .indicator_cols
        .iter()
        .map(|(c, k)| (*c, k.as_str()))
        .collect();
    let mut problems = Vec::new();
    let mut records: Vec<UnitRecord> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let mut value_lines = std::collections::HashMap::new();
    let mut index: std::collections::HashMap<(String, Option<i32>), usize> = Default::default();
    // Rows whose period is empty, and whether any row gives one.
    let (mut no_period, mut any_period) = (Vec::new(), false);
    let ctx = RowContext {
        file: name,
        fw,
        codes: &codes,
        aliases: &aliases,
        c_name: plan.c_name,
        c_groups: &c_groups,
        long: plan.long,
        c_ind: plan.c_ind,
        c_val: plan.c_val,
        c_self: plan.c_self,
        c_appr: plan.c_appr,
        indicator_cols: &indicator_cols,
    };
    let mut row = csv::StringRecord::new();
    loop {
        // The physical line where the record starts (quoted fields may span lines).
        let line = record_line(text.as_bytes(), reader.position());
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(data_error(name, Some(line), None, None, e.to_string()));
                continue;
            }
        }
        if row.len() != plan.header.len() {
            if row.len() == 1 && row.get(0).is_some_and(|c| c.trim().is_empty()) {
                continue; // a blank line
            }
            let unit = row.get(plan.c_unit).filter(|u| !u.is_empty());
            let message = ragged(row.len(), plan.header.len(), delimiter);
            problems.push(data_error(name, Some(line), unit, None, message));
            continue;
        }
        let get = |c: usize| row.get(c).unwrap_or("").trim();
        let unit = get(plan.c_unit);
        if unit.is_empty() {
            problems.push(data_error(
                name,
                Some(line),
                None,
                None,
                "the unit is empty".to_owned(),
            ));
            continue;
        }
        let period = match plan.c_period.map(get) {
            None => None,
            Some("") => {
                no_period.push((line, unit.to_owned()));
                None
            }
            Some(p) => {
                let Some(y) = p.parse::<i32>().ok().filter(|y| PERIODS.contains(y)) else {
                    let message = format!("period '{p}' is not a year between 1000 and 9999");
                    problems.push(data_error(name, Some(line), Some(unit), None, message));
                    continue;
                };
                any_period = true;
                Some(y)
            }
        };
        // A province named as published ("TP. Hồ Chí Minh") is the registry's province.
        let province = province_of(fw, unit, period);
        let unit = province.map_or(unit, |p| p.code.as_str());
        let slot = if plan.long {
            *index.entry((unit.to_owned(), period)).or_insert_with(|| {
                records.push(UnitRecord::new(unit));
                lines.push(line);
                records.len() - 1
            })
        } else {
            records.push(UnitRecord::new(unit));
            lines.push(line);
            records.len() - 1
        };
        let at = (slot, line, unit, period, province);
        ctx.fill(
            &mut records[slot],
            &row,
            at,
            &mut problems,
            &mut value_lines,
        );
    }
    if any_period && !no_period.is_empty() {
        // Some rows give a period and these do not: each is an error, and their records
        // (period-less) are left out rather than scored as a cohort of their own.
        for (line, unit) in &no_period {
            problems.push(data_error(
                name,
                Some(*line),
                Some(unit),
                None,
                "the period is empty where other rows give one".to_owned(),
            ));
        }
        drop_period_less(&mut records, &mut lines, &mut value_lines);
    }
    problems.sort_by_key(|p| p.line);
    Ok(Records {
        name: name.to_owned(),
        units: records,
        lines: lines.into_iter().map(Some).collect(),
        value_lines,
        file_problems: problems,
        notes: plan.notes,
    })
}

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
/// are exactly those [`read_records`] gives (the fast path of `dti score`). `None` for
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
    // outside any field (no quotes), at the start of a record.
    let pieces: Vec<(&str, usize)> = if body.as_bytes().contains(&b'"') {
        vec![(body, line_at)]
    } else {
        let mut pieces = Vec::new();
        let (mut rest, mut line) = (body, line_at);
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
            pieces.push((head, line));
            line += head.bytes().filter(|&c| c == b'\n').count();
            rest = tail;
        }
        pieces
    };
    let read = |&(piece, line): &(&str, usize)| read_wide_rows(piece, line, &plan, fw, delimiter);
    #[cfg(feature = "parallel")]
    let rows: Option<Vec<WideRows>> = {
        use rayon::prelude::*;
        pieces.par_iter().map(read).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let rows: Option<Vec<WideRows>> = pieces.iter().map(read).collect();
    let rows = rows?;
    if rows.iter().any(|r| r.any_period) && rows.iter().any(|r| r.no_period) {
        return None;
    }
    let total = rows.iter().map(|r| r.units.len()).sum();
    let mut panel = crate::io::Panel {
        codes: plan.indicator_cols.iter().map(|(_, k)| k.clone()).collect(),
        // Not `vec![Vec::with_capacity(total); n]`: a clone keeps no capacity, so all but one
        // column would grow by doubling (a third more memory at the peak, and the copies).
        columns: (0..plan.indicator_cols.len())
            .map(|_| Vec::with_capacity(total))
            .collect(),
        units: Vec::with_capacity(total),
        names: Vec::with_capacity(total),
        periods: Vec::with_capacity(total),
        groups: vec![Default::default(); total],
    };
    let mut lines = Vec::with_capacity(total);
    for r in rows {
        for (all, col) in panel.columns.iter_mut().zip(&r.columns) {
            all.extend_from_slice(col);
        }
        panel.units.extend(r.units);
        panel.names.extend(r.names);
        panel.periods.extend(r.periods);
        lines.extend(r.lines);
    }
    Some(WideNumbers {
        panel,
        lines,
        notes: plan.notes,
    })
}

/// The reader of a wide file's text (or a piece of its rows): ragged rows allowed (the
/// record reader reports them), the header trimmed when there is one.
fn wide_reader(text: &[u8], delimiter: u8, header: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .has_headers(header)
        .trim(csv::Trim::Headers)
        .from_reader(text)
}

/// The rows of a piece of a wide file, read into columns.
struct WideRows {
    columns: Vec<Vec<f64>>,
    units: Vec<String>,
    names: Vec<Option<String>>,
    periods: Vec<Option<i32>>,
    lines: Vec<usize>,
    no_period: bool,
    any_period: bool,
}

/// Reads the rows of `piece`, whose first line is line `line0` of the file (see
/// [`read_wide_numbers`]); `None` at the first row the record reader would report.
fn read_wide_rows(
    piece: &str,
    line0: usize,
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
        let line = line0 + record_line(piece.as_bytes(), reader.position()) - 1;
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
fn record_line(text: &[u8], at: &csv::Position) -> usize {
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

/// The reader both CSV readers use: ragged rows allowed (reported by row), cells trimmed.
fn csv_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

/// What is wrong with a file's text before any row is read: nothing in it, or a quoted
/// field that never closes (a CSV parser would swallow the rest of the file into it).
fn text_problem(name: &str, text: &str, delimiter: u8) -> Option<FileProblem> {
    if text.trim().is_empty() {
        let message = "the file is empty".to_owned();
        return Some(data_error(name, Some(1), None, None, message));
    }
    let line = crate::io::unterminated_quote(text, delimiter)?;
    let message =
        "a quoted field opens here and no quote closes it before the end of the file".to_owned();
    Some(data_error(name, Some(line), None, None, message))
}

/// A problem of `file`, located.
fn data_error(
    file: &str,
    line: Option<usize>,
    unit: Option<&str>,
    indicator: Option<&str>,
    message: String,
) -> FileProblem {
    FileProblem::new(file, line, message)
        .with_unit(unit)
        .with_indicator(indicator)
}

/// What a row needs to fill its record: the file, the framework, and the header's plan.
struct RowContext<'a> {
    file: &'a str,
    fw: &'a Framework,
    codes: &'a [&'a str],
    aliases: &'a Aliases<'a>,
    c_name: Option<usize>,
    c_groups: &'a [(usize, &'a str)],
    long: bool,
    c_ind: Option<usize>,
    c_val: Option<usize>,
    c_self: Option<usize>,
    c_appr: Option<usize>,
    indicator_cols: &'a [(usize, &'a str)],
}

/// Where a row goes: its record's slot, its line, its unit, period and the province it names.
type RowAt<'r> = (
    usize,
    usize,
    &'r str,
    Option<i32>,
    Option<&'static Province>,
);

impl RowContext<'_> {
    fn err(
        &self,
        line: Option<usize>,
        unit: Option<&str>,
        indicator: Option<&str>,
        message: String,
    ) -> FileProblem {
        data_error(self.file, line, unit, indicator, message)
    }

    /// Fills a row's record: period, name, groups and values (a long row gives one value, a
    /// wide row one per indicator column); what is wrong goes to `problems`.
    fn fill(
        &self,
        rec: &mut UnitRecord,
        row: &csv::StringRecord,
        (slot, line, unit, period, province): RowAt<'_>,
        problems: &mut Vec<FileProblem>,
        value_lines: &mut std::collections::HashMap<(usize, String), usize>,
    ) {
        let get = |c: usize| row.get(c).unwrap_or("").trim();
        rec.period = period;
        if let Some(n) = self.c_name.map(get).filter(|n| !n.is_empty()) {
            rec.name = Some(n.to_owned());
        } else if let (None, Some(p)) = (&rec.name, province) {
            rec.name = Some(p.name_vi.clone());
        }
        for &(c, g) in self.c_groups {
            if !get(c).is_empty() {
                rec.groups.insert(g.to_owned(), get(c).to_owned());
            }
        }
        if self.long {
            let (Some(ci), Some(cv)) = (self.c_ind, self.c_val) else {
                return;
            };
            let given = get(ci);
            let ind = match self.codes.iter().find(|k| **k == given) {
                Some(k) => *k,
                None => self.aliases.code(given).unwrap_or(given),
            };
            if !self.codes.contains(&ind) {
                let message = format!("not an indicator of framework '{}'", self.fw.id());
                problems.push(self.err(Some(line), Some(unit), Some(ind), message));
                return;
            }
            let entry = long_entry(get(cv), self.c_self.map(get), self.c_appr.map(get));
            if let Some(e) = entry {
                if rec.values.insert(ind.to_owned(), e).is_some() {
                    problems.push(self.err(
                        Some(line),
                        Some(unit),
                        Some(ind),
                        "this indicator is given twice for the unit and period".to_owned(),
                    ));
                }
                // A value's problems point at the line that holds it.
                value_lines.insert((slot, ind.to_owned()), line);
            }
        } else {
            for &(c, code) in self.indicator_cols {
                if let Some(v) = parse_cell(get(c)) {
                    if rec
                        .values
                        .insert(code.to_owned(), Entry::Plain(v))
                        .is_some()
                    {
                        problems.push(self.err(
                            Some(line),
                            Some(unit),
                            Some(code),
                            format!("indicator '{code}' has two columns (by code and by name)"),
                        ));
                    }
                }
            }
        }
    }
}

/// A long row's entry: self-assessed and appraised when the file has those columns and the
/// row fills one, else the plain value (`None`: no value).
fn long_entry(value: &str, self_cell: Option<&str>, appraised: Option<&str>) -> Option<Entry> {
    match (self_cell.map(parse_cell), appraised.map(parse_cell)) {
        (Some(s), Some(a)) if s.is_some() || a.is_some() => Some(Entry::assessed(s, a)),
        (Some(s), None) if s.is_some() => Some(Entry::assessed(s, None)),
        _ => parse_cell(value).map(Entry::Plain),
    }
}

/// The message for a row of `cells` cells under a header of `header` columns.
fn ragged(cells: usize, header: usize, delimiter: u8) -> String {
    format!(
        "{cells} cell(s) where the header has {header}: the row is {} (fields separated by {})",
        if cells < header { "short" } else { "long" },
        shown_delimiter(delimiter)
    )
}

/// Leaves out the records without a period (with their lines), renumbering the value lines.
fn drop_period_less(
    records: &mut Vec<UnitRecord>,
    lines: &mut Vec<usize>,
    value_lines: &mut std::collections::HashMap<(usize, String), usize>,
) {
    let keep: Vec<bool> = records.iter().map(|r| r.period.is_some()).collect();
    let mut new_slot = vec![usize::MAX; records.len()];
    let mut next = 0;
    for (k, &kept) in keep.iter().enumerate() {
        if kept {
            new_slot[k] = next;
            next += 1;
        }
    }
    let mut k = 0;
    records.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    let mut k = 0;
    lines.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    *value_lines = std::mem::take(value_lines)
        .into_iter()
        .filter(|((slot, _), _)| keep[*slot])
        .map(|((slot, ind), line)| ((new_slot[slot], ind), line))
        .collect();
}

/// A delimiter as messages name it.
fn shown_delimiter(d: u8) -> String {
    match d {
        b'\t' => "tab".to_owned(),
        d => format!("'{}'", d as char),
    }
}

/// What a CSV header says: where the unit, name and period are, the layout, the group
/// columns and the indicator columns (by code or by a published name), with notes on the
/// result columns read past. Every header problem is reported together.
struct HeaderPlan {
    header: Vec<String>,
    c_unit: usize,
    c_name: Option<usize>,
    c_period: Option<usize>,
    c_ind: Option<usize>,
    c_val: Option<usize>,
    c_self: Option<usize>,
    c_appr: Option<usize>,
    long: bool,
    c_groups: Vec<(usize, String)>,
    indicator_cols: Vec<(usize, String)>,
    notes: Vec<String>,
}

/// Reads and plans the header of `reader` (see [`HeaderPlan`]).
fn plan_header(
    name: &str,
    reader: &mut csv::Reader<&[u8]>,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    delimiter: u8,
) -> Result<HeaderPlan, Vec<FileProblem>> {
    let err = |line: Option<usize>, unit: Option<&str>, indicator: Option<&str>, message| {
        data_error(name, line, unit, indicator, message)
    };
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(vec![err(Some(1), None, None, e.to_string())]),
    };
    let mut fatal: Vec<FileProblem> = crate::io::header_problems(&header)
        .into_iter()
        .map(|crate::io::HeaderProblem { column: c, message }| {
            let name = Some(header[c - 1].as_str()).filter(|h| !h.is_empty());
            err(Some(1), None, name, message)
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
        if header.len() == 1 {
            message.push_str("; the header has one column: choose the separator with --delimiter");
        }
        fatal.push(err(Some(1), None, None, message));
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
                fatal.push(err(
                    Some(1),
                    None,
                    None,
                    format!("group column '{g}' is not in the file"),
                ));
            }
            c.map(|c| (c, g.as_str()))
        })
        .collect();
    let codes: Vec<&str> = fw.def().nodes.iter().map(|n| n.code.as_str()).collect();
    let aliases = Aliases::of(fw);
    let mut notes = Vec::new();
    let mut indicator_cols: Vec<(usize, &str)> = Vec::new();
    if long {
        if c_ind.is_none() || c_val.is_none() {
            fatal.push(err(
                Some(1),
                None,
                None,
                "the long layout needs indicator and value columns".to_owned(),
            ));
        }
    } else {
        for (c, h) in header.iter().enumerate() {
            if [Some(c_unit), c_name, c_period].contains(&Some(c))
                || c_groups.iter().any(|g| g.0 == c)
                || h.is_empty()
            {
                continue;
            }
            if let Some(code) = codes.iter().find(|k| **k == h.as_str()) {
                indicator_cols.push((c, code));
            } else if let Some(code) = aliases.code(h) {
                // A published table's header: the node's Vietnamese or English name.
                indicator_cols.push((c, code));
            } else if let Some(what) = aliases.result(h) {
                notes.push(format!(
                    "{name}: column '{h}' is {what}, a published result, not an input: read past"
                ));
            } else {
                let hint = codes
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(h))
                    .map(|k| format!(" (did you mean '{k}'?)"))
                    .unwrap_or_default();
                fatal.push(err(
                    Some(1),
                    None,
                    Some(h),
                    format!("column '{h}' is not an indicator of framework '{}'{hint}; use --group for grouping columns", fw.id()),
                ));
            }
        }
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

/// The province a unit cell names, for the provincial DTI frameworks: by registry code or by
/// its Vietnamese name as published (case, diacritics, spacing and "TP."/"Tỉnh" ignored) in
/// the era of the period (the 34 provinces from 2025, the 63 before). Numbers stay ids.
fn province_of(fw: &Framework, unit: &str, period: Option<i32>) -> Option<&'static Province> {
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
struct Aliases<'a> {
    names: Vec<(String, &'a str)>,
    results: Vec<(String, String)>,
}

impl<'a> Aliases<'a> {
    fn of(fw: &'a Framework) -> Aliases<'a> {
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
    fn code(&self, h: &str) -> Option<&'a str> {
        let k = crate::text::name_key(h);
        self.names.iter().find(|(n, _)| *n == k).map(|(_, c)| *c)
    }

    /// What result column this header is, if it is one.
    fn result(&self, h: &str) -> Option<&str> {
        let k = crate::text::name_key(h);
        self.results
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, what)| what.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_decimal_is_what_parse_reads() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut taken = 0;
        // Whether `t` was taken (and then read as parse reads it).
        let check = |t: &str| {
            let x = plain_decimal(t);
            if let Some(x) = x {
                let want: f64 = t.parse().unwrap();
                assert_eq!(x.to_bits(), want.to_bits(), "{t}");
            }
            usize::from(x.is_some())
        };
        for t in [
            "0",
            "-0",
            "0.0",
            "-0.5",
            ".5",
            "5.",
            "0.9357",
            "1",
            "9007199254740991",
            "9007199254740992",
            "0.1",
            "0.30000000000000004",
            "1234567890.123456789",
            "0.0000000000000000000001",
            "00.10",
        ] {
            taken += check(t);
        }
        for _ in 0..200_000 {
            let len = 1 + next() % 21;
            let mut t: String = (0..len)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            if next() % 4 != 0 {
                t.insert(next() as usize % (t.len() + 1), '.');
            }
            if next() % 3 == 0 {
                t.insert(0, '-');
            }
            taken += check(&t);
        }
        assert!(taken > 100_000, "{taken}");
        for t in [
            "",
            ".",
            "-",
            "+1",
            "1e5",
            "1.2.3",
            "0x1",
            "inf",
            "NaN",
            " 1",
            "12345678901234567890",
        ] {
            assert_eq!(plain_decimal(t), None, "{t}");
        }
    }

    /// The one-pass reader takes clean wide files and leaves everything else to the record
    /// reader (which reports it).
    #[test]
    fn wide_numbers_take_only_clean_wide_files() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let read = |text: &str| read_wide_numbers("t.csv", text, &fw, &ReadOptions::default());
        let w = read("province,year,AWR,GOV\nTP. Hồ Chí Minh,2023,0.5,\nha-noi,2023,0.25,0.75\n")
            .expect("clean");
        assert_eq!(w.panel.units, ["ho-chi-minh", "ha-noi"]);
        assert_eq!(w.panel.names[0].as_deref(), Some("TP. Hồ Chí Minh"));
        assert_eq!(w.panel.column("AWR").unwrap(), [0.5, 0.25]);
        assert!(w.panel.column("GOV").unwrap()[0].is_nan());
        assert_eq!(w.lines, [2, 3]);
        // The same rows as the record reader.
        let text = "unit,period,AWR\nha-noi,2023,0.5\nhai-phong,2023,0.25\n";
        let records = read_records("t.csv", text, &fw, &ReadOptions::default()).unwrap();
        let w = read(text).unwrap();
        assert_eq!(w.panel.to_records(), records.units);
        for bad in [
            "unit,period,AWR\nha-noi,2023,yes\n",           // not a number
            "unit,period,AWR\nha-noi,2023,NaN\n",           // not finite
            "unit,period,AWR\nha-noi,2023\n",               // ragged
            "unit,period,AWR\n,2023,0.5\n",                 // no unit
            "unit,period,AWR\nha-noi,20x3,0.5\n",           // bad period
            "unit,period,AWR\nha-noi,2023,0.5\nhue,,0.5\n", // a period missing
            "unit,period,indicator,value\nha-noi,2023,AWR,0.5\n", // long
            "unit,period,AWR,Nhận thức số\nha-noi,2023,0.5,0.5\n", // one indicator twice
            "unit,period,AWR,BOGUS\nha-noi,2023,0.5,0.5\n", // a header problem
        ] {
            assert!(read(bad).is_none(), "{bad}");
        }
        let groups = ["region".to_owned()];
        let text = "unit,region,AWR\nha-noi,north,0.5\n";
        assert!(read_wide_numbers(
            "t.csv",
            text,
            &fw,
            &ReadOptions::default().groups(groups.to_vec())
        )
        .is_none());
    }

    /// Pieces are joined into columns made to measure: every column, not just one, holds
    /// exactly its rows (a `vec![v; n]` of empty vectors would grow all but the last by
    /// doubling — more memory at the peak and a copy per doubling).
    #[test]
    fn wide_columns_are_made_to_measure() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let mut text = String::from("unit,period,AWR,GOV,ECO\n");
        for u in 0..500 {
            text.push_str(&format!("U{u},2023,0.{u},0.5,{}\n", u % 2));
        }
        let w =
            read_wide_numbers_in("t.csv", &text, &fw, &ReadOptions::default(), 256).expect("clean");
        assert_eq!(w.panel.units.len(), 500);
        for (code, c) in w.panel.codes.iter().zip(&w.panel.columns) {
            assert_eq!((c.len(), c.capacity()), (500, 500), "{code}");
        }
        assert_eq!(w.panel.column("ECO").unwrap()[..3], [0.0, 1.0, 0.0]);
    }

    #[test]
    fn cells() {
        assert_eq!(parse_cell(" 0.5 "), Some(Value::Number(0.5)));
        assert_eq!(parse_cell("NA"), None);
        assert_eq!(parse_cell(""), None);
        assert_eq!(parse_cell("yes"), Some(Value::Bool(true)));
        assert_eq!(parse_cell("Không"), Some(Value::Bool(false)));
        assert_eq!(
            parse_cell("954/1865"),
            Some(Value::Ratio {
                numerator: 954.0,
                denominator: 1865.0
            })
        );
        assert_eq!(
            parse_cell("chairman"),
            Some(Value::Label("chairman".into()))
        );
    }
}
