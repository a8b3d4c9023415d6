//! Reading unit data from a file's text: JSON records, or CSV in long (unit, period,
//! indicator, value) or wide (one column per indicator) layout, detected from the header.
//! The one reader behind the `dti` command and the WASM package's `readRecords`: a file
//! gives the same records and the same located problems wherever it is read.

use std::path::Path;

use crate::error::{InputError, InputErrorKind};
use crate::io::file_problem::{FileProblem, FormProblem};
use crate::io::header::{plan_header, province_of, shown_delimiter, Aliases, HeaderPlan};
use crate::io::wide::record_line;
use crate::model::input::{Entry, Value};
use crate::model::{Framework, Province, UnitRecord, PERIODS};

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

/// One CSV cell as a value (see [`Value::from_text`]).
pub(crate) fn parse_cell(s: &str) -> Option<Value> {
    Value::from_text(s)
}

/// A plain decimal (`0.9357`, `-12.5`, `.5`, `3.`) as `str::parse::<f64>` reads it, in a
/// fraction of the time; `None` for anything else (exponents, signs of `+`, more than 19
/// digits, text), which goes the usual way. The digits make an integer below 2⁵³ and the
/// point a power of ten up to 10²², both exact as f64, so one division rounds the exact
/// quotient once — the correctly rounded value (Clinger's fast path, also `parse`'s first).
pub(crate) fn plain_decimal(s: &str) -> Option<f64> {
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
/// problem listed ([`ReadError`](crate::io::ReadError): an error `?` passes on, that derefs
/// to the problems). Rows it cannot take (ragged, no unit, a bad period, an unknown indicator)
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
) -> Result<Records, crate::io::ReadError> {
    let (layout, groups, delimiter) = (options.layout, &options.groups[..], options.delimiter);
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    match ext.as_str() {
        "json" => {
            serde_json::from_str::<Vec<UnitRecord>>(text)
                .map(|units| Records::new(name, units))
                .map_err(|e| {
                    let message = format!("not a JSON array of unit records: {e}");
                    vec![FileProblem::new(name, Some(e.line()), message)
                        .with_form(FormProblem::NotJson)]
                })
        }
        _ => read_csv(name, text, fw, layout, groups, delimiter),
    }
    .map_err(crate::io::ReadError::from)
}

pub(crate) fn read_csv(
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
                let p = data_error(name, Some(line), None, None, e.to_string());
                problems.push(p.with_form(FormProblem::Csv));
                continue;
            }
        }
        let Some((unit, period)) = row_unit_period(
            name,
            &plan,
            &row,
            line,
            delimiter,
            &mut problems,
            &mut no_period,
        ) else {
            continue;
        };
        any_period |= period.is_some();
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
            problems.push(
                data_error(
                    name,
                    Some(*line),
                    Some(unit),
                    None,
                    "the period is empty where other rows give one".to_owned(),
                )
                .with_form(FormProblem::MissingPeriod),
            );
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

/// A row's unit and period, checked: `None` (the row read past) for a blank line, a ragged
/// row, an empty unit or a period that is not a year — each but the blank line a problem. A
/// row with an empty period where the file has a period column is noted in `no_period`.
fn row_unit_period<'r>(
    name: &str,
    plan: &HeaderPlan,
    row: &'r csv::StringRecord,
    line: usize,
    delimiter: u8,
    problems: &mut Vec<FileProblem>,
    no_period: &mut Vec<(usize, String)>,
) -> Option<(&'r str, Option<i32>)> {
    if row.len() != plan.header.len() {
        if row.len() == 1 && row.get(0).is_some_and(|c| c.trim().is_empty()) {
            return None; // a blank line
        }
        let unit = row.get(plan.c_unit).filter(|u| !u.is_empty());
        let message = ragged(row.len(), plan.header.len(), delimiter);
        let form = FormProblem::RaggedRow {
            cells: row.len(),
            expected: plan.header.len(),
        };
        problems.push(data_error(name, Some(line), unit, None, message).with_form(form));
        return None;
    }
    let get = |c: usize| row.get(c).unwrap_or("").trim();
    let unit = get(plan.c_unit);
    if unit.is_empty() {
        problems.push(
            data_error(name, Some(line), None, None, "the unit is empty".to_owned())
                .with_form(FormProblem::EmptyUnit),
        );
        return None;
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
                let form = FormProblem::BadPeriod {
                    period: p.to_owned(),
                };
                problems
                    .push(data_error(name, Some(line), Some(unit), None, message).with_form(form));
                return None;
            };
            Some(y)
        }
    };
    Some((unit, period))
}

