//! Tables, CSV and JSON output; `--ascii` folding; writing to stdout or a file.

use std::io::Write;
use std::path::PathBuf;

use dti_core::text::fold_diacritics;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// CSV with a header.
    Csv,
    /// JSON (the library's result types).
    Json,
}

/// One cell: text, or a number shown rounded in the terminal table and written at full
/// precision (the shortest decimal that reads back to the same f64) in CSV.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A rank (`None`: none, shown `-`), written without a string of its own.
    Rank(Option<u32>),
    /// A number (`None`: missing), its decimals in the table, and whether to show its sign.
    Num(Option<f64>, usize, bool),
}

impl Cell {
    /// What the terminal table shows.
    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Rank(r) => rank(*r),
            Cell::Num(None, _, _) => "-".to_owned(),
            Cell::Num(Some(v), d, false) if v.abs() >= 1e16 => format!("{v:.d$e}"),
            Cell::Num(Some(v), d, false) => format!("{v:.d$}"),
            Cell::Num(Some(v), d, true) => format!("{v:+.d$}"),
        }
    }

    /// Appends what the terminal table shows, text escaped as [`safe`] does, without a
    /// string of its own (a streamed table writes millions of cells).
    fn push_shown(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = match self {
            Cell::Text(s) => {
                out.push_str(&dti_core::text::shown(s));
                Ok(())
            }
            Cell::Rank(Some(r)) => {
                out.push_str(itoa::Buffer::new().format(*r));
                Ok(())
            }
            Cell::Rank(None) | Cell::Num(None, _, _) => {
                out.push('-');
                Ok(())
            }
            Cell::Num(Some(v), d, false) if v.abs() >= 1e16 => write!(out, "{v:.d$e}"),
            Cell::Num(Some(v), d, false) => write!(out, "{v:.d$}"),
            Cell::Num(Some(v), d, true) => write!(out, "{v:+.d$}"),
        };
    }

    /// How many characters [`push_shown`](Self::push_shown) writes: numbers of ordinary
    /// size counted from their digits, without formatting them (the widths pass of a
    /// streamed table); anything else written into `scratch` and counted.
    fn width(&self, scratch: &mut String) -> usize {
        match self {
            Cell::Rank(Some(r)) => r.checked_ilog10().unwrap_or(0) as usize + 1,
            Cell::Rank(None) | Cell::Num(None, _, _) => 1,
            // A non-negative number below 10⁹ whose rounding to `d` ≤ 6 decimals cannot carry
            // into a new digit (a margin of half a unit of its last decimal, far above the
            // float's own error there): its integer part's digits, the point and `d` decimals.
            Cell::Num(Some(v), d, false)
                if (0.0..1e9).contains(v) && v.is_sign_positive() && *d <= 6 =>
            {
                let digits = (v.trunc() as u64).checked_ilog10().unwrap_or(0) + 1;
                let next = 10f64.powi(digits as i32);
                if *v + 10f64.powi(-(*d as i32)) < next {
                    digits as usize + if *d > 0 { 1 + d } else { 0 }
                } else {
                    self.counted(scratch)
                }
            }
            _ => self.counted(scratch),
        }
    }

    fn counted(&self, scratch: &mut String) -> usize {
        scratch.clear();
        self.push_shown(scratch);
        scratch.chars().count()
    }

    /// What CSV holds: numbers at full precision, missing as empty.
    fn exact(&self) -> String {
        match self {
            Cell::Text(s) if s == "-" => String::new(),
            Cell::Text(s) => csv_text(s).into_owned(),
            Cell::Rank(r) => r.map(|r| r.to_string()).unwrap_or_default(),
            Cell::Num(None, _, _) => String::new(),
            Cell::Num(Some(v), _, _) => {
                let mut s = String::with_capacity(24);
                push_exact(&mut s, *v);
                s
            }
        }
    }
}

