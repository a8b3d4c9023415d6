//! Tables, CSV and JSON output; `--ascii` folding; writing to stdout or a file.

use std::io::Write;
use std::path::PathBuf;

use dti_core::fold_diacritics;

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

/// A table of text cells; numeric columns are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right: Vec<bool>,
}

impl Table {
    pub fn new(header: &[&str], right: &[bool]) -> Table {
        Table {
            title: None,
            header: header.iter().map(|s| (*s).to_owned()).collect(),
            rows: Vec::new(),
            right: right.to_vec(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Aligned text; widths count characters, so Vietnamese names line up.
    pub fn render(&self) -> String {
        let n = self.header.len();
        let width = |c: usize| {
            self.rows
                .iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .chain([self.header[c].chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..n).map(width).collect();
        let mut out = String::new();
        if let Some(t) = &self.title {
            out.push_str(t);
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
        line(&self.header, &mut out);
        line(
            &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
            &mut out,
        );
        for r in &self.rows {
            line(r, &mut out);
        }
        out
    }

    pub fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(&self.header);
        for r in &self.rows {
            let _ = w.write_record(r);
        }
        w.into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// Formats an optional number with `d` decimals (`-` when missing).
pub fn num(x: Option<f64>, d: usize) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.d$}"))
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
            fold_diacritics(text)
        } else {
            text.to_owned()
        };
        match &self.out {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            None => {
                let mut stdout = std::io::stdout().lock();
                match stdout.write_all(text.as_bytes()) {
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
        t.push(vec!["1".into(), "Đắk Lắk".into()]);
        t.push(vec!["10".into(), "Hà Nội".into()]);
        assert_eq!(
            t.render(),
            "rank  province\n----  --------\n   1  Đắk Lắk\n  10  Hà Nội\n"
        );
        assert_eq!(t.csv(), "rank,province\n1,Đắk Lắk\n10,Hà Nội\n");
    }
}