/// The reader both CSV readers use: ragged rows allowed (reported by row), cells trimmed.
pub(crate) fn csv_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

/// What is wrong with a file's text before any row is read: nothing in it, or a quoted
/// field that never closes (a CSV parser would swallow the rest of the file into it).
pub(crate) fn text_problem(name: &str, text: &str, delimiter: u8) -> Option<FileProblem> {
    if text.trim().is_empty() {
        let message = "the file is empty".to_owned();
        return Some(
            data_error(name, Some(1), None, None, message).with_form(FormProblem::EmptyFile),
        );
    }
    let line = crate::io::unterminated_quote(text, delimiter)?;
    let message =
        "a quoted field opens here and no quote closes it before the end of the file".to_owned();
    Some(data_error(name, Some(line), None, None, message).with_form(FormProblem::UnclosedQuote))
}

/// A problem of `file`, located.
pub(crate) fn data_error(
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
pub(crate) struct RowContext<'a> {
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
pub(crate) type RowAt<'r> = (
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
                let p = self.err(Some(line), Some(unit), Some(ind), message);
                problems.push(p.with_form(FormProblem::UnknownIndicator));
                return;
            }
            let entry = long_entry(get(cv), self.c_self.map(get), self.c_appr.map(get));
            if let Some(e) = entry {
                if rec.values.insert(ind.to_owned(), e).is_some() {
                    problems.push(
                        self.err(
                            Some(line),
                            Some(unit),
                            Some(ind),
                            "this indicator is given twice for the unit and period".to_owned(),
                        )
                        .with_form(FormProblem::DuplicateIndicator),
                    );
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
                        problems.push(
                            self.err(
                                Some(line),
                                Some(unit),
                                Some(code),
                                format!("indicator '{code}' has two columns (by code and by name)"),
                            )
                            .with_form(FormProblem::DuplicateColumn),
                        );
                    }
                }
            }
        }
    }
}

/// A long row's entry: self-assessed and appraised when the file has those columns and the
/// row fills one, else the plain value (`None`: no value).
pub(crate) fn long_entry(
    value: &str,
    self_cell: Option<&str>,
    appraised: Option<&str>,
) -> Option<Entry> {
    match (self_cell.map(parse_cell), appraised.map(parse_cell)) {
        (Some(s), Some(a)) if s.is_some() || a.is_some() => Some(Entry::assessed(s, a)),
        (Some(s), None) if s.is_some() => Some(Entry::assessed(s, None)),
        _ => parse_cell(value).map(Entry::Plain),
    }
}

/// The message for a row of `cells` cells under a header of `header` columns.
pub(crate) fn ragged(cells: usize, header: usize, delimiter: u8) -> String {
    format!(
        "{cells} cell(s) where the header has {header}: the row is {} (fields separated by {})",
        if cells < header { "short" } else { "long" },
        shown_delimiter(delimiter)
    )
}