/// Appends a number as CSV holds it: the shortest decimal that reads back to the same f64;
/// very large and very small magnitudes take an exponent (`1e300`, not 300 digits), as
/// Rust's `LowerExp` writes them.
fn push_exact(out: &mut String, v: f64) {
    if v != 0.0 && !(1e-7..1e16).contains(&v.abs()) {
        use std::fmt::Write as _;
        let _ = write!(out, "{v:e}");
    } else {
        dti_core::io::push_number(out, v);
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

/// Prints a one-line message for a person on standard error, with every control and
/// bidirectional character that came from input shown escaped (`\u{1b}`), newlines too.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        // Not `eprintln!`: it panics when standard error is a closed pipe (`2>&1 | head`).
        {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "{}", dti_core::text::shown(&format!($($arg)*)));
        }
    };
}

/// Whether CSV text cells are written as they are (`--raw-csv`), set once at start.
pub static RAW_CSV: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A CSV text cell as this run writes it: neutralised for spreadsheets (a leading `'` before
/// `=`, `+`, `-`, `@`, tab or CR, as OWASP recommends) unless `--raw-csv`.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if RAW_CSV.load(std::sync::atomic::Ordering::Relaxed) {
        std::borrow::Cow::Borrowed(s)
    } else {
        dti_core::text::neutralised(s)
    }
}

/// A row of cells from values of mixed kinds.
#[macro_export]
macro_rules! row {
    ($($cell:expr),* $(,)?) => {
        vec![$($crate::output::Cell::from($cell)),*]
    };
}

/// A table of cells; numeric columns are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: Option<String>,
    /// Lines printed under the table for people (where the numbers come from, what a flag
    /// means); CSV and JSON carry data only.
    pub notes: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub right: Vec<bool>,
}

impl Table {
    pub fn new(header: &[&str], right: &[bool]) -> Table {
        Table {
            title: None,
            notes: Vec::new(),
            header: header.iter().map(|s| (*s).to_owned()).collect(),
            rows: Vec::new(),
            right: right.to_vec(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Aligned text; widths count characters, so Vietnamese names line up.
    pub fn render(&self) -> String {
        let shown = shown_rows(&self.rows);
        let mut widths = self.header_widths();
        for r in &shown {
            widen(&mut widths, r);
        }
        let mut out = self.top(&widths);
        for r in &shown {
            line(&widths, &self.right, r, &mut out);
        }
        out.push_str(&self.bottom());
        out
    }

    /// A table too long to hold whole (a million ranked rows), written as it is made: the
    /// same text as [`render`](Self::render) would give for the rows of `block(0)`,
    /// `block(1)` … `block(blocks - 1)`, in order. Each block is made twice, on every core:
    /// once for the columns' widths, once to be written; no more than a batch of blocks is
    /// held at a time.
    pub fn stream(
        &self,
        sink: &Sink,
        blocks: usize,
        block: impl Fn(usize) -> Vec<Vec<Cell>> + Sync,
    ) -> Result<(), String> {
        use rayon::prelude::*;
        let widths = (0..blocks)
            .into_par_iter()
            .map(|b| {
                let mut w = vec![0; self.header.len()];
                let mut scratch = String::new();
                for r in block(b) {
                    for (w, c) in w.iter_mut().zip(&r) {
                        *w = (*w).max(c.width(&mut scratch));
                    }
                }
                w
            })
            .reduce(
                || self.header_widths(),
                |mut a, b| {
                    widen_by(&mut a, &b);
                    a
                },
            );
        let fold = |t: String| if sink.ascii { fold_diacritics(&t) } else { t };
        let text = |b: usize| {
            let (mut out, mut scratch) = (String::new(), String::new());
            for r in block(b) {
                cell_line(&widths, &self.right, &r, &mut out, &mut scratch);
            }
            fold(out)
        };
        sink.stream(|w| {
            w.write_all(fold(self.top(&widths)).as_bytes())?;
            let mut made: Vec<String> = Vec::new();
            let mut start = 0;
            // Each batch is written while the next is made.
            while start < blocks || !made.is_empty() {
                let end = (start + 32).min(blocks);
                let (written, next) = rayon::join(
                    || made.iter().try_for_each(|t| w.write_all(t.as_bytes())),
                    || (start..end).into_par_iter().map(text).collect(),
                );
                written?;
                made = next;
                start = end;
            }
            w.write_all(fold(self.bottom()).as_bytes())
        })
    }

    /// The header's widths, in characters.
    fn header_widths(&self) -> Vec<usize> {
        self.header
            .iter()
            .map(|h| safe(h).chars().count())
            .collect()
    }

    /// The title, the header and its rule.
    fn top(&self, widths: &[usize]) -> String {
        let mut out = String::new();
        if let Some(t) = &self.title {
            out.push_str(&safe(t));
            out.push('\n');
        }
        let header: Vec<String> = self.header.iter().map(|h| safe(h)).collect();
        line(widths, &self.right, &header, &mut out);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(widths, &self.right, &rule, &mut out);
        out
    }

    /// The notes under the table.
    fn bottom(&self) -> String {
        let mut out = String::new();
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                out.push_str(&safe(n));
                out.push('\n');
            }
        }
        out
    }

    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(self.header.iter().map(|h| csv_text(h).into_owned()));
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(Cell::exact));
        }
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// Text from input as a table shows it: control and bidirectional characters escaped, one
/// row per unit whatever the input.
fn safe(t: &str) -> String {
    dti_core::text::shown(t).into_owned()
}

