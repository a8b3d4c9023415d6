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
    /// A number (`None`: missing), its decimals in the table, and whether to show its sign.
    Num(Option<f64>, usize, bool),
}

impl Cell {
    /// What the terminal table shows.
    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Num(None, _, _) => "-".to_owned(),
            Cell::Num(Some(v), d, false) if v.abs() >= 1e16 => format!("{v:.d$e}"),
            Cell::Num(Some(v), d, false) => format!("{v:.d$}"),
            Cell::Num(Some(v), d, true) => format!("{v:+.d$}"),
        }
    }

    /// What CSV holds: numbers at full precision, missing as empty.
    fn exact(&self) -> String {
        match self {
            Cell::Text(s) if s == "-" => String::new(),
            Cell::Text(s) => csv_text(s).into_owned(),
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
        let n = self.header.len();
        // Text from input is shown with its control and bidirectional characters escaped:
        // one row per unit, whatever the input.
        let safe = |t: &str| dti_core::text::shown(t).into_owned();
        let shown: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| safe(&c.shown())).collect())
            .collect();
        let header: Vec<String> = self.header.iter().map(|h| safe(h)).collect();
        let width = |c: usize| {
            shown
                .iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..n).map(width).collect();
        let mut out = String::new();
        if let Some(t) = &self.title {
            out.push_str(&safe(t));
            out.push('\n');
        }
        let line = |cells: &[String], out: &mut String| {
            let mut parts = Vec::with_capacity(n);
            for (c, w) in widths.iter().enumerate() {
                let s = cells.get(c).map_or("", |s| s.as_str());
                let pad = w.saturating_sub(s.chars().count());
                parts.push(if self.right.get(c).copied().unwrap_or(false) {
                    format!("{}{s}", " ".repeat(pad))
                } else {
                    format!("{s}{}", " ".repeat(pad))
                });
            }
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(&header, &mut out);
        line(
            &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
            &mut out,
        );
        for r in &shown {
            line(r, &mut out);
        }
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
                let mut stdout = std::io::stdout().lock();
                match stdout.write_all(text.as_bytes()) {
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
                let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
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