/// Leaves out the records without a period (with their lines), renumbering the value lines.
pub(crate) fn drop_period_less(
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_problem_of_a_files_form_says_its_kind() {
        // What a page needs to word a problem in its own language: each kind, with details.
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let form = |text: &str, opts: &ReadOptions| -> Vec<Option<FormProblem>> {
            match read_records("t.csv", text, &fw, opts) {
                Ok(r) => r.file_problems.into_iter().map(|p| p.form).collect(),
                Err(e) => e.into_problems().into_iter().map(|p| p.form).collect(),
            }
        };
        let plain = ReadOptions::default();
        let text =
            "unit,period,AWR\nha-noi,2023\n,2023,0.5\nhue,20x3,0.5\nhue,,0.5\nda-nang,2023,0.5\n";
        assert_eq!(
            form(text, &plain),
            [
                Some(FormProblem::RaggedRow {
                    cells: 2,
                    expected: 3
                }),
                Some(FormProblem::EmptyUnit),
                Some(FormProblem::BadPeriod {
                    period: "20x3".into()
                }),
                Some(FormProblem::MissingPeriod),
            ]
        );
        assert_eq!(form("", &plain), [Some(FormProblem::EmptyFile)]);
        assert_eq!(
            form("unit,AWR\n\"a,1\n", &plain),
            [Some(FormProblem::UnclosedQuote)]
        );
        assert_eq!(
            form("unit,period,Region\na,2023,North\n", &plain),
            [Some(FormProblem::UnknownColumn {
                column: "Region".into(),
                suggestion: None
            })]
        );
        assert_eq!(
            form("unit,period,awr\na,2023,1\n", &plain),
            [Some(FormProblem::UnknownColumn {
                column: "awr".into(),
                suggestion: Some("AWR".into())
            })]
        );
        let commas = ReadOptions {
            delimiter: Some(b','),
            ..ReadOptions::default()
        };
        assert_eq!(
            form("unit;period;AWR\n", &commas),
            [Some(FormProblem::NoUnitColumn { one_column: true })]
        );
        let grouped = ReadOptions {
            groups: vec!["Region".into()],
            ..ReadOptions::default()
        };
        assert_eq!(
            form("unit,period,AWR\na,2023,0.5\n", &grouped),
            [Some(FormProblem::MissingGroup {
                group: "Region".into()
            })]
        );
        let long = "unit,period,indicator,value\na,2023,AWR,0.5\na,2023,AWR,0.6\na,2023,XYZ,1\n";
        assert_eq!(
            form(long, &plain),
            [
                Some(FormProblem::DuplicateIndicator),
                Some(FormProblem::UnknownIndicator)
            ]
        );
        assert_eq!(
            form("unit,period,AWR,AWR\na,2023,1,1\n", &plain),
            [Some(FormProblem::BadHeader)]
        );
    }

    use super::*;
    use crate::io::wide::{read_wide_numbers, read_wide_numbers_in};

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

    /// A panel none of whose rows has a name keeps no names (a million `None`s are 24 MB),
    /// and reads as one whose every row has none; one name among them keeps every row's.
    #[test]
    fn a_panel_without_names_keeps_none() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let read = |text: &str| read_wide_numbers("t.csv", text, &fw, &ReadOptions::default());
        let text = "unit,period,AWR\nU1,2023,0.5\nU2,2023,0.25\n";
        let w = read(text).unwrap();
        assert!(w.panel.names.is_empty());
        assert_eq!((w.panel.name(0), w.panel.name(1)), (None, None));
        let records = read_records("t.csv", text, &fw, &ReadOptions::default()).unwrap();
        assert_eq!(w.panel.to_records(), records.units);
        assert!(w.panel.select(&[1]).names.is_empty());
        let named = read("unit,name,period,AWR\nU1,,2023,0.5\nU2,Hai,2023,0.25\n").unwrap();
        assert_eq!(named.panel.names, [None, Some("Hai".to_owned())]);
        assert_eq!(named.panel.name(1), Some("Hai"));
        // A province is named by the registry.
        let province = read("unit,period,AWR\nU1,2023,0.5\nha-noi,2023,0.25\n").unwrap();
        assert_eq!(province.panel.name(0), None);
        assert_eq!(province.panel.name(1), Some("Hà Nội"));
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

    /// The shortest rows a wide file can hold (a one-letter unit, every other cell empty, an
    /// unended last line) fit the stretches the reader sizes by bytes (h + 1 a row), and a
    /// file of blank lines leaves no room held: read in pieces of any size, never given up.
    #[test]
    fn the_shortest_rows_and_blank_lines_are_read() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let mut shortest = String::from("unit,period,AWR,GOV\n");
        for _ in 0..40 {
            shortest.push_str("A,,,\n");
        }
        shortest.push_str("B,,,");
        let blank = format!(
            "unit,AWR\n{}A,0.5\n{}",
            "\n".repeat(1000),
            "\r\n".repeat(1000)
        );
        for (text, rows) in [(&shortest, 41), (&blank, 1)] {
            for piece in [1, 3, 64, usize::MAX] {
                let w = read_wide_numbers_in("t.csv", text, &fw, &ReadOptions::default(), piece)
                    .unwrap_or_else(|| panic!("given up: {text:?}, pieces of {piece}"));
                assert_eq!(w.panel.units.len(), rows, "pieces of {piece}");
                for c in &w.panel.columns {
                    assert_eq!((c.len(), c.capacity()), (rows, rows), "pieces of {piece}");
                }
            }
        }
    }

    /// The wide reader reads what the record reader reads: CRLF, a lone CR, other
    /// delimiters, padded (even by a no-break space) and empty cells, blank and whitespace
    /// lines, in pieces of any size.
    #[test]
    fn the_wide_reader_reads_what_the_record_reader_reads() {
        let fw = Framework::builtin("vn-pdti-2022").unwrap();
        let files = [
            (
                "unit,period,AWR,GOV\nA,2023, 0.5 ,0.25\n\nB,2023,,0.75\n",
                None,
            ),
            (
                "unit,period,AWR,GOV\r\nA,2023,0.5,0.25\r\n  \r\nB,2023,0.1,\r\n",
                None,
            ),
            (
                "unit,period,AWR,GOV\rA,2023,0.5,0.25\rB,2023,0.1,0.2\r",
                None,
            ),
            (
                "unit;period;AWR;GOV\nA;2023;0.5;0.25\nB;2023;\u{a0}0.1\u{a0};0.2",
                Some(b';'),
            ),
            (
                "unit\tperiod\tAWR\tGOV\nA\t2023\t0.5\t0.25\nHà Nội\t2023\t0.1\t0.2\n",
                Some(b'\t'),
            ),
        ];
        for (text, delimiter) in files {
            let opts = ReadOptions {
                delimiter,
                ..ReadOptions::default()
            };
            let r = read_records("t.csv", text, &fw, &opts).unwrap();
            for piece in [1, 5, usize::MAX] {
                let w = read_wide_numbers_in("t.csv", text, &fw, &opts, piece)
                    .unwrap_or_else(|| panic!("{text:?}: given up"));
                let p = &w.panel;
                assert_eq!(p.units.len(), r.units.len(), "{text:?}");
                let lines: Vec<Option<usize>> = w.lines.iter().map(|&l| Some(l)).collect();
                assert_eq!(lines, r.lines, "{text:?}");
                for (k, rec) in r.units.iter().enumerate() {
                    assert_eq!(
                        (&p.units[k], p.periods[k]),
                        (rec.unit.as_str(), rec.period),
                        "{text:?}"
                    );
                    for (code, col) in p.codes.iter().zip(&p.columns) {
                        let want = match rec.values.get(code).and_then(Entry::scored) {
                            Some(Value::Number(x)) => x.to_bits(),
                            _ => f64::NAN.to_bits(),
                        };
                        assert_eq!(col[k].to_bits(), want, "{text:?}, row {k}, {code}");
                    }
                }
            }
        }
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