/// Rows of cells as the table shows them.
fn shown_rows(rows: &[Vec<Cell>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| safe(&c.shown())).collect())
        .collect()
}

/// Widens `widths` to hold `cells` (characters, so Vietnamese names line up).
fn widen(widths: &mut [usize], cells: &[String]) {
    for (w, c) in widths.iter_mut().zip(cells) {
        *w = (*w).max(c.chars().count());
    }
}

fn widen_by(widths: &mut [usize], other: &[usize]) {
    for (w, o) in widths.iter_mut().zip(other) {
        *w = (*w).max(*o);
    }
}

/// One line of a table: cells padded to their columns' widths, numbers to the right.
fn line(widths: &[usize], right: &[bool], cells: &[String], out: &mut String) {
    padded(widths, right, out, &mut String::new(), |c, buf| {
        buf.push_str(cells.get(c).map_or("", |s| s.as_str()));
    });
}

/// [`line()`] for cells: each written once into `scratch` to be measured, then padded.
fn cell_line(
    widths: &[usize],
    right: &[bool],
    cells: &[Cell],
    out: &mut String,
    scratch: &mut String,
) {
    padded(widths, right, out, scratch, |c, buf| {
        if let Some(cell) = cells.get(c) {
            cell.push_shown(buf);
        }
    });
}

/// A line of `widths.len()` columns, column `c`'s text written by `cell(c, scratch)`, padded
/// to its width (counted in characters), two spaces apart, trailing spaces trimmed.
fn padded(
    widths: &[usize],
    right: &[bool],
    out: &mut String,
    scratch: &mut String,
    mut cell: impl FnMut(usize, &mut String),
) {
    let start = out.len();
    for (c, w) in widths.iter().enumerate() {
        if c > 0 {
            out.push_str("  ");
        }
        scratch.clear();
        cell(c, scratch);
        let pad = w.saturating_sub(scratch.chars().count());
        if right.get(c).copied().unwrap_or(false) {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(scratch);
        } else {
            out.push_str(scratch);
            out.extend(std::iter::repeat_n(' ', pad));
        }
    }
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
    out.push('\n');
}

/// CSV text written field by field, with the cells of [`Table::csv`], for outputs too long
/// to hold as a table first (`--ascii` folds its text fields). Fields are quoted as the
/// `csv` crate quotes them (when they hold a comma, a quote or a line break); numbers and
/// ranks never need it, so they are written without looking.
pub struct CsvRows {
    buf: String,
    first: bool,
    ascii: bool,
}

impl CsvRows {
    /// Rows to come, for blocks of a table written elsewhere.
    pub fn new(ascii: bool) -> CsvRows {
        CsvRows {
            buf: String::new(),
            first: true,
            ascii,
        }
    }

    /// [`CsvRows::new`] with room for `bytes` from the start.
    pub fn with_capacity(ascii: bool, bytes: usize) -> CsvRows {
        CsvRows {
            buf: String::with_capacity(bytes),
            first: true,
            ascii,
        }
    }

    /// A table's header row.
    pub fn header(header: &[String], ascii: bool) -> CsvRows {
        let mut rows = CsvRows::new(ascii);
        for h in header {
            rows.text(h);
        }
        rows.end();
        rows
    }

    fn separate(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.buf.push(',');
        }
    }

    /// A text field (`-`, the table's mark of nothing, is empty as in [`Table::csv`]).
    pub fn text(&mut self, s: &str) {
        self.separate();
        let s = if s == "-" { "" } else { s };
        let safe = csv_text(s);
        let s = safe.as_ref();
        let folded;
        let s = if self.ascii && !s.is_ascii() {
            folded = fold_diacritics(s);
            folded.as_str()
        } else {
            s
        };
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            self.buf.push('"');
            for (k, part) in s.split('"').enumerate() {
                if k > 0 {
                    self.buf.push_str("\"\"");
                }
                self.buf.push_str(part);
            }
            self.buf.push('"');
        } else {
            self.buf.push_str(s);
        }
    }

    /// A number at full precision (missing: empty).
    pub fn number(&mut self, x: Option<f64>) {
        self.separate();
        if let Some(v) = x {
            push_exact(&mut self.buf, v);
        }
    }

    /// A rank (missing: empty).
    pub fn rank(&mut self, r: Option<u32>) {
        self.separate();
        if let Some(k) = r {
            self.buf.push_str(itoa::Buffer::new().format(k));
        }
    }

    /// Ends a row.
    pub fn end(&mut self) {
        self.buf.push('\n');
        self.first = true;
    }

    /// The text.
    pub fn into_string(self) -> String {
        self.buf
    }
}

/// An optional number shown with `d` decimals (`-` when missing), exact in CSV.
pub fn num(x: Option<f64>, d: usize) -> Cell {
    Cell::Num(x, d, false)
}

/// As [`num`], with its sign shown.
pub fn signed(x: Option<f64>, d: usize) -> Cell {
    Cell::Num(x, d, true)
}

/// Formats an optional rank.
pub fn rank<T: std::fmt::Display>(r: Option<T>) -> String {
    r.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Standard output, buffered. On a terminal, what input put in the output is shown escaped
/// there as in the table (`\u{1b}`, see [`dti_core::text::shown`]): CSV and JSON reach files
/// and pipes exactly as they are, never a terminal raw.
fn stdout() -> Box<dyn Write + Send> {
    use std::io::IsTerminal as _;
    let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
    if std::io::stdout().is_terminal() {
        Box::new(Escaped::new(out))
    } else {
        Box::new(out)
    }
}

/// A writer that shows every hostile character of the text written through it escaped,
/// line breaks kept ([`dti_core::text::shown_lines`]). A character cut between two writes
/// is held until its end comes; bytes that are not UTF-8 are written as U+FFFD.
pub struct Escaped<W: Write> {
    inner: W,
    held: Vec<u8>,
}

impl<W: Write> Escaped<W> {
    pub fn new(inner: W) -> Escaped<W> {
        Escaped {
            inner,
            held: Vec::new(),
        }
    }

    /// Writes what is held up to `upto` bytes, escaped.
    fn pass(&mut self, upto: usize) -> std::io::Result<()> {
        let rest = self.held.split_off(upto);
        let text = String::from_utf8_lossy(&self.held);
        self.inner
            .write_all(dti_core::text::shown_lines(&text).as_bytes())?;
        self.held = rest;
        Ok(())
    }
}

impl<W: Write> Write for Escaped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.held.extend_from_slice(buf);
        let upto = match std::str::from_utf8(&self.held) {
            // The end of a character still to come: held.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            _ => self.held.len(),
        };
        self.pass(upto)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass(self.held.len())?;
        self.inner.flush()
    }
}

/// Where output goes, and how.
pub struct Sink {
    pub out: Option<PathBuf>,
    pub ascii: bool,
}

impl Sink {
    /// Writes text (folded with `--ascii`); a closed pipe is not an error.
    pub fn write(&self, text: &str) -> Result<(), String> {
        let text = if self.ascii {
            std::borrow::Cow::Owned(fold_diacritics(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        match &self.out {
            Some(path) => crate::files::write(path, &text),
            None => {
                let mut stdout = stdout();
                match stdout
                    .write_all(text.as_bytes())
                    .and_then(|()| stdout.flush())
                {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    other => other.map_err(|e| format!("cannot write to stdout: {e}")),
                }
            }
        }
    }

    /// Writes what `fill` makes as it makes it (to the file through a temporary file renamed
    /// into place, or to stdout); a closed pipe is not an error. `fill` folds its own text
    /// with `--ascii` (see [`CsvRows`]). The writer may be handed to another thread.
    pub fn stream(
        &self,
        fill: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
    ) -> Result<(), String> {
        match &self.out {
            Some(path) => crate::files::write_with(path, fill),
            None => {
                let mut stdout = stdout();
                match fill(&mut stdout).and_then(|()| stdout.flush()) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    other => other.map_err(|e| format!("cannot write to stdout: {e}")),
                }
            }
        }
    }

    /// Writes a table in the chosen format, or `json` as JSON.
    pub fn emit(
        &self,
        format: Format,
        table: &Table,
        json: impl FnOnce() -> serde_json::Value,
    ) -> Result<(), String> {
        match format {
            Format::Table => self.write(&table.render()),
            Format::Csv => self.write(&table.csv()),
            Format::Json => {
                let v = json();
                self.write(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_gets_hostile_characters_escaped_whatever_the_writes_cut() {
        // An escape sequence, a bidirectional override (three bytes), a carriage return in a
        // quoted cell and a tab; the CSV's own line breaks stay.
        let text = "rank,unit\n1,\"a\u{1b}[2J\u{202e}b\r\nc\"\n2,Hà\tNội\n";
        let want = "rank,unit\n1,\"a\\u{1b}[2J\\u{202e}b\\u{d}\nc\"\n2,Hà\tNội\n";
        for cut in 1..text.len() {
            let mut w = Escaped::new(Vec::new());
            for piece in text.as_bytes().chunks(cut) {
                w.write_all(piece).unwrap();
            }
            w.flush().unwrap();
            assert_eq!(
                String::from_utf8(w.inner).unwrap(),
                want,
                "writes of {cut} bytes"
            );
        }
        // Bytes that are not UTF-8 (none of the command's own text) are shown, not dropped.
        let mut w = Escaped::new(Vec::new());
        w.write_all(b"a\xffb\x1b").unwrap();
        w.flush().unwrap();
        assert_eq!(String::from_utf8(w.inner).unwrap(), "a\u{fffd}b\\u{1b}");
    }

    #[test]
    fn a_cells_width_is_the_length_of_what_it_shows() {
        // Values near every power of ten, rounding boundaries, zeros, negatives, huge and
        // tiny magnitudes: the counted width (no formatting) equals the formatted one.
        let mut values = vec![
            0.0,
            -0.0,
            1e-300,
            5e-5,
            0.99995,
            0.999949,
            9.99995,
            1e15,
            1e17,
            -3.2,
            f64::MAX,
        ];
        for e in -7..12 {
            let p = 10f64.powi(e);
            values.extend([
                p,
                p * (1.0 - 1e-12),
                p * (1.0 + 1e-12),
                p - 5e-5,
                p - 4.9e-5,
                p * 0.99999,
            ]);
        }
        let mut state = 7u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let m = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push(m * 10f64.powi((state % 13) as i32 - 3));
        }
        let mut scratch = String::new();
        for &v in &values {
            for d in 0..8 {
                for cell in [num(Some(v), d), signed(Some(v), d)] {
                    let mut shown = String::new();
                    cell.push_shown(&mut shown);
                    assert_eq!(
                        cell.width(&mut scratch),
                        shown.chars().count(),
                        "{v} with {d} decimals: {shown}"
                    );
                    assert_eq!(shown, cell.shown());
                }
            }
        }
        for r in [
            None,
            Some(1),
            Some(9),
            Some(10),
            Some(99_999),
            Some(u32::MAX),
        ] {
            assert_eq!(
                Cell::Rank(r).width(&mut scratch),
                Cell::Rank(r).shown().len()
            );
        }
    }

    #[test]
    fn a_streamed_table_is_the_rendered_table() {
        // 5,000 rows in blocks of 512 (the last one short), names of several widths and
        // with a control character, a missing rank, folded with --ascii and not.
        let mut t = Table::new(
            &["rank", "unit", "name", "value", "x #"],
            &[true, false, false, true, true],
        );
        t.title = Some("Ranked".into());
        t.notes.push("a note".into());
        let rows: Vec<Vec<Cell>> = (0..5000u32)
            .map(|k| {
                let name = [
                    "Hà Nội",
                    "Huế",
                    "Thành phố Hồ Chí Minh",
                    "bad\u{1b}[31m",
                    "",
                ][k as usize % 5];
                let value = f64::from(k) * 0.7345 / 3.0;
                row![
                    Cell::Rank((k % 97 != 0).then_some(k + 1)),
                    format!("U{k}"),
                    name,
                    num(Some(value), 4),
                    Cell::Rank(Some(k % 13))
                ]
            })
            .collect();
        let dir = std::env::temp_dir().join(format!("dti-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for ascii in [false, true] {
            let path = dir.join(format!("t{ascii}.txt"));
            let sink = Sink {
                out: Some(path.clone()),
                ascii,
            };
            t.stream(&sink, rows.len().div_ceil(512), |b| {
                rows[b * 512..((b + 1) * 512).min(rows.len())].to_vec()
            })
            .unwrap();
            let mut whole = t.clone();
            whole.rows = rows.clone();
            let want = if ascii {
                fold_diacritics(&whole.render())
            } else {
                whole.render()
            };
            assert_eq!(std::fs::read_to_string(&path).unwrap(), want);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn tables_align_by_characters() {
        let mut t = Table::new(&["rank", "province"], &[true, false]);
        t.push(row!["1", "Đắk Lắk"]);
        t.push(row!["10", "Hà Nội"]);
        assert_eq!(
            t.render(),
            "rank  province\n----  --------\n   1  Đắk Lắk\n  10  Hà Nội\n"
        );
        assert_eq!(t.csv(), "rank,province\n1,Đắk Lắk\n10,Hà Nội\n");
    }

    #[test]
    fn csv_carries_full_precision_and_the_table_rounds() {
        let mut t = Table::new(&["x", "d"], &[true, true]);
        t.push(row![num(Some(0.1 + 0.2), 4), signed(Some(-1.0 / 3.0), 2)]);
        t.push(row![num(None, 4), signed(Some(5.1000000000000005), 1)]);
        assert_eq!(
            t.render(),
            "     x      d\n------  -----\n0.3000  -0.33\n     -   +5.1\n"
        );
        assert_eq!(
            t.csv(),
            "x,d\n0.30000000000000004,-0.3333333333333333\n,5.1000000000000005\n"
        );
        // Huge and tiny magnitudes take an exponent, in both forms.
        let mut t = Table::new(&["x", "d"], &[true, true]);
        t.push(row![num(Some(7e307), 1), signed(Some(-2.5e-9), 1)]);
        assert_eq!(t.csv(), "x,d\n7e307,-2.5e-9\n");
        assert!(t.render().ends_with("7.0e307  -0.0\n"), "{}", t.render());
    }
}
